"""Invoices and payments, as the distributor's ERP records them (it stays their system of record)."""

from __future__ import annotations

import uuid
from enum import Enum

from tortoise import fields

from models.base import Entity
from models.company import Company, CustomerNumber
from models.order import Order


class InvoiceStatus(str, Enum):
    """Derived at read time from the open amount and the due date, never stored."""

    OPEN = "OPEN"
    OVERDUE = "OVERDUE"
    PAID = "PAID"


class Invoice(Entity):
    """An invoice of one customer number. `open_amount` is the total less its payments, kept in
    each payment's transaction (a conditional UPDATE), so the status (OPEN / OVERDUE / PAID) and
    the credit summary are derived in SQL from one column."""

    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.RESTRICT
    )
    customer_number_id: uuid.UUID
    #: The ERP's invoice number.
    number = fields.CharField(max_length=40, unique=True)
    issued_at = fields.DateField()
    due_date = fields.DateField()
    total = fields.DecimalField(max_digits=14, decimal_places=2)
    open_amount = fields.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        table = "invoice"
        indexes = (("company_id", "created_at"), ("company_id", "open_amount"))


class InvoiceOrder(Entity):
    """Which orders an invoice bills (an order may be billed over several invoices)."""

    invoice: fields.ForeignKeyRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name=False, on_delete=fields.CASCADE
    )
    invoice_id: uuid.UUID
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name=False, on_delete=fields.RESTRICT
    )
    order_id: uuid.UUID

    class Meta:
        table = "invoice_order"
        unique_together = (("invoice_id", "order_id"),)
        indexes = (("order_id",),)


class Payment(Entity):
    invoice: fields.ForeignKeyRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name=False, on_delete=fields.CASCADE
    )
    invoice_id: uuid.UUID
    amount = fields.DecimalField(max_digits=14, decimal_places=2)
    paid_at = fields.DatetimeField()
    #: The ERP's payment reference, unique per invoice.
    reference = fields.CharField(max_length=100)

    class Meta:
        table = "payment"
        unique_together = (("invoice_id", "reference"),)
