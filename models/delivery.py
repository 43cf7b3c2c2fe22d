"""How an order reaches the customer: the delivery columns shared by carts, validation lists and orders."""

from __future__ import annotations

import uuid
from enum import Enum

from tortoise import fields

from models.catalog import Branch
from models.company import CustomerNumber


class DeliveryMethod(str, Enum):
    DELIVERY = "DELIVERY"
    PICKUP = "PICKUP"


class DeliveryMixin:
    """Where an order goes: a SHIP_TO number or a one-time address (DELIVERY), or a branch (PICKUP).

    A one-time address lives on this row only and is never saved to the account.
    """

    delivery_method = fields.CharEnumField(DeliveryMethod, null=True)
    ship_to: fields.ForeignKeyNullableRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    ship_to_id: uuid.UUID | None
    branch: fields.ForeignKeyNullableRelation[Branch] = fields.ForeignKeyField(
        "models.Branch", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    branch_id: uuid.UUID | None
    one_time_line1 = fields.CharField(max_length=200, null=True)
    one_time_line2 = fields.CharField(max_length=200, null=True)
    one_time_postal_code = fields.CharField(max_length=20, null=True)
    one_time_city = fields.CharField(max_length=100, null=True)
    one_time_country_code = fields.CharField(max_length=2, null=True)
    requested_date = fields.DateField(null=True)
