"""Ordering from a quick list: quickListAddToCart copies lines to the cart (PLACE_ORDERS);
quickListSubmit sends them straight to validation (ORDER_FROM_QUICK_LISTS: how
QUICK_LISTS_ONLY members order, without a cart).

Both read the list as the member may (resolvers.quick_list.lists.get_visible: NOT_FOUND for another
member's private list or another company's list) and check every line again against today's
product rules, since a product's minimum, pack size or availability may have changed since
the line was added.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from tortoise.transactions import in_transaction

from models import Cart, OrderSource, Product, QuickList, QuickListLine, ValidationList
from resolvers.cart import add_merged, current_cart
from resolvers.core import ids
from resolvers.core.access import allowed_customer_number_ids
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problem, Problems
from resolvers.core.i18n import tr
from resolvers.core.idempotency import fingerprint, run_once
from resolvers.core.permissions import Permission
from resolvers.delivery import DeliveryValues, check_delivery
from resolvers.lines import MergedLine, check_orderable, check_quantity
from resolvers.quick_list.lists import get_visible
from resolvers.validation.create import Wanted, check_texts, submit_lines
from resolvers.validation.events import validation_list_submitted

Located = tuple[QuickListLine, tuple[str, ...]]


class LineQuantity(Protocol):
    """A QuickListLineQuantity: a line of the list and the quantity to order."""

    @property
    def line_id(self) -> str: ...
    @property
    def quantity(self) -> Decimal: ...


async def _lines(row: QuickList) -> list[QuickListLine]:
    return await QuickListLine.filter(quick_list_id=row.id).order_by("position", "created_at", "id")


def _by_ids(
    lines: Sequence[QuickListLine], line_ids: Sequence[str], problems: Problems, *field: str, name: str | None = None
) -> list[tuple[int, QuickListLine, tuple[str, ...]]]:
    """The lines named by global id, in the given order, with their input index and location
    (field + (i,)); NOT_FOUND at that location (+ name) for an id that is not a line of this
    list, INVALID for a line named twice."""
    by_pk = {line.id: line for line in lines}
    chosen: list[tuple[int, QuickListLine, tuple[str, ...]]] = []
    seen = set()
    for i, global_id in enumerate(line_ids):
        at = (*field, str(i))
        pk = ids.decode_or_none(global_id, "QuickListLine")
        line = by_pk.get(pk) if pk else None
        if line is None:
            problems.add(ErrorCode.NOT_FOUND, tr("Not found."), *at, *([name] if name else []))
        elif line.id in seen:
            problems.add(ErrorCode.INVALID, tr("This line is given twice."), *at, *([name] if name else []))
        else:
            seen.add(line.id)
            chosen.append((i, line, at))
    return chosen


async def _products(lines: Sequence[Located]) -> dict[Any, Product]:
    wanted = list({line.product_id for line, _ in lines})
    return {p.id: p for p in await Product.filter(id__in=wanted)} if wanted else {}


async def add_to_cart(ctx: Context, global_id: str, line_ids: Sequence[str] | None) -> Cart:
    """quickListAddToCart (PLACE_ORDERS): the chosen lines (all when lineIds is null) go to the
    cart with their default quantities and notes, summed with what the cart already holds.
    All or nothing: a line breaking a product rule (at ["lineIds", i] or ["quickList",
    "lines", i]) or a refused sum with the cart leaves the cart unchanged."""
    membership = ctx.require(Permission.PLACE_ORDERS)
    ctx.require(Permission.VIEW_QUICK_LISTS)
    row = await get_visible(ctx, global_id, "id")
    lines = await _lines(row)
    problems = Problems()
    if line_ids is None:
        chosen: list[Located] = [(line, ("quickList", "lines", str(i))) for i, line in enumerate(lines)]
    else:
        chosen = [(line, at) for _, line, at in _by_ids(lines, line_ids, problems, "lineIds")]
    products = await _products(chosen)
    merged: list[MergedLine] = []
    for i, (line, at) in enumerate(chosen):
        product = products[line.product_id]
        quantity = Decimal(line.quantity)
        check_orderable(problems, product, *at)
        check_quantity(problems, product, quantity, *at, "quantity")
        merged.append(MergedLine(product, quantity, line.note, [i]))
    problems.raise_any()
    if not merged:
        return await current_cart(membership)
    async with in_transaction():
        cart_row, rejected = await add_merged(membership, merged, strict=True)
        if rejected:
            raise DomainError(
                [Problem(r.code, r.message, (*chosen[r.merged.indexes[0]][1], "quantity")) for r in rejected]
            )
    return cart_row


async def submit(
    ctx: Context,
    global_id: str,
    *,
    lines: Sequence[LineQuantity] | None,
    delivery: DeliveryValues,
    reference: str | None,
    note: str | None,
    idempotency_key: str,
) -> ValidationList:
    """quickListSubmit (ORDER_FROM_QUICK_LISTS): the chosen lines with their quantities (all
    lines at their default quantity when `lines` is null) at today's prices become a SUBMITTED
    validation list (source QUICK_LIST), delivered as `delivery` (a member limited to some
    customer numbers delivers to those only). The cart is not touched. Once per idempotency key.

    Problems: NOT_FOUND / INVALID (a line named twice) at ["input", "lines", i, "lineId"];
    quantity rules at ["input", "lines", i, "quantity"] (["quickList", "lines", i, ...] for
    default lines); delivery problems under ["input", "delivery"]; CART_EMPTY with no line.
    """
    membership = ctx.require(Permission.ORDER_FROM_QUICK_LISTS)
    reference, note = check_texts(reference, note)
    wanted = None if lines is None else [{"lineId": q.line_id, "quantity": q.quantity} for q in lines]
    request_hash = fingerprint(quick_list=global_id, lines=wanted, delivery=delivery, reference=reference, note=note)
    # Loaded before the transaction: a loader's batch must not need a second pooled connection.
    await allowed_customer_number_ids(ctx)

    async def action() -> ValidationList:
        row = await get_visible(ctx, global_id, "id")
        problems = Problems()
        columns: dict[str, Any] = {}
        # Not attempt(): delivery problems are reported together with the lines' problems.
        try:
            columns = await check_delivery(ctx, membership, delivery, "input", "delivery")
        except DomainError as error:
            problems.items += error.problems
        list_lines = await _lines(row)
        quantities: list[Decimal]
        if lines is None:
            chosen: list[Located] = [(line, ("quickList", "lines", str(i))) for i, line in enumerate(list_lines)]
            quantities = [Decimal(line.quantity) for line, _ in chosen]
        else:
            located = _by_ids(list_lines, [q.line_id for q in lines], problems, "input", "lines", name="lineId")
            chosen = [(line, at) for _, line, at in located]
            quantities = [lines[i].quantity for i, _, _ in located]
        products = await _products(chosen)
        wanted = [
            Wanted(
                products[line.product_id],
                quantity,
                line.note,
                at=at,
                product_at=(*at, "lineId") if lines is not None else None,
            )
            for (line, at), quantity in zip(chosen, quantities, strict=True)
        ]
        return await submit_lines(
            ctx,
            membership,
            wanted,
            problems=problems,
            delivery=columns,
            source=OrderSource.QUICK_LIST,
            reference=reference,
            note=note,
        )

    return await run_once(
        membership, idempotency_key, request_hash, "quickListSubmit", action, validation_list_submitted
    )
