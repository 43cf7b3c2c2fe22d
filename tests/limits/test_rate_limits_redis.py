"""The budgets hold across processes: two real app processes (uvicorn) counting in one real Redis
(REDIS_URL; .ci/run starts Debian's redis-server for this file). Left out without REDIS_URL."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from tortoise.context import TortoiseContext

from settings import tortoise_config
from tests.servers import uvicorn

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.redis
#: This file's app processes listen here (ports of their own).
PORTS = (18101, 18102)
BUDGET = 20


async def _tables(url: str) -> None:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        await ctx.generate_schemas(safe=False)


@pytest.fixture
def two_apps(tmp_path: Path) -> Iterator[list[str]]:
    """Two uvicorn processes of the app, one SQLite file, budgets counted in REDIS_URL (emptied first)."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    url = f"sqlite://{tmp_path / 'app.sqlite3'}"
    asyncio.run(_tables(url))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RATE_LIMIT_STORAGE_URL": REDIS_URL,
        "RATE_LIMIT_REQUESTS": str(BUDGET),
        "DELIVER_MAIL_IN_WEB": "false",
        "APP_ENV": "development",
    }
    with uvicorn(env, *PORTS) as urls:
        yield urls


def test_the_request_budget_holds_across_two_processes(two_apps: list[str]) -> None:
    """30 anonymous requests from one address, alternating between the two processes: exactly
    BUDGET succeed, the others are 429 with Retry-After, whichever process answers."""
    answers = [httpx.post(two_apps[i % 2], json={"query": "{ __typename }"}, timeout=10) for i in range(30)]
    ok = [a for a in answers if a.status_code == 200]
    limited = [a for a in answers if a.status_code == 429]
    assert len(ok) == BUDGET and len(limited) == 30 - BUDGET, [a.status_code for a in answers]
    assert all(a.json() == {"data": {"__typename": "Query"}, "extensions": {"cost": 0}} for a in ok)
    assert {a.json()["errors"][0]["extensions"]["code"] for a in limited} == {"RATE_LIMITED"}
    assert all(1 <= int(a.headers["Retry-After"]) <= 60 for a in limited)
    assert {i % 2 for i, a in enumerate(answers) if a.status_code == 429} == {0, 1}  # both processes refuse
