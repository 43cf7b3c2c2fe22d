"""Documents and rows shared by the invoice tests."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from models import AuditEvent, Company, CustomerNumber, CustomerNumberKind, Event, Invoice, InvoiceOrder, Order, Payment
from resolvers.core import ids
from resolvers.core.clock import today

_numbers = itertools.count(1)

ERRORS = "userErrors { field code message }"
INVOICE_FIELDS = """
  id number issuedAt dueDate status total { amount currency } openAmount { amount currency }
  customerNumber { number }
  orders { number }
  payments { paidAt amount { amount } reference }
"""
RECORD = "mutation($input: InvoiceRecordInput!) { invoiceRecord(input: $input) { invoice { %s } %s } }" % (
    INVOICE_FIELDS,
    ERRORS,
)
PAY = "mutation($input: PaymentRecordInput!) { paymentRecord(input: $input) { invoice { %s } %s } }" % (
    INVOICE_FIELDS,
    ERRORS,
)
LIMIT = (
    """
mutation($company: ID!, $limit: Decimal) {
  creditLimitSet(companyId: $company, limit: $limit) {
    company { id credit { limit { amount } outstanding { amount } overdue { amount } available { amount } } }
    %s
  }
}
"""
    % ERRORS
)
INVOICES = (
    """
query($filter: InvoiceFilter, $first: Int, $after: String) {
  invoices(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { %s } }
  }
}
"""
    % INVOICE_FIELDS
)
INVOICE = "query($id: ID!) { invoice(id: $id) { %s } }" % INVOICE_FIELDS
CREDIT = "{ viewer { company { credit { limit { amount } outstanding { amount } overdue { amount } available { amount } } } } }"


def gid(row: Any) -> str:
    return ids.encode(type(row).__name__, row.id)


def new_number() -> str:
    return f"F2026-{next(_numbers):06d}"


def record_input(customer_number: CustomerNumber, *orders: Order, **kw: Any) -> dict[str, Any]:
    return {
        "number": new_number(),
        "customerNumberId": gid(customer_number),
        "issuedAt": "2026-03-01",
        "dueDate": "2026-03-31",
        "total": "1210.50",
        "orderIds": [gid(o) for o in orders],
        **kw,
    }


async def sold_to(company: Company) -> CustomerNumber:
    return await CustomerNumber.get(company_id=company.id, kind=CustomerNumberKind.SOLD_TO)


async def make_invoice(
    company: Company,
    total: str = "100.00",
    *,
    paid: tuple[str, ...] = (),
    due: date | None = None,
    issued: date | None = None,
    customer_number: CustomerNumber | None = None,
    orders: tuple[Order, ...] = (),
) -> Invoice:
    """An invoice made directly, with its payments and orders, its open amount kept."""
    due = due or today()
    invoice = await Invoice.create(
        company=company,
        customer_number=customer_number or await sold_to(company),
        number=new_number(),
        issued_at=issued or date(due.year, due.month, 1),
        due_date=due,
        total=Decimal(total),
        open_amount=Decimal(total) - sum((Decimal(p) for p in paid), Decimal(0)),
    )
    for i, amount in enumerate(paid):
        await Payment.create(
            invoice=invoice, amount=Decimal(amount), paid_at=datetime(2026, 1, 1 + i, tzinfo=UTC), reference=f"P-{i}"
        )
    for order in orders:
        await InvoiceOrder.create(invoice=invoice, order=order)
    return invoice


async def counts() -> dict[str, int]:
    """Rows a refused or replayed write must leave as they were (the audit of the ERP client's
    own use of WRITE_ERP, `api_client.erp_write`, aside: every call writes it, tests/api_client)."""
    return {
        "invoices": await Invoice.all().count(),
        "links": await InvoiceOrder.all().count(),
        "payments": await Payment.all().count(),
        "audit": await AuditEvent.exclude(action__startswith="api_client.").count(),
        "events": await Event.all().count(),
    }
