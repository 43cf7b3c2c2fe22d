"""Query.node: each domain registers how to fetch (and scope) its types by global id."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.models import Model

from resolvers.core import ids
from resolvers.core.access import find_readable
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


def readable_node(model: type[Model], build: Callable[[Any, Context], Any]) -> None:
    """Register the type named like `model` for Query.node: the row when the model's read rule
    (resolvers.core.access) lets this viewer see it, as `build(row, context)` makes it (a value
    or an awaitable); None otherwise."""

    async def fetch(c: Context, pk: uuid.UUID) -> Any:
        row = await find_readable(model, c, pk)
        if row is None:
            return None
        built = build(row, c)
        return await built if inspect.isawaitable(built) else built

    FETCHERS[model.__name__] = fetch


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
