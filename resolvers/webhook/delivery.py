"""The webhook outbox worker: POSTs each due delivery, signed per Standard Webhooks.

At least once: a delivery is claimed (resolvers.core.outbox), sent, and its result recorded while
the claim is still the worker's; a worker that dies mid-send leaves the claim to lapse and the
delivery is sent again (the webhook-id header, the event's id, lets the receiver drop repeats).
A 2xx is DELIVERED; 410 deactivates the subscription; any other answer (a redirect included:
none is followed), a timeout or a connection error is retried with back-off, FAILED once the
next attempt would come more than 24 hours after the first.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from standardwebhooks import Webhook
from tortoise.transactions import in_transaction

from models import (
    CompanyStatus,
    Event,
    Membership,
    MembershipStatus,
    Role,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSubscription,
)
from resolvers.core import ids
from resolvers.core.clock import now
from resolvers.core.errors import DomainError
from resolvers.core.outbox import Outbox, run_forever
from resolvers.core.permissions import MATRIX, Permission
from resolvers.event import without_money
from resolvers.webhook import urls
from resolvers.webhook.fanout import fan_out_all
from settings import Settings

log = logging.getLogger("webhook")
S = WebhookDeliveryStatus
#: Longer than a whole attempt may take (the timeout, and recording the result).
CLAIM = timedelta(seconds=60)
GIVE_UP = timedelta(hours=24)
MAX_PAUSE = 3600.0
#: Deliveries in flight at once in one worker, on one pooled client; of one subscription at most
#: half of them, so that a receiver that times out does not hold every place.
BATCH = 50
#: Bytes of an answer read (then dropped): enough to keep the connection for the next POST.
MAX_ANSWER = 64 * 1024
OUTBOX = Outbox(WebhookDelivery, CLAIM, status__in=[S.PENDING, S.RETRYING])
USER_AGENT = "distributor-webhooks/1"
#: A delivery and the columns its attempt's outcome sets.
Sent = tuple[WebhookDelivery, dict[str, Any]]


def body(event: Event, strip_money: bool) -> str:
    """The POSTed JSON: {"id", "type", "occurredAt", "data"}, data without Money when asked."""
    data = without_money(event.data) if strip_money else event.data
    message = {
        "id": ids.encode("Event", event.id),
        "type": event.type.value,
        "occurredAt": event.created_at.isoformat(),
        "data": data,
    }
    return orjson.dumps(message).decode()


def headers(secret: str, event_id: str, content: str, at: datetime) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, at, content),
    }


def pause(settings: Settings, attempts: int) -> timedelta:
    """After the `attempts`-th failure: the first pause doubled each time, at most an hour, with
    jitter (a random half of it) so deliveries that failed together do not retry together."""
    seconds = min(settings.webhook_retry_seconds * 2 ** min(attempts - 1, 30), MAX_PAUSE)
    return timedelta(seconds=seconds * random.uniform(0.5, 1.0))


async def without_prices(subscriptions: Iterable[WebhookSubscription]) -> set[uuid.UUID]:
    """The company subscriptions whose creator may not see that company's prices now (an active
    membership of the active company with VIEW_PRICES), judged at each delivery: they get no Money."""
    owned = [s for s in subscriptions if s.company_id is not None]
    creators = {s.created_by_id for s in owned if s.created_by_id is not None}
    rows = (
        await Membership.filter(user_id__in=creators).values_list(
            "user_id", "company_id", "role", "status", "company__status"
        )
        if creators
        else []
    )
    sees = {
        (user_id, company_id)
        for user_id, company_id, role, status, company_status in rows
        if MembershipStatus(status) == MembershipStatus.ACTIVE
        and CompanyStatus(company_status) == CompanyStatus.ACTIVE
        and Permission.VIEW_PRICES in MATRIX[Role(role)]
    }
    return {s.id for s in owned if (s.created_by_id, s.company_id) not in sees}


async def deactivate(subscription_id: uuid.UUID) -> None:
    """The subscription stops: inactive, and its deliveries not yet made end FAILED (the events
    stay in the feed; activating it again starts from the next event)."""
    async with in_transaction():
        await WebhookSubscription.filter(id=subscription_id).update(active=False)
        await WebhookDelivery.filter(subscription_id=subscription_id, status__in=[S.PENDING, S.RETRYING]).update(
            status=S.FAILED, next_attempt_at=None
        )


async def _post(settings: Settings, http: httpx.AsyncClient, url: str, content: str, sent: dict[str, str]) -> int:
    """The answer's status; raises on a timeout (the whole attempt), a connection error, or an
    address that is no longer safe (UNSAFE_URL: checked before each delivery)."""
    async with asyncio.timeout(settings.webhook_timeout):
        await urls.check(settings, url)
        async with http.stream("POST", url, content=content.encode(), headers=sent) as response:
            read = 0
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read > MAX_ANSWER:
                    break
            return response.status_code


async def _attempt(
    settings: Settings,
    http: httpx.AsyncClient,
    t: datetime,
    delivery: WebhookDelivery,
    sub: WebhookSubscription,
    content: str,
) -> Sent:
    """Send one claimed delivery (claimed at `t`); returns it with the columns its outcome sets,
    recorded by _record."""
    first = delivery.first_attempt_at or t
    event_id = ids.encode("Event", delivery.event_id)
    status: int | None = None
    error: str | None = None
    try:
        status = await _post(settings, http, sub.url, content, headers(sub.secret, event_id, content, t))
    except DomainError as refused:
        error = str(refused)
    except (httpx.HTTPError, OSError, TimeoutError) as failed:
        error = f"{type(failed).__name__}: {failed}"[:500]
    done = {"first_attempt_at": first, "last_attempt_at": t, "last_response_status": status, "claimed_until": None}
    if status is not None and 200 <= status < 300:
        return delivery, {**done, "status": S.DELIVERED, "next_attempt_at": None, "last_error": None}
    if status == 410:
        return delivery, {**done, "status": S.FAILED, "next_attempt_at": None, "last_error": "410 Gone: deactivated"}
    later = t + pause(settings, delivery.attempts)
    if later - first > GIVE_UP:
        return delivery, {**done, "status": S.FAILED, "next_attempt_at": None, "last_error": error or f"HTTP {status}"}
    return delivery, {**done, "status": S.RETRYING, "next_attempt_at": later, "last_error": error or f"HTTP {status}"}


async def _record(sent: list[Sent]) -> int:
    """Outcomes that came in together, in one transaction, one UPDATE per claim and outcome
    (deliveries of a claim mostly share theirs), each only while its claim is still ours; then
    the subscriptions that answered 410 stop. Returns how many were delivered."""
    alike: dict[tuple[Any, ...], list[WebhookDelivery]] = defaultdict(list)
    for d, outcome in sent:
        alike[(d.claimed_until, *outcome.items())].append(d)
    async with in_transaction():
        for key, rows in alike.items():
            await OUTBOX.ours(*rows).update(**dict(key[1:]))
    for d, outcome in sent:
        if outcome["last_response_status"] == 410:
            await deactivate(d.subscription_id)
            log.warning("webhook subscription %s deactivated: its URL answered 410", d.subscription_id)
        elif outcome["status"] == S.FAILED:
            log.error("webhook delivery %s FAILED after %s attempts: %s", d.id, d.attempts, outcome["last_error"])
    return sum(outcome["status"] == S.DELIVERED for _, outcome in sent)


@asynccontextmanager
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The worker's HTTP client: no redirects followed, no proxy from the environment (the URL
    checked is the one connected to), the delivery timeout."""
    limits = httpx.Limits(max_connections=BATCH, max_keepalive_connections=BATCH)  # a batch reuses its connections
    async with httpx.AsyncClient(
        timeout=settings.webhook_timeout, follow_redirects=False, trust_env=False, limits=limits
    ) as http:
        yield http


