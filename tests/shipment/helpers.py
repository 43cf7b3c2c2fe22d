"""Documents, callers and rows shared by the tests of what the ERP writes back on orders."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from models import AuditEvent, Event, IntegrationScope, Order, OrderLine, Shipment, ShipmentLine, StaffRole
from resolvers.core import ids
from tests.factories import Member, make_member, make_staff
from tests.order.helpers import Stock, make_order, make_stock

ERRORS = "userErrors { field code message }"
ORDER = "id status version erpReference lines { id quantity quantityShipped quantityOpen }"
SHIPMENT = """id number shippedAt deliveredAt signedBy trackingUrl
  lines { quantity orderLine { id quantity quantityShipped quantityOpen product { sku } } }"""

STATUS_SET = """
mutation($input: OrderStatusSetInput!) { orderStatusSet(input: $input) { order { %s } %s } }
""" % (ORDER, ERRORS)
RECORD = """
mutation($input: ShipmentRecordInput!) { shipmentRecord(input: $input) { shipment { %s } order { %s } %s } }
""" % (SHIPMENT, ORDER, ERRORS)
DELIVERED = """
mutation($input: ShipmentDeliveredInput!) { shipmentDelivered(input: $input) { shipment { %s } order { %s } %s } }
""" % (SHIPMENT, ORDER, ERRORS)

SHIPPED_AT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
_numbers = itertools.count(1)

#: Callers the ERP's writes refuse, and how (each made by `caller`).
REFUSED = {
    "anonymous": "UNAUTHENTICATED",
    "staff REPRESENTATIVE": "FORBIDDEN",
    "member ADMINISTRATOR": "FORBIDDEN",
    "client READ_ALL": "FORBIDDEN",
    "client MANAGE_WEBHOOKS": "FORBIDDEN",
}
ALLOWED = ["client WRITE_ERP", "staff CUSTOMER_SERVICE", "staff ADMINISTRATOR"]

Scoped = Callable[..., Awaitable[str]]  # the `scoped` fixture (tests/conftest.py)


async def caller(scoped: Scoped, name: str) -> str | None:
    """The token of one of REFUSED's or ALLOWED's callers."""
    kind, _, what = name.partition(" ")
    if kind == "anonymous":
        return None
    if kind == "staff":
        return (await make_staff(StaffRole(what)))[1]
    if kind == "client":
        return await scoped(IntegrationScope(what))
    return (await make_member()).token


@dataclasses.dataclass
class Shop:
    member: Member
    stock: Stock
    order: Order
    lines: list[OrderLine]
    erp: str

    @property
    def order_id(self) -> str:
        return ids.encode("Order", self.order.id)

    def line_id(self, i: int) -> str:
        return ids.encode("OrderLine", self.lines[i].id)


async def make_shop(scoped: Scoped, status: str = "PROCESSING") -> Shop:
    """A member's order of 4 x a and 2 x b (line 0 and 1), and a WRITE_ERP client's token."""
    member = await make_member()
    stock = await make_stock()
    order = await make_order(member, [(stock.a, "4", "12.50"), (stock.b, "2", "3.3333")], branch=stock.branch)
    await Order.filter(id=order.id).update(status=status)
    order = await Order.get(id=order.id)
    lines = await OrderLine.filter(order_id=order.id).order_by("position")
    return Shop(member, stock, order, lines, await scoped(IntegrationScope.WRITE_ERP))


def note(shop: Shop, *lines: tuple[int, str], number: str | None = None, **kw: Any) -> dict[str, Any]:
    """A shipmentRecord input: (line index, quantity) pairs."""
    return {
        "input": {
            "orderId": shop.order_id,
            "number": number or f"DN-{next(_numbers):05d}",
            "shippedAt": SHIPPED_AT.isoformat(),
            "lines": [{"orderLineId": shop.line_id(i), "quantity": q} for i, q in lines],
            **kw,
        }
    }


def later(hours: int) -> str:
    return (SHIPPED_AT + timedelta(hours=hours)).isoformat()


async def state() -> dict[str, Any]:
    """What a refused or replayed write must leave as it was."""
    return {
        "shipments": await Shipment.all().count(),
        "shipment_lines": await ShipmentLine.all().count(),
        "events": await Event.all().count(),
        "audit": await AuditEvent.exclude(
            action__startswith="api_client."
        ).count(),  # clients made, and their every ERP call
        "orders": sorted(await Order.all().values_list("id", "status", "version", "erp_reference")),
        "shipped": sorted((str(i), Decimal(q)) for i, q in await OrderLine.all().values_list("id", "quantity_shipped")),
        "delivered": sorted(
            (str(i), str(d), s) for i, d, s in await Shipment.all().values_list("id", "delivered_at", "signed_by")
        ),
    }


def codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def events(type_name: str) -> list[Event]:
    return await Event.filter(type=type_name).order_by("sequence")
