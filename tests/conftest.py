"""A fresh database per test, the app in-process, and helpers to call it.

- SQLite (the default): a new in-memory database per test.
- PostgreSQL (DATABASE_URL=postgres://...): one database per pytest-xdist worker, its tables made
  once (`pg_url`). Each test runs inside one transaction that is rolled back at the end
  (`RolledBack`: the app's own transactions become savepoints in it), which is much cheaper than
  emptying every table. Tests that need the database for real (transactions committed and seen
  by other connections, several transactions at once: races with asyncio.gather, row locks,
  server timeouts, the app's lifespan with its outbox worker, other processes) are marked
  `real_db`; `postgres` and `pgbouncer` imply it. Those commit, and every table is emptied with
  TRUNCATE after them. A test that runs two transactions at once without the marker fails
  (NeedsRealDatabase): on the one rolled-back connection they could only take turns, so the race
  it sets up would never happen.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from tortoise.backends.base.client import TransactionContext
from tortoise.context import TortoiseContext, tortoise_test_context

import app as app_module
from app import create_app
from resolvers.core.database import _Transaction
from schema.core.executor import MISMATCHES, SHADOW
from settings import MODEL_MODULES, Settings, tortoise_config

PG = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need what only PostgreSQL has (row locks, server timeouts: marked `postgres`), a
    PgBouncer (`pgbouncer`, with PGBOUNCER_URL) or a Redis (`redis`, with REDIS_URL) are left out of
    a run without them, not skipped: .ci/run runs each of them on PostgreSQL, directly and through
    PgBouncer, and the Redis ones against a redis-server it starts."""
    missing = {"postgres"} if not PG else set()
    if not (PG and os.environ.get("PGBOUNCER_URL")):
        missing.add("pgbouncer")
    if not os.environ.get("REDIS_URL"):
        missing.add("redis")
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


#: One schema per mode for the whole session: building it is most of create_app's time (about
#: 0.2 s, once per test before), and a schema keeps no state between requests (its extensions
#: are factories, made again for each one), as the one a server shares between all of them.
_built_schema = functools.cache(app_module.build_schema)


@pytest.fixture(autouse=True)
def schema_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "build_schema", _built_schema)


@pytest.fixture(autouse=True)
def same_answer_as_graphql_core() -> Iterator[None]:
    """In the differential mode (GRAPHQL_DIFFERENTIAL=1), a query the fast executor answered
    differently from plain graphql-core fails the test that sent it."""
    MISMATCHES.clear()
    yield
    assert not MISMATCHES, "\n".join(MISMATCHES)


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


#: Markers of the tests that run on PostgreSQL for real (transactions committed, connections of
#: their own, TRUNCATE afterwards) instead of inside one rolled-back transaction.
REAL_DB_MARKERS = {"real_db", "postgres", "pgbouncer"}
#: Seconds a task may wait for another task's transaction block before its test is failed.
TURN_TIMEOUT = 15.0
#: The savepoint standing for "committed" at the top of the test's transaction (see RolledBack).
AUTOCOMMIT = "autocommit"
#: The app's innermost open transaction block (a savepoint) that this task runs inside.
_BLOCK: contextvars.ContextVar[object | None] = contextvars.ContextVar("test_transaction_block", default=None)


class NeedsRealDatabase(AssertionError):
    """Two tasks of a test ran transactions at once: on one rolled-back connection they can only
    take turns, so the test would not test the race it sets up. Mark it `real_db`."""


def _writes(query: str) -> bool:
    return not query.lstrip()[:6].upper().startswith("SELECT")


