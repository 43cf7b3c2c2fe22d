"""Shipments: delivery notes from the ERP, what left the warehouse for one order, line by line.

Field comments here become column descriptions in migrations: no semicolons (a SQLite
migration splits its SQL at each one)."""

from __future__ import annotations

import uuid

from tortoise import fields

from models.base import Entity
from models.order import Order, OrderLine


class Shipment(Entity):
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name=False, on_delete=fields.CASCADE
    )
    order_id: uuid.UUID
    #: The delivery-note number of the ERP: unique across orders, so that a number sent again for
    #: another order is a DUPLICATE_REFERENCE, never a second note.
    number = fields.CharField(max_length=60, unique=True)
    shipped_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)
    signed_by = fields.CharField(max_length=200, null=True)
    tracking_url = fields.CharField(max_length=2000, null=True)

    class Meta:
        table = "shipment"
        indexes = (("order_id", "shipped_at"),)  # shipments_by_order_id


class ShipmentLine(Entity):
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name=False, on_delete=fields.CASCADE
    )
    shipment_id: uuid.UUID
    order_line: fields.ForeignKeyRelation[OrderLine] = fields.ForeignKeyField(
        "models.OrderLine", related_name=False, on_delete=fields.CASCADE
    )
    order_line_id: uuid.UUID
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    #: The place of the line in the delivery note, as the ERP sent it.
    position = fields.IntField()

    class Meta:
        table = "shipment_line"
        unique_together = (("shipment", "order_line"),)  # also lines_by_shipment_id's index
