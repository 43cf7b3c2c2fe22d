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

    async def due(self, limit: int, *columns: str, **also: Any) -> list[Any]:
        """Ids of the rows due now (and matching `also`), the longest waiting first; with
        `columns`, tuples of the id and those columns."""
        due = self._due(now(), **also).order_by("next_attempt_at").limit(limit)
        return await (due.values_list("id", *columns) if columns else due.values_list("id", flat=True))

    async def claim(self, row_id: Any) -> bool:
        """Take one row for this worker, dated now: only if it is still due and not claimed by a
        live claim. Counts the attempt in the same UPDATE, so none is under-counted."""
        t = now()
        return bool(await self._due(t, id=row_id).update(claimed_until=t + self.claim_for, attempts=F("attempts") + 1))

    async def claim_one(self, row_id: Any) -> M | None:
        return await self.model.get(id=row_id) if await self.claim(row_id) else None

    async def claim_many(self, ids: list[Any]) -> list[M]:
        """Claim the rows among `ids` that are still due and free, in one UPDATE ... RETURNING
        (SQLite 3.35+, PostgreSQL): its WHERE is checked again under each row's lock, so a row
        two workers reach at once goes to one of them, and the won rows come back with it.
        They share one claim (`claimed_until`), which `ours(*rows)` matches."""
        if not ids:
            return []
        t = now()
        update = self._due(t, id__in=ids).update(claimed_until=t + self.claim_for, attempts=F("attempts") + 1)
        update._choose_db_if_not_chosen(True)
        update._make_query()
        sql, params = update.query.get_parameterized_sql()
        columns = ", ".join(f'"{c}"' for c in self.model._meta.fields_db_projection.values())
        rows = await update._db.execute_query_dict(f"{sql} RETURNING {columns}", params)
        return [self.model._init_from_db(**row) for row in rows]

    def ours(self, *rows: Any) -> QuerySet[M]:
        """The rows (of one claim), only while that claim is still in place: a worker whose
        claim lapsed and was taken over records nothing."""
        claims = {row.claimed_until for row in rows}
        if len(claims) != 1:
            raise ValueError("ours(): rows of one claim")
        return self.model.filter(id__in=[row.id for row in rows], claimed_until=claims.pop())


async def run_forever(name: str, round: Callable[[], Awaitable[Any]], interval: float) -> None:
    """A worker loop: one round, a pause, forever; a round that fails is logged and the loop goes on."""
    while True:
        try:
            await round()
        except Exception:  # keep the worker alive whatever one round met
            log.exception("%s round failed", name)
        await asyncio.sleep(interval)
