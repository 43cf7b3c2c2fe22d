"""Submitting: the one way a validation list is created, exactly once per idempotency key.

Every submit (cartSubmit, quickListSubmit, quoteAccept, scanSubmit) runs in one transaction
that first inserts an IdempotencyRecord (unique per membership and key). The unique
constraint settles concurrent identical submits on PostgreSQL (the losers' inserts wait for
the winner's commit, then fail) and on SQLite (transactions take the connection's lock, so
they run one after the other): a loser rolls back and answers the winner's result. The same
key with another request fingerprint is IDEMPOTENCY_KEY_REUSED.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    Cart,
    CartLine,
    CustomerNumber,
    CustomerNumberKind,
    IdempotencyRecord,
    Membership,
    Order,
    OrderSource,
    Product,
    ValidationList,
    ValidationListLine,
    ValidationStatus,
)
from resolvers import cart as cart_rs
from resolvers.catalog.pricing import company_breaks, line_total, unit_price
from resolvers.core import ids, validate
from resolvers.core.access import allowed_customer_number_ids
from resolvers.core.audit import record
from resolvers.core.clock import now
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems
from resolvers.core.i18n import tr
from resolvers.core.permissions import Permission
from resolvers.core.sequence import next_value, placeholder
from resolvers.delivery import check_delivery, columns_of, require_delivery
from resolvers.lines import check_orderable, check_quantity

MAX_KEY = 200
KIND_ORDER = {CustomerNumberKind.SOLD_TO: 0, CustomerNumberKind.BILL_TO: 1, CustomerNumberKind.SHIP_TO: 2}

R = TypeVar("R", ValidationList, Order)


class SubmitLine(NamedTuple):
    """A line to submit, its unit price already decided (current price, or the quoted one)."""

    product: Product
    quantity: Decimal
    note: str | None
    unit_price: Decimal


class _Taken(Exception):
    """The idempotency key was claimed by another (committed) submit."""


def fingerprint(**values: Any) -> str:
    """sha256 of the normalised request: keys sorted, Decimals as normalised strings, ids as text."""

    def norm(value: Any) -> Any:
        if isinstance(value, Decimal):
            # NaN, infinities and huge exponents (refused after hashing) stay as written:
            # normalize() raises for some, and "f" would write 1e999999 as a million digits.
            if not value.is_finite() or abs(value.adjusted()) > 30:
                return str(value)
            return format(value.normalize(), "f")
        if isinstance(value, Mapping):
            return {str(k): norm(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        if isinstance(value, (list, tuple)):
            return [norm(v) for v in value]
        if isinstance(value, str):
            return value.strip()
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if hasattr(value, "__dict__") and not isinstance(value, type):
            return norm({k: v for k, v in vars(value).items() if not k.startswith("_")})
        return str(value)

    raw = json.dumps(norm(values), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def check_key(key: str | None, field: Sequence[str] = ("input", "idempotencyKey")) -> str:
    """A non-empty key of at most 200 characters (REQUIRED / TOO_LONG)."""
    cleaned = (key or "").strip()
    if not cleaned:
        raise DomainError(ErrorCode.REQUIRED, tr("An idempotency key is required."), field)
    if len(cleaned) > MAX_KEY:
        raise DomainError(ErrorCode.TOO_LONG, tr("At most {count} characters.", count=MAX_KEY), field)
    return cleaned


async def _replay(membership: Membership, key: str, request_hash: str, operation: str) -> Any | None:
    """The first result for this key, or None when the key is free; REUSED for another request."""
    rec = await IdempotencyRecord.get_or_none(membership_id=membership.id, key=key)
    if rec is None:
        return None
    if rec.request_hash != request_hash or rec.operation != operation or rec.result_id is None:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            tr("This idempotency key was already used for another request."),
            ["input", "idempotencyKey"],
        )
    parsed = ids.parse(rec.result_id)
    model = {"ValidationList": ValidationList, "Order": Order}[parsed[0]] if parsed else None
    if model is None or parsed is None:
        raise RuntimeError(f"idempotency record {rec.id} has an unknown result {rec.result_id!r}")
    return await model.get(id=uuid.UUID(parsed[1]))


async def run_once(
    membership: Membership,
    key: str,
    request_hash: str,
    operation: str,
    action: Callable[[], Awaitable[R]],
) -> R:
    """Run `action` (which creates a ValidationList or an Order) in one transaction, once per key.

    The IdempotencyRecord is inserted first inside that transaction, so `action` only runs for
    the submit that owns the key; a DomainError from `action` rolls the claim back too. A repeat
    (also a concurrent one) returns the first result and creates nothing.
    """
    key = check_key(key)
    first = await _replay(membership, key, request_hash, operation)
    if first is not None:
        return first  # type: ignore[no-any-return]
    try:
        async with in_transaction():
            try:
                claim = await IdempotencyRecord.create(
                    membership_id=membership.id, key=key, operation=operation, request_hash=request_hash
                )
            except IntegrityError:
                raise _Taken() from None
            result = await action()
            await IdempotencyRecord.filter(id=claim.id).update(result_id=ids.encode(type(result).__name__, result.id))
    except _Taken:
        first = await _replay(membership, key, request_hash, operation)
        if first is None:  # the winner rolled back between our insert and this read: try again
            return await run_once(membership, key, request_hash, operation, action)
        return first  # type: ignore[no-any-return]
    return result


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
        return ship_to  # type: ignore[no-any-return]
    company_id = membership.company_id  # type: ignore[attr-defined]
    rows = await CustomerNumber.filter(company_id=company_id)
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
        company_id=membership.company_id,  # type: ignore[attr-defined]
        membership_id=membership.id,
        submitted_by_id=membership.user_id,  # type: ignore[attr-defined]
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
    row.number = await new_number(year)
    await ValidationList.filter(id=row.id).update(number=row.number)
    await record(
        ctx.user,
        "validation_list.submitted",
        company_id=row.company_id,  # type: ignore[attr-defined]
        target_id=ids.encode("ValidationList", row.id),
        after={"number": row.number, "source": source.value, "total": str(total), "lines": len(items)},
    )
    return row


async def submit(
    ctx: Context,
    membership: Membership,
    *,
    lines: Sequence[SubmitLine | tuple[Product, Decimal, str | None, Decimal]],
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
) -> ValidationList:
    """Create the validation list once per (membership, idempotency key), in one transaction.

    `then(validation_list)` runs inside the same transaction (e.g. mark the quote accepted).
    The same key with the same fingerprint returns the first validation list; with another
    fingerprint IDEMPOTENCY_KEY_REUSED.
    """

    async def action() -> ValidationList:
        row = await create_validation_list(
            ctx,
            membership,
            lines=lines,
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

    return await run_once(membership, idempotency_key, request_fingerprint, operation, action)


# ---------------------------------------------------------------------- cartSubmit

MAX_REFERENCE = 200
MAX_NOTE = 2000


def check_texts(reference: str | None, note: str | None) -> tuple[str | None, str | None]:
    """The submit's reference (<= 200) and note (<= 2000), trimmed; TOO_LONG under ["input", ...]."""
    problems = Problems()
    reference = validate.text(problems, reference, "input", "reference", max_length=MAX_REFERENCE, required=False)
    note = validate.text(problems, note, "input", "note", max_length=MAX_NOTE, required=False)
    problems.raise_any()
    return reference, note


