"""Demo delivery notes: what the ERP would have written back on the demo orders.

Every PARTIALLY_SHIPPED, SHIPPED and DELIVERED order gets its notes, their quantities kept in
OrderLine.quantity_shipped as shipmentRecord keeps them: a PARTIALLY_SHIPPED order one note for
its first lines (its last line shipped in part), a SHIPPED order a delivered note and one still
on its way, a DELIVERED order one note with its proof of delivery. Orders past CONFIRMED carry
the ERP's reference. Call after demo.ordering; idempotent (an order with notes is left alone).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from models import DeliveryMethod, Order, OrderLine, OrderStatus, Shipment, ShipmentLine

SHIPPED_STATUSES = (OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
SIGNERS = ("J. Peeters", "M. Dubois", "S. Janssens", "L. Martin")


def _split(lines: list[OrderLine], status: OrderStatus) -> list[list[tuple[OrderLine, Decimal]]]:
    """The quantities of each note, by line."""
    whole = [(line, Decimal(line.quantity)) for line in lines]
    if status == OrderStatus.DELIVERED:
        return [whole]
    half = max(1, len(lines) // 2)
    if status == OrderStatus.SHIPPED:
        return [whole[:half], whole[half:]]
    first = whole[:half]
    last, quantity = first[-1]
    part = (quantity / 2).quantize(Decimal("0.001")) if quantity > 1 else quantity
    return [[*first[:-1], (last, part)]]  # PARTIALLY_SHIPPED: some lines open, one of them in part


async def _notes(order: Order, lines: list[OrderLine]) -> None:
    notes = _split(lines, order.status)
    url = None if order.delivery_method == DeliveryMethod.PICKUP else "https://track.example.com/"
    shipped = dict.fromkeys((line.id for line in lines), Decimal(0))
    version = 2  # PROCESSING, then one per note and per proof of delivery
    for i, note in enumerate(notes):
        number = f"DN{order.number[1:]}-{i + 1}"
        shipped_at = order.created_at + timedelta(days=2 + 2 * i, hours=7)
        delivered = order.status == OrderStatus.DELIVERED or (order.status == OrderStatus.SHIPPED and i == 0)
        shipment = await Shipment.create(
            order_id=order.id,
            number=number,
            shipped_at=shipped_at,
            tracking_url=f"{url}{number}" if url else None,
            delivered_at=shipped_at + timedelta(hours=26) if delivered else None,
            signed_by=SIGNERS[(order.year + i) % len(SIGNERS)] if delivered else None,
            created_at=shipped_at,
        )
        await ShipmentLine.bulk_create(
            [
                ShipmentLine(id=uuid.uuid4(), shipment_id=shipment.id, order_line_id=line.id, quantity=q, position=p)
                for p, (line, q) in enumerate(note)
            ]
        )
        for line, quantity in note:
            shipped[line.id] += quantity
        version += 2 if delivered else 1
    for line in lines:
        line.quantity_shipped = shipped[line.id]
    await OrderLine.bulk_update(lines, ["quantity_shipped"])
    await Order.filter(id=order.id).update(version=version)


async def seed_shipments(company_ids: list) -> None:
    """Delivery notes and ERP references on the demo companies' orders that have none yet."""
    orders = await Order.filter(company_id__in=company_ids).order_by("created_at")
    with_notes = set(await Shipment.filter(order_id__in=[o.id for o in orders]).values_list("order_id", flat=True))
    async with in_transaction():
        for order in orders:
            if order.status != OrderStatus.CONFIRMED and order.erp_reference is None:
                await Order.filter(id=order.id).update(erp_reference=f"SO{order.number[1:]}")
            if order.status in SHIPPED_STATUSES and order.id not in with_notes:
                await _notes(order, await OrderLine.filter(order_id=order.id).order_by("position"))
