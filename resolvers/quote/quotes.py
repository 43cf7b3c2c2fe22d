"""Quotes: customers request them, staff price (issue) them, customers decline active ones.

ACTIVE and EXPIRED are never stored: an ISSUED quote is ACTIVE through its validUntil day
and EXPIRED after it (Quote.status_on(today())). Members limited to some customer numbers
see only the quotes made for those (the Quote rule in resolvers.core.access).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models import Company, CustomerNumber, CustomerNumberKind, EventType, Quote, QuoteLine, QuoteState, QuoteStatus
from resolvers.core import ids, validate
from resolvers.core.access import (
    allowed_customer_number_ids,
    get_any,
    get_for_company,
    in_company,
    of_company,
    readable,
)
from resolvers.core.audit import record
from resolvers.core.clock import now, today
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems, not_found
from resolvers.core.i18n import tr
from resolvers.core.pagination import NEWEST_FIRST, Page, paginate
from resolvers.core.permissions import Permission
from resolvers.core.sequence import next_value, placeholder
from resolvers.lines import LineLike
from resolvers.quote.events import quote_event
from resolvers.quote.lines import IssueLine, issue_lines, request_lines, save_lines, total_of

OLDEST_FIRST = ("created_at", "id")


# ---------------------------------------------------------------------- reading


def _status_condition(statuses: Sequence[QuoteStatus], day: date) -> Q:
    """Stored columns for public statuses: ACTIVE / EXPIRED are ISSUED split on validUntil."""
    cond = Q(id=None)  # matches nothing; OR-ed with each wanted status
    for status in set(statuses):
        if status == QuoteStatus.ACTIVE:
            cond |= Q(status=QuoteState.ISSUED, valid_until__gte=day)
        elif status == QuoteStatus.EXPIRED:
            cond |= Q(status=QuoteState.ISSUED) & (Q(valid_until__lt=day) | Q(valid_until=None))
        else:
            cond |= Q(status=QuoteState(status.value))
    return cond


async def _readable(ctx: Context) -> QuerySet[Quote]:
    ctx.check(Permission.VIEW_QUOTES)
    return await readable(Quote, ctx)


async def quotes(
    ctx: Context,
    statuses: Sequence[QuoteStatus] | None,
    year: int | None,
    search: str | None,
    first: int | None,
    after: str | None,
    *,
    with_total: bool = False,
) -> Page[Quote]:
    """The company's quotes the member may see (VIEW_QUOTES), newest first; an empty or
    missing status list means every status; search matches number and reference. With
    `with_total` the page's statement also counts them (paginate)."""
    qs = await _readable(ctx)
    if statuses:
        qs = qs.filter(_status_condition(statuses, today()))
    if year is not None:
        qs = qs.filter(year=year)
    term = (search or "").strip()
    if term:
        qs = qs.filter(Q(number__icontains=term) | Q(reference__icontains=term))
    return await paginate(qs, first, after, NEWEST_FIRST, with_total=with_total)


async def quote(ctx: Context, global_id: str) -> Quote | None:
    """One quote of the company (VIEW_QUOTES); None for unknown, foreign or not-allowed ids."""
    qs = await _readable(ctx)
    pk = ids.decode_or_none(global_id, "Quote")
    return await qs.get_or_none(id=pk) if pk else None


async def quote_years(ctx: Context) -> list[int]:
    """Years with at least one quote the member may see, newest first."""
    qs = await _readable(ctx)
    years: list[Any] = await qs.order_by("-year").distinct().values_list("year", flat=True)
    return [int(y) for y in years]


async def quote_requests(ctx: Context, first: int | None, after: str | None) -> Page[Quote]:
    """Staff: the REQUESTED quotes of every company, oldest first (the queue to price)."""
    ctx.require_read_all()
    return await paginate(Quote.filter(status=QuoteState.REQUESTED), first, after, OLDEST_FIRST)


async def new_number(year: int) -> str:
    """The next quote number of the year, "Q2026-000123" (call inside the transaction)."""
    return f"Q{year}-{await next_value(f'quote-{year}'):06d}"