async def priced(membership: Membership, items: Sequence[tuple[Product, Decimal, str | None]]) -> list[SubmitLine]:
    """Lines at the company's current price for their quantity (best break, else list price)."""
    breaks = await company_breaks(membership.company_id, [p.id for p, _, _ in items])  # type: ignore[attr-defined]
    return [SubmitLine(p, q, n, unit_price(p.list_price, breaks.get(p.id, []), q)) for p, q, n in items]


async def _cart_delivery(ctx: Context, membership: Membership, cart_row: Cart, given: Any) -> dict[str, Any]:
    """The input's delivery, else the cart's (its SHIP_TO still one the member may use)."""
    if given is not None:
        return await check_delivery(ctx, membership, given, "input", "delivery")
    require_delivery(cart_row, "input", "delivery")
    columns = columns_of(cart_row)
    ship_to = columns.get("ship_to_id")
    allowed = await allowed_customer_number_ids(ctx)
    if ship_to is not None and allowed is not None and ship_to not in allowed:
        raise DomainError(
            ErrorCode.INVALID_DELIVERY,
            tr("You may no longer deliver to the cart's address; choose another."),
            ["input", "delivery"],
        )
    return columns


async def cart_submit(
    ctx: Context, reference: str | None, note: str | None, delivery: Any, idempotency_key: str
) -> ValidationList:
    """cartSubmit (PLACE_ORDERS): the cart's lines at today's prices become a SUBMITTED
    validation list (source CART) and the cart is emptied, in one transaction.

    CART_EMPTY without lines; DELIVERY_REQUIRED when neither the input nor the cart has a
    delivery. Every line is checked again (still orderable, quantity still valid for the
    product); a problem with line i is reported under ["cart", "lines", i] and nothing is sent.
    """
    membership = ctx.require(Permission.PLACE_ORDERS)
    reference, note = check_texts(reference, note)
    request_hash = fingerprint(reference=reference, note=note, delivery=delivery)
    # Loaded before the transaction: a loader's batch must not need a second pooled connection.
    await allowed_customer_number_ids(ctx)

    async def action() -> ValidationList:
        # Locked before the lines are read: an add waits for this submit (and then fills the
        # emptied cart), and a second submit of the cart finds it empty (CART_EMPTY).
        cart_row = await cart_rs.lock_saved_cart(membership)
        rows = await CartLine.filter(cart_id=cart_row.id).order_by("position", "created_at", "id") if cart_row else []
        if cart_row is None or not rows:
            raise DomainError(ErrorCode.CART_EMPTY, tr("Your cart is empty."), ["cart", "lines"])
        columns = await _cart_delivery(ctx, membership, cart_row, delivery)
        products = {p.id: p for p in await Product.filter(id__in=[r.product_id for r in rows])}  # type: ignore[attr-defined]
        problems = Problems()
        items: list[tuple[Product, Decimal, str | None]] = []
        for i, row in enumerate(rows):
            product = products[row.product_id]  # type: ignore[attr-defined]
            at = ("cart", "lines", str(i))
            check_orderable(problems, product, *at)
            check_quantity(problems, product, Decimal(row.quantity), *at, "quantity")
            items.append((product, Decimal(row.quantity), row.note))
        problems.raise_any()
        lines = await priced(membership, items)
        await cart_rs.empty_cart(cart_row)
        return await create_validation_list(
            ctx, membership, lines=lines, delivery=columns, source=OrderSource.CART, reference=reference, note=note
        )

    return await run_once(membership, idempotency_key, request_hash, "cartSubmit", action)
