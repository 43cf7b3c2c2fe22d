"""The catalog's DataLoaders (one per request: `product_by_id(ctx)`): one query per batch."""

from __future__ import annotations

import uuid
from decimal import Decimal

from models import Branch, BranchStock, Category, Product
from resolvers.catalog.pricing import Break, company_breaks
from resolvers.core.context import Context
from resolvers.core.loaders import by_key, loader, many_by, mapped

#: The only key of `branch_list` (and of resolvers.quick_list.loaders.quick_list_product_ids).
ALL = "all"

product_by_id = by_key(Product)
category_by_id = by_key(Category)
categories_by_parent_id = many_by(Category, "parent_id", order_by=("path",))


@loader
async def branch_list(ctx: Context, keys: list[str]) -> list[list[Branch]]:
    """Every branch, by name (the key is ALL): one query per request however often it is used."""
    rows = await Branch.all().order_by("name", "code")
    return [rows for _ in keys]


@loader
async def stock_by_product_id(ctx: Context, keys: list[uuid.UUID]) -> list[list[tuple[Branch, Decimal]]]:
    """Per product, (branch, quantity) for EVERY branch: quantity 0 where the branch has no stock row."""
    rows = await BranchStock.filter(product_id__in=list(set(keys))).values_list("product_id", "branch_id", "quantity")
    every = await branch_list(ctx).load(ALL)
    found: dict[tuple[uuid.UUID, uuid.UUID], Decimal] = {(p, b): Decimal(q) for p, b, q in rows}
    zero = Decimal(0)
    return [[(b, found.get((k, b.id), zero)) for b in every] for k in keys]


@loader
async def prices_by_product_id(ctx: Context, keys: list[uuid.UUID]) -> list[list[Break]]:
    """The acting company's price-list rows per product, ascending minimum ([] when none or staff)."""
    found = await company_breaks(ctx.company_id, keys)
    return [found.get(k, []) for k in keys]


@mapped
async def prices_by_company_and_product(
    keys: list[tuple[uuid.UUID, uuid.UUID]],
) -> dict[tuple[uuid.UUID, uuid.UUID], list[Break]]:
    """(company id, product id) -> that company's price-list rows: for staff, who act for no
    company, reading a company's prices (one query per company in a batch)."""
    companies: dict[uuid.UUID, list[uuid.UUID]] = {}
    for company_id, product_id in keys:
        companies.setdefault(company_id, []).append(product_id)
    found: dict[tuple[uuid.UUID, uuid.UUID], list[Break]] = {}
    for company_id, product_ids in companies.items():
        breaks = await company_breaks(company_id, product_ids)
        found.update({(company_id, p): breaks.get(p, []) for p in product_ids})
    return found
