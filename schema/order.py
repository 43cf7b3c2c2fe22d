"""Orders: OrderQuery (orders, order) and OrderMutation (orderReorder)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

import models as m
from resolvers import order as ro
from resolvers.catalog import products as catalog
from resolvers.catalog.pricing import line_total
from resolvers.core import ids
from resolvers.core.access import find_readable
from resolvers.core.context import Context
from resolvers.core.errors import DomainError
from resolvers.core.pagination import Page
from schema.account import User
from schema.company import CustomerNumber
from schema.core.base import (
    Money,
    Node,
    PageInfo,
    UserError,
    ctx,
    errors_field,
    money,
    money_field,
    total_count_field,
    user_errors,
)
from schema.core.node import node_type
from schema.delivery import Delivery

pass

if TYPE_CHECKING:
    from schema.cart import CartPayload
    from schema.catalog import Product
    from schema.validation import ValidationList

OrderStatus = strawberry.enum(m.OrderStatus, name="OrderStatus")


@strawberry.type
class OrderLine(Node):
    quantity: Decimal
    unit_price: Money | None = money_field("As frozen when the order was submitted. Null without VIEW_PRICES.")
    line_total: Money | None = money_field("unitPrice x quantity, rounded half-up to cents.")
    product: Annotated[Product, strawberry.lazy("schema.catalog")]
    row: strawberry.Private[m.OrderLine]

    @staticmethod
    def of(row: m.OrderLine, c: Context, product: Product) -> OrderLine:
        return OrderLine(
            id=strawberry.ID(ids.encode("OrderLine", row.id)),
            quantity=catalog.plain(row.quantity),
            unit_price=money(c, row.unit_price),
            line_total=money(c, line_total(row.unit_price, row.quantity)),
            product=product,
            row=row,
        )

    @staticmethod
    async def load(c: Context, rows: list[m.OrderLine]) -> list[OrderLine]:
        """The lines with their products, loaded together (order lines restrict the product's deletion)."""
        from schema.catalog import products_of

        products = await products_of(c, [r.product_id for r in rows])  # type: ignore[attr-defined]
        return [OrderLine.of(r, c, p) for r, p in zip(rows, products, strict=True)]


@strawberry.type
class Order(Node):
    number: str
    status: OrderStatus  # type: ignore[valid-type]
    source: OrderSource  # type: ignore[valid-type]
    reference: str | None
    placed_at: datetime
    delivery: Delivery
    total: Money | None = money_field("Null without VIEW_PRICES.")
    row: strawberry.Private[m.Order]

    @staticmethod
    def of(row: m.Order, c: Context) -> Order:
        return Order(
            id=strawberry.ID(ids.encode("Order", row.id)),
            number=row.number,
            status=row.status,
            source=row.source,
            reference=row.reference,
            placed_at=row.created_at,
            delivery=Delivery.of(row),  # type: ignore[arg-type]  # copied from the validation list
            row=row,
            total=money(c, row.total),
        )

    @strawberry.field
    async def placed_by(self, info: Info) -> User:
        return User.of(await ctx(info).user_by_id.load(self.row.placed_by_id))  # type: ignore[attr-defined]

    @strawberry.field
    async def customer_number(self, info: Info) -> CustomerNumber:
        return CustomerNumber.of(await ctx(info).customer_number_by_id.load(self.row.customer_number_id))  # type: ignore[attr-defined]

    @strawberry.field
    async def lines(self, info: Info) -> list[OrderLine]:
        c = ctx(info)
        return await OrderLine.load(c, await c.lines_by_order_id.load(self.row.id))

    @strawberry.field
    async def validation_list(
        self, info: Info
    ) -> Annotated[ValidationList, strawberry.lazy("schema.validation")] | None:
        pk = self.row.validation_list_id  # type: ignore[attr-defined]
        if pk is None:  # an approved scan becomes an order without a validation list
            return None
        from schema.validation import ValidationList

        c = ctx(info)
        row = await c.validation_list_by_id.load(pk)
        return ValidationList.of(row, c) if row else None


@node_type("Order")
async def _fetch_order(c: Context, pk: uuid.UUID) -> Order | None:
    row = await find_readable(m.Order, c, pk)
    return Order.of(row, c) if row else None


@node_type("OrderLine")
async def _fetch_order_line(c: Context, pk: uuid.UUID) -> OrderLine | None:
    row = await find_readable(m.OrderLine, c, pk)
    return (await OrderLine.load(c, [row]))[0] if row else None


@strawberry.type
class OrderEdge:
    cursor: str
    node: Order


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count = total_count_field()
    page: strawberry.Private[Page[Any]]

    @staticmethod
    def of(page: Page[m.Order], c: Context) -> OrderConnection:
        return OrderConnection(
            edges=[OrderEdge(cursor=cur, node=Order.of(r, c)) for r, cur in zip(page.rows, page.cursors, strict=True)],
            page_info=PageInfo.of(page),
            page=page,
        )


@strawberry.input
class OrderFilter:
    status: list[OrderStatus] | None = None  # type: ignore[valid-type]
    year: int | None = strawberry.field(default=None, description="Orders placed in this calendar year.")
    search: str | None = strawberry.field(default=None, description="Part of the order number or reference.")


@strawberry.type  # in the contract, returned by no mutation yet: listed in Schema(types=...)
class OrderPayload:
    order: Order | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class OrderQuery:
    @strawberry.field
    async def orders(
        self, info: Info, filter: OrderFilter | None = None, first: int | None = 20, after: str | None = None
    ) -> OrderConnection:
        f = filter or OrderFilter()
        c = ctx(info)
        return OrderConnection.of(await ro.orders(c, f.status, f.year, f.search, first, after), c)

    @strawberry.field
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        c = ctx(info)
        row = await ro.order(c, id)
        return Order.of(row, c) if row else None


@strawberry.type
class OrderMutation:
    @strawberry.mutation(
        description=(
            "Copy an order's lines into the cart at today's prices (added to lines already there). "
            'Lines that can no longer be ordered come back as userErrors (field ["lines", i]); the others go in.'
        )
    )
    async def order_reorder(
        self, info: Info, id: strawberry.ID
    ) -> Annotated[CartPayload, strawberry.lazy("schema.cart")]:
        from schema.cart import Cart, CartPayload

        c = ctx(info)
        try:
            row, problems = await ro.reorder(c, id)
        except DomainError as error:
            return CartPayload(user_errors=user_errors(error))
        return CartPayload(cart=await Cart.load(c, row), user_errors=user_errors(DomainError(problems)))


OrderSource = strawberry.enum(m.OrderSource, name="OrderSource")
