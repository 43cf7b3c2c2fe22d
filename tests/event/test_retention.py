"""Events are kept at least 90 days: `manage.py prune-events` deletes older ones only, never
with a retention under 90 days, and a poller's cursor stays valid across a prune."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from pydantic import ValidationError
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

import manage
from models import Event, EventType
from resolvers.core import ids
from resolvers.core.clock import now
from resolvers.core.pagination import paginate
from resolvers.event import FEED_ORDER, emit, prune
from settings import Settings, tortoise_config


async def aged(*days: int) -> list[str]:
    """One event per age (in days, from now), oldest first; their subject ids."""
    subjects = []
    for age in days:
        subject = ids.encode("Quote", uuid.uuid4())
        async with in_transaction():
            row = await emit(EventType.QUOTE_ISSUED, subject, {}, None)
        await Event.filter(id=row.id).update(created_at=now() - timedelta(days=age, minutes=1))
        subjects.append(subject)
    return subjects


async def test_prune_deletes_only_what_is_older_than_the_retention(db):
    subjects = await aged(400, 120, 91, 89, 0)
    cursor = (await paginate(Event.all(), 1, None, FEED_ORDER)).cursors[0]  # a poller read the oldest
    assert await prune(90) == 3
    assert await Event.all().order_by("sequence").values_list("subject_id", flat=True) == subjects[3:]
    page = await paginate(Event.all(), 10, cursor, FEED_ORDER)
    assert [r.subject_id for r in page.rows] == subjects[3:]  # the old cursor still resumes
    assert await prune(365) == 0


@pytest.mark.parametrize("days", [89, 0, -1])
async def test_prune_refuses_less_than_90_days(db, days):
    await aged(100)
    with pytest.raises(ValueError, match="at least 90 days"):
        await prune(days)
    assert await Event.all().count() == 1


def test_settings_refuse_a_retention_under_90_days():
    assert Settings().event_retention_days == 90
    with pytest.raises(ValidationError):
        Settings(event_retention_days=30)


def test_the_command_prunes_with_the_configured_retention(tmp_path, monkeypatch, capsys):
    url = f"sqlite://{tmp_path / 'events.sqlite3'}"

    async def prepare() -> None:
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(url, Settings()))
            await ctx.generate_schemas()
            await aged(200, 150, 10)

    async def left() -> int:
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(url, Settings()))
            return await Event.all().count()

    asyncio.run(prepare())
    monkeypatch.setattr(manage, "get_settings", lambda: Settings(database_url=url, event_retention_days=180))
    assert manage.main(["prune-events"]) == 0
    assert capsys.readouterr().out == "1 events older than 180 days deleted\n"
    assert asyncio.run(left()) == 2
    assert manage.main(["prune-events", "--days", "30"]) == 1
    assert "at least 90 days" in capsys.readouterr().err
    assert manage.main(["prune-events", "--days", "100"]) == 0
    assert asyncio.run(left()) == 1
