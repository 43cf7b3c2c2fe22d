"""Scan lists (barcode sheets approved by the distributor) and their lines."""

from __future__ import annotations

import uuid

from tortoise import fields

from models.account import User
from models.base import Entity
from models.catalog import Product
from models.company import Company


class ScanList(Entity):
    """Products the distributor approved in advance for a company's scanner."""

    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    name = fields.CharField(max_length=200)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    created_by_id: uuid.UUID
    approved_at = fields.DatetimeField(null=True)
    approved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    approved_by_id: uuid.UUID | None

    class Meta:
        table = "scan_list"
        indexes = (("company_id", "approved_at"),)


class ScanListLine(Entity):
    scan_list: fields.ForeignKeyRelation[ScanList] = fields.ForeignKeyField(
        "models.ScanList", related_name=False, on_delete=fields.CASCADE
    )
    scan_list_id: uuid.UUID
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    product_id: uuid.UUID
    #: The code printed for this line: the product's EAN when valid, else its SKU (frozen).
    barcode = fields.CharField(max_length=40)
    default_quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    position = fields.IntField()

    class Meta:
        table = "scan_list_line"
        #: (product): scanSubmit asks which of the scanned products are on approved lists.
        indexes = (("scan_list_id", "position"), ("product_id",))
