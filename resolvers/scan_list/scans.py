"""Scan lists: products the distributor approves in advance for a company's scanner, and
scanSubmit, which turns scanned codes into an order at once or into a validation list.

Staff make a list for a company (scanListCreate) and approve it (scanListApprove, once). Members
with PLACE_ORDERS read their company's approved lists (`scanLists`); an unapproved list is seen
by staff only. A scan whose every product is on a line of one of the company's approved lists
becomes a CONFIRMED order at once (resolvers.order.place_order); any other scan becomes, whole,
a validation list (resolvers.validation.create.submit). Both are idempotent per (membership, key).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from stdnum import ean as ean_check
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from models import Company, Order, OrderSource, Product, ScanList, ScanListLine, ValidationList
from resolvers.core import ids, validate
from resolvers.core.access import allowed_customer_number_ids, get_any, nothing, of_company, readable
from resolvers.core.audit import record
from resolvers.core.clock import now
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems
from resolvers.core.i18n import tr
from resolvers.core.idempotency import check_key, fingerprint, run_once
from resolvers.core.pagination import Page, paginate
from resolvers.core.permissions import DECIDERS, Permission
from resolvers.delivery import DeliveryValues, check_delivery
from resolvers.lines import LineLike, all_problems, check_lines, merge
from resolvers.order import place_order
from resolvers.validation.create import customer_number_for, priced, submit

MAX_DEVICE_ID = 100
#: Staff who may approve a scan list (what is approved orders without validation);
#: any staff member, a REPRESENTATIVE too, may prepare one.
OPERATION = "scanSubmit"
OLDEST_FIRST = ("created_at", "id")


def barcode_of(product: Product) -> str:
    """What a scan-list line prints: the product's EAN-13 when its check digit is valid, else its SKU."""
    code = (product.ean or "").strip()
    if len(code) == 13 and ean_check.is_valid(code):
        return code
    return product.sku


# ---------------------------------------------------------------------- reading


async def scan_lists(ctx: Context) -> list[ScanList]:
    """The acting company's approved scan lists, by name (PLACE_ORDERS)."""
    ctx.require(Permission.PLACE_ORDERS)
    return await (await readable(ScanList, ctx)).order_by("name", "id")


async def backoffice_scan_lists(
    ctx: Context, approved: bool | None, company_id: str | None, first: int | None, after: str | None
) -> Page[ScanList]:
    """Staff (any role): the scan lists of every company, oldest first (the approval queue is
    `approved: false`); of one company if given (an unknown company has none)."""
    ctx.require_read_all()
    qs = ScanList.all()
    if approved is not None:
        qs = qs.filter(approved_at__isnull=not approved)
    if company_id is not None:
        pk = ids.decode_or_none(company_id, "Company")
        qs = of_company(qs, pk) if pk else nothing(ScanList)
    return await paginate(qs, first, after, OLDEST_FIRST)


# ---------------------------------------------------------------------- staff


async def create_scan_list(ctx: Context, company_id: str, name: str, lines: Sequence[LineLike]) -> ScanList:
    """Staff: a new (unapproved) scan list for a company. Lines name products by productId,
    SKU or EAN, with a default quantity that follows the product's quantity rules; a product
    given twice is one line with the quantities summed. At least one line (REQUIRED)."""
    staff = ctx.require_staff()
    company = await get_any(Company, company_id, ["input", "companyId"])
    problems = Problems()
    cleaned = validate.text(problems, name, "input", "name", max_length=validate.MAX_NAME)
    if not lines:
        problems.add(ErrorCode.REQUIRED, tr("A scan list needs at least one line."), "input", "lines")
    checked = await check_lines(ctx, lines, "input", "lines")
    problems.items.extend(all_problems(checked))
    problems.raise_any()
    merged = merge(checked)
    async with in_transaction():
        row = await ScanList.create(company_id=company.id, name=cleaned, created_by_id=staff.id)
        await ScanListLine.bulk_create(
            [
                ScanListLine(
                    id=uuid.uuid4(),
                    scan_list_id=row.id,
                    product_id=line.product.id,
                    barcode=barcode_of(line.product),
                    default_quantity=line.quantity,
                    position=i,
                )
                for i, line in enumerate(merged)
            ]
        )
        await record(
            staff,
            "scan_list.created",
            company_id=company.id,
            target_id=ids.encode("ScanList", row.id),
            after={"name": cleaned, "lines": len(merged)},
        )
    return row