# ---------------------------------------------------------------------- customer mutations


async def _customer_number_for_request(ctx: Context, global_id: str | None) -> CustomerNumber:
    """The given number (the company's and allowed for the member, else NOT_FOUND), or by default
    the company's SOLD_TO, or, for a member limited to other numbers, the first allowed one."""
    allowed = await allowed_customer_number_ids(ctx)
    numbers = in_company(CustomerNumber, ctx)
    if allowed is not None:
        numbers = numbers.filter(id__in=allowed)
    if global_id:
        pk = ids.decode_or_none(global_id, "CustomerNumber")
        row = await numbers.get_or_none(id=pk) if pk else None
        if row is None:
            raise not_found(["input", "customerNumberId"])
        return row
    rows = await numbers.order_by("number")
    sold_to = [r for r in rows if r.kind == CustomerNumberKind.SOLD_TO]
    if not (sold_to or rows):
        raise not_found(["input", "customerNumberId"])
    return (sold_to or rows)[0]


async def request_quote(
    ctx: Context,
    customer_number_id: str | None,
    reference: str | None,
    note: str | None,
    lines: Sequence[LineLike],
) -> Quote:
    """A REQUESTED quote (REQUEST_QUOTES) for one of the member's customer numbers, numbered now."""
    membership = ctx.require(Permission.REQUEST_QUOTES)
    problems = Problems()
    reference = validate.text(
        problems, reference, "input", "reference", max_length=validate.MAX_REFERENCE, required=False
    )
    note = validate.text(problems, note, "input", "note", max_length=validate.MAX_NOTE, required=False)
    customer_number = await _customer_number_for_request(ctx, customer_number_id)
    checked = await request_lines(ctx, problems, lines)
    problems.raise_any()
    year = now().year
    async with in_transaction():
        row = await Quote.create(
            company_id=membership.company_id,
            customer_number_id=customer_number.id,
            number=placeholder(),
            reference=reference,
            note=note,
            status=QuoteState.REQUESTED,
            year=year,
            requested_by_id=membership.user_id,
        )
        await save_lines(row, checked)
        row.number = await new_number(year)  # last but the event (resolvers.core.sequence.placeholder)
        await Quote.filter(id=row.id).update(number=row.number)
        await quote_event(EventType.QUOTE_REQUESTED, row)
    return row


async def decline_quote(ctx: Context, global_id: str, reason: str | None) -> Quote:
    """ACCEPT_QUOTES: an ACTIVE or REQUESTED quote becomes DECLINED; others INVALID_STATUS_TRANSITION."""
    membership = ctx.require(Permission.ACCEPT_QUOTES)
    problems = Problems()
    reason = validate.text(problems, reason, "reason", max_length=validate.MAX_REASON, required=False)
    problems.raise_any()
    row = await get_for_company(Quote, global_id, ctx, ["id"])
    day = today()
    before = row.status_on(day)
    if before not in (QuoteStatus.ACTIVE, QuoteStatus.REQUESTED):
        raise DomainError(
            ErrorCode.INVALID_STATUS_TRANSITION,
            tr("A quote with status {status} cannot be declined.", status=before.value),
            ["id"],
        )
    async with in_transaction():
        # Conditional on the state read above: a concurrent issue/accept/decline wins once.
        still = Quote.filter(id=row.id, status=row.status)
        if row.status == QuoteState.ISSUED:
            still = still.filter(valid_until__gte=day)
        changed = await still.update(
            status=QuoteState.DECLINED,
            decline_reason=reason,
            decided_by_id=membership.user_id,
            decided_at=now(),
        )
        if not changed:
            raise DomainError(ErrorCode.INVALID_STATUS_TRANSITION, tr("This quote has just changed."), ["id"])
        await record(
            ctx.user,
            "quote.declined",
            company_id=row.company_id,
            target_id=ids.encode("Quote", row.id),
            before={"status": before.value},
            after={"status": QuoteStatus.DECLINED.value, "reason": reason},
        )
    return await Quote.get(id=row.id)


# ---------------------------------------------------------------------- staff


