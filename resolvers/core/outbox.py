"""What every outbox shares (e-mails, webhook deliveries): rows written with the change, due at
`next_attempt_at`, claimed by one worker at a time with a conditional UPDATE, so several workers
never send the same row, and results recorded only while the claim is still the worker's."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from resolvers.core.clock import now

M = TypeVar("M", bound=Model)
log = logging.getLogger("outbox")


def _free(t: datetime) -> Q:
    """Not claimed, or claimed by a worker whose claim has lapsed (it died mid-send)."""
    return Q(claimed_until=None) | Q(claimed_until__lt=t)


class Outbox(Generic[M]):
    """A model with `next_attempt_at`, `claimed_until` and `attempts`; `pending` are the column
    filters of a row still to deliver (e.g. not sent, not failed)."""

    def __init__(self, model: type[M], claim: timedelta, **pending: Any) -> None:
        self.model = model
        #: How long a claimed row is a worker's own: longer than a whole send may take, so a
        #: claim never lapses while its worker is still sending.
        self.claim_for = claim
        self.pending = pending

    def _due(self, t: datetime, **also: Any) -> QuerySet[M]:
        return self.model.filter(_free(t), next_attempt_at__lte=t, **self.pending, **also)

    async def due(self, limit: int, **also: Any) -> list[Any]:
        """Ids of the rows due now (and matching `also`), the longest waiting first."""
        return await self._due(now(), **also).order_by("next_attempt_at").limit(limit).values_list("id", flat=True)

    async def claim(self, row_id: Any) -> bool:
        """Take one row for this worker, dated now: only if it is still due and not claimed by a
        live claim. Counts the attempt in the same UPDATE, so none is under-counted."""
        t = now()
        return bool(await self._due(t, id=row_id).update(claimed_until=t + self.claim_for, attempts=F("attempts") + 1))

    async def claim_one(self, row_id: Any) -> M | None:
        return await self.model.get(id=row_id) if await self.claim(row_id) else None

    async def claim_many(self, ids: list[Any]) -> list[M]:
        """Claim each row (one UPDATE each, so each is won or lost on its own), then read the won
        ones in one statement."""
        won = [row_id for row_id in ids if await self.claim(row_id)]
        return list(await self.model.filter(id__in=won)) if won else []

    def ours(self, row: Any) -> QuerySet[M]:
        """The row, only while the claim read with it is still in place: a worker whose claim
        lapsed and was taken over records nothing."""
        return self.model.filter(id=row.id, claimed_until=row.claimed_until)


async def run_forever(name: str, round: Callable[[], Awaitable[Any]], interval: float) -> None:
    """A worker loop: one round, a pause, forever; a round that fails is logged and the loop goes on."""
    while True:
        try:
            await round()
        except Exception:  # keep the worker alive whatever one round met
            log.exception("%s round failed", name)
        await asyncio.sleep(interval)
