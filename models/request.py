from __future__ import annotations

from enum import Enum

from tortoise import fields

from models.account import AddressMixin, Company, CustomerNumber, CustomerNumberKind, User
from models.base import Entity


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
    requested_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(CustomerNumberKind)
    name = fields.CharField(max_length=200)
    note = fields.TextField(null=True)
    status = fields.CharEnumField(RequestStatus, default=RequestStatus.PENDING)
    customer_number: fields.ForeignKeyNullableRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "customer_number_request"


class AddressChangeRequest(Entity, AddressMixin):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    requested_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.RESTRICT
    )
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
    resolved = fields.BooleanField(default=False)

    class Meta:
        table = "helpdesk_ticket"
