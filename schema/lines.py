"""LineInput, and Line: the fields and the batched load of order, quote and validation-list lines."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Container, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Self

import strawberry
from strawberry.types import Info
from tortoise.models import Model

from resolvers.catalog.loaders import ProductRow, product_row_columns
from resolvers.catalog.pricing import line_total
from resolvers.catalog.products import plain
from resolvers.core import ids
from resolvers.core.context import Context
from resolvers.core.rows import LineRow, lines_by_owner
from schema.catalog import Product, product_columns, products_of
from schema.core.base import Money, money, money_field
from schema.core.lookahead import EVERYTHING, Selected, selection


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
    #: Columns of the line's own table that `own_fields` reads, read with a page's lines.
    own_columns: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def of(cls, row: Any, c: Context, product: Product | None, selected: Selected | None = None) -> Self:
        """One line of this class (see `maker`)."""
        return cls.maker(c, selected)(row, product)

    @classmethod
    def maker(cls, c: Context, selected: Selected | None = None) -> Callable[[Any, Product | None], Self]:
        """A function making lines of this class from rows (models or LineRow) and their products.
        `product` is None only on a page whose selection has no `product` (Line.preload); with
        `selected` (the page's selection below `lines`) only the fields it names are computed,
        the others are None and never read. What to compute is decided here once for all the
        rows, and each quantity is made plain once per request (quantities repeat on a page)."""
        want: Container[str] = EVERYTHING if selected is None else selected.fields
        kind, own = cls.__name__, cls.own_fields
        with_id, with_quantity = "id" in want, "quantity" in want
        with_price, with_total = "unitPrice" in want, "lineTotal" in want
        plain_of: dict[Decimal, Decimal] = c.memo.setdefault(plain, {})

        def make(row: Any, product: Product | None) -> Any:  # a `cls` (mypy takes no Self in here)
            price, quantity = row.unit_price, row.quantity  # a REQUESTED quote's lines have no price yet
            shown = plain_of.get(quantity) if with_quantity else None
            if shown is None and with_quantity:
                shown = plain_of[quantity] = plain(quantity)
            return cls(
                id=strawberry.ID(ids.encode(kind, row.id)) if with_id else None,  # type: ignore[arg-type]
                quantity=shown,  # type: ignore[arg-type]
                unit_price=money(c, price) if with_price else None,
                line_total=(
                    money(c, line_total(price, quantity) if price is not None else None) if with_total else None
                ),
                product=product,  # type: ignore[arg-type]  # None only where not selected (see above)
                row=row,
                **own(row),
            )

        return make

    @staticmethod
    def own_fields(row: Any) -> dict[str, Any]:
        return {}

    @classmethod
    async def load(cls, c: Context, rows: Sequence[Any]) -> list[Self]:
        """The lines with their products, loaded together (the lines restrict the product's deletion)."""
        products = await products_of(c, [r.product_id for r in rows])
        make = cls.maker(c)
        return [make(r, p) for r, p in zip(rows, products, strict=True)]

    @classmethod
    async def preload(cls, c: Context, info: Info, owners: Sequence[Any], model: type[Model], owner_key: str) -> None:
        """Set `preloaded_lines` on a page's owners (quotes, orders: `owner_key` quote_id,
        order_id) when the page selects their lines, from plain rows: one statement for the lines,
        their products' selected columns read with them, then one statement per level below
        (Product.of_rows), whatever the page size."""
        selected = selection(info).get("edges", "node", "lines")
        if selected is None or not owners:
            return
        product = selected.get("product")
        columns = product_row_columns(product_columns(product)) if product is not None else ()
        lines = await lines_by_owner(model, owner_key, [o.row.id for o in owners], columns, cls.own_columns)
        products: dict[uuid.UUID, Product] = {}
        if product is not None:  # each product once, from the columns read with its lines
            rows = {r.product_id: r.product for rows in lines.values() for r in rows}
            products = await Product.of_rows(c, [ProductRow(columns, values) for values in rows.values()], product)
        make, none = cls.maker(c, selected), list[LineRow]()
        for owner in owners:
            owner.preloaded_lines = [make(r, products.get(r.product_id)) for r in lines.get(owner.row.id, none)]
