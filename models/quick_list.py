"""Quick order lists and their lines."""

from __future__ import annotations

import uuid

from tortoise import fields

from models.account import User
from models.base import Entity
from models.catalog import Product
from models.company import Company


class QuickList(Entity):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    owner_id: uuid.UUID
    name = fields.CharField(max_length=200)
    description = fields.TextField(null=True)
    shared = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "quick_list"
        indexes = (("company_id", "shared"),)


class QuickListLine(Entity):
    quick_list: fields.ForeignKeyRelation[QuickList] = fields.ForeignKeyField(
        "models.QuickList", related_name=False, on_delete=fields.CASCADE
    )
    quick_list_id: uuid.UUID
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    product_id: uuid.UUID
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    note = fields.CharField(max_length=500, null=True)
    #: Lines keep the order they were first added in (many are created in one statement).
    position = fields.IntField(default=0)

    class Meta:
        table = "quick_list_line"
        unique_together = (("quick_list", "product"),)
