"""The cart and fast entry: Cart, CartLine, FastEntryLine; CartQuery and CartMutation."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models import Cart as CartRow
from resolvers import cart as rs
from resolvers.catalog import products as catalog
from resolvers.core import ids
from resolvers.core.context import Context
from schema import catalog as catalog_schema
from schema.core.base import Money, Node, UserError, attempt, ctx, errors_field, money, money_field
from schema.core.node import node_type
from schema.core.permissions import Permission, requires
from schema.delivery import Delivery, DeliveryInput
from schema.lines import LineInput
from schema.validation import SubmitInput, ValidationList, ValidationListPayload

if TYPE_CHECKING:
    from schema.catalog import Product  # noqa: F401

ProductRef = Annotated["Product", strawberry.lazy("schema.catalog")]


@strawberry.type
class CartLine(Node):
    product: ProductRef
    quantity: Decimal
    note: str | None
    unit_price: Money | None = money_field()
    line_total: Money | None = money_field()


@strawberry.type
class Cart(Node):
    lines: list[CartLine]
    line_count: int
    subtotal: Money | None = money_field("Null without VIEW_PRICES.")
    delivery: Delivery | None
    updated_at: datetime

    @staticmethod
    async def load(c: Context, row: CartRow) -> Cart:
        """The cart with its priced lines: a fixed number of batched queries for any line count."""
        priced = await rs.priced_lines(c, row)
        products = await catalog_schema.Product.load(c, [p.product for p in priced])
        lines = [
            CartLine(
                id=strawberry.ID(ids.encode("CartLine", p.line.id)),
                product=product,
                quantity=catalog.plain(p.line.quantity),
                note=p.line.note,
                unit_price=money(c, p.unit_price),
                line_total=money(c, p.line_total),
            )
            for p, product in zip(priced, products, strict=True)
        ]
        return Cart(
            id=strawberry.ID(ids.encode("Cart", row.id)),
            lines=lines,
            line_count=len(lines),
            delivery=Delivery.of(row),
            updated_at=row.updated_at,
            subtotal=money(c, rs.subtotal(priced)),
        )


@node_type("Cart")
async def _fetch_cart(c: Context, pk: uuid.UUID) -> Cart | None:
    row = await rs.cart_for_node(c, pk)
    return await Cart.load(c, row) if row else None


@node_type("CartLine")
async def _fetch_cart_line(c: Context, pk: uuid.UUID) -> CartLine | None:
    row = await rs.cart_of_line_for_node(c, pk)
    if row is None:
        return None
    # The whole cart, priced as `cart` prices it (batched: the same queries for 1 or 500 lines).
    wanted = ids.encode("CartLine", pk)
    return next((line for line in (await Cart.load(c, row)).lines if line.id == wanted), None)


@strawberry.type
class CartPayload:
    cart: Cart | None = None
    user_errors: list[UserError] = errors_field()


async def _cart_payload(c: Context, action: Awaitable[Any], partial: bool = False) -> CartPayload:
    return await attempt(CartPayload, action, partial=partial, cart=lambda row: Cart.load(c, row))


@strawberry.type
class CartQuery:
    @strawberry.field(
        extensions=[requires(Permission.PLACE_ORDERS)],
        description="The member's cart (PLACE_ORDERS); empty until something is added.",
    )
    async def cart(self, info: Info) -> Cart:
        c = ctx(info)
        return await Cart.load(c, await rs.cart(c))


@strawberry.type
class CartMutation:
    @strawberry.mutation(
        extensions=[requires(Permission.PLACE_ORDERS)],
        description=(
            "Add lines to the cart (PLACE_ORDERS). A product already in the cart gets the quantity "
            "added to its line, and the sum is checked again. By default any bad line refuses the "
            "whole call (nothing changes); with partial: true the valid lines go in and the bad "
            "ones come back as userErrors next to the cart."
        ),
    )
    async def cart_lines_add(self, info: Info, lines: list[LineInput], partial: bool | None = False) -> CartPayload:
        c = ctx(info)
        return await _cart_payload(c, rs.add_lines(c, lines, partial=bool(partial)), partial=True)

    @strawberry.mutation(extensions=[requires(Permission.PLACE_ORDERS)])
    async def cart_line_update(self, info: Info, line_id: strawberry.ID, quantity: Decimal) -> CartPayload:
        c = ctx(info)
        return await _cart_payload(c, rs.update_line(c, line_id, quantity))

    @strawberry.mutation(extensions=[requires(Permission.PLACE_ORDERS)])
    async def cart_lines_remove(self, info: Info, line_ids: list[strawberry.ID]) -> CartPayload:
        c = ctx(info)
        return await _cart_payload(c, rs.remove_lines(c, line_ids))

    @strawberry.mutation(
        extensions=[requires(Permission.PLACE_ORDERS)],
        description="Remove every line of the cart; the chosen delivery stays.",
    )
    async def cart_clear(self, info: Info) -> CartPayload:
        c = ctx(info)
        return await _cart_payload(c, rs.clear(c))

    @strawberry.mutation(extensions=[requires(Permission.PLACE_ORDERS)])
    async def cart_delivery_set(self, info: Info, input: DeliveryInput) -> CartPayload:
        c = ctx(info)
        return await _cart_payload(c, rs.set_delivery(c, input))

    @strawberry.mutation(extensions=[requires(Permission.PLACE_ORDERS)])
    async def cart_submit(self, info: Info, input: SubmitInput) -> ValidationListPayload:
        c = ctx(info)
        action = rs.cart_submit(c, input.reference, input.note, input.delivery, input.idempotency_key)
        return await attempt(ValidationListPayload, action, validation_list=lambda r: ValidationList.of(r, c))