async def issue_quote(
    ctx: Context,
    quote_id: str | None,
    company_id: str | None,
    customer_number_id: str | None,
    valid_until: date,
    reference: str | None,
    lines: Sequence[IssueLine],
) -> Quote:
    """Staff price a REQUESTED quote (its lines replaced by the given ones) or issue a new one
    for a company; validUntil today or later, unit prices >= 0. The quote is then ACTIVE."""
    staff = ctx.require_staff()
    problems = Problems()
    if valid_until < today():
        problems.add(ErrorCode.INVALID, tr("The validity date cannot be in the past."), "input", "validUntil")
    reference = validate.text(
        problems, reference, "input", "reference", max_length=validate.MAX_REFERENCE, required=False
    )
    existing: Quote | None = None
    if quote_id:
        existing = await get_any(Quote, quote_id, ["input", "quoteId"])
        if existing.status != QuoteState.REQUESTED:
            raise DomainError(
                ErrorCode.INVALID_STATUS_TRANSITION, tr("Only a requested quote can be priced."), ["input", "quoteId"]
            )
        company_pk = existing.company_id
        if company_id and ids.decode_or_none(company_id, "Company") != company_pk:
            problems.add(ErrorCode.INVALID, tr("This is not the company of the quote."), "input", "companyId")
    elif company_id:
        company_pk = (await get_any(Company, company_id, ["input", "companyId"])).id
    else:
        raise DomainError(ErrorCode.REQUIRED, tr("Give a quote to price or a company."), ["input", "companyId"])
    customer_number = await _customer_number_for_issue(company_pk, customer_number_id, existing)
    checked = await issue_lines(ctx, problems, lines)
    problems.raise_any()
    total = total_of(checked)
    issued: dict[str, Any] = {"valid_until": valid_until, "issued_by_id": staff.id, "issued_at": now(), "total": total}
    async with in_transaction():
        if existing is not None:
            changes = {**issued, "customer_number_id": customer_number.id, "status": QuoteState.ISSUED}
            if reference is not None:
                changes["reference"] = reference
            # Conditional: two staff members pricing the same request cannot both succeed.
            if not await Quote.filter(id=existing.id, status=QuoteState.REQUESTED).update(**changes):
                raise DomainError(
                    ErrorCode.INVALID_STATUS_TRANSITION, tr("This quote has just been priced."), ["input", "quoteId"]
                )
            await QuoteLine.filter(quote_id=existing.id).delete()
            row = await Quote.get(id=existing.id)
        else:
            year = now().year
            row = await Quote.create(
                company_id=company_pk,
                customer_number_id=customer_number.id,
                number=placeholder(),
                reference=reference,
                status=QuoteState.ISSUED,
                year=year,
                **issued,
            )
        await save_lines(row, checked)
        if existing is None:
            row.number = await new_number(row.year)  # last (resolvers.core.sequence.placeholder)
            await Quote.filter(id=row.id).update(number=row.number)
        await record(
            staff,
            "quote.issued",
            company_id=company_pk,
            target_id=ids.encode("Quote", row.id),
            before={"status": QuoteStatus.REQUESTED.value} if existing else {},
            after={"status": QuoteStatus.ACTIVE.value, "validUntil": valid_until.isoformat(), "total": str(total)},
        )
        await quote_event(EventType.QUOTE_ISSUED, row)
    return row


async def _customer_number_for_issue(
    company_pk: uuid.UUID, global_id: str | None, existing: Quote | None
) -> CustomerNumber:
    """The given number of that company (NOT_FOUND otherwise), else the quote's, else its SOLD_TO."""
    numbers = of_company(CustomerNumber, company_pk)
    if global_id:
        pk = ids.decode_or_none(global_id, "CustomerNumber")
        row = await numbers.get_or_none(id=pk) if pk else None
    elif existing is not None:
        row = await CustomerNumber.get(id=existing.customer_number_id)
    else:
        row = await numbers.filter(kind=CustomerNumberKind.SOLD_TO).order_by("number").first()
    if row is None:
        raise not_found(["input", "customerNumberId"])
    return row
