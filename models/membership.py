"""A user's membership of a company: role, status and the customer numbers it may use."""

from __future__ import annotations

import uuid
from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.account import User
from models.base import Entity
from models.company import Company, CustomerNumber


class Role(str, Enum):
    ADMINISTRATOR = "ADMINISTRATOR"
    VIEW_PRICES = "VIEW_PRICES"
    VIEW_PRICES_AND_ORDER = "VIEW_PRICES_AND_ORDER"
    ORDER_WITHOUT_PRICES = "ORDER_WITHOUT_PRICES"
    QUICK_LISTS_ONLY = "QUICK_LISTS_ONLY"


class MembershipStatus(str, Enum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class Membership(Entity):
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    user_id: uuid.UUID
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID
    role = fields.CharEnumField(Role)
    status = fields.CharEnumField(MembershipStatus)

    class Meta:
        table = "membership"
        unique_together = (("user", "company"),)
        indexes = (("company_id",),)  # memberships_by_company_id (user_id is covered by the unique index)


class MembershipCustomerNumber(Model):
    """The customer numbers a member is limited to (none: all of the company numbers)."""

    id = fields.IntField(primary_key=True)
    membership: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, on_delete=fields.CASCADE
    )
    membership_id: uuid.UUID
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.CASCADE
    )
    customer_number_id: uuid.UUID

    class Meta:
        table = "membership_customer_number"
        unique_together = (("membership", "customer_number"),)
