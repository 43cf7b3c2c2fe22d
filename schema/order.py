"""Orders: OrderQuery (orders, order), Backoffice.orders, and OrderMutation (orderReorder, the
ERP's orderStatusSet)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, cast

import strawberry
from strawberry.types import Info

import models as m
from models import OrderSource, OrderStatus
from resolvers import order as ro
from resolvers.account import user_by_id
from resolvers.catalog.products import plain
from resolvers.company.loaders import customer_number_by_id
from resolvers.core import ids
from resolvers.core.access import find_readable
from resolvers.core.context import Context
from resolvers.order import lines_by_order_id
from resolvers.shipment import loaders as shipment_loaders
from resolvers.shipment.status import status_set
from resolvers.validation.loaders import validation_list_by_id
from schema.account import User
from schema.company import CustomerNumber
from schema.core.base import (
    Money,
    Node,
    UserError,
    attempt,
    ctx,
    describe_values,
    errors_field,
    later,
    money,
    money_field,
    preloaded_field,
)
from schema.core.connection import Connection
from schema.core.lookahead import selection
from schema.core.node import node_type, readable_node
from schema.core.permissions import DECIDERS, READ_ORDERS, IntegrationScope, Permission, requires
from schema.delivery import Delivery
from schema.lines import Line

if TYPE_CHECKING:
    from schema.cart import CartPayload
    from schema.shipment import Shipment
    from schema.validation import ValidationList

strawberry.enum(OrderStatus, name="OrderStatus")
describe_values(OrderStatus, PARTIALLY_SHIPPED="Some lines shipped, some still open (backorder).")
strawberry.enum(OrderSource, name="OrderSource")


@strawberry.type
class OrderLine(Node, Line):
    unit_price: Money | None = money_field("As frozen when the order was submitted. Null without VIEW_PRICES.")
    quantity_shipped: Decimal
    quantity_open: Decimal = strawberry.field(description="Ordered and not yet shipped (backorder).")
    row: strawberry.Private[m.OrderLine]
    own_columns: ClassVar[tuple[str, ...]] = ("quantity_shipped",)

    @staticmethod
    def own_fields(row: Any) -> dict[str, Any]:
        shipped = row.quantity_shipped
        return {"quantity_shipped": plain(shipped), "quantity_open": plain(row.quantity - shipped)}


@strawberry.type
class Order(Node):
    number: str
    status: OrderStatus
    source: OrderSource
    reference: str | None
    placed_at: datetime
    delivery: Delivery
    total: Money | None = money_field("Null without VIEW_PRICES.")
    erp_reference: str | None = strawberry.field(
        description="The ERP's own order number, once the ERP has taken the order."
    )
    version: int = strawberry.field(description="Increases at every change; orderStatusSet may quote it.")
    row: strawberry.Private[m.Order]
    #: lines, when loaded with the page (Query.orders); else its field loads them.
    preloaded_lines: strawberry.Private[list[OrderLine] | None] = None

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
            erp_reference=row.erp_reference,
            version=row.version,
        )

    @strawberry.field
    async def placed_by(self, info: Info) -> User:
        return User.of(await user_by_id(ctx(info)).load(self.row.placed_by_id))

    @strawberry.field
    async def customer_number(self, info: Info) -> CustomerNumber:
        return CustomerNumber.of(await customer_number_by_id(ctx(info)).load(self.row.customer_number_id))

    @preloaded_field("preloaded_lines")
    def lines(self, info: Info) -> list[OrderLine]:
        if self.preloaded_lines is not None:
            return self.preloaded_lines
        return cast(Any, self._lines(ctx(info)))

    async def _lines(self, c: Context) -> list[OrderLine]:
        return await OrderLine.load(c, await lines_by_order_id(c).load(self.row.id))

    @strawberry.field
    async def shipments(self, info: Info) -> list[Annotated[Shipment, strawberry.lazy("schema.shipment")]]:
        c = ctx(info)
        shipment = later("schema.shipment", "Shipment")
        return [shipment.of(row, c) for row in await shipment_loaders.shipments_by_order_id(c).load(self.row.id)]

    @strawberry.field
    async def validation_list(
        self, info: Info
    ) -> Annotated[ValidationList, strawberry.lazy("schema.validation")] | None:
        pk = self.row.validation_list_id
        if pk is None:  # an approved scan becomes an order without a validation list
            return None
        c = ctx(info)
        row = await validation_list_by_id(c).load(pk)
        return later("schema.validation", "ValidationList").of(row, c) if row else None


readable_node(m.Order, Order.of)


@node_type("OrderLine")
async def _fetch_order_line(c: Context, pk: uuid.UUID) -> OrderLine | None:
    row = await find_readable(m.OrderLine, c, pk)
    return (await OrderLine.load(c, [row]))[0] if row else None


@strawberry.input
class OrderFilter:
    status: list[OrderStatus] | None = None
    year: int | None = strawberry.field(default=None, description="Orders placed in this calendar year.")
    search: str | None = strawberry.field(default=None, description="Part of the order number or reference.")


@strawberry.type
class OrderPayload:
    order: Order | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class OrderStatusSetInput:
    order_id: strawberry.ID
    status: OrderStatus
    erp_reference: str | None = strawberry.field(
        default=None, description="The ERP's order number, recorded with the first status it sends."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="When given, a stale version gives VERSION_CONFLICT."
    )


def _counted(info: Info) -> bool:
    """totalCount is selected: the page's own statement counts it (paginate's with_total)."""
    return "totalCount" in selection(info)


async def _orders_page(info: Info, page: Any) -> Connection[Order]:
    c = ctx(info)
    orders = [Order.of(r, c) for r in page.rows]
    await OrderLine.preload(c, info, orders, m.OrderLine, "order_id")
    return Connection.of(page, orders)


async def backoffice_orders(
    info: Info,
    filter: OrderFilter | None = None,
    company_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: str | None = None,
) -> Connection[Order]:
    """Backoffice.orders: every company's orders, or one company's, with Query.orders' filter."""
    f = filter or OrderFilter()
    page = await ro.every_order(
        ctx(info), f.status, f.year, f.search, company_id, first, after, with_total=_counted(info)
    )
    return await _orders_page(info, page)


