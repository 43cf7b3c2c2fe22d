"""Invoices, payments and credit: InvoiceQuery (invoices, invoice) and InvoiceMutation (the ERP's
invoiceRecord, paymentRecord and creditLimitSet)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

import models as m
from models import IntegrationScope, InvoiceStatus
from resolvers.company.loaders import customer_number_by_id
from resolvers.core import ids
from resolvers.core.clock import today
from resolvers.core.context import Context
from resolvers.invoice import reads, records
from resolvers.invoice.reads import orders_by_invoice_id, payments_by_invoice_id
from schema.company import Company, CompanyPayload, CustomerNumber
from schema.core.base import Money, Node, UserError, attempt, ctx, describe_values, errors_field, money, money_field
from schema.core.connection import Connection
from schema.core.node import readable_node
from schema.core.permissions import DECIDERS, Permission, requires
from schema.order import Order

strawberry.enum(InvoiceStatus, name="InvoiceStatus")
describe_values(InvoiceStatus, OVERDUE="Past its due date with an amount still open.")

#: The ERP's writes: a WRITE_ERP client, or staff who decide.
ERP = (*DECIDERS, IntegrationScope.WRITE_ERP)


@strawberry.type
class Payment:
    paid_at: datetime
    amount: Money | None = money_field("Null without VIEW_PRICES.")
    reference: str | None

    @staticmethod
    def of(row: m.Payment, c: Context) -> Payment:
        return Payment(paid_at=row.paid_at, amount=money(c, row.amount), reference=row.reference)


@strawberry.type
class Invoice(Node):
    number: str
    issued_at: date
    due_date: date
    status: InvoiceStatus = strawberry.field(description="Derived at read time from dueDate and the open amount.")
    total: Money | None = money_field("Null without VIEW_PRICES.")
    open_amount: Money | None = money_field("Null without VIEW_PRICES.")
    row: strawberry.Private[m.Invoice]

    @staticmethod
    def of(row: m.Invoice, c: Context) -> Invoice:
        return Invoice(
            id=strawberry.ID(ids.encode("Invoice", row.id)),
            number=row.number,
            issued_at=row.issued_at,
            due_date=row.due_date,
            status=reads.status_of(row, today()),
            total=money(c, row.total),
            open_amount=money(c, row.open_amount),
            row=row,
        )

    @strawberry.field
    async def customer_number(self, info: Info) -> CustomerNumber:
        return CustomerNumber.of(await customer_number_by_id(ctx(info)).load(self.row.customer_number_id))

    @strawberry.field
    async def orders(self, info: Info) -> list[Order]:
        c = ctx(info)
        return [Order.of(row, c) for row in await orders_by_invoice_id(c).load(self.row.id)]

    @strawberry.field
    async def payments(self, info: Info) -> list[Payment]:
        c = ctx(info)
        return [Payment.of(row, c) for row in await payments_by_invoice_id(c).load(self.row.id)]


readable_node(m.Invoice, Invoice.of)


@strawberry.input
class InvoiceFilter:
    status: list[InvoiceStatus] | None = None
    year: int | None = strawberry.field(default=None, description="Invoices issued in this calendar year.")
    customer_number_id: strawberry.ID | None = None


@strawberry.type(description="The company's account with the distributor. Money fields are null without VIEW_PRICES.")
class CreditSummary:
    limit: Money | None = money_field("Null when the distributor set no limit.")
    outstanding: Money | None = money_field("Sum of open amounts of OPEN and OVERDUE invoices.")
    overdue: Money | None = money_field()
    available: Money | None = money_field(
        "limit - outstanding - total of SUBMITTED validation lists and not yet invoiced orders; null without a limit."
    )

    @staticmethod
    def of(credit: reads.Credit, c: Context) -> CreditSummary:
        return CreditSummary(
            limit=money(c, credit.limit),
            outstanding=money(c, credit.outstanding),
            overdue=money(c, credit.overdue),
            available=money(c, credit.available),
        )


@strawberry.input
class InvoiceRecordInput:
    number: str = strawberry.field(
        description=(
            "The ERP's invoice number; recording the same number again returns the first invoice and changes nothing."
        )
    )
    customer_number_id: strawberry.ID
    issued_at: date
    due_date: date
    total: Decimal
    order_ids: list[strawberry.ID] | None = None


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class PaymentRecordInput:
    invoice_id: strawberry.ID
    amount: Decimal
    paid_at: datetime
    reference: str = strawberry.field(
        description="The ERP's payment reference; the same reference again for one invoice changes nothing."
    )


@strawberry.type
class InvoiceQuery:
    @strawberry.field(extensions=[requires(Permission.VIEW_INVOICES)])
    async def invoices(
        self, info: Info, filter: InvoiceFilter | None = None, first: int | None = 20, after: str | None = None
    ) -> Connection[Invoice]:
        f = filter or InvoiceFilter()
        c = ctx(info)
        page = await reads.invoices(c, f.status, f.year, f.customer_number_id, first, after)
        return Connection.of(page, [Invoice.of(row, c) for row in page.rows])

    @strawberry.field(extensions=[requires(Permission.VIEW_INVOICES)])
    async def invoice(self, info: Info, id: strawberry.ID) -> Invoice | None:
        c = ctx(info)
        row = await reads.invoice(c, id)
        return Invoice.of(row, c) if row else None


@strawberry.type
class InvoiceMutation:
    @strawberry.mutation(
        extensions=[requires(*ERP)],
        description="Record an invoice of a customer number and the orders it bills (the ERP's number is the key).",
    )
    async def invoice_record(self, info: Info, input: InvoiceRecordInput) -> InvoicePayload:
        c = ctx(info)
        action = records.invoice_record(
            c,
            number=input.number,
            customer_number_id=input.customer_number_id,
            issued_at=input.issued_at,
            due_date=input.due_date,
            total=input.total,
            order_ids=input.order_ids,
        )
        return await attempt(InvoicePayload, action, invoice=lambda row: Invoice.of(row, c))

    @strawberry.mutation(
        extensions=[requires(*ERP)],
        description="Record a payment: it lowers the invoice's open amount, and may not exceed it (INVALID).",
    )
    async def payment_record(self, info: Info, input: PaymentRecordInput) -> InvoicePayload:
        c = ctx(info)
        action = records.payment_record(
            c, invoice_id=input.invoice_id, paid=input.amount, paid_at=input.paid_at, reference=input.reference
        )
        return await attempt(InvoicePayload, action, invoice=lambda row: Invoice.of(row, c))

    @strawberry.mutation(
        extensions=[requires(*ERP)], description="Set a company's credit limit (>= 0); null removes it."
    )
    async def credit_limit_set(
        self, info: Info, company_id: strawberry.ID, limit: Decimal | None = strawberry.UNSET
    ) -> CompanyPayload:
        given = None if limit is strawberry.UNSET else limit  # left out, like null, removes the limit
        action = records.credit_limit_set(ctx(info), company_id, given)
        return await attempt(CompanyPayload, action, company=Company.of)
