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
#: Deliveries sent at once by one worker, on one pooled client.
BATCH = 50
#: Bytes of an answer read (then dropped): enough to keep the connection for the next POST.
MAX_ANSWER = 64 * 1024
OUTBOX = Outbox(WebhookDelivery, CLAIM, status__in=[S.PENDING, S.RETRYING])
USER_AGENT = "distributor-webhooks/1"


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
    settings: Settings, http: httpx.AsyncClient, delivery: WebhookDelivery, sub: WebhookSubscription, content: str
) -> bool:
    """Send one claimed delivery and record the outcome while the claim is still ours."""
    t = now()
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
    ours = OUTBOX.ours(delivery)
    if status is not None and 200 <= status < 300:
        await ours.update(status=S.DELIVERED, next_attempt_at=None, last_error=None, **done)
        return True
    if status == 410:
        await ours.update(
            status=S.FAILED, next_attempt_at=None, last_error="410 Gone: subscription deactivated", **done
        )
        await deactivate(sub.id)
        log.warning("webhook subscription %s deactivated: its URL answered 410", sub.id)
        return False
    later = t + pause(settings, delivery.attempts)
    error = error or f"HTTP {status}"
    if later - first > GIVE_UP:
        await ours.update(status=S.FAILED, next_attempt_at=None, last_error=error, **done)
        log.error("webhook delivery %s FAILED after %s attempts: %s", delivery.id, delivery.attempts, error)
    else:
        await ours.update(status=S.RETRYING, next_attempt_at=later, last_error=error, **done)
    return False


@asynccontextmanager
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The worker's HTTP client: no redirects followed, no proxy from the environment (the URL
    checked is the one connected to), the delivery timeout."""
    async with httpx.AsyncClient(timeout=settings.webhook_timeout, follow_redirects=False, trust_env=False) as http:
        yield http


async def _round(settings: Settings, http: httpx.AsyncClient, limit: int) -> tuple[int, int]:
    """One batch: (claimed, delivered)."""
    deliveries = await OUTBOX.claim_many(await OUTBOX.due(limit, subscription__active=True))
    if not deliveries:
        return 0, 0
    events = {e.id: e for e in await Event.filter(id__in={d.event_id for d in deliveries})}
    subs = {s.id: s for s in await WebhookSubscription.filter(id__in={d.subscription_id for d in deliveries})}
    blind = await without_prices(subs.values())
    bodies: dict[tuple[Any, bool], str] = {}
    sends = []
    for d in deliveries:
        key = (d.event_id, d.subscription_id in blind)
        if key not in bodies:  # one body per event and Money rule, signed per subscription
            bodies[key] = body(events[d.event_id], key[1])
        sends.append(_attempt(settings, http, d, subs[d.subscription_id], bodies[key]))
    return len(deliveries), sum(await asyncio.gather(*sends))


async def deliver_due(settings: Settings, http: httpx.AsyncClient | None = None, limit: int = BATCH) -> int:
    """Fan the new events out, then send every due delivery, `limit` at once, until none is due;
    returns how many were delivered."""
    if http is None:
        async with client(settings) as own:
            return await deliver_due(settings, own, limit)
    await fan_out_all()
    delivered = 0
    while True:
        claimed, ok = await _round(settings, http, limit)
        delivered += ok
        if claimed < limit:
            return delivered


async def deliver_forever(settings: Settings, interval: float = 1.0) -> None:
    """The webhook outbox worker (`manage.py worker`, or the web process in the background)."""
    async with client(settings) as http:
        await run_forever("webhook outbox", lambda: deliver_due(settings, http), interval)
