"""The cart: one per membership, kept on the server (PLACE_ORDERS for every operation).

A cart row is created by the first change, never by reading: an absent cart reads as an
empty cart whose id is already the one it will have (uuid5 of the membership), so reads
never write. A product is on at most one line: adding it again adds to that line's
quantity, and the summed quantity is checked again. Every change runs in one transaction
with the cart row locked (PostgreSQL), so concurrent adds of one product cannot collide.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from models import (
    Cart,
    CartLine,
    Membership,
    OrderSource,
    Product,
    ValidationList,
)
from resolvers.catalog.loaders import prices_by_product_id, product_by_id
from resolvers.catalog.pricing import Break, line_total, unit_price
from resolvers.core import ids
from resolvers.core.access import allowed_customer_number_ids, readable
from resolvers.core.clock import now
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problem, Problems, limit_exceeded, not_found
from resolvers.core.i18n import tr
from resolvers.core.idempotency import fingerprint, run_once
from resolvers.core.loaders import many_by
from resolvers.core.permissions import Permission
from resolvers.delivery import DeliveryValues, check_delivery, columns_of, require_delivery
from resolvers.lines import (
    CheckedLine,
    LineLike,
    MergedLine,
    Refused,
    all_problems,
    check_lines,
    check_orderable,
    check_quantity,
    merge,
    plan_additions,
    quantity_problem,
    require_lines,
)
from resolvers.validation.create import Wanted, check_texts, submit_lines
from resolvers.validation.events import validation_list_submitted

MAX_LINES_PER_CALL = 500
#: Cart ids are derived from the membership id, so an unsaved (empty) cart has its final id.
CART_NAMESPACE = uuid.UUID("6f1d6c1e-63a4-4a8e-9a59-2f7c8d0b9a51")

lines_by_cart_id = many_by(CartLine, "cart_id", order_by=("position", "created_at", "id"))


def cart_id_of(membership: Membership) -> uuid.UUID:
    return uuid.uuid5(CART_NAMESPACE, str(membership.id))


def _empty_cart(membership: Membership, at: datetime | None = None) -> Cart:
    """The cart row as it is before its first change (`at`: its creation time, for saving)."""
    when = at or membership.created_at
    return Cart(
        id=cart_id_of(membership),
        membership_id=membership.id,
        company_id=membership.company_id,
        created_at=when,
        updated_at=when,
    )


async def find_cart(membership: Membership) -> Cart | None:
    """The membership's saved cart, if it has one."""
    return await Cart.get_or_none(membership_id=membership.id)


async def current_cart(membership: Membership) -> Cart:
    """The membership's cart; an unsaved empty one (with its future id) when none was made."""
    return await find_cart(membership) or _empty_cart(membership)


async def locked_cart(membership: Membership) -> Cart:
    """Call inside a transaction: the membership's cart, created if missing, row-locked."""
    await Cart.bulk_create([_empty_cart(membership, now())], ignore_conflicts=True)
    return await Cart.filter(membership_id=membership.id).select_for_update().get()


async def lock_saved_cart(membership: Membership) -> Cart | None:
    """Call inside a transaction: the membership's saved cart row-locked (PostgreSQL), None when
    it has none. Every change of a cart locks its row before it reads or writes the lines, so
    changes of one cart take turns and always lock in the same order (cart, then lines)."""
    return await Cart.filter(membership_id=membership.id).select_for_update().first()


async def touch(cart: Cart) -> None:
    cart.updated_at = now()
    await Cart.filter(id=cart.id).update(updated_at=cart.updated_at)


async def cart(ctx: Context) -> Cart:
    """The acting member's cart (PLACE_ORDERS); reading never creates it."""
    return await current_cart(ctx.require(Permission.PLACE_ORDERS))


async def cart_for_node(ctx: Context, pk: uuid.UUID) -> Cart | None:
    """Query.node: the acting member's own cart (PLACE_ORDERS); None for any other id (a
    colleague's cart is private to its member)."""
    membership = ctx.active_membership
    if membership is None or Permission.PLACE_ORDERS not in ctx.permissions or pk != cart_id_of(membership):
        return None
    return await current_cart(membership)


async def cart_of_line_for_node(ctx: Context, pk: uuid.UUID) -> Cart | None:
    """Query.node: the cart holding this line, if it is the acting member's (PLACE_ORDERS)."""
    membership = ctx.active_membership
    if membership is None or not await (await readable(CartLine, ctx)).filter(id=pk).exists():
        return None
    return await current_cart(membership)


