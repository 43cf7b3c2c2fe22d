"""Validation lists: submitted lines waiting for the distributor's decision."""

from __future__ import annotations

import uuid
from enum import Enum

from tortoise import fields

from models.account import User
from models.base import Entity
from models.catalog import Product
from models.company import Company, CustomerNumber
from models.delivery import DeliveryMixin
from models.membership import Membership
from models.order import OrderSource


class ValidationStatus(str, Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


class ValidationList(Entity, DeliveryMixin):
    """Submitted lines, priced at submission, that the distributor approves or rejects."""

    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID
    membership: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    membership_id: uuid.UUID
    submitted_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    submitted_by_id: uuid.UUID
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.RESTRICT
    )
    customer_number_id: uuid.UUID
    number = fields.CharField(max_length=20, unique=True)
    status = fields.CharEnumField(ValidationStatus, default=ValidationStatus.SUBMITTED)
    source = fields.CharEnumField(OrderSource)
    reference = fields.CharField(max_length=200, null=True)
    note = fields.TextField(null=True)
    total = fields.DecimalField(max_digits=14, decimal_places=2)
    quote_id = fields.UUIDField(null=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    decided_by_id: uuid.UUID | None
    rejection_reason = fields.TextField(null=True)
    #: Increases at every change. Approve and reject quote it (conditional UPDATE).
    version = fields.IntField(default=1)

    class Meta:
        table = "validation_list"
        indexes = (("company_id", "created_at"), ("status", "created_at"))


class ValidationListLine(Entity):
    validation_list: fields.ForeignKeyRelation[ValidationList] = fields.ForeignKeyField(
        "models.ValidationList", related_name=False, on_delete=fields.CASCADE
    )
    validation_list_id: uuid.UUID
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    product_id: uuid.UUID
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    note = fields.CharField(max_length=500, null=True)
    #: Frozen at submission.
    unit_price = fields.DecimalField(max_digits=12, decimal_places=4)
    position = fields.IntField()

    class Meta:
        table = "validation_list_line"
        indexes = (("validation_list_id", "position"),)  # lines_by_validation_list_id
