"""The catalog's DataLoaders (built per request by Context): one query per batch."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

from models import Branch, BranchStock
from resolvers.catalog.pricing import Break, company_breaks
from resolvers.core.loaders import DataLoader

#: The only key of `branch_list`: every branch, loaded once per request.
ALL = "all"


def branch_list() -> DataLoader:
    """Every branch, by name (the key is ALL): one query per request however often it is used."""

    async def batch(keys: list[str]) -> list[list[Branch]]:
        rows = await Branch.all().order_by("name", "code")
        return [rows for _ in keys]

    return DataLoader(batch)


def stock_by_product_id(branches: DataLoader) -> DataLoader:
    """Per product, (branch, quantity) for EVERY branch: quantity 0 where the branch has no stock row."""

    async def batch(keys: list[uuid.UUID]) -> list[list[tuple[Branch, Decimal]]]:
        rows = await BranchStock.filter(product_id__in=list(set(keys))).values_list(
            "product_id", "branch_id", "quantity"
        )
        every = await branches.load(ALL)
        found: dict[tuple[uuid.UUID, uuid.UUID], Decimal] = {(p, b): Decimal(q) for p, b, q in rows}
        zero = Decimal(0)
        return [[(b, found.get((k, b.id), zero)) for b in every] for k in keys]

    return DataLoader(batch)


def prices_by_product_id(company_id: Callable[[], uuid.UUID | None]) -> DataLoader:
    """The acting company's price-list rows per product, ascending minimum ([] when none or staff)."""

    async def batch(keys: list[uuid.UUID]) -> list[list[Break]]:
        found = await company_breaks(company_id(), keys)
        return [found.get(k, []) for k in keys]

    return DataLoader(batch)
