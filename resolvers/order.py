"""Orders: created when staff approve a validation list (or at once by an approved scan), the
order history, reordering an order's lines into the cart, and the status the ERP sets.

Who reads orders follows the validation lists (`visible` below, used by resolvers.validation.lists too): the company's
orders, limited to the member's customer numbers, with VIEW_COMPANY_ORDERS; only the member's
own with VIEW_OWN_ORDERS.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models import (
    Cart,
    CustomerNumber,
    DeliveryMethod,
    EventType,
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    Product,
    ValidationList,
    ValidationListLine,
)
from resolvers.cart import add_merged, current_cart
from resolvers.catalog.pricing import line_total
from resolvers.catalog.products import plain
from resolvers.core import ids
from resolvers.core.access import may_read_orders, nothing, of_company, readable
from resolvers.core.clock import now
from resolvers.core.context import Context
from resolvers.core.errors import ErrorCode, Problem, forbidden, not_found, unauthenticated
from resolvers.core.i18n import tr
from resolvers.core.loaders import by_key, many_by
from resolvers.core.pagination import NEWEST_FIRST, Page, paginate
from resolvers.core.permissions import Permission
from resolvers.core.sequence import next_value, placeholder
from resolvers.delivery import columns_of
from resolvers.event import emit, money_json
from resolvers.lines import CheckedLine, merge, quantity_problem

M = TypeVar("M", bound=Model)

order_by_id = by_key(Order)
order_by_validation_list_id = by_key(Order, "validation_list_id")
lines_by_order_id = many_by(OrderLine, "order_id", order_by=("position",))


async def new_number(year: int) -> str:
    """The next order number of the year, "O2026-000123" (call inside the transaction)."""
    return f"O{year}-{await next_value(f'order-{year}'):06d}"


async def place_order(
    *,
    company_id: uuid.UUID,
    membership_id: uuid.UUID,
    placed_by_id: uuid.UUID,
    customer_number_id: uuid.UUID,
    source: OrderSource,
    reference: str | None,
    note: str | None,
    delivery: Mapping[str, Any],
    lines: Sequence[tuple[uuid.UUID, Decimal, str | None, Decimal]],
    validation_list_id: uuid.UUID | None = None,
) -> Order:
    """A CONFIRMED order with these lines (product id, quantity, note, frozen unit price) and
    delivery (DeliveryMixin columns); the total is the sum of the line totals, each rounded
    half-up to cents. The one way an order is made (call inside the caller's transaction)."""
    year = now().year
    total = sum((line_total(Decimal(price), Decimal(quantity)) for _, quantity, _, price in lines), Decimal(0))
    order = await Order.create(
        company_id=company_id,
        membership_id=membership_id,
        placed_by_id=placed_by_id,
        customer_number_id=customer_number_id,
        validation_list_id=validation_list_id,
        number=placeholder(),
        status=OrderStatus.CONFIRMED,
        source=source,
        reference=reference,
        note=note,
        total=total,
        year=year,
        **delivery,
    )
    await OrderLine.bulk_create(
        [
            OrderLine(
                id=uuid.uuid4(),
                order_id=order.id,
                product_id=product_id,
                quantity=quantity,
                note=line_note,
                unit_price=price,
                position=i,
            )
            for i, (product_id, quantity, line_note, price) in enumerate(lines)
        ]
    )
    order.number = await new_number(year)  # last (resolvers.core.sequence.placeholder)
    await Order.filter(id=order.id).update(number=order.number)
    await emit(EventType.ORDER_CREATED, ids.encode("Order", order.id), await snapshot(order), order.company_id)
    return order


async def create_order(source_row: ValidationList) -> Order:
    """The CONFIRMED order of an approved validation list: its lines with their frozen prices,
    its delivery, customer number, source and submitter (call inside the decision's transaction)."""
    lines = await ValidationListLine.filter(validation_list_id=source_row.id).order_by("position")
    return await place_order(
        company_id=source_row.company_id,
        membership_id=source_row.membership_id,
        placed_by_id=source_row.submitted_by_id,
        customer_number_id=source_row.customer_number_id,
        source=source_row.source,
        reference=source_row.reference,
        note=source_row.note,
        delivery=columns_of(source_row),
        lines=[(line.product_id, line.quantity, line.note, line.unit_price) for line in lines],
        validation_list_id=source_row.id,
    )


# ---------------------------------------------------------------------- events


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def snapshot(order: Order) -> dict[str, Any]:
    """The order as its events carry it (SPEC "Events": camelCase, global ids, Money via
    money_json, quantities as strings): its lines in one query, its customer number in another."""
    lines = (
        await OrderLine.filter(order_id=order.id)
        .order_by("position")
        .values_list("id", "product_id", "product__sku", "quantity", "quantity_shipped", "unit_price", "note")
    )
    numbers = await CustomerNumber.filter(id=order.customer_number_id).values_list("number", flat=True)
    one_time = order.one_time_line1 is not None
    return {
        "id": ids.encode("Order", order.id),
        "number": order.number,
        "status": OrderStatus(order.status).value,
        "source": OrderSource(order.source).value,
        "reference": order.reference,
        "note": order.note,
        "erpReference": order.erp_reference,
        "version": order.version,
        "company": ids.encode("Company", order.company_id),
        "customerNumber": {"id": ids.encode("CustomerNumber", order.customer_number_id), "number": numbers[0]},
        "placedBy": ids.encode("User", order.placed_by_id),
        "placedAt": _iso(order.created_at),
        "total": money_json(Decimal(order.total)),
        "delivery": {
            "method": DeliveryMethod(order.delivery_method).value if order.delivery_method else None,
            "shipTo": ids.encode("CustomerNumber", order.ship_to_id) if order.ship_to_id else None,
            "branch": ids.encode("Branch", order.branch_id) if order.branch_id else None,
            "oneTimeAddress": {
                "line1": order.one_time_line1,
                "line2": order.one_time_line2,
                "postalCode": order.one_time_postal_code,
                "city": order.one_time_city,
                "countryCode": order.one_time_country_code,
            }
            if one_time
            else None,
            "requestedDate": _iso(order.requested_date),
        },
        "lines": [
            {
                "id": ids.encode("OrderLine", pk),
                "product": {"id": ids.encode("Product", product_id), "sku": sku},
                "quantity": str(plain(Decimal(quantity))),
                "quantityShipped": str(plain(Decimal(shipped))),
                "quantityOpen": str(plain(Decimal(quantity) - Decimal(shipped))),
                "unitPrice": money_json(Decimal(price)),
                "lineTotal": money_json(line_total(Decimal(price), Decimal(quantity))),
                "note": note,
            }
            for pk, product_id, sku, quantity, shipped, price, note in lines
        ],
    }


# ---------------------------------------------------------------------- who sees what


async def visible(model: type[M], ctx: Context) -> QuerySet[M]:
    """Validation lists or orders the member may read (resolvers.core.access: the company's,
    limited to the member's customer numbers, with VIEW_COMPANY_ORDERS, else their own with
    VIEW_OWN_ORDERS); FORBIDDEN without either, UNAUTHENTICATED without a session."""
    if ctx.viewer is None:
        raise unauthenticated()
    if not ctx.viewer.acting or not may_read_orders(ctx):  # the session's values: no model built
        raise forbidden()
    return await readable(model, ctx)


# ---------------------------------------------------------------------- reading


def _filtered(
    qs: QuerySet[Order], statuses: Sequence[OrderStatus] | None, year: int | None, search: str | None
) -> QuerySet[Order]:
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if year is not None:
        qs = qs.filter(year=year)
    term = (search or "").strip()
    if term:
        qs = qs.filter(Q(number__icontains=term) | Q(reference__icontains=term))
    return qs


async def _page(
    ctx: Context, qs: QuerySet[Order], first: int | None, after: str | None, with_total: bool
) -> Page[Order]:
    page = await paginate(qs, first, after, NEWEST_FIRST, with_total=with_total)
    for row in page.rows:
        order_by_id(ctx).prime(row.id, row)
    return page


async def orders(
    ctx: Context,
    statuses: Sequence[OrderStatus] | None,
    year: int | None,
    search: str | None,
    first: int | None,
    after: str | None,
    *,
    with_total: bool = False,
) -> Page[Order]:
    """The orders the member may read, newest first; filter by status, year (of placing) and
    search (part of the number or the reference, any case). With `with_total` the page's
    statement also counts them (paginate)."""
    qs = _filtered(await visible(Order, ctx), statuses, year, search)
    return await _page(ctx, qs, first, after, with_total)


async def every_order(
    ctx: Context,
    statuses: Sequence[OrderStatus] | None,
    year: int | None,
    search: str | None,
    company_id: str | None,
    first: int | None,
    after: str | None,
    *,
    with_total: bool = False,
) -> Page[Order]:
    """Backoffice.orders (staff or READ_ALL): every company's orders, or one company's (an
    unknown company has none), newest first, with Query.orders' filter."""
    ctx.require_read_all()
    qs = Order.all()
    if company_id is not None:
        pk = ids.decode_or_none(company_id, "Company")
        qs = of_company(qs, pk) if pk else nothing(Order)
    return await _page(ctx, _filtered(qs, statuses, year, search), first, after, with_total)


async def order(ctx: Context, global_id: str) -> Order | None:
    """One order the member may read; None for unknown, foreign or unseen ids."""
    qs = await visible(Order, ctx)
    pk = ids.decode_or_none(global_id, "Order")
    return await qs.get_or_none(id=pk) if pk else None


# ---------------------------------------------------------------------- reorder


async def reorder(ctx: Context, global_id: str) -> tuple[Cart, list[Problem]]:
    """orderReorder (PLACE_ORDERS): the order's lines go into the cart, added to the lines
    already there; the cart prices them at today's prices.

    Lines that cannot be ordered any more (product withdrawn) are PRODUCT_NOT_ORDERABLE at
    ["lines", i] (i: the line's position in the order); a quantity that no longer fits the
    product's minimum or pack size, alone or summed with the cart, gets that quantity code at
    ["lines", i]. Such lines are reported, never silently dropped, and the others go in.
    """
    membership = ctx.require(Permission.PLACE_ORDERS)
    row = await order(ctx, global_id)
    if row is None:
        raise not_found(["id"])
    lines = await OrderLine.filter(order_id=row.id).order_by("position")
    products = {p.id: p for p in await Product.filter(id__in=[line.product_id for line in lines])}
    problems: list[Problem] = []
    checked: list[CheckedLine] = []
    for i, line in enumerate(lines):
        at = ("lines", str(i))
        product = products.get(line.product_id)
        if product is None or not product.orderable:
            problems.append(Problem(ErrorCode.PRODUCT_NOT_ORDERABLE, tr("This product can no longer be ordered."), at))
            continue
        found = quantity_problem(product, Decimal(line.quantity))
        if found is not None:
            problems.append(Problem(found[0], tr("{sku}: {problem}", sku=product.sku, problem=found[1]), at))
            continue
        checked.append(CheckedLine(i, product, Decimal(line.quantity), line.note))
    merged = merge(checked)
    if not merged:
        return await current_cart(membership), problems
    async with in_transaction():
        cart_row, rejected = await add_merged(membership, merged, strict=False)
    for r in rejected:
        problems.append(
            Problem(
                r.code,
                tr("{sku}: {problem}", sku=r.merged.product.sku, problem=r.message),
                ("lines", str(r.merged.indexes[-1])),
            )
        )
    problems.sort(key=lambda p: int(p.field[1]) if p.field else 0)
    return cart_row, problems
