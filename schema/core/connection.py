"""One connection for every paginated list: `Connection[T]` and `Edge[T]` (Saleor's
CountableConnection). Strawberry names each use after its node: `Connection[Product]` is
ProductConnection, its edges ProductEdge, as the contract spells them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.core.pagination import Page
from schema.core.base import PageInfo

T = TypeVar("T")


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    page: strawberry.Private[Page[Any]]

    @strawberry.field
    async def total_count(self) -> int:
        # Counted only when selected, at most once (a count(*) reads every matching row).
        return await self.page.total()

    @classmethod
    def of(cls, page: Page[Any], nodes: Sequence[T]) -> Connection[T]:
        """The page's nodes (already GraphQL objects, in the page's order) with their cursors."""
        edges = [Edge(cursor=cursor, node=node) for cursor, node in zip(page.cursors, nodes, strict=True)]
        return cls(edges=edges, page_info=PageInfo.of(page), page=page)
