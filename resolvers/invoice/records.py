"""What the ERP records: invoices, payments and credit limits (SPEC "Integration", What the ERP
writes back). A WRITE_ERP client or staff CUSTOMER_SERVICE / ADMINISTRATOR; each change is one
transaction with its audit event and, last, its Event. Invoices are idempotent on the ERP's
number, payments on their reference per invoice: the same data again returns the first result
and changes nothing; other data is DUPLICATE_REFERENCE.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Subquery
from tortoise.transactions import in_transaction

from models import Company, CustomerNumber, EventType, Invoice, InvoiceOrder, Order, OrderStatus, Payment, User
from resolvers.core import ids, validate
from resolvers.core.access import get_any, of_company
from resolvers.core.audit import record
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems, not_found
from resolvers.core.i18n import tr
from resolvers.event import emit, money_json
from resolvers.invoice.reads import status_of

#: Amounts fit the columns (14 digits, 2 of them decimals).
MAX_AMOUNT = Decimal(10) ** 12


def amount(problems: Problems, value: Decimal, *field: str, positive: bool) -> None:
    """An amount in euros with at most 2 decimals, >= 0 (> 0 when `positive`): INVALID otherwise."""
    if not value.is_finite() or value < 0 or (positive and value == 0):
        message = tr("Enter an amount greater than 0.") if positive else tr("Enter an amount of 0 or more.")
        problems.add(ErrorCode.INVALID, message, *field)
    elif value >= MAX_AMOUNT:
        problems.add(ErrorCode.INVALID, tr("This amount is too large."), *field)
    elif value != value.quantize(Decimal("0.01")):
        problems.add(ErrorCode.INVALID, tr("Use at most 2 decimals."), *field)


def _duplicate(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.DUPLICATE_REFERENCE, message, ["input", field])


async def snapshot(invoice: Invoice, **extra: Any) -> dict[str, Any]:
    """The invoice as the event feed carries it (camelCase, global ids, Money via money_json)."""
    number = await CustomerNumber.get(id=invoice.customer_number_id).values_list("number", flat=True)
    linked = Subquery(InvoiceOrder.filter(invoice_id=invoice.id).values("order_id"))
    orders = await Order.filter(id__in=linked).order_by("created_at", "id").values_list("id", "number")
    return {
        "id": ids.encode("Invoice", invoice.id),
        "number": invoice.number,
        "customerNumber": {"id": ids.encode("CustomerNumber", invoice.customer_number_id), "number": number},
        "issuedAt": invoice.issued_at.isoformat(),
        "dueDate": invoice.due_date.isoformat(),
        "status": status_of(invoice).value,
        "total": money_json(Decimal(invoice.total)),
        "openAmount": money_json(Decimal(invoice.open_amount)),
        "orders": [{"id": ids.encode("Order", pk), "number": n} for pk, n in orders],
        **extra,
    }


# ---------------------------------------------------------------------- invoiceRecord


async def _orders(company_id: uuid.UUID, global_ids: Sequence[str]) -> list[uuid.UUID]:
    """The orders' keys, each an order of the company (NOT_FOUND at ["input", "orderIds", i]
    otherwise) and not CANCELLED (INVALID); repeats count once."""
    pks = [ids.decode_or_none(g, "Order") for g in global_ids]
    wanted = [pk for pk in pks if pk is not None]
    found = dict(await of_company(Order, company_id).filter(id__in=wanted).values_list("id", "status"))
    problems = Problems()
    for i, pk in enumerate(pks):
        if pk is None or pk not in found:
            problems.add(ErrorCode.NOT_FOUND, tr("Not found."), "input", "orderIds", str(i))
        elif found[pk] == OrderStatus.CANCELLED:
            problems.add(ErrorCode.INVALID, tr("A cancelled order cannot be invoiced."), "input", "orderIds", str(i))
    problems.raise_any()
    return list(dict.fromkeys(wanted))


async def _same_invoice(existing: Invoice, wanted: dict[str, Any], order_ids: list[uuid.UUID]) -> Invoice:
    """The first invoice with this number, when the ERP sent the same data; DUPLICATE_REFERENCE otherwise."""
    linked = set(await InvoiceOrder.filter(invoice_id=existing.id).values_list("order_id", flat=True))
    if any(getattr(existing, k) != v for k, v in wanted.items()) or linked != set(order_ids):
        raise _duplicate(tr("This invoice number was already recorded with other data."), "number")
    return existing


async def invoice_record(
    ctx: Context,
    *,
    number: str,
    customer_number_id: str,
    issued_at: date,
    due_date: date,
    total: Decimal,
    order_ids: Sequence[str] | None,
) -> Invoice:
    """invoiceRecord: an invoice of a customer number (NOT_FOUND if unknown) for orders of that
    number's company (NOT_FOUND otherwise); total >= 0 and dueDate >= issuedAt (INVALID)."""
    actor = ctx.require_erp()
    problems = Problems()
    cleaned = validate.text(problems, number, "input", "number", max_length=validate.max_length(Invoice, "number"))
    amount(problems, total, "input", "total", positive=False)
    if due_date < issued_at:
        problems.add(ErrorCode.INVALID, tr("The due date cannot be before the issue date."), "input", "dueDate")
    problems.raise_any()
    customer_number = await get_any(CustomerNumber, customer_number_id, ["input", "customerNumberId"])
    orders = await _orders(customer_number.company_id, order_ids or [])
    wanted: dict[str, Any] = {
        "customer_number_id": customer_number.id,
        "issued_at": issued_at,
        "due_date": due_date,
        "total": total,
    }
    existing = await Invoice.get_or_none(number=cleaned)
    if existing is not None:
        return await _same_invoice(existing, wanted, orders)
    try:
        async with in_transaction():
            invoice = await Invoice.create(
                number=cleaned, company_id=customer_number.company_id, open_amount=total, **wanted
            )
            await InvoiceOrder.bulk_create([InvoiceOrder(invoice_id=invoice.id, order_id=pk) for pk in orders])
            data = await snapshot(invoice)
            await record(actor, "invoice.recorded", company_id=invoice.company_id, target_id=data["id"], after=data)
            await emit(EventType.INVOICE_RECORDED, data["id"], data, invoice.company_id)
    except IntegrityError:  # the same number recorded at that moment by another call
        existing = await Invoice.get_or_none(number=cleaned)
        if existing is None:
            raise
        return await _same_invoice(existing, wanted, orders)
    return invoice