# ---------------------------------------------------------------------- reading lines


@dataclass
class PricedLine:
    line: CartLine
    product: Product
    #: None when the member may not see prices (the Money fields read null anyway).
    unit_price: Decimal | None
    line_total: Decimal | None


async def priced_lines(ctx: Context, cart_row: Cart) -> list[PricedLine]:
    """The cart's lines in order, priced with the company's best break for each quantity.

    Batched through loaders: the same number of queries for 1 or 500 lines.
    """
    rows: list[CartLine] = await lines_by_cart_id(ctx).load(cart_row.id)
    if not rows:
        return []
    products = await product_by_id(ctx).load_many([r.product_id for r in rows])
    breaks: Sequence[list[Break] | None]
    if ctx.can_see_prices and ctx.company_id is not None:
        breaks = await prices_by_product_id(ctx).load_many([p.id for p in products])
    else:
        breaks = [None] * len(rows)
    result = []
    for row, product, product_breaks in zip(rows, products, breaks, strict=True):
        price = total = None
        if product_breaks is not None:
            price = unit_price(product.list_price, product_breaks, row.quantity)
            total = line_total(price, row.quantity)
        result.append(PricedLine(row, product, price, total))
    return result


def subtotal(lines: Sequence[PricedLine]) -> Decimal | None:
    """The sum of the line totals (each already rounded to cents); None without prices."""
    if any(line.line_total is None for line in lines):
        return None
    return sum((line.line_total for line in lines if line.line_total is not None), Decimal(0))


# ---------------------------------------------------------------------- adding lines


async def add_merged(
    membership: Membership, merged: Sequence[MergedLine], *, strict: bool
) -> tuple[Cart, list[Refused]]:
    """Add lines (one per product, already checked) to the cart, call inside a transaction.

    A product already in the cart gets the quantities added; the sum is checked again. With
    `strict`, any refused sum means nothing is written. A fixed number of statements: the
    cart, its lines, one INSERT of the new lines, one UPDATE of the grown ones.
    """
    cart_row = await locked_cart(membership)
    plan = await plan_additions(CartLine, {"cart_id": cart_row.id}, merged, tr("in the cart"))
    if plan.refused and strict:
        return cart_row, plan.refused
    if await plan.save(CartLine):
        await touch(cart_row)
    return cart_row, plan.refused


def _rejection_problems(rejected: Sequence[Refused], *field: str) -> list[Problem]:
    return [Problem(r.code, r.message, (*field, str(r.merged.indexes[-1]), "quantity")) for r in rejected]


async def add_lines(ctx: Context, lines: Sequence[LineLike], partial: bool = False) -> tuple[Cart, list[Problem]]:
    """cartLinesAdd (PLACE_ORDERS): every line checked (path ["lines", i, ...]), then summed per
    product with what the cart holds. All-or-nothing by default (DomainError); with `partial`
    the good lines go in and the problems of the others come back with the cart."""
    membership = ctx.require(Permission.PLACE_ORDERS)
    if len(lines) > MAX_LINES_PER_CALL:
        raise limit_exceeded(tr("At most {count} lines per call.", count=MAX_LINES_PER_CALL))
    checked = await check_lines(ctx, lines, "lines")
    problems = all_problems(checked)
    merged = _merge_rechecked(checked, problems)
    if problems and not partial:
        raise DomainError(problems)
    if not merged:
        return await current_cart(membership), problems
    async with in_transaction():
        cart_row, rejected = await add_merged(membership, merged, strict=not partial)
        problems += _rejection_problems(rejected, "lines")
        if rejected and not partial:
            raise DomainError(problems)
    return cart_row, problems


def _merge_rechecked(checked: Sequence[CheckedLine], problems: list[Problem]) -> list[MergedLine]:
    """Lines of one product summed; a sum that breaks a rule is dropped and reported."""
    result = []
    for m in merge(checked):
        found = quantity_problem(m.product, m.quantity) if len(m.indexes) > 1 else None
        if found:
            problems.append(
                Problem(
                    found[0],
                    tr("Summed over the lines of this product: {problem}", problem=found[1]),
                    ("lines", str(m.indexes[-1]), "quantity"),
                )
            )
        else:
            result.append(m)
    return result


# ---------------------------------------------------------------------- other changes


