"""Which events each subscription gets: the worker walks the event feed from a stored cursor and
writes one WebhookDelivery per matching event and active subscription, in one transaction with
the cursor's advance. The emitting transactions stay as they were (emit() knows no webhook).

The feed can be walked this way because Event.sequence is taken under the event counter's row
lock and so commits in increasing order (models.event.Event): once sequence n is visible, every
sequence below it is committed, and a cursor never passes an event that commits late.
"""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from models import Event, EventType, Sequence, WebhookDelivery, WebhookSubscription
from resolvers.core.clock import now

#: The Sequence row holding the last event sequence fanned out.
CURSOR = "webhook_cursor"
BATCH = 500


def receives(subscription: tuple[Any, ...], event: tuple[Any, ...]) -> bool:
    """A subscription (id, company id, event types, from sequence) gets an event (id, sequence,
    type, company id) of one of its types that came after it was created or last activated:
    a company's subscription only that company's events, the distributor's every company's."""
    _, company_id, types, from_sequence = subscription
    _, sequence, type_, event_company_id = event
    if sequence <= from_sequence or EventType(type_).value not in types:
        return False
    return company_id is None or company_id == event_company_id


async def latest_sequence() -> int:
    """The sequence of the newest event committed: a new subscription starts after it."""
    found: list[Any] = await Event.all().order_by("-sequence").limit(1).values_list("sequence", flat=True)
    return found[0] if found else 0


async def fan_out(limit: int = BATCH) -> int:
    """Deliveries for the next `limit` events after the cursor; returns how many events were
    walked (0: none left, or another worker took this batch: its cursor UPDATE came first)."""
    await Sequence.get_or_create(name=CURSOR, defaults={"value": 0})
    cursor = (await Sequence.get(name=CURSOR)).value
    events = (
        await Event.filter(sequence__gt=cursor)
        .order_by("sequence")
        .limit(limit)
        .values_list("id", "sequence", "type", "company_id")
    )
    if not events:
        return 0
    subscriptions = await WebhookSubscription.filter(active=True).values_list(
        "id", "company_id", "events", "from_sequence"
    )
    t = now()
    rows = [
        WebhookDelivery(subscription_id=s[0], event_id=e[0], sequence=e[1], next_attempt_at=t)
        for e in events
        for s in subscriptions
        if receives(s, e)
    ]
    async with in_transaction():
        # The conditional UPDATE first: it takes the cursor's row lock, so a second worker on the
        # same batch waits here, then finds the cursor moved and writes nothing.
        if not await Sequence.filter(name=CURSOR, value=cursor).update(value=events[-1][1]):
            return 0
        if rows:
            await WebhookDelivery.bulk_create(rows, batch_size=200)
    return len(events)


async def fan_out_all() -> None:
    """Walk the feed up to its end."""
    while await fan_out() == BATCH:
        pass
