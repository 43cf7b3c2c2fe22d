"""Demo invoices: for each company with orders and no invoice yet, a PAID invoice (two payments),
an OVERDUE one (part paid) and an OPEN one, each billing one of its orders, made out to the
company's BILL_TO number when it has one; and a credit limit on Bouwbedrijf Peeters.
Idempotent: a company that has invoices is left as it is, and so is a limit already set."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from models import Company, CustomerNumber, CustomerNumberKind, Invoice, InvoiceOrder, Order, OrderStatus, Payment
from resolvers.catalog.pricing import CENT
from resolvers.core.clock import today

CREDIT_LIMIT = ("Bouwbedrijf Peeters NV", Decimal("25000.00"))
#: (days before today it was issued, days it gives to pay, share paid) of the three invoices.
PLANS = ((75, 30, Decimal(1)), (45, 30, Decimal("0.4")), (10, 30, Decimal(0)))


async def _invoices(company_id: uuid.UUID) -> None:
    if await Invoice.exists(company_id=company_id):
        return
    orders = await Order.filter(company_id=company_id).exclude(status=OrderStatus.CANCELLED).order_by("created_at")
    if len(orders) < len(PLANS):
        return
    bill_to = await CustomerNumber.filter(company_id=company_id, kind=CustomerNumberKind.BILL_TO).first()
    company = await Company.get(id=company_id)
    for i, ((issued_days, terms, share), order) in enumerate(zip(PLANS, orders, strict=False)):
        issued = today() - timedelta(days=issued_days)
        total = Decimal(order.total)
        paid = (total * share).quantize(CENT)
        invoice = await Invoice.create(
            company_id=company_id,
            customer_number_id=bill_to.id if bill_to else order.customer_number_id,
            number=f"F{issued.year}-{company.customer_number}-{i + 1}",
            issued_at=issued,
            due_date=issued + timedelta(days=terms),
            total=total,
            open_amount=total - paid,
        )
        await InvoiceOrder.create(invoice_id=invoice.id, order_id=order.id)
        parts = [paid] if share < 1 else [(paid / 2).quantize(CENT), paid - (paid / 2).quantize(CENT)]
        for n, amount in enumerate(p for p in parts if p > 0):
            paid_at = datetime.combine(issued + timedelta(days=10 + 5 * n), time(9), UTC)
            await Payment.create(invoice_id=invoice.id, amount=amount, paid_at=paid_at, reference=f"BANK-{n + 1}")


async def seed_invoices(company_ids: list) -> None:
    """Invoices on the demo orders (open, overdue, paid) and one company's credit limit."""
    async with in_transaction():
        for company_id in company_ids:
            await _invoices(company_id)
        name, limit = CREDIT_LIMIT
        await Company.filter(name=name, credit_limit__isnull=True).update(credit_limit=limit)