@strawberry.type
class OrderQuery:
    @strawberry.field(extensions=[requires(*READ_ORDERS)])
    async def orders(
        self, info: Info, filter: OrderFilter | None = None, first: int | None = 20, after: str | None = None
    ) -> Connection[Order]:
        f = filter or OrderFilter()
        page = await ro.orders(ctx(info), f.status, f.year, f.search, first, after, with_total=_counted(info))
        return await _orders_page(info, page)

    @strawberry.field(extensions=[requires(*READ_ORDERS)])
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        c = ctx(info)
        row = await ro.order(c, id)
        return Order.of(row, c) if row else None


@strawberry.type
class OrderMutation:
    @strawberry.mutation(
        extensions=[requires(Permission.PLACE_ORDERS)],
        description=(
            "Copy an order's lines into the cart at today's prices (added to lines already there). "
            'Lines that can no longer be ordered come back as userErrors (field ["lines", i]); the others go in.'
        ),
    )
    async def order_reorder(
        self, info: Info, id: strawberry.ID
    ) -> Annotated[CartPayload, strawberry.lazy("schema.cart")]:
        payload = later("schema.cart", "CartPayload")
        c = ctx(info)
        cart = later("schema.cart", "Cart")
        return await attempt(payload, ro.reorder(c, id), partial=True, cart=lambda row: cart.load(c, row))

    @strawberry.mutation(
        extensions=[requires(*DECIDERS, IntegrationScope.WRITE_ERP)],
        description=(
            "The ERP sets an order's status: CONFIRMED -> PROCESSING -> READY_FOR_PICKUP / PARTIALLY_SHIPPED / "
            "SHIPPED -> DELIVERED, or CANCELLED before shipping. The current status again changes nothing."
        ),
    )
    async def order_status_set(self, info: Info, input: OrderStatusSetInput) -> OrderPayload:
        c = ctx(info)
        action = status_set(c, input.order_id, input.status, input.erp_reference, input.expected_version)
        return await attempt(OrderPayload, action, order=lambda row: Order.of(row, c))