class RolledBack(_Transaction):
    """The test's one transaction, on one pooled connection, rolled back at the end, standing in
    for the connection pool (Polar's tests/fixtures/database.py, for Tortoise).

    The current connection is a ContextVar (tortoise.connection) and httpx's ASGITransport runs
    the app in the test's task, so the app's statements and `in_transaction()` blocks come here:
    - a block becomes a savepoint; other tasks (asyncio.gather, resolvers Strawberry gathers) wait
      until it ends, since their statements would otherwise land in it; a test where that happens
      fails with NeedsRealDatabase (it means to race, and would not);
    - a statement outside any block is committed, as it would be on its own connection: the
      AUTOCOMMIT savepoint is renewed after each write, and rolled back to when a statement fails
      (else the whole transaction would be aborted, which no connection of the app ever sees);
    - one statement at a time on the connection (asyncpg: "another operation is in progress").
    `SET LOCAL` of the timeouts (transaction pooling) runs once, for the test's transaction, which
    has no idle limit."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self._turn = asyncio.Condition()
        self._blocks: list[object] = []
        self.contended = 0

    @classmethod
    @asynccontextmanager
    async def around(cls, ctx: TortoiseContext) -> AsyncIterator[RolledBack]:
        client = ctx.connections.get("default")
        if not client._pool:
            await client.create_connection(with_db=True)
        outer = cls(client)
        outer._connection = await client._pool.acquire()
        token = ctx.connections.set("default", outer)
        try:
            await outer.begin()
            # The test's transaction is idle while the test itself works (Hypothesis makes many
            # documents that reach no table): the app's idle limit is for its own transactions.
            await outer._connection.execute(
                f"SET LOCAL idle_in_transaction_session_timeout = 0; SAVEPOINT {AUTOCOMMIT}"
            )
            yield outer
        finally:
            try:
                await outer.rollback()
            finally:
                await client._pool.release(outer._connection)
                ctx.connections.reset(token)
        if outer.contended:
            raise NeedsRealDatabase(
                f"{outer.contended} statement(s) or transaction(s) waited for another task's transaction:"
                " this test runs transactions at once, mark it @pytest.mark.real_db (tests/conftest.py)"
            )

    async def _wait_for_turn(self, block: object | None) -> None:
        def mine() -> bool:
            return (self._blocks[-1] if self._blocks else None) is block

        if mine():
            return
        self.contended += 1
        try:
            async with asyncio.timeout(TURN_TIMEOUT):
                await self._turn.wait_for(mine)
        except TimeoutError:
            raise NeedsRealDatabase(
                f"waited {TURN_TIMEOUT}s for another task's transaction: mark the test @pytest.mark.real_db"
            ) from None

    @asynccontextmanager
    async def _statement(self, write: bool) -> AsyncIterator[None]:
        block = _BLOCK.get()
        async with self._turn:
            await self._wait_for_turn(block)
            try:
                yield
            except BaseException:
                if block is None:  # on its own connection a failed statement leaves nothing behind
                    await self._connection.execute(f"ROLLBACK TO SAVEPOINT {AUTOCOMMIT}")
                raise
            if write and block is None:  # committed: no later failure may take it back
                await self._connection.execute(f"RELEASE SAVEPOINT {AUTOCOMMIT}; SAVEPOINT {AUTOCOMMIT}")

    def _in_transaction(self) -> TransactionContext:
        return _Savepoint(self)

    async def execute_insert(self, query: str, values: list) -> Any:
        async with self._statement(write=True):
            return await super().execute_insert(query, values)

    async def execute_many(self, query: str, values: list) -> None:
        async with self._statement(write=True):
            await super().execute_many(query, values)

    async def execute_query(self, query: str, values: list | None = None) -> Any:
        async with self._statement(write=_writes(query)):
            return await super().execute_query(query, values)

    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        async with self._statement(write=_writes(query)):
            return await super().execute_query_dict(query, values)

    async def execute_script(self, query: str) -> None:
        async with self._statement(write=True):
            await super().execute_script(query)


class _Savepoint(TransactionContext):
    """One `in_transaction()` block of the app inside the test's transaction. The outermost one
    is the AUTOCOMMIT savepoint itself (released and renewed on success, rolled back to on
    failure); a nested one is a savepoint of its own."""

    def __init__(self, outer: RolledBack) -> None:
        self.outer = outer
        self.client = outer  # `in_transaction() as conn`: conn's statements take their turn too
        self.block = object()
        self.name: str | None = None

    async def __aenter__(self) -> RolledBack:
        outer, parent = self.outer, _BLOCK.get()
        async with outer._turn:
            await outer._wait_for_turn(parent)
            if parent is not None:
                self.name = f"sp{len(outer._blocks)}"
                await outer._connection.execute(f"SAVEPOINT {self.name}")
            outer._blocks.append(self.block)
        self.token = _BLOCK.set(self.block)
        return outer

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        outer = self.outer
        _BLOCK.reset(self.token)
        async with outer._turn:
            await outer._wait_for_turn(self.block)
            try:
                if self.name is None:
                    ok = f"RELEASE SAVEPOINT {AUTOCOMMIT}; SAVEPOINT {AUTOCOMMIT}"
                    await outer._connection.execute(ok if exc_type is None else f"ROLLBACK TO SAVEPOINT {AUTOCOMMIT}")
                elif exc_type is None:
                    await outer._connection.execute(f"RELEASE SAVEPOINT {self.name}")
                else:
                    await outer._connection.execute(f"ROLLBACK TO SAVEPOINT {self.name}; RELEASE SAVEPOINT {self.name}")
            finally:
                outer._blocks.pop()
                outer._turn.notify_all()


@pytest_asyncio.fixture
async def db(pg_url: str | None, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A fresh, empty database for one test: SQLite in memory; on PostgreSQL the session's
    database, inside one transaction rolled back at the end, or (tests marked `real_db`,
    `postgres` or `pgbouncer`) for real, emptied with TRUNCATE afterwards."""
    if pg_url is None:
        async with tortoise_test_context(MODEL_MODULES, db_url="sqlite://:memory:"):
            yield "sqlite://:memory:"
        return
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(pg_url))
        if REAL_DB_MARKERS & {m.name for m in request.node.iter_markers()}:
            try:
                yield pg_url
            finally:
                tables = ", ".join(f'"{m._meta.db_table}"' for m in ctx.apps.get_models_iterable())
                await ctx.connections.get("default").execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            return
        async with RolledBack.around(ctx):
            yield pg_url


class SQLCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends (its db_client logger, at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not SHADOW.get():  # the differential mode's second execution is not the request's
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
