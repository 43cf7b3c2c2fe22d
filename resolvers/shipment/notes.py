"""shipmentRecord and shipmentDelivered: the delivery notes of an order and their proof of delivery."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from models import EventType, Order, OrderLine, OrderStatus, Shipment, ShipmentLine, User
from resolvers.catalog.products import plain
from resolvers.core import ids, validate
from resolvers.core.access import get_any
from resolvers.core.audit import record
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems
from resolvers.core.i18n import tr
from resolvers.event import emit
from resolvers.lines import storable_problem
from resolvers.order import snapshot
from resolvers.shipment.versions import Lost, bump, retried, status_changed, utc

S = OrderStatus
#: Nothing ships from these any more.
CLOSED = frozenset({S.CANCELLED, S.DELIVERED})
#: Statuses a shipment moves on to PARTIALLY_SHIPPED when lines stay open.
NOT_YET_SHIPPED = frozenset({S.CONFIRMED, S.PROCESSING, S.READY_FOR_PICKUP})
MAX_TRACKING_URL = 2000


class ShipmentLineValues(Protocol):
    @property
    def order_line_id(self) -> str: ...
    @property
    def quantity(self) -> Decimal: ...


@dataclass(frozen=True)
class _Note:
    """A checked shipmentRecord input."""

    order_id: str
    number: str
    shipped_at: datetime
    tracking_url: str | None
    lines: list[tuple[uuid.UUID, Decimal]]

    def same_as(self, shipment: Shipment, lines: Sequence[ShipmentLine]) -> bool:
        return (
            ids.encode("Order", shipment.order_id) == self.order_id
            and shipment.shipped_at == self.shipped_at
            and shipment.tracking_url == self.tracking_url
            and sorted((r.order_line_id, Decimal(r.quantity)) for r in lines) == sorted(self.lines)
        )


def _tracking_url(problems: Problems, value: str | None) -> str | None:
    """An absolute http(s) URL (the customer's front end links it): another scheme is
    UNSAFE_URL (javascript:, data:, ...), no host or spaces INVALID, over 2000 characters TOO_LONG."""
    url = validate.text(problems, value, "input", "trackingUrl", max_length=MAX_TRACKING_URL, required=False)
    if url is None or len(url) > MAX_TRACKING_URL:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme.lower() not in ("http", "https"):
        problems.add(ErrorCode.UNSAFE_URL, tr("Only http and https links are accepted."), "input", "trackingUrl")
    elif parts is None or not parts.hostname or any(ch.isspace() or ord(ch) < 32 for ch in url):
        problems.add(ErrorCode.INVALID, tr("This is not a valid link."), "input", "trackingUrl")
    return url


def _checked_note(
    order_id: str, number: str, shipped_at: datetime, tracking_url: str | None, lines: Sequence[ShipmentLineValues]
) -> _Note:
    problems = Problems()
    cleaned = validate.text(problems, number, "input", "number", max_length=validate.max_length(Shipment, "number"))
    url = _tracking_url(problems, tracking_url)
    if not lines:
        problems.add(ErrorCode.REQUIRED, tr("A shipment has at least one line."), "input", "lines")
    checked: list[tuple[uuid.UUID, Decimal]] = []
    seen: set[uuid.UUID] = set()
    for i, line in enumerate(lines):
        at = ("input", "lines", str(i))
        pk = ids.decode_or_none(line.order_line_id, "OrderLine")
        if pk is None:
            problems.add(ErrorCode.NOT_FOUND, tr("Not found."), *at, "orderLineId")
        elif pk in seen:
            problems.add(ErrorCode.INVALID, tr("This order line is already in this shipment."), *at, "orderLineId")
        unstorable = storable_problem(line.quantity)
        if unstorable is not None:
            problems.add(ErrorCode.INVALID_QUANTITY, unstorable, *at, "quantity")
        if pk is not None:
            seen.add(pk)
            checked.append((pk, line.quantity))
    problems.raise_any()
    return _Note(order_id, cleaned or "", utc(shipped_at, "input", "shippedAt"), url, checked)


async def record_shipment(
    ctx: Context,
    order_id: str,
    number: str,
    shipped_at: datetime,
    tracking_url: str | None,
    lines: Sequence[ShipmentLineValues],
) -> tuple[Shipment, Order]:
    """shipmentRecord: a delivery note of lines of THAT order (another order's line NOT_FOUND),
    each quantity > 0 and at most what the line still has open (QUANTITY_EXCEEDS_OPEN). The
    order becomes SHIPPED when nothing stays open, else PARTIALLY_SHIPPED (from CONFIRMED,
    PROCESSING or READY_FOR_PICKUP); a CANCELLED or DELIVERED order ships nothing more. Events:
    SHIPMENT_RECORDED, and ORDER_STATUS_CHANGED when the status changed."""
    actor = ctx.require_erp()
    note = _checked_note(order_id, number, shipped_at, tracking_url, lines)
    return await retried(lambda: _record(actor, note), ["input", "orderId"])


async def _record(actor: User, note: _Note) -> tuple[Shipment, Order]:
    # The order first: its version then guards every read after it (a note committed after it
    # was read makes _bump lose, and the next try finds the note a replay).
    order = await get_any(Order, note.order_id, ["input", "orderId"])
    existing = await Shipment.get_or_none(number=note.number)
    if existing is not None:
        if not note.same_as(existing, await ShipmentLine.filter(shipment_id=existing.id)):
            raise DomainError(
                ErrorCode.DUPLICATE_REFERENCE,
                tr("This delivery-note number was already recorded with other data."),
                ["input", "number"],
            )
        return existing, order
    if order.status in CLOSED:
        raise DomainError(
            ErrorCode.INVALID_STATUS_TRANSITION,
            tr("A {status} order ships nothing more.", status=order.status.value),
            ["input", "orderId"],
        )
    order_lines = {line.id: line for line in await OrderLine.filter(order_id=order.id)}
    problems = Problems()
    for i, (pk, quantity) in enumerate(note.lines):
        line = order_lines.get(pk)
        if line is None:
            problems.add(ErrorCode.NOT_FOUND, tr("Not found."), "input", "lines", str(i), "orderLineId")
            continue
        still_open = Decimal(line.quantity) - Decimal(line.quantity_shipped)
        if quantity > still_open:
            problems.add(
                ErrorCode.QUANTITY_EXCEEDS_OPEN,
                tr("Only {open} of this line are still open.", open=plain(still_open)),
                "input",
                "lines",
                str(i),
                "quantity",
            )
    if problems.items and not await Order.filter(id=order.id, version=order.version).exists():
        raise Lost()  # the lines were read after a concurrent note moved the order: read it all again
    problems.raise_any()
    for pk, quantity in note.lines:
        order_lines[pk].quantity_shipped = Decimal(order_lines[pk].quantity_shipped) + quantity
    previous = order.status
    if all(Decimal(line.quantity_shipped) >= Decimal(line.quantity) for line in order_lines.values()):
        status = S.SHIPPED
    else:
        status = S.PARTIALLY_SHIPPED if previous in NOT_YET_SHIPPED else previous
    async with in_transaction():
        await bump(order, status=status)
        shipment = await Shipment.create(
            order_id=order.id, number=note.number, shipped_at=note.shipped_at, tracking_url=note.tracking_url
        )
        await ShipmentLine.bulk_create(
            [
                ShipmentLine(id=uuid.uuid4(), shipment_id=shipment.id, order_line_id=pk, quantity=q, position=i)
                for i, (pk, q) in enumerate(note.lines)
            ]
        )
        await OrderLine.bulk_update([order_lines[pk] for pk, _ in note.lines], ["quantity_shipped"])
        target = ids.encode("Shipment", shipment.id)
        details = {"order": order.number, "number": note.number, "lines": _lines_json(note.lines)}
        await record(actor, "shipment.recorded", company_id=order.company_id, target_id=target, after=details)
        data = {**shipment_json(shipment, note.lines), "order": await snapshot(order)}
        await emit(EventType.SHIPMENT_RECORDED, target, data, order.company_id)
        if status != previous:
            await status_changed(order, previous)
    return shipment, order


def _lines_json(lines: Sequence[tuple[uuid.UUID, Decimal]]) -> list[dict[str, str]]:
    return [{"orderLine": ids.encode("OrderLine", pk), "quantity": str(plain(q))} for pk, q in lines]


def shipment_json(shipment: Shipment, lines: Sequence[tuple[uuid.UUID, Decimal]]) -> dict[str, Any]:
    """A shipment as events carry it."""
    return {
        "id": ids.encode("Shipment", shipment.id),
        "number": shipment.number,
        "shippedAt": shipment.shipped_at.isoformat(),
        "deliveredAt": shipment.delivered_at.isoformat() if shipment.delivered_at else None,
        "signedBy": shipment.signed_by,
        "trackingUrl": shipment.tracking_url,
        "lines": _lines_json(lines),
    }


# ---------------------------------------------------------------------- shipmentDelivered


async def record_delivery(
    ctx: Context, shipment_id: str, delivered_at: datetime, signed_by: str | None
) -> tuple[Shipment, Order]:
    """shipmentDelivered: the proof of delivery of a shipment (not before it shipped: INVALID).
    When every shipment of a SHIPPED order is delivered, the order is DELIVERED
    (ORDER_STATUS_CHANGED). The same proof again is a replay; another one DUPLICATE_REFERENCE."""
    actor = ctx.require_erp()
    problems = Problems()
    signed = validate.text(
        problems, signed_by, "input", "signedBy", max_length=validate.max_length(Shipment, "signed_by"), required=False
    )
    problems.raise_any()
    at = utc(delivered_at, "input", "deliveredAt")

    async def write() -> tuple[Shipment, Order]:
        shipment = await get_any(Shipment, shipment_id, ["input", "shipmentId"])
        order = await Order.get(id=shipment.order_id)
        await shipment.refresh_from_db()  # read after its order, whose version guards it (see _record)
        if shipment.delivered_at is not None:
            if (shipment.delivered_at, shipment.signed_by) == (at, signed):
                return shipment, order
            raise DomainError(
                ErrorCode.DUPLICATE_REFERENCE,
                tr("This shipment's delivery was already recorded with other data."),
                ["input", "shipmentId"],
            )
        if at < shipment.shipped_at:
            raise DomainError(
                ErrorCode.INVALID, tr("A shipment cannot be delivered before it shipped."), ["input", "deliveredAt"]
            )
        others = Shipment.filter(order_id=order.id, delivered_at__isnull=True).exclude(id=shipment.id)
        previous = order.status
        status = S.DELIVERED if previous == S.SHIPPED and not await others.exists() else previous
        async with in_transaction():
            await bump(order, status=status)
            if not await Shipment.filter(id=shipment.id, delivered_at__isnull=True).update(
                delivered_at=at, signed_by=signed
            ):
                raise Lost()
            shipment.delivered_at, shipment.signed_by = at, signed
            target = ids.encode("Shipment", shipment.id)
            after = {"deliveredAt": at.isoformat(), "signedBy": signed, "orderStatus": status.value}
            await record(actor, "shipment.delivered", company_id=order.company_id, target_id=target, after=after)
            if status != previous:
                await status_changed(order, previous)
        return shipment, order

    return await retried(write, ["input", "shipmentId"])
