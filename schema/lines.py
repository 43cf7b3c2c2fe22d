"""LineInput, and Line: the fields and the batched load of order, quote and validation-list lines."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Self

import strawberry

from resolvers.catalog.pricing import line_total
from resolvers.catalog.products import plain
from resolvers.core import ids
from resolvers.core.context import Context
from schema.catalog import Product, products_of
from schema.core.base import Money, money, money_field


@strawberry.input(description="A product and quantity. Give productId or code (SKU, EAN or own article code).")
class LineInput:
    product_id: strawberry.ID | None = None
    code: str | None = None
    quantity: Decimal
    note: str | None = None


@strawberry.type
class Line:
    """What an order, quote and validation-list line share: a product, a quantity, a unit price
    and its total. A subclass names itself after its row (the global id's type), declares
    `unit_price` again with its own description, and adds its own fields in `own_fields`."""

    id: strawberry.ID
    quantity: Decimal
    unit_price: Money | None = money_field()
    line_total: Money | None = money_field("unitPrice x quantity, rounded half-up to cents.")
    product: Product
    row: strawberry.Private[Any]

    @classmethod
    def of(cls, row: Any, c: Context, product: Product) -> Self:
        price = row.unit_price  # a REQUESTED quote's lines have none yet
        return cls(
            id=strawberry.ID(ids.encode(cls.__name__, row.id)),
            quantity=plain(row.quantity),
            unit_price=money(c, price),
            line_total=money(c, line_total(price, row.quantity) if price is not None else None),
            product=product,
            row=row,
            **cls.own_fields(row),
        )

    @staticmethod
    def own_fields(row: Any) -> dict[str, Any]:
        return {}

    @classmethod
    async def load(cls, c: Context, rows: Sequence[Any]) -> list[Self]:
        """The lines with their products, loaded together (the lines restrict the product's deletion)."""
        products = await products_of(c, [r.product_id for r in rows])
        return [cls.of(r, c, p) for r, p in zip(rows, products, strict=True)]
