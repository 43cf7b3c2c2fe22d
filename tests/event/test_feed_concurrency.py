"""The feed under real concurrent transactions (PostgreSQL): a poller walking backoffice.events
sees every event exactly once, in sequence order, while writers commit in another order than
they began, and a transaction that began first but commits last is never skipped.

Why it holds (models.event.Event): emit() takes the sequence from the "event" counter as the
transaction's last write, and the counter's row lock is held until the commit, so sequences
commit in increasing order: when a poller sees sequence n, every smaller one has committed or
rolled back (giving its number back). A naive feed (a sequence or timestamp taken when the
change began, read with `> cursor`) loses the transaction that began first and committed last.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from app import create_app
from models import AuditEvent, Event, EventType, StaffRole
from resolvers.core import audit, ids
from resolvers.event import emit
from settings import Settings, tortoise_config
from tests.event.helpers import FEED
from tests.factories import make_company, make_staff

pytestmark = pytest.mark.postgres

WRITERS = 4
TRANSACTIONS = 12  # per writer


@asynccontextmanager
async def app_on(url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process on its own pool, large enough for every writer and the poller at once."""
    settings = Settings(app_env="development", deliver_mail_in_web=False, database_pool_max=WRITERS + 4)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url, settings))
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@dataclass
class Poller:
    """Walks the feed from its last cursor, as the ERP does, remembering every sequence it saw."""

    client: httpx.AsyncClient
    token: str
    cursor: str | None = None
    seen: list[str] = field(default_factory=list)

    async def poll(self) -> list[str]:
        """One page from the cursor (3 at a time, to walk many pages); the subjects it brought."""
        response = await self.client.post(
            "/graphql",
            json={"query": FEED, "variables": {"first": 3, "after": self.cursor}},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body = response.json()
        assert "errors" not in body, body
        page = body["data"]["backoffice"]["events"]
        subjects = [e["node"]["subjectId"] for e in page["edges"]]
        self.seen += subjects
        if page["edges"]:
            self.cursor = page["pageInfo"]["endCursor"]
        return subjects

    async def drain(self) -> None:
        while await self.poll():
            pass


@dataclass
class Span:
    subject: str
    began: float
    committed: float = 0.0


async def write(company_id: uuid.UUID, writer: int, spans: list[Span], failures: list[int]) -> None:
    """TRANSACTIONS changes, each: the change's own row, a pause, its event, a pause holding the
    counter's lock, the commit; every fifth one fails after its event and is rolled back."""
    rng = random.Random(writer)
    for i in range(TRANSACTIONS):
        subject = ids.encode("Quote", uuid.uuid4())
        span = Span(subject, time.monotonic())
        try:
            async with in_transaction():
                await audit.record(None, "test.change", company_id=company_id, target_id=subject)
                await asyncio.sleep(rng.uniform(0, 0.03))  # others begin and commit meanwhile
                await emit(EventType.QUOTE_ISSUED, subject, {"writer": writer, "i": i}, company_id)
                await asyncio.sleep(rng.uniform(0, 0.01))  # commits late, holding the sequence
                if i % 5 == 4:
                    raise RuntimeError("the change fails after its event")
        except RuntimeError:
            failures.append(writer)
            continue
        span.committed = time.monotonic()
        spans.append(span)


async def test_a_poller_sees_every_event_once_in_order_while_writers_commit_out_of_order(db):
    company = await make_company()
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    spans: list[Span] = []
    failures: list[int] = []
    async with app_on(db) as client:
        poller = Poller(client, token)
        writers = asyncio.gather(*(write(company.id, w, spans, failures) for w in range(WRITERS)))
        while not writers.done():
            await poller.poll()
            await asyncio.sleep(0.005)
        await writers
        await poller.drain()
    rows = await Event.all().order_by("sequence").values_list("sequence", "subject_id")
    assert poller.seen == [subject for _, subject in rows]  # each once, in sequence order, none skipped
    assert len(rows) == len(spans) == WRITERS * TRANSACTIONS - len(failures)
    assert [s for s, _ in rows] == list(range(1, len(rows) + 1))  # a rolled-back event gives its number back
    assert {s.subject for s in spans} == set(poller.seen)
    # The writers did begin in one order and commit in another.
    by_start = sorted(spans, key=lambda s: s.began)
    assert any(a.committed > b.committed for a, b in zip(by_start, by_start[1:], strict=False))
    assert await AuditEvent.all().count() == len(spans)  # a failed change left neither row


async def test_the_transaction_that_began_first_and_commits_last_is_not_skipped(db):
    company = await make_company()
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    early, late = ids.encode("Quote", uuid.uuid4()), ids.encode("Quote", uuid.uuid4())
    go_on = asyncio.Event()

    async def began_first() -> None:
        async with in_transaction():
            await audit.record(None, "test.change", company_id=company.id, target_id=early)
            await go_on.wait()  # the late one begins, commits, and is read meanwhile
            await emit(EventType.QUOTE_ISSUED, early, {}, company.id)

    async def began_last() -> None:
        async with in_transaction():
            await audit.record(None, "test.change", company_id=company.id, target_id=late)
            await emit(EventType.QUOTE_ISSUED, late, {}, company.id)

    async with app_on(db) as client:
        poller = Poller(client, token)
        first = asyncio.create_task(began_first())
        await asyncio.sleep(0.05)
        await began_last()
        assert await poller.poll() == [late]  # the poller's cursor is now past the late one
        go_on.set()
        await first
        assert await poller.poll() == [early]
    changes = {target: at for target, at in await AuditEvent.all().values_list("target_id", "created_at")}
    # A feed ordered by when each change began would have put `early` behind the cursor, unseen.
    assert changes[early] < changes[late]
    assert poller.seen == [late, early]


async def test_an_event_waiting_to_commit_holds_back_the_later_ones(db):
    """While the transaction holding sequence n is open, n + 1 cannot commit: the poller sees
    neither, then both in order (never n + 1 alone, which would make it skip n)."""
    company = await make_company()
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    held, behind = ids.encode("Quote", uuid.uuid4()), ids.encode("Quote", uuid.uuid4())
    release, emitted = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with in_transaction():
            await emit(EventType.QUOTE_ISSUED, held, {}, company.id)
            emitted.set()
            await release.wait()

    async def follower() -> None:
        async with in_transaction():
            await emit(EventType.QUOTE_ISSUED, behind, {}, company.id)

    async with app_on(db) as client:
        poller = Poller(client, token)
        first = asyncio.create_task(holder())
        await emitted.wait()
        second = asyncio.create_task(follower())
        await asyncio.sleep(0.2)
        assert not second.done()  # waiting for the counter's row lock
        assert await poller.poll() == []
        release.set()
        await asyncio.gather(first, second)
        assert await poller.poll() == [held, behind]
    assert await Event.all().order_by("sequence").values_list("subject_id", flat=True) == [held, behind]
