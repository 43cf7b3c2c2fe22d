"""Request and cost budgets per caller and minute (SPEC "Rate limits"), counted with the
`limits` library in a store every web process shares: its embedded memory storage by default (one
process), Redis when RATE_LIMIT_STORAGE_URL names one (several processes or machines).

One storage call per request: each caller's window is one counter that holds both budgets, the
requests in its high bits and the summed document costs in its low COST_BITS, so one atomic
increment (Redis INCRBY) counts the request and its cost and answers both at once. The window is
limits' fixed window: it starts at the caller's first request and lasts a minute (the key's
expiry), so Retry-After is what is left of it. A refused request takes its increment back: it
executed nothing, and a small request may still fit the cost budget after a big one was refused.

A store that fails (Redis down or slow) lets requests through (fail open), logged once per
outage pause: the store is not asked again for OUTAGE_PAUSE seconds, so an outage costs no request
more than one timeout.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItemPerMinute
from limits.aio.storage import Storage
from limits.storage import storage_from_string

log = logging.getLogger("ratelimit")

COST_BITS = 40  # summed costs up to 10^12 a minute; the requests above, up to 2^23 (Redis: 64-bit signed)
COST_MASK = (1 << COST_BITS) - 1
WINDOW = RateLimitItemPerMinute(1, namespace="budget")
#: Seconds without asking a store that just failed.
OUTAGE_PAUSE = 5.0
#: A Redis store answers within this many seconds, or counts as down.
REDIS_TIMEOUT = 0.5


def storage(url: str) -> Storage:
    """limits' asyncio storage for a URL: memory:// or redis://host:port/db (rediss:// too)."""
    scheme_url = url if url.startswith("async+") else f"async+{url}"
    options: dict[str, Any] = {}
    if "redis" in scheme_url.split("://", 1)[0]:
        options = {"implementation": "redispy", "socket_timeout": REDIS_TIMEOUT}
        options["socket_connect_timeout"] = REDIS_TIMEOUT
    found = storage_from_string(scheme_url, **options)
    assert isinstance(found, Storage)  # an async+ scheme gives limits.aio's storages
    return found


@dataclass(frozen=True, slots=True)
class Refusal:
    """Over budget: `retry_after` whole seconds until the caller's window ends."""

    retry_after: int
    requests: bool  # the request budget (else the cost budget) ran out


class Budgets:
    """Every caller's request and cost budget per minute, in one store."""

    def __init__(self, url: str, requests: int, cost: int) -> None:
        self.storage = storage(url)
        self.requests = requests
        self.cost = cost
        self.paused_until = 0.0

    async def spend(self, caller: str, cost: int) -> Refusal | None:
        """Count one request of `cost` against `caller`'s budgets: None when both still hold it
        (or the store is out of reach), else the Refusal, with nothing counted."""
        if time.monotonic() < self.paused_until:
            return None
        key = WINDOW.key_for(caller)
        amount = (1 << COST_BITS) + max(0, min(cost, COST_MASK))
        try:
            total = await self.storage.incr(key, WINDOW.get_expiry(), amount)
            requests, spent = total >> COST_BITS, total & COST_MASK
            if requests <= self.requests and spent <= self.cost:
                return None
            await self.storage.incr(key, WINDOW.get_expiry(), -amount)
            reset = await self.storage.get_expiry(key)
        except Exception as error:  # the store's own errors vary (redis, OS, timeouts): fail open
            log.warning("rate-limit store unavailable, requests go unlimited for %ss: %r", OUTAGE_PAUSE, error)
            self.paused_until = time.monotonic() + OUTAGE_PAUSE
            return None
        return Refusal(max(1, math.ceil(reset - time.time())), requests > self.requests)
