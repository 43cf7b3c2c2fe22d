"""orderStatusSet: the status the ERP sets on an order, and its reference."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Order, OrderStatus
from resolvers.core import ids, validate
from resolvers.core.access import get_any
from resolvers.core.audit import record
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems
from resolvers.core.i18n import tr
from resolvers.shipment.versions import Lost, bump, status_changed

S = OrderStatus

#: What orderStatusSet may do from each status (setting the current one again is a replay).
NEXT: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.CONFIRMED: frozenset({S.PROCESSING, S.CANCELLED}),
    S.PROCESSING: frozenset({S.READY_FOR_PICKUP, S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED}),
    S.READY_FOR_PICKUP: frozenset({S.DELIVERED, S.CANCELLED}),
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}


async def status_set(
    ctx: Context, order_id: str, status: OrderStatus, erp_reference: str | None, expected_version: int | None
) -> Order:
    """orderStatusSet: CONFIRMED -> PROCESSING -> READY_FOR_PICKUP / PARTIALLY_SHIPPED / SHIPPED
    -> DELIVERED, or CANCELLED before anything shipped (NEXT); anything else is
    INVALID_STATUS_TRANSITION. The current status again is a replay. The ERP's reference is
    recorded with the first call that carries one; another one later, or one another order
    holds, is DUPLICATE_REFERENCE. A stale expectedVersion, or losing a race, VERSION_CONFLICT."""
    actor = ctx.require_erp()
    problems = Problems()
    max_reference = validate.max_length(Order, "erp_reference")
    reference = validate.text(
        problems, erp_reference, "input", "erpReference", max_length=max_reference, required=False
    )
    problems.raise_any()
    order = await get_any(Order, order_id, ["input", "orderId"])
    if order.status == status and reference in (None, order.erp_reference):
        return order
    if reference is not None and order.erp_reference not in (None, reference):
        raise DomainError(
            ErrorCode.DUPLICATE_REFERENCE,
            tr("This order already has the ERP reference {reference}.", reference=order.erp_reference),
            ["input", "erpReference"],
        )
    if expected_version is not None and expected_version != order.version:
        raise _conflict(order)
    if status != order.status and status not in NEXT[order.status]:
        raise DomainError(
            ErrorCode.INVALID_STATUS_TRANSITION,
            tr("An order cannot go from {before} to {after}.", before=order.status.value, after=status.value),
            ["input", "status"],
        )
    new_reference = reference if reference is not None and order.erp_reference is None else None
    if new_reference is not None and await Order.exists(erp_reference=new_reference):
        raise _reference_taken()
    before = {"status": order.status.value, "version": order.version}
    previous = order.status
    changes: dict[str, Any] = {"status": status}
    if new_reference is not None:
        changes["erp_reference"] = new_reference
    try:
        async with in_transaction():
            await bump(order, **changes)
            after = {"status": status.value, "version": order.version, "erpReference": order.erp_reference}
            target = ids.encode("Order", order.id)
            await record(
                actor, "order.status_set", company_id=order.company_id, target_id=target, before=before, after=after
            )
            if status != previous:  # else only the reference was recorded: no status changed
                await status_changed(order, previous)
    except Lost:
        return await _lost_race(order.id, status, reference, expected_version)
    except IntegrityError:  # another order took the reference meanwhile
        raise _reference_taken() from None
    return order


def _conflict(order: Order, field: Sequence[str] | None = ("input", "expectedVersion")) -> DomainError:
    return DomainError(
        ErrorCode.VERSION_CONFLICT,
        tr("This order has changed (version {version}); reload it and try again.", version=order.version),
        field,
    )


def _reference_taken() -> DomainError:
    return DomainError(
        ErrorCode.DUPLICATE_REFERENCE, tr("Another order already has this ERP reference."), ["input", "erpReference"]
    )


async def _lost_race(pk: uuid.UUID, status: OrderStatus, reference: str | None, expected: int | None) -> Order:
    """Another write changed the order between our read and our UPDATE: a replay if it already
    is what was asked, else VERSION_CONFLICT (never applied on top of a state the caller did not see)."""
    order = await Order.get(id=pk)
    if order.status == status and reference in (None, order.erp_reference):
        return order
    raise _conflict(order, ("input", "expectedVersion") if expected is not None else ("input", "orderId"))
