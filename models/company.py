"""Company accounts, their customer numbers, and what a company asks the distributor for
(new customer numbers, address changes, helpdesk tickets)."""

from __future__ import annotations

import uuid
from enum import Enum

from tortoise import fields

from models.account import User
from models.base import AddressMixin, Entity


class CompanyStatus(str, Enum):
    PENDING_REVIEW = "PENDING_REVIEW"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    REJECTED = "REJECTED"


class WorkDomain(str, Enum):
    PVC = "PVC"
    ALUMINIUM = "ALUMINIUM"
    WOOD = "WOOD"
    STEEL = "STEEL"
    GLASS = "GLASS"
    CONSTRUCTION = "CONSTRUCTION"
    INSTALLATION = "INSTALLATION"
    OTHER = "OTHER"


class CustomerNumberKind(str, Enum):
    SOLD_TO = "SOLD_TO"
    BILL_TO = "BILL_TO"
    SHIP_TO = "SHIP_TO"


class Company(Entity):
    name = fields.CharField(max_length=200)
    vat_number = fields.CharField(max_length=20, db_index=True)
    work_domains: fields.Field[list[str]] = fields.JSONField(default=list)
    status = fields.CharEnumField(CompanyStatus, default=CompanyStatus.ACTIVE)
    customer_number = fields.CharField(max_length=20, unique=True)
    contact_name = fields.CharField(max_length=200, null=True)
    contact_email = fields.CharField(max_length=254, null=True)
    contact_phone = fields.CharField(max_length=40, null=True)
    fast_entry_enabled = fields.BooleanField(default=False)
    representative: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    representative_id: uuid.UUID | None
    rejection_reason = fields.TextField(null=True)
    #: Set by the distributor (creditLimitSet), None for no limit.
    credit_limit = fields.DecimalField(max_digits=14, decimal_places=2, null=True)

    class Meta:
        table = "company"


class CustomerNumber(Entity, AddressMixin):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID
    number = fields.CharField(max_length=20, unique=True)
    kind = fields.CharEnumField(CustomerNumberKind)
    name = fields.CharField(max_length=200)

    class Meta:
        table = "customer_number"
        indexes = (("company_id", "number"),)  # customer_numbers_by_company_id


class RequestStatus(str, Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class TicketKind(str, Enum):
    ABUSE_REPORT = "ABUSE_REPORT"
    LOGIN_PROBLEM = "LOGIN_PROBLEM"
    QUESTION = "QUESTION"


class CustomerNumberRequest(Entity, AddressMixin):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID
    requested_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    requested_by_id: uuid.UUID
    kind = fields.CharEnumField(CustomerNumberKind)
    name = fields.CharField(max_length=200)
    note = fields.TextField(null=True)
    status = fields.CharEnumField(RequestStatus, default=RequestStatus.PENDING)
    customer_number: fields.ForeignKeyNullableRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    customer_number_id: uuid.UUID | None

    class Meta:
        table = "customer_number_request"


class AddressChangeRequest(Entity, AddressMixin):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID
    requested_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    requested_by_id: uuid.UUID
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.RESTRICT
    )
    customer_number_id: uuid.UUID
    note = fields.TextField(null=True)
    status = fields.CharEnumField(RequestStatus, default=RequestStatus.PENDING)

    class Meta:
        table = "address_change_request"


class HelpdeskTicket(Entity):
    number = fields.CharField(max_length=20, unique=True)
    kind = fields.CharEnumField(TicketKind)
    subject = fields.CharField(max_length=200)
    message = fields.TextField()
    email = fields.CharField(max_length=254)
    vat_number = fields.CharField(max_length=20, null=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    user_id: uuid.UUID | None
    resolved = fields.BooleanField(default=False)

    class Meta:
        table = "helpdesk_ticket"
