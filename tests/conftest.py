"""A fresh database per test (SQLite in memory, or an emptied PostgreSQL database when
DATABASE_URL points at PostgreSQL), the app in-process, and helpers to call it."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from tortoise.context import TortoiseContext, tortoise_test_context

from app import create_app
from settings import MODEL_MODULES, Settings, tortoise_config

PG = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need what only PostgreSQL has (row locks, server timeouts: marked `postgres`) or a
    PgBouncer (`pgbouncer`, with PGBOUNCER_URL) are left out of a run without them, not skipped:
    .ci/run runs each of them on PostgreSQL, directly and through PgBouncer."""
    missing = {"postgres"} if not PG else set()
    if not (PG and os.environ.get("PGBOUNCER_URL")):
        missing.add("pgbouncer")
    left_out = [item for item in items if missing & {m.name for m in item.iter_markers()}]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests hash many passwords: argon2id with tiny costs there (tests/auth checks the real ones)."""
    from argon2 import PasswordHasher

    from resolvers.auth import tokens as auth_core

    monkeypatch.setattr(auth_core, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def settings() -> Settings:
    return Settings(app_env="development", public_url="https://shop.test", deliver_mail_in_web=False)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str | None]:
    """On PostgreSQL: one database for the session, its tables made once (tests truncate them).
    Under pytest-xdist (`make test`) each worker is a session of its own, so each worker makes,
    and drops, its own database (named after the worker: test_gw0_..., test_gw1_...)."""
    if not PG:
        yield None
        return
    admin_url = os.environ["DATABASE_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"test_{worker}_{uuid.uuid4().hex[:12]}"
    url = f"{admin_url.rsplit('/', 1)[0]}/{name}"

    async def create() -> None:
        # No statement cache: the admin URL may be a PgBouncer in transaction pooling (.ci/run).
        conn = await asyncpg.connect(admin_url, statement_cache_size=0)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(url))
            await ctx.generate_schemas(safe=False)

    async def drop() -> None:
        conn = await asyncpg.connect(admin_url, statement_cache_size=0)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(create())
    try:
        yield url
    finally:
        asyncio.run(drop())


@pytest_asyncio.fixture
async def db(pg_url: str | None) -> AsyncIterator[str]:
    """A fresh, empty database for one test: SQLite in memory, or the session's PostgreSQL
    database emptied afterwards."""
    if pg_url is None:
        async with tortoise_test_context(MODEL_MODULES, db_url="sqlite://:memory:"):
            yield "sqlite://:memory:"
        return
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(pg_url))
        try:
            yield pg_url
        finally:
            tables = ", ".join(f'"{m._meta.db_table}"' for m in ctx.apps.get_models_iterable())
            await ctx.connections.get("default").execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


class SQLCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends (its db_client logger, at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())


@pytest.fixture
def sql() -> Any:
    logger = logging.getLogger("tortoise.db_client")
    counter = SQLCounter()
    old = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    yield counter
    logger.removeHandler(counter)
    logger.setLevel(old)


class Api:
    """Calls /graphql in-process: `await api(DOC, variables, token=...)` returns the JSON body."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.token: str | None = None

    async def __call__(
        self, query: str, variables: dict | None = None, *, token: str | None = None, headers: dict | None = None
    ) -> dict:
        # English unless a test says otherwise (None drops the header: the French default).
        h = {k: v for k, v in {"Accept-Language": "en", **(headers or {})}.items() if v is not None}
        bearer = token if token is not None else self.token
        if bearer:
            h["Authorization"] = f"Bearer {bearer}"
        response = await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=h)
        assert response.status_code == 200, response.text
        return response.json()

    async def ok(self, query: str, variables: dict | None = None, **kw: Any) -> dict:
        """The data of a call that must not have top-level errors."""
        body = await self(query, variables, **kw)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest_asyncio.fixture
async def api(db: None, settings: Settings) -> AsyncIterator[Api]:
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield Api(client)


def error_codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


def production_settings(**overrides: object) -> Settings:
    """Settings that pass production's checks (every required value given), for in-process tests."""
    values: dict[str, object] = {
        "app_env": "production",
        "database_url": "sqlite://:memory:",
        "secret_key": "s" * 32,
        "smtp_host": "smtp.invalid",
        "public_url": "https://shop.test",
        "api_public_url": "https://api.shop.test",
        "mail_from": "no-reply@shop.test",
        "helpdesk_email": "helpdesk@shop.test",
        "deliver_mail_in_web": False,
    }
    return Settings(**{**values, **overrides})  # type: ignore[arg-type]