async def approve_scan_list(ctx: Context, global_id: str) -> ScanList:
    """Staff (CUSTOMER_SERVICE, ADMINISTRATOR): approve a list once; its products can then be
    ordered by scanning without validation. An approved list: INVALID_STATUS_TRANSITION."""
    staff = ctx.require_staff(*DECIDERS)
    row = await get_any(ScanList, global_id, ["id"])
    async with in_transaction():
        # Conditional: two staff members approving at once cannot both succeed.
        changed = await ScanList.filter(id=row.id, approved_at__isnull=True).update(
            approved_at=now(), approved_by_id=staff.id
        )
        if not changed:
            raise DomainError(ErrorCode.INVALID_STATUS_TRANSITION, tr("This scan list is already approved."), ["id"])
        await record(
            staff,
            "scan_list.approved",
            company_id=row.company_id,
            target_id=ids.encode("ScanList", row.id),
            before={"approved": False},
            after={"approved": True},
        )
    return await ScanList.get(id=row.id)


# ---------------------------------------------------------------------- scanSubmit


async def approved_product_ids(company_id: uuid.UUID, product_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these products are on a line of one of the company's approved scan lists (one query)."""
    rows: list[Any] = await ScanListLine.filter(
        product_id__in=list(set(product_ids)),
        scan_list_id__in=Subquery(of_company(ScanList, company_id).filter(approved_at__isnull=False).values("id")),
    ).values_list("product_id", flat=True)
    return set(rows)


async def scan_submit(
    ctx: Context,
    lines: Sequence[LineLike],
    delivery: DeliveryValues,
    reference: str | None,
    device_id: str | None,
    idempotency_key: str,
) -> ValidationList | Order:
    """scanSubmit (PLACE_ORDERS): scanned codes (SKU, EAN, own article code) with quantities,
    priced now and frozen. Every product on an approved scan list of the company: a CONFIRMED
    order at once (source SCAN); otherwise the whole scan becomes a SUBMITTED validation list
    (source SCAN). Repeated codes are summed. A line that cannot be used (unknown code, quantity
    rules) refuses the whole scan with the line's path ["input", "lines", i, ...].
    """
    membership = ctx.require(Permission.PLACE_ORDERS)
    key = check_key(idempotency_key)
    problems = Problems()
    reference = validate.text(
        problems, reference, "input", "reference", max_length=validate.MAX_REFERENCE, required=False
    )
    device = validate.text(problems, device_id, "input", "deviceId", max_length=MAX_DEVICE_ID, required=False)
    if not lines:
        problems.add(ErrorCode.CART_EMPTY, tr("Scan at least one article."), "input", "lines")
    checked = await check_lines(ctx, lines, "input", "lines")
    problems.items.extend(all_problems(checked))
    problems.raise_any()
    # Loaded before the transaction: a loader's batch must not need a second pooled connection.
    await allowed_customer_number_ids(ctx)
    columns = await check_delivery(ctx, membership, delivery, "input", "delivery")
    customer_number = await customer_number_for(ctx, membership, columns, None)
    merged = merge(checked)
    items = await priced(membership, [(line.product, line.quantity, line.note) for line in merged])
    request_hash = fingerprint(lines=list(lines), delivery=delivery, reference=reference, device_id=device)
    company_id: uuid.UUID = membership.company_id
    on_lists = await approved_product_ids(company_id, [item.product.id for item in items])

    if any(item.product.id not in on_lists for item in items):
        return await submit(
            ctx,
            membership,
            lines=items,
            delivery=columns,
            source=OrderSource.SCAN,
            reference=reference,
            note=None,
            idempotency_key=key,
            request_fingerprint=request_hash,
            operation=OPERATION,
            customer_number=customer_number,
        )

    async def place() -> Order:
        order = await place_order(
            company_id=company_id,
            membership_id=membership.id,
            placed_by_id=membership.user_id,
            customer_number_id=customer_number,
            source=OrderSource.SCAN,
            reference=reference,
            note=None,
            delivery=columns,
            lines=[(item.product.id, item.quantity, item.note, item.unit_price) for item in items],
        )
        await record(
            ctx.user,
            "order.placed",
            company_id=company_id,
            target_id=ids.encode("Order", order.id),
            after={
                "number": order.number,
                "source": OrderSource.SCAN.value,
                "total": str(order.total),
                "lines": len(items),
                "deviceId": device,
            },
        )
        return order

    return await run_once(membership, key, request_hash, OPERATION, place)
