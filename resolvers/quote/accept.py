"""quoteAccept: an ACTIVE quote's lines, at the quoted prices, become a validation list.

The validation list (source QUOTE, quote_id set, made for the quote's customer number) is
created by resolvers.validation.create.submit, and the quote turns ACCEPTED in the same transaction by a
conditional UPDATE (still ISSUED and valid today), so a quote is accepted at most once even
when two members accept it at the same moment. The same idempotency key returns the first
validation list, also after the quote is ACCEPTED.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from models import (
    CustomerNumber,
    CustomerNumberKind,
    DeliveryMethod,
    EventType,
    IdempotencyRecord,
    OrderSource,
    Product,
    Quote,
    QuoteLine,
    QuoteState,
    QuoteStatus,
    ValidationList,
)
from resolvers.core import ids, validate
from resolvers.core.access import allowed_customer_number_ids, get_for_company
from resolvers.core.audit import record
from resolvers.core.clock import now, today
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode
from resolvers.core.i18n import N_, tr
from resolvers.core.idempotency import check_key, fingerprint
from resolvers.core.permissions import Permission
from resolvers.delivery import DeliveryValues, check_delivery, empty
from resolvers.quote.events import quote_event
from resolvers.validation.create import SubmitLine, check_texts, submit

OPERATION = "quoteAccept"

NOT_ACTIVE = {
    QuoteStatus.REQUESTED: N_("This quote has not been priced yet."),
    QuoteStatus.EXPIRED: N_("This quote has expired."),
    QuoteStatus.ACCEPTED: N_("This quote has already been accepted."),
    QuoteStatus.DECLINED: N_("This quote was declined."),
}


def _not_active(status: QuoteStatus) -> DomainError:
    return DomainError(ErrorCode.QUOTE_NOT_ACTIVE, tr(NOT_ACTIVE.get(status, N_("This quote is not active."))), ["id"])


async def default_delivery(quote: Quote) -> dict[str, Any]:
    """Delivery to the quote's customer number: as the ship-to when it is a SHIP_TO number,
    else (SOLD_TO, BILL_TO) as a one-time address copied from that number's address."""
    number = await CustomerNumber.get(id=quote.customer_number_id)
    columns = empty()
    columns["delivery_method"] = DeliveryMethod.DELIVERY
    if number.kind == CustomerNumberKind.SHIP_TO:
        columns["ship_to_id"] = number.id
    else:
        for name in validate.ADDRESS_COLUMNS:
            columns[f"one_time_{name}"] = getattr(number, name)
    return columns


async def _quoted_lines(quote: Quote) -> list[SubmitLine]:
    """The quote's lines in order, each at its quoted unit price."""
    rows = await QuoteLine.filter(quote_id=quote.id).order_by("position")
    products = {p.id: p for p in await Product.filter(id__in=[r.product_id for r in rows])}
    # A REQUESTED quote has no prices; it never gets past the conditional UPDATE (accept_in_place),
    # so 0 is only a placeholder that is rolled back with everything else.
    return [SubmitLine(products[r.product_id], Decimal(r.quantity), r.note, Decimal(r.unit_price or 0)) for r in rows]


async def accept_quote(
    ctx: Context,
    global_id: str,
    reference: str | None,
    note: str | None,
    delivery: DeliveryValues | None,
    idempotency_key: str,
) -> ValidationList:
    """quoteAccept (ACCEPT_QUOTES): an ACTIVE quote (ISSUED, validUntil today or later) of a
    customer number the member may use is submitted at its quoted prices and becomes ACCEPTED.
    REQUESTED, EXPIRED, ACCEPTED and DECLINED quotes: QUOTE_NOT_ACTIVE. The delivery is the
    input's, else delivery to the quote's customer number (see default_delivery)."""
    membership = ctx.require(Permission.ACCEPT_QUOTES)
    key = check_key(idempotency_key)
    reference, note = check_texts(reference, note)
    quote = await get_for_company(Quote, global_id, ctx, ["id"])
    status = quote.status_on(today())
    # A repeat of a successful accept finds the quote ACCEPTED: let submit() answer the first result.
    if status != QuoteStatus.ACTIVE and not await IdempotencyRecord.exists(membership_id=membership.id, key=key):
        raise _not_active(status)
    # Loaded before the transaction: a loader's batch must not need a second pooled connection.
    await allowed_customer_number_ids(ctx)
    if delivery is not None:
        columns = await check_delivery(ctx, membership, delivery, "input", "delivery")
    else:
        columns = await default_delivery(quote)
    request_hash = fingerprint(quote=global_id, reference=reference, note=note, delivery=delivery)

    async def accept_in_place(row: ValidationList) -> None:
        day = today()
        decided = {"status": QuoteState.ACCEPTED, "decided_by_id": membership.user_id, "decided_at": now()}
        changed = await Quote.filter(id=quote.id, status=QuoteState.ISSUED, valid_until__gte=day).update(**decided)
        if not changed:
            current = await Quote.get(id=quote.id)
            raise _not_active(current.status_on(day))
        for name, value in decided.items():
            setattr(quote, name, value)
        await record(
            ctx.user,
            "quote.accepted",
            company_id=quote.company_id,
            target_id=ids.encode("Quote", quote.id),
            before={"status": QuoteStatus.ACTIVE.value},
            after={"status": QuoteStatus.ACCEPTED.value, "validationList": row.number},
        )

    async def accepted(row: ValidationList) -> None:
        await quote_event(EventType.QUOTE_ACCEPTED, quote, validationListId=ids.encode("ValidationList", row.id))

    return await submit(
        ctx,
        membership,
        lines=await _quoted_lines(quote),
        delivery=columns,
        source=OrderSource.QUOTE,
        reference=reference if reference is not None else quote.reference,
        note=note,
        idempotency_key=key,
        request_fingerprint=request_hash,
        operation=OPERATION,
        quote_id=quote.id,
        customer_number=quote.customer_number_id,
        then=accept_in_place,
        announce=accepted,
    )
