"""The catalog's DataLoaders (one per request: `product_by_id(ctx)`): one query per batch."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from models import Branch, BranchStock, Category, Product
from models.catalog import SalesUnit
from resolvers.catalog.pricing import Break, company_breaks
from resolvers.core.context import Context
from resolvers.core.loaders import by_key, loader, many_by, mapped
from resolvers.core.rows import fetch

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


async def stock_of(ctx: Context, product_ids: Sequence[uuid.UUID]) -> list[list[tuple[Branch, Decimal]]]:
    """Per product, (branch, quantity) for EVERY branch: quantity 0 where the branch has no stock
    row. One statement (the ids as one array parameter on PostgreSQL), the branches once per request."""
    rows = await fetch(BranchStock, "product_id", product_ids, "product_id", "branch_id", "quantity")
    every = await branch_list(ctx).load(ALL)
    found: dict[tuple[uuid.UUID, uuid.UUID], Decimal] = {(p, b): Decimal(q) for p, b, q in rows}
    zero = Decimal(0)
    return [[(b, found.get((k, b.id), zero)) for b in every] for k in product_ids]


@loader
async def stock_by_product_id(ctx: Context, keys: list[uuid.UUID]) -> list[list[tuple[Branch, Decimal]]]:
    """Per product, (branch, quantity) for EVERY branch (`stock_of`)."""
    return await stock_of(ctx, keys)


#: The columns of a product that its GraphQL type reads (ProductRow).
PRODUCT_COLUMNS = (
    "id",
    "sku",
    "ean",
    "name_fr",
    "name_nl",
    "name_en",
    "description_fr",
    "description_nl",
    "description_en",
    "brand",
    "category_id",
    "unit",
    "order_multiple",
    "minimum_quantity",
    "orderable",
    "vat_rate",
    "list_price",
)


class ProductRow:
    """Some of a product's columns as a plain row (no model hydration), for the per-page read
    paths: the attributes the GraphQL Product reads, named as on the model. A column that was
    not read stays unset (reading it raises AttributeError), never a silent None."""

    __slots__ = PRODUCT_COLUMNS

    id: uuid.UUID
    sku: str
    ean: str | None
    name_fr: str
    name_nl: str | None
    name_en: str | None
    description_fr: str | None
    description_nl: str | None
    description_en: str | None
    brand: str | None
    category_id: uuid.UUID | None
    unit: SalesUnit
    order_multiple: Decimal
    minimum_quantity: Decimal
    orderable: bool
    vat_rate: Decimal
    list_price: Decimal

    def __init__(self, columns: Sequence[str], values: Sequence[Any]) -> None:
        # Decimals, UUIDs and booleans come typed from asyncpg and from Tortoise's values_list alike.
        for column, value in zip(columns, values, strict=True):
            setattr(self, column, value)
        if "unit" in columns:
            self.unit = SalesUnit(self.unit)  # PostgreSQL answers the text, Tortoise on SQLite the member


def product_row_columns(columns: Collection[str]) -> tuple[str, ...]:
    """The columns to read for a ProductRow with these: its id first, then in PRODUCT_COLUMNS order."""
    return ("id", *(c for c in PRODUCT_COLUMNS if c in columns and c != "id"))


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