# ---------------------------------------------------------------------- paymentRecord


async def _same_payment(invoice: Invoice, reference: str, paid: Decimal, paid_at: datetime) -> Invoice | None:
    """The invoice when this reference was already recorded with the same amount and time (a
    replay); None when it is new; DUPLICATE_REFERENCE when it was recorded with other data."""
    existing = await Payment.get_or_none(invoice_id=invoice.id, reference=reference)
    if existing is None:
        return None
    if existing.amount != paid or existing.paid_at != paid_at:
        raise _duplicate(tr("This payment reference was already recorded with other data."), "reference")
    return await Invoice.get(id=invoice.id)


async def payment_record(ctx: Context, *, invoice_id: str, paid: Decimal, paid_at: datetime, reference: str) -> Invoice:
    """paymentRecord: a payment lowers the invoice's open amount; the amount must be > 0 and at
    most what is open (INVALID: an overpayment is refused, never recorded as a negative open
    amount). The invoice's row lock and a conditional UPDATE keep concurrent payments from
    overpaying together; the same reference sent twice at once records one payment."""
    actor = ctx.require_erp()
    problems = Problems()
    cleaned = validate.text(
        problems, reference, "input", "reference", max_length=validate.max_length(Payment, "reference")
    )
    amount(problems, paid, "input", "amount", positive=True)
    problems.raise_any()
    reference = cleaned or ""
    paid_at = paid_at if paid_at.tzinfo else paid_at.replace(tzinfo=UTC)
    invoice = await get_any(Invoice, invoice_id, ["input", "invoiceId"])
    try:
        async with in_transaction():
            await Invoice.filter(id=invoice.id).select_for_update().get()  # payments of one invoice take turns
            replay = await _same_payment(invoice, reference, paid, paid_at)
            if replay is not None:
                return replay
            if not await Invoice.filter(id=invoice.id, open_amount__gte=paid).update(
                open_amount=F("open_amount") - paid
            ):
                open_amount = await Invoice.get(id=invoice.id).values_list("open_amount", flat=True)
                raise DomainError(
                    ErrorCode.INVALID,
                    tr("The amount is more than the invoice's open amount ({amount}).", amount=open_amount),
                    ["input", "amount"],
                )
            await Payment.create(invoice_id=invoice.id, amount=paid, paid_at=paid_at, reference=reference)
            invoice = await Invoice.get(id=invoice.id)
            payment = {"reference": reference, "amount": money_json(paid), "paidAt": paid_at.isoformat()}
            data = await snapshot(invoice, payment=payment)
            await record(actor, "payment.recorded", company_id=invoice.company_id, target_id=data["id"], after=payment)
            await emit(EventType.PAYMENT_RECORDED, data["id"], data, invoice.company_id)
    except IntegrityError:  # SQLite, which has no row lock: the same reference at that moment
        replay = await _same_payment(invoice, reference, paid, paid_at)
        if replay is None:
            raise
        return replay
    return invoice


# ---------------------------------------------------------------------- creditLimitSet


async def credit_limit_set(ctx: Context, company_id: str, limit: Decimal | None) -> Company:
    """creditLimitSet: the company's credit limit (>= 0, INVALID otherwise); null removes it.
    Audited when it changes; setting the same limit again changes nothing."""
    actor: User = ctx.require_erp()
    problems = Problems()
    if limit is not None:
        amount(problems, limit, "limit", positive=False)
    problems.raise_any()
    company = await get_any(Company, company_id, ["companyId"])
    before = company.credit_limit
    if before == limit:
        return company
    async with in_transaction():
        if not await Company.filter(id=company.id).update(credit_limit=limit):
            raise not_found(["companyId"])
        await record(
            actor,
            "company.credit_limit_changed",
            company_id=company.id,
            target_id=ids.encode("Company", company.id),
            before={"creditLimit": money_json(before)},
            after={"creditLimit": money_json(limit)},
        )
    company.credit_limit = limit
    return company
