"""The member's cart and its lines."""

from __future__ import annotations

import uuid

from tortoise import fields

from models.base import Entity
from models.catalog import Product
from models.company import Company
from models.delivery import DeliveryMixin
from models.membership import Membership


class Cart(Entity, DeliveryMixin):
    """One cart per membership, kept on the server."""

    membership: fields.OneToOneRelation[Membership] = fields.OneToOneField(
        "models.Membership", related_name=False, on_delete=fields.CASCADE
    )
    membership_id: uuid.UUID
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "cart"


class CartLine(Entity):
    cart: fields.ForeignKeyRelation[Cart] = fields.ForeignKeyField(
        "models.Cart", related_name=False, on_delete=fields.CASCADE
    )
    cart_id: uuid.UUID
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    product_id: uuid.UUID
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    note = fields.CharField(max_length=500, null=True)
    #: Lines keep the order they were first added in (many are created in one statement).
    position = fields.IntField(default=0)

    class Meta:
        table = "cart_line"
        unique_together = (("cart", "product"),)