async def _start(
    settings: Settings, http: httpx.AsyncClient, room: int, busy: Counter[uuid.UUID], each: int
) -> tuple[bool, list[asyncio.Task[Sent]]]:
    """Claim up to `room` due deliveries, at most `each` of one subscription in flight (`busy`),
    and start sending each (one task each). Also says whether any was due."""
    candidates = await OUTBOX.due(room * 4, "subscription_id", subscription__active=True)
    chosen: list[tuple[uuid.UUID, uuid.UUID]] = []
    for delivery_id, subscription_id in candidates:
        if len(chosen) < room and busy[subscription_id] < each:
            busy[subscription_id] += 1
            chosen.append((delivery_id, subscription_id))
    deliveries = await OUTBOX.claim_many([delivery_id for delivery_id, _ in chosen])
    busy.subtract(Counter(sub_id for _, sub_id in chosen) - Counter(d.subscription_id for d in deliveries))
    if not deliveries:
        return bool(candidates), []
    events = {e.id: e for e in await Event.filter(id__in={d.event_id for d in deliveries})}
    subs = {s.id: s for s in await WebhookSubscription.filter(id__in={d.subscription_id for d in deliveries})}
    blind = await without_prices(subs.values())
    bodies: dict[tuple[Any, bool], str] = {}
    t = now()
    tasks = []
    for d in deliveries:
        if d.subscription_id not in subs or d.event_id not in events:  # deleted since (with its deliveries)
            continue
        key = (d.event_id, d.subscription_id in blind)
        if key not in bodies:  # one body per event and Money rule, signed per subscription
            bodies[key] = body(events[d.event_id], key[1])
        tasks.append(asyncio.create_task(_attempt(settings, http, t, d, subs[d.subscription_id], bodies[key])))
    return True, tasks


async def deliver_due(settings: Settings, http: httpx.AsyncClient | None = None, limit: int = BATCH) -> int:
    """Fan the new events out, then send the due deliveries, `limit` at a time, until none is
    due; returns how many were delivered. Places are claimed again once half of them are free,
    and outcomes are recorded as they come (those that come together in one transaction), so a
    slow receiver holds up only its own deliveries, at most half of the places."""
    if http is None:
        async with client(settings) as own:
            return await deliver_due(settings, own, limit)
    await fan_out_all()
    sending: set[asyncio.Task[Sent]] = set()
    busy: Counter[uuid.UUID] = Counter()
    delivered, more = 0, True
    try:
        while True:
            room = limit - len(sending)
            if more and room >= limit / 2:
                more, started = await _start(settings, http, room, busy, max(1, limit // 2))
                sending.update(started)
            if not sending:
                return delivered
            done, sending = await asyncio.wait(sending, return_when=asyncio.FIRST_COMPLETED)
            sent = [task.result() for task in done]
            busy.subtract(d.subscription_id for d, _ in sent)
            delivered += await _record(sent)
    finally:  # stopped (cancelled) or failed: what is still in flight is sent again once its claim lapses
        for task in sending:
            task.cancel()


async def deliver_forever(settings: Settings, interval: float = 1.0) -> None:
    """The webhook outbox worker (`manage.py worker`, or the web process in the background)."""
    async with client(settings) as http:
        await run_forever("webhook outbox", lambda: deliver_due(settings, http), interval)
