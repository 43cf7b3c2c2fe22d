"""Submitting: the one way a validation list is created, exactly once per idempotency key.

Every submit (cartSubmit, quickListSubmit, quoteAccept, scanSubmit) runs in one transaction
that first inserts an IdempotencyRecord (unique per membership and key). The unique
constraint settles concurrent identical submits on PostgreSQL (the losers' inserts wait for
the winner's commit, then fail) and on SQLite (transactions take the connection's lock, so
they run one after the other): a loser rolls back and answers the winner's result. The same
key with another request fingerprint is IDEMPOTENCY_KEY_REUSED.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from models import (
    CustomerNumber,
    CustomerNumberKind,
    Membership,
    OrderSource,
    Product,
    ValidationList,
    ValidationListLine,
    ValidationStatus,
)
from resolvers.catalog.pricing import company_breaks, line_total, unit_price
from resolvers.core import ids, validate
from resolvers.core.access import allowed_customer_number_ids, of_company
from resolvers.core.audit import record
from resolvers.core.clock import now
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems
from resolvers.core.i18n import tr
from resolvers.core.idempotency import run_once
from resolvers.core.sequence import next_value, placeholder
from resolvers.lines import check_orderable, check_quantity
from resolvers.validation.events import prepare_submitted, validation_list_submitted

KIND_ORDER = {CustomerNumberKind.SOLD_TO: 0, CustomerNumberKind.BILL_TO: 1, CustomerNumberKind.SHIP_TO: 2}


class SubmitLine(NamedTuple):
    """A line to submit, its unit price already decided (current price, or the quoted one)."""

    product: Product
    quantity: Decimal
    note: str | None
    unit_price: Decimal


@dataclass
class Wanted:
    """A line to submit at today's price, once checked again against today's product rules."""

    product: Product
    quantity: Decimal
    note: str | None
    #: Where the line's problems go (the quantity's at `at + ("quantity",)`).
    at: tuple[str, ...]
    #: Where PRODUCT_NOT_ORDERABLE goes, when not at `at` (a quick-list line named by lineId).
    product_at: tuple[str, ...] | None = None


async def customer_number_for(
    ctx: Context, membership: Membership, delivery: Mapping[str, Any], given: CustomerNumber | uuid.UUID | None
) -> uuid.UUID:
    """Which customer number a submission is made for.

    The given one (a quote's) when there is one; else the SHIP_TO number delivered to; else the
    company's SOLD_TO. A member limited to some numbers who may not use the SOLD_TO gets the first
    number they may use (SOLD_TO, BILL_TO, SHIP_TO, then by number), so they can see what they sent.
    """
    if given is not None:
        return given.id if isinstance(given, CustomerNumber) else given
    ship_to = delivery.get("ship_to_id") or getattr(delivery.get("ship_to"), "id", None)
    if ship_to is not None:
        return ship_to
    company_id = membership.company_id
    rows = await of_company(CustomerNumber, company_id)
    acting = ctx.active_membership
    allowed = await allowed_customer_number_ids(ctx) if acting is not None and acting.id == membership.id else None
    usable = [r for r in rows if allowed is None or r.id in allowed] or rows
    if not usable:
        raise DomainError(
            ErrorCode.INVALID_DELIVERY, tr("This account has no customer number yet."), ["input", "delivery"]
        )
    return min(usable, key=lambda r: (KIND_ORDER.get(r.kind, 9), r.number)).id


def _delivery_columns(delivery: Mapping[str, Any]) -> dict[str, Any]:
    """DeliveryMixin columns, with foreign keys given as rows or ids."""
    columns = dict(delivery)
    for name in ("ship_to", "branch"):
        if name in columns:
            value = columns.pop(name)
            columns[f"{name}_id"] = getattr(value, "id", value)
    return columns


async def new_number(year: int) -> str:
    """The next validation list number of the year, "V2026-000123" (inside the transaction)."""
    return f"V{year}-{await next_value(f'validation-{year}'):06d}"


async def create_validation_list(
    ctx: Context,
    membership: Membership,
    *,
    lines: Iterable[SubmitLine | tuple[Product, Decimal, str | None, Decimal]],
    delivery: Mapping[str, Any],
    source: OrderSource,
    reference: str | None,
    note: str | None,
    quote_id: uuid.UUID | None = None,
    customer_number: CustomerNumber | uuid.UUID | None = None,
) -> ValidationList:
    """A SUBMITTED validation list with its prices frozen; call inside run_once's transaction,
    as late as possible (it takes the year's number last).

    The total is the sum of the lines' totals, each rounded half-up to cents.
    """
    items = [SubmitLine(*line) for line in lines]
    if not items:
        raise DomainError(ErrorCode.CART_EMPTY, tr("There is nothing to submit."), ["input", "lines"])
    total = sum((line_total(item.unit_price, item.quantity) for item in items), Decimal(0))
    year = now().year
    row = await ValidationList.create(
        company_id=membership.company_id,
        membership_id=membership.id,
        submitted_by_id=membership.user_id,
        customer_number_id=await customer_number_for(ctx, membership, delivery, customer_number),
        number=placeholder(),
        status=ValidationStatus.SUBMITTED,
        source=source,
        reference=reference,
        note=note,
        total=total,
        quote_id=quote_id,
        **_delivery_columns(delivery),
    )
    await ValidationListLine.bulk_create(
        [
            ValidationListLine(
                id=uuid.uuid4(),
                validation_list_id=row.id,
                product_id=item.product.id,
                quantity=item.quantity,
                note=item.note,
                unit_price=item.unit_price,
                position=i,
            )
            for i, item in enumerate(items)
        ]
    )
    await prepare_submitted(row)
    row.number = await new_number(year)
    await ValidationList.filter(id=row.id).update(number=row.number)
    await record(
        ctx.user,
        "validation_list.submitted",
        company_id=row.company_id,
        target_id=ids.encode("ValidationList", row.id),
        after={"number": row.number, "source": source.value, "total": str(total), "lines": len(items)},
    )
    return row


async def submit_lines(
    ctx: Context,
    membership: Membership,
    lines: Sequence[Wanted | SubmitLine],
    *,
    problems: Problems | None = None,
    delivery: Mapping[str, Any],
    source: OrderSource,
    reference: str | None,
    note: str | None,
    quote_id: uuid.UUID | None = None,
    customer_number: CustomerNumber | uuid.UUID | None = None,
) -> ValidationList:
    """The one path of every submit, inside its transaction. Each Wanted line is checked again
    against today's product rules (still orderable, quantity still valid), its problems raised
    together with the `problems` the caller already found, and priced at the company's current
    price for its quantity; a SubmitLine keeps its price (a quote's terms; a scan's lines, checked
    and priced before it chose between an order and a validation list). Then the SUBMITTED list."""
    problems = Problems() if problems is None else problems
    wanted = [line for line in lines if isinstance(line, Wanted)]
    for line in wanted:
        check_orderable(problems, line.product, *(line.product_at or line.at))
        check_quantity(problems, line.product, line.quantity, *line.at, "quantity")
    problems.raise_any()
    current = iter(await priced(membership, [(w.product, w.quantity, w.note) for w in wanted]) if wanted else [])
    items = [next(current) if isinstance(line, Wanted) else line for line in lines]
    return await create_validation_list(
        ctx,
        membership,
        lines=items,
        delivery=delivery,
        source=source,
        reference=reference,
        note=note,
        quote_id=quote_id,
        customer_number=customer_number,
    )


async def submit(
    ctx: Context,
    membership: Membership,
    *,
    lines: Sequence[Wanted | SubmitLine],
    delivery: Mapping[str, Any],
    source: OrderSource,
    reference: str | None,
    note: str | None,
    idempotency_key: str,
    request_fingerprint: str,
    operation: str,
    quote_id: uuid.UUID | None = None,
    customer_number: CustomerNumber | uuid.UUID | None = None,
    then: Callable[[ValidationList], Awaitable[Any]] | None = None,
    announce: Callable[[ValidationList], Awaitable[Any]] | None = None,
) -> ValidationList:
    """Create the validation list once per (membership, idempotency key), in one transaction.

    `then(validation_list)` runs inside the same transaction (e.g. mark the quote accepted).
    The same key with the same fingerprint returns the first validation list; with another
    fingerprint IDEMPOTENCY_KEY_REUSED. Last, VALIDATION_LIST_SUBMITTED, then the caller's own
    events (`announce`, e.g. QUOTE_ACCEPTED): each event follows those of the subjects it names.
    """

    async def action() -> ValidationList:
        row = await submit_lines(
            ctx,
            membership,
            lines,
            delivery=delivery,
            source=source,
            reference=reference,
            note=note,
            quote_id=quote_id,
            customer_number=customer_number,
        )
        if then is not None:
            await then(row)
        return row

    async def announced(row: ValidationList) -> None:
        await validation_list_submitted(row)
        if announce is not None:
            await announce(row)

    return await run_once(membership, idempotency_key, request_fingerprint, operation, action, announced)


# ---------------------------------------------------------------------- cartSubmit


def check_texts(reference: str | None, note: str | None) -> tuple[str | None, str | None]:
    """The submit's reference (<= 200) and note (<= 2000), trimmed; TOO_LONG under ["input", ...]."""
    problems = Problems()
    reference = validate.text(
        problems, reference, "input", "reference", max_length=validate.MAX_REFERENCE, required=False
    )
    note = validate.text(problems, note, "input", "note", max_length=validate.MAX_NOTE, required=False)
    problems.raise_any()
    return reference, note


async def priced(membership: Membership, items: Sequence[tuple[Product, Decimal, str | None]]) -> list[SubmitLine]:
    """Lines at the company's current price for their quantity (best break, else list price)."""
    breaks = await company_breaks(membership.company_id, [p.id for p, _, _ in items])
    return [SubmitLine(p, q, n, unit_price(p.list_price, breaks.get(p.id, []), q)) for p, q, n in items]
