"""The event feed: one row per change the ERP and webhooks learn about, written in the change's
own transaction."""

from __future__ import annotations

import uuid
from enum import Enum

from tortoise import fields

from models.base import Entity
from models.company import Company


class EventType(str, Enum):
    COMPANY_REGISTERED = "COMPANY_REGISTERED"
    COMPANY_APPROVED = "COMPANY_APPROVED"
    MEMBERSHIP_CHANGED = "MEMBERSHIP_CHANGED"
    CUSTOMER_NUMBER_REQUESTED = "CUSTOMER_NUMBER_REQUESTED"
    ADDRESS_CHANGE_REQUESTED = "ADDRESS_CHANGE_REQUESTED"
    QUOTE_REQUESTED = "QUOTE_REQUESTED"
    QUOTE_ISSUED = "QUOTE_ISSUED"
    QUOTE_ACCEPTED = "QUOTE_ACCEPTED"
    VALIDATION_LIST_SUBMITTED = "VALIDATION_LIST_SUBMITTED"
    VALIDATION_LIST_APPROVED = "VALIDATION_LIST_APPROVED"
    VALIDATION_LIST_REJECTED = "VALIDATION_LIST_REJECTED"
    VALIDATION_LIST_CANCELLED = "VALIDATION_LIST_CANCELLED"
    ORDER_CREATED = "ORDER_CREATED"
    ORDER_STATUS_CHANGED = "ORDER_STATUS_CHANGED"
    SHIPMENT_RECORDED = "SHIPMENT_RECORDED"
    INVOICE_RECORDED = "INVOICE_RECORDED"
    PAYMENT_RECORDED = "PAYMENT_RECORDED"


class Event(Entity):
    """One change, in the order of the feed: sequence, then when it happened (created_at).

    `sequence` is taken from the "event" counter inside the emitting transaction, whose row lock
    is held until that transaction ends, so sequences commit in increasing order and a poller
    reading `sequence > cursor` never skips one that commits late."""

    sequence = fields.BigIntField(unique=True)
    type = fields.CharEnumField(EventType, max_length=40)
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID | None
    #: Global id of the object the event is about.
    subject_id = fields.CharField(max_length=200)
    #: JSON snapshot of the subject, each Money value an object of amount and currency.
    data: fields.Field[dict] = fields.JSONField(default=dict)

    class Meta:
        table = "event"
        indexes = (("company_id", "sequence"), ("type", "sequence"))
