"""Shipments: the ERP's delivery notes on an order (Order.shipments), and ShipmentMutation
(shipmentRecord, shipmentDelivered)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

import models as m
from resolvers.catalog.products import plain
from resolvers.core import ids
from resolvers.core.context import Context
from resolvers.shipment import loaders
from resolvers.shipment.notes import record_delivery, record_shipment
from schema.core.base import Node, UserError, attempt, ctx, errors_field
from schema.core.node import readable_node
from schema.core.permissions import DECIDERS, IntegrationScope, requires
from schema.order import Order, OrderLine


@strawberry.type
class ShipmentLine:
    order_line: OrderLine
    quantity: Decimal


@strawberry.type(description="A delivery note from the ERP: what left the warehouse for one order.")
class Shipment(Node):
    number: str = strawberry.field(description="The ERP's delivery-note number.")
    shipped_at: datetime
    delivered_at: datetime | None
    signed_by: str | None = strawberry.field(description="Who signed the proof of delivery.")
    tracking_url: str | None
    row: strawberry.Private[m.Shipment]

    @staticmethod
    def of(row: m.Shipment, c: Context) -> Shipment:
        return Shipment(
            id=strawberry.ID(ids.encode("Shipment", row.id)),
            number=row.number,
            shipped_at=row.shipped_at,
            delivered_at=row.delivered_at,
            signed_by=row.signed_by,
            tracking_url=row.tracking_url,
            row=row,
        )

    @strawberry.field
    async def lines(self, info: Info) -> list[ShipmentLine]:
        c = ctx(info)
        rows = await loaders.lines_by_shipment_id(c).load(self.row.id)
        order_lines = await loaders.order_line_by_id(c).load_many([r.order_line_id for r in rows])
        built = await OrderLine.load(c, order_lines)
        return [ShipmentLine(order_line=o, quantity=plain(r.quantity)) for r, o in zip(rows, built, strict=True)]


readable_node(m.Shipment, Shipment.of)


@strawberry.input
class ShipmentLineInput:
    order_line_id: strawberry.ID
    quantity: Decimal


@strawberry.input
class ShipmentRecordInput:
    order_id: strawberry.ID
    number: str = strawberry.field(
        description=(
            "The delivery-note number. Recording the same number again returns the first shipment and changes nothing."
        )
    )
    shipped_at: datetime
    tracking_url: str | None = None
    lines: list[ShipmentLineInput]


@strawberry.input
class ShipmentDeliveredInput:
    shipment_id: strawberry.ID
    delivered_at: datetime
    signed_by: str | None = None


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None = None
    order: Order | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class ShipmentMutation:
    @strawberry.mutation(
        extensions=[requires(*DECIDERS, IntegrationScope.WRITE_ERP)],
        description=(
            "The ERP records a delivery note: quantities per order line, never more than a line has open "
            "(QUANTITY_EXCEEDS_OPEN). The order becomes PARTIALLY_SHIPPED or SHIPPED by itself."
        ),
    )
    async def shipment_record(self, info: Info, input: ShipmentRecordInput) -> ShipmentPayload:
        c = ctx(info)
        action = record_shipment(c, input.order_id, input.number, input.shipped_at, input.tracking_url, input.lines)
        return await attempt(
            ShipmentPayload, action, shipment=lambda r: Shipment.of(r[0], c), order=lambda r: Order.of(r[1], c)
        )

    @strawberry.mutation(
        extensions=[requires(*DECIDERS, IntegrationScope.WRITE_ERP)],
        description=(
            "The ERP records a shipment's proof of delivery; when every shipment of a SHIPPED order is "
            "delivered, the order is DELIVERED. The same proof again changes nothing."
        ),
    )
    async def shipment_delivered(self, info: Info, input: ShipmentDeliveredInput) -> ShipmentPayload:
        c = ctx(info)
        action = record_delivery(c, input.shipment_id, input.delivered_at, input.signed_by)
        return await attempt(
            ShipmentPayload, action, shipment=lambda r: Shipment.of(r[0], c), order=lambda r: Order.of(r[1], c)
        )
