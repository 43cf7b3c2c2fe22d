from __future__ import annotations

import uuid
from datetime import date
from enum import Enum

from tortoise import fields

from models.account import User
from models.base import Entity
from models.catalog import Product
from models.company import Company, CustomerNumber


class QuoteState(str, Enum):
    """What is stored. ACTIVE / EXPIRED are not states: they are ISSUED read against the date."""

    REQUESTED = "REQUESTED"
    ISSUED = "ISSUED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"


class QuoteStatus(str, Enum):
    """What clients see (derived at read time, never written by a batch job)."""

    REQUESTED = "REQUESTED"
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"


class Quote(Entity):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.RESTRICT
    )
    customer_number_id: uuid.UUID
    #: "Q2026-000123": sequential per year, never reused.
    number = fields.CharField(max_length=20, unique=True)
    reference = fields.CharField(max_length=200, null=True)
    note = fields.TextField(null=True)
    #: Stored state; the status clients see is status_on(today).
    status = fields.CharEnumField(QuoteState, default=QuoteState.REQUESTED)
    valid_until = fields.DateField(null=True)
    #: Calendar year of created_at, kept as a column so `quotes(filter: {year})` and
    #: `quoteYears` use an index instead of date arithmetic that differs per database.
    year = fields.IntField()
    #: Sum of the line totals, fixed when the quote is issued (null while REQUESTED).
    total = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: uuid.UUID | None
    issued_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    issued_by_id: uuid.UUID | None
    issued_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: uuid.UUID | None
    decided_at = fields.DatetimeField(null=True)
    decline_reason = fields.TextField(null=True)

    class Meta:
        table = "quote"
        indexes = (("company_id", "created_at"), ("company_id", "year"), ("status", "created_at"))

    def status_on(self, today: date) -> QuoteStatus:
        """An ISSUED quote is ACTIVE through its validUntil day and EXPIRED after it."""
        if self.status == QuoteState.ISSUED:
            if self.valid_until is not None and self.valid_until >= today:
                return QuoteStatus.ACTIVE
            return QuoteStatus.EXPIRED
        return QuoteStatus(self.status.value)


class QuoteLine(Entity):
    quote: fields.ForeignKeyRelation[Quote] = fields.ForeignKeyField(
        "models.Quote", related_name=False, on_delete=fields.CASCADE
    )
    quote_id: uuid.UUID
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    product_id: uuid.UUID
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    #: Null until the distributor prices the quote.
    unit_price = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    note = fields.CharField(max_length=500, null=True)
    position = fields.IntField()

    class Meta:
        table = "quote_line"
        indexes = (("quote_id", "position"),)
