"""Query.node: each domain registers how to fetch (and scope) its types by global id."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.types import Info

from resolvers.core import ids
from resolvers.core.context import Context
from schema.core.base import Node, ctx
from schema.core.permissions import PUBLIC, requires

NodeFetcher = Callable[[Context, uuid.UUID], Awaitable[Any]]
FETCHERS: dict[str, NodeFetcher] = {}


def node_type(type_name: str) -> Callable[[NodeFetcher], NodeFetcher]:
    """Register the fetcher of `type_name`: it returns the GraphQL object, or None when unseen."""

    def register(fetch: NodeFetcher) -> NodeFetcher:
        FETCHERS[type_name] = fetch
        return fetch

    return register


@strawberry.type
class NodeQuery:
    @strawberry.field(extensions=[requires(PUBLIC)])
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        parsed = ids.parse(id)
        if parsed is None or parsed[0] not in FETCHERS:
            return None
        try:
            pk = uuid.UUID(parsed[1])
        except ValueError:
            return None
        return await FETCHERS[parsed[0]](ctx(info), pk)