async def _own_line(membership: Membership, global_id: str, *field: str) -> CartLine:
    """A line of the membership's cart; NOT_FOUND for any other id."""
    pk = ids.decode_or_none(global_id, "CartLine")
    row = None
    if pk is not None:
        row = await CartLine.filter(id=pk, cart__membership_id=membership.id).select_related("product").first()
    if row is None:
        raise not_found(field)
    return row


async def update_line(ctx: Context, line_id: str, quantity: Decimal) -> Cart:
    """cartLineUpdate (PLACE_ORDERS): the line's new quantity, checked like any added line."""
    membership = ctx.require(Permission.PLACE_ORDERS)
    row = await _own_line(membership, line_id, "lineId")
    problems = Problems()
    check_orderable(problems, row.product, "lineId")
    check_quantity(problems, row.product, quantity, "quantity")
    problems.raise_any()
    async with in_transaction():
        cart_row = await locked_cart(membership)
        if not await CartLine.filter(id=row.id, cart_id=cart_row.id).update(quantity=quantity):
            raise not_found(["lineId"])  # removed (or submitted) since it was read
        await touch(cart_row)
    return cart_row


async def remove_lines(ctx: Context, line_ids: Sequence[str]) -> Cart:
    """cartLinesRemove (PLACE_ORDERS): all the lines or none (NOT_FOUND ["lineIds", i])."""
    membership = ctx.require(Permission.PLACE_ORDERS)
    if len(line_ids) > MAX_LINES_PER_CALL:
        raise limit_exceeded(tr("At most {count} lines per call.", count=MAX_LINES_PER_CALL))
    pks = [ids.decode_or_none(g, "CartLine") for g in line_ids]
    wanted = [pk for pk in pks if pk]
    if await find_cart(membership) is None:
        require_lines(pks, set())
        return _empty_cart(membership)
    async with in_transaction():
        cart_row = await locked_cart(membership)
        found = set(await CartLine.filter(cart_id=cart_row.id, id__in=wanted).values_list("id", flat=True))
        require_lines(pks, found)
        await CartLine.filter(cart_id=cart_row.id, id__in=list(found)).delete()
        await touch(cart_row)
    return cart_row


async def clear(ctx: Context) -> Cart:
    """cartClear (PLACE_ORDERS): removes every line; the chosen delivery stays."""
    membership = ctx.require(Permission.PLACE_ORDERS)
    cart_row = await find_cart(membership)
    if cart_row is None:
        return _empty_cart(membership)
    async with in_transaction():
        cart_row = await locked_cart(membership)
        if await CartLine.filter(cart_id=cart_row.id).delete():
            await touch(cart_row)
    return cart_row


async def empty_cart(cart_row: Cart) -> None:
    """For submits, inside their transaction and with the cart locked: the cart loses its
    lines (the delivery stays)."""
    await CartLine.filter(cart_id=cart_row.id).delete()
    await touch(cart_row)


async def set_delivery(ctx: Context, value: DeliveryValues) -> Cart:
    """cartDeliverySet (PLACE_ORDERS): the delivery later submits use by default (see
    resolvers.delivery.check_delivery for the rules; problems under ["input", ...])."""
    membership = ctx.require(Permission.PLACE_ORDERS)
    columns = await check_delivery(ctx, membership, value, "input")
    async with in_transaction():
        cart_row = await locked_cart(membership)
        await Cart.filter(id=cart_row.id).update(**columns, updated_at=now())
    return await Cart.get(id=cart_row.id)


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
        cart_row = await lock_saved_cart(membership)
        rows = await CartLine.filter(cart_id=cart_row.id).order_by("position", "created_at", "id") if cart_row else []
        if cart_row is None or not rows:
            raise DomainError(ErrorCode.CART_EMPTY, tr("Your cart is empty."), ["cart", "lines"])
        columns = await _cart_delivery(ctx, membership, cart_row, delivery)
        products = {p.id: p for p in await Product.filter(id__in=[r.product_id for r in rows])}
        wanted = [
            Wanted(products[row.product_id], Decimal(row.quantity), row.note, at=("cart", "lines", str(i)))
            for i, row in enumerate(rows)
        ]
        # Emptied first: the list takes its number last, so the counter's lock is held briefly.
        # A problem with a line rolls the whole transaction back, the cart's lines with it.
        await empty_cart(cart_row)
        return await submit_lines(
            ctx, membership, wanted, delivery=columns, source=OrderSource.CART, reference=reference, note=note
        )

    return await run_once(membership, idempotency_key, request_hash, "cartSubmit", action, validation_list_submitted)
