"""What every ERP write on an order shares: the version that settles races, retrying a write
that lost one, the status event, and input times in UTC."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from models import EventType, Order, OrderStatus
from resolvers.core import ids
from resolvers.core.errors import DomainError, ErrorCode
from resolvers.core.i18n import tr
from resolvers.event import emit
from resolvers.order import snapshot

T = TypeVar("T")

#: Tries of a write that lost a race on its order's version before VERSION_CONFLICT.
ATTEMPTS = 5


class Lost(Exception):
    """The order's version moved (or the number was taken) since it was read: read it again."""


def utc(value: datetime, *field: str) -> datetime:
    """An input time in UTC; a time without a zone is taken as UTC. One that UTC cannot hold
    (year 9999 at UTC-14) is INVALID at `field`."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise DomainError(ErrorCode.INVALID, tr("This date is out of range."), field) from None


async def bump(order: Order, **changes: Any) -> None:
    """Raise the order's version (and make `changes`) if nobody changed it since it was read;
    else Lost. The first write of every transaction here: the row lock it takes on PostgreSQL
    makes a concurrent write on the same order wait, then find the version moved."""
    if not await Order.filter(id=order.id, version=order.version).update(version=F("version") + 1, **changes):
        raise Lost()
    order.version += 1
    for name, value in changes.items():
        setattr(order, name, value)


async def retried(write: Callable[[], Awaitable[T]], field: Sequence[str]) -> T:
    """Run `write` (reads and checks, then one transaction) again from the start each time it
    lost a race on its order; VERSION_CONFLICT after ATTEMPTS."""
    for _ in range(ATTEMPTS):
        try:
            return await write()
        except (Lost, IntegrityError):  # IntegrityError: a number taken by a concurrent commit
            continue
    raise DomainError(ErrorCode.VERSION_CONFLICT, tr("The order is changing right now; send it again."), field)


async def status_changed(order: Order, before: OrderStatus) -> None:
    """ORDER_STATUS_CHANGED, whatever changed the status: the order as it is now."""
    data = {**await snapshot(order), "previousStatus": before.value}
    await emit(EventType.ORDER_STATUS_CHANGED, ids.encode("Order", order.id), data, order.company_id)
