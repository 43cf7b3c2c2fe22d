"""Fast entry: pasted text, one line per article, checked and optionally added to the cart."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import strawberry
from strawberry.types import Info

from resolvers.catalog import products as catalog
from resolvers.core.context import Context
from resolvers.fast_entry import EntryLine, FastEntryStatus, fast_entry
from schema import catalog as catalog_schema
from schema.cart import Cart, ProductRef
from schema.core.base import UserError, attempt, ctx, describe_values, errors_field
from schema.core.permissions import Permission, requires

if TYPE_CHECKING:
    from schema.catalog import Product  # noqa: F401


strawberry.enum(FastEntryStatus, name="FastEntryStatus")


describe_values(
    FastEntryStatus,
    OK="Taken as it is.",
    MERGED="A repeated code; its quantity was added to the first line with that code.",
    INVALID_QUANTITY="Not positive, below the minimum or not a multiple of the pack size.",
    UNREADABLE="No code and quantity could be read from the line.",
)


@strawberry.type
class FastEntryLine:
    line_number: int = strawberry.field(
        description="1-based line number in the pasted text; blank lines are counted but not returned."
    )
    input: str = strawberry.field(description="The text of that line as received.")
    status: FastEntryStatus
    product: ProductRef | None
    quantity: Decimal | None
    message: str | None = strawberry.field(description="Why the line was not taken, or how its quantity was adjusted.")


@strawberry.type
class FastEntryPayload:
    lines: list[FastEntryLine] = strawberry.field(default_factory=list)
    cart: Cart | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class FastEntryMutation:
    @strawberry.mutation(
        extensions=[requires(Permission.FAST_ENTRY)],
        description=(
            "Parse pasted text, one line per article: CODE and QUANTITY separated by spaces, tab, ';' or ','. "
            "A code is a SKU, EAN or own article code; a decimal comma is accepted. At most 500 non-blank "
            "lines. Every line comes back with its status; with addToCart the OK lines go to the cart."
        ),
    )
    async def fast_entry(self, info: Info, text: str, add_to_cart: bool | None = True) -> FastEntryPayload:
        c = ctx(info)
        action = fast_entry(c, text, add_to_cart=add_to_cart is not False)
        return await attempt(
            FastEntryPayload, action, lines=lambda r: _lines(c, r[0]), cart=lambda r: Cart.load(c, r[1])
        )


async def _lines(c: Context, entries: list[EntryLine]) -> list[FastEntryLine]:
    """Every parsed line with its product, the products loaded together."""
    products = await catalog_schema.Product.load(c, [e.product for e in entries if e.product is not None])
    by_id = {p.row.id: p for p in products}
    return [
        FastEntryLine(
            line_number=e.line_number,
            input=e.input,
            status=e.status,
            product=by_id[e.product.id] if e.product is not None else None,
            quantity=catalog.plain(e.quantity) if e.quantity is not None and e.quantity.is_finite() else None,
            message=e.message,
        )
        for e in entries
    ]
