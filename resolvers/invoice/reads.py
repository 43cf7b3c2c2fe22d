"""Reading invoices and credit (SPEC "Integration", Customers see).

Members with VIEW_INVOICES read their company's invoices made out to customer numbers they may
use (resolvers.core.access); staff and READ_ALL clients read any invoice by id. The status is
derived at read time: PAID once nothing is open, OVERDUE past the due date, OPEN otherwise; the
filters derive it in SQL from the same two columns, so pages and totalCount agree with it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.functions import Sum

from models import (
    Company,
    IntegrationScope,
    Invoice,
    InvoiceOrder,
    InvoiceStatus,
    Order,
    OrderStatus,
    Payment,
    ValidationList,
    ValidationStatus,
)
from resolvers.company.loaders import company_by_id
from resolvers.core import ids
from resolvers.core.access import of_companies, readable
from resolvers.core.clock import today
from resolvers.core.context import Context
from resolvers.core.errors import forbidden
from resolvers.core.loaders import loader, many_by, mapped
from resolvers.core.pagination import Page, paginate
from resolvers.core.permissions import Permission

ZERO = Decimal(0)
#: Newest issue date first; the recording time and the id break ties.
NEWEST_ISSUED = ("-issued_at", "-created_at", "-id")

payments_by_invoice_id = many_by(Payment, "invoice_id", order_by=("paid_at", "created_at"))


def status_of(row: Invoice, on: date | None = None) -> InvoiceStatus:
    """PAID when nothing is open; OVERDUE when an amount is open past the due date; else OPEN."""
    if row.open_amount <= 0:
        return InvoiceStatus.PAID
    return InvoiceStatus.OVERDUE if row.due_date < (on or today()) else InvoiceStatus.OPEN


def _status_filter(status: InvoiceStatus, on: date) -> Q:
    """`status_of` as SQL."""
    if status == InvoiceStatus.PAID:
        return Q(open_amount__lte=0)
    if status == InvoiceStatus.OVERDUE:
        return Q(open_amount__gt=0, due_date__lt=on)
    return Q(open_amount__gt=0, due_date__gte=on)


def sees_all(ctx: Context) -> bool:
    """Staff, READ_ALL clients and the ERP (WRITE_ERP, which records them): every company's
    invoices, with their orders, and credit."""
    return (
        ctx.staff_role is not None
        or ctx.has_scope(IntegrationScope.READ_ALL)
        or ctx.has_scope(IntegrationScope.WRITE_ERP)
    )


async def invoices(
    ctx: Context,
    statuses: Sequence[InvoiceStatus] | None,
    year: int | None,
    customer_number_id: str | None,
    first: int | None,
    after: str | None,
) -> Page[Invoice]:
    """The member's invoices (VIEW_INVOICES), newest issue date first; filter by status, year of
    issue and customer number (an unknown one matches nothing)."""
    ctx.require(Permission.VIEW_INVOICES)
    qs = await readable(Invoice, ctx)
    if statuses:
        on = today()
        qs = qs.filter(reduce(or_, (_status_filter(s, on) for s in set(statuses))))
    if year is not None:
        if 1 <= year < 9999:
            qs = qs.filter(issued_at__gte=date(year, 1, 1), issued_at__lt=date(year + 1, 1, 1))
        else:  # a year no date has
            qs = qs.filter(id=None)
    if customer_number_id is not None:
        pk = ids.decode_or_none(customer_number_id, "CustomerNumber")
        qs = qs.filter(customer_number_id=pk) if pk else qs.filter(id=None)
    return await paginate(qs, first, after, NEWEST_ISSUED)


async def invoice(ctx: Context, global_id: str) -> Invoice | None:
    """One invoice the member may read (VIEW_INVOICES); None for unknown, foreign or unseen ids."""
    ctx.require(Permission.VIEW_INVOICES)
    pk = ids.decode_or_none(global_id, "Invoice")
    return await (await readable(Invoice, ctx)).get_or_none(id=pk) if pk else None


@loader
async def orders_by_invoice_id(ctx: Context, keys: list[uuid.UUID]) -> list[list[Order]]:
    """The orders each invoice bills: all of them for those who see every invoice, else those
    the member may read (two statements a batch)."""
    links = await InvoiceOrder.filter(invoice_id__in=list(set(keys))).values_list("invoice_id", "order_id")
    scope = Order.all() if sees_all(ctx) else await readable(Order, ctx)
    rows = await scope.filter(id__in=list({o for _, o in links}))
    by_id = {row.id: row for row in rows}
    grouped: dict[uuid.UUID, list[Order]] = defaultdict(list)
    for invoice_id, order_id in links:
        if order_id in by_id:
            grouped[invoice_id].append(by_id[order_id])
    for found in grouped.values():
        found.sort(key=lambda row: (row.created_at, row.id))  # oldest first
    return [grouped.get(k, []) for k in keys]


# ---------------------------------------------------------------------- credit


@dataclass(frozen=True)
class Exposure:
    """What a company owes or has committed: open invoices (and the overdue part of them),
    SUBMITTED validation lists, and orders not yet invoiced (not CANCELLED)."""

    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    submitted: Decimal = ZERO
    uninvoiced: Decimal = ZERO


def _sums(rows: list[dict[str, Any]], *names: str) -> dict[Any, dict[str, Decimal]]:
    return {r["company_id"]: {n: Decimal(r[n] or 0) for n in names} for r in rows}


@mapped
async def exposure_by_company_id(keys: list[uuid.UUID]) -> dict[uuid.UUID, Exposure]:
    """Three aggregate statements for any number of companies."""
    on = today()
    open_invoices = await (
        of_companies(Invoice, keys)
        .filter(open_amount__gt=0)
        .annotate(outstanding=Sum("open_amount"), overdue=Sum("open_amount", _filter=Q(due_date__lt=on)))
        .group_by("company_id")
        .values("company_id", "outstanding", "overdue")
    )
    submitted = await (
        of_companies(ValidationList, keys)
        .filter(status=ValidationStatus.SUBMITTED)
        .annotate(submitted=Sum("total"))
        .group_by("company_id")
        .values("company_id", "submitted")
    )
    uninvoiced = await (
        of_companies(Order, keys)
        .exclude(status=OrderStatus.CANCELLED)
        .exclude(id__in=Subquery(InvoiceOrder.all().values("order_id")))
        .annotate(uninvoiced=Sum("total"))
        .group_by("company_id")
        .values("company_id", "uninvoiced")
    )
    parts = (
        _sums(open_invoices, "outstanding", "overdue"),
        _sums(submitted, "submitted"),
        _sums(uninvoiced, "uninvoiced"),
    )
    return {key: Exposure(**{n: v for part in parts for n, v in part.get(key, {}).items()}) for key in keys}


@dataclass(frozen=True)
class Credit:
    limit: Decimal | None
    outstanding: Decimal
    overdue: Decimal
    #: limit - outstanding - SUBMITTED validation lists - orders not yet invoiced; None without a limit.
    available: Decimal | None


async def credit(ctx: Context, company: Company) -> Credit:
    """Company.credit: staff, READ_ALL clients, and the company's members with VIEW_INVOICES
    (FORBIDDEN for anyone else)."""
    if not sees_all(ctx) and not (ctx.company_id == company.id and Permission.VIEW_INVOICES in ctx.permissions):
        raise forbidden()
    e = await exposure_by_company_id(ctx).load(company.id)
    limit = company.credit_limit
    available = None if limit is None else limit - e.outstanding - e.submitted - e.uninvoiced
    return Credit(limit, e.outstanding, e.overdue, available)


async def exceeds_credit_limit(ctx: Context, row: ValidationList) -> bool:
    """Whether approving this SUBMITTED list would take its company past its credit limit:
    open invoices + orders not yet invoiced + this list's total > limit. False without a limit,
    for a list already decided, and for anyone but staff and distributor clients (sees_all)."""
    if not sees_all(ctx) or row.status != ValidationStatus.SUBMITTED:
        return False
    company = await company_by_id(ctx).load(row.company_id)
    if company is None or company.credit_limit is None:
        return False
    e = await exposure_by_company_id(ctx).load(row.company_id)
    return e.outstanding + e.uninvoiced + row.total > company.credit_limit
