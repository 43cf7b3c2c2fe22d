"""Request and cost budgets per caller and minute (SPEC "Rate limits"), counted with the
`limits` library's storage interface in a store every web process shares: one in this process by
default (memory://, ProcessStorage), limits' Redis storage when RATE_LIMIT_STORAGE_URL names one
(several processes or machines).

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


class ProcessStorage(Storage):
    """limits' storage interface over one dict of this process, for memory://. limits' own
    MemoryStorage starts a task that scans every key on each increment (0.7 ms a request with
    10,000 callers in the window, measured): here a key expires when it is next read, and
    expired keys are swept at most once a window."""

    STORAGE_SCHEME = None

    def __init__(self, uri: str | None = None, **options: Any) -> None:
        super().__init__(uri, **options)
        self.counters: dict[str, list[float]] = {}  # key -> [count, expires at]
        self.swept = time.time()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return ValueError

    def _live(self, key: str, at: float) -> list[float] | None:
        entry = self.counters.get(key)
        if entry is not None and entry[1] <= at:
            del self.counters[key]
            return None
        return entry

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        at = time.time()
        if at - self.swept >= expiry:
            self.counters = {k: e for k, e in self.counters.items() if e[1] > at}
            self.swept = at
        entry = self._live(key, at)
        if entry is None:
            entry = self.counters[key] = [0, at + expiry]
        entry[0] += amount
        return int(entry[0])

    async def get(self, key: str) -> int:
        entry = self._live(key, time.time())
        return int(entry[0]) if entry else 0

    async def get_expiry(self, key: str) -> float:
        at = time.time()
        entry = self._live(key, at)
        return entry[1] if entry else at

    async def check(self) -> bool:
        return True

    async def reset(self) -> int | None:
        count = len(self.counters)
        self.counters = {}
        return count

    async def clear(self, key: str) -> None:
        self.counters.pop(key, None)


def storage(url: str) -> Storage:
    """The asyncio storage for a URL: memory:// (ProcessStorage) or, through limits,
    redis://host:port/db (rediss:// too)."""
    if url.removeprefix("async+") == "memory://":
        return ProcessStorage()
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
