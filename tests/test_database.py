"""The database slow or out of reach (issue 7, item 2): every wait is bounded, and a request that
runs into a bound answers UNAVAILABLE (HTTP 503, Retry-After) instead of hanging."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from tortoise import connections
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from app import create_app
from models import CartLine, ValidationList
from resolvers import cart as cart_rs
from settings import Settings, tortoise_config
from tests.conftest import error_codes
from tests.factories import make_member
from tests.order.helpers import CART_SUBMIT, fill_cart, make_stock, pickup, submit_cart, submit_input

needs_pg = pytest.mark.postgres  # row locks and server timeouts (tests/conftest.py)

IMPATIENT = {
    "database_lock_timeout": 1.0,
    "database_statement_timeout": 3.0,
    "database_idle_in_transaction_timeout": 5.0,
    "database_command_timeout": 4.0,
    "database_acquire_timeout": 1.0,
    "health_timeout": 0.5,
}


def impatient(**kw: object) -> Settings:
    return Settings(app_env="development", deliver_mail_in_web=False, **{**IMPATIENT, **kw})  # type: ignore[arg-type]


@asynccontextmanager
async def app_on(url: str, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process on its own Tortoise connection to `url`, configured by `settings`."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url, settings))
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def post(client: httpx.AsyncClient, query: str, variables: dict, token: str) -> httpx.Response:
    return await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"].isdigit()
    body = response.json()
    assert error_codes(body) == ["UNAVAILABLE"]
    assert "Try again" in body["errors"][0]["message"]


# ---------------------------------------------------------------------- on any database


async def test_an_unavailable_database_is_a_retryable_503(api, monkeypatch, caplog) -> None:
    """How a lock timeout reaches the client (the real one is below, on PostgreSQL)."""
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))

    async def stalled(membership: object) -> None:
        raise asyncpg.exceptions.LockNotAvailableError("canceling statement due to lock timeout")

    monkeypatch.setattr(cart_rs, "lock_saved_cart", stalled)
    variables = {"input": submit_input(pickup(stock.branch))}
    assert_unavailable(await post(api.client, CART_SUBMIT, variables, member.token))
    # Logged once, as the database's state, without a traceback (it is no bug to chase).
    assert [r.levelname for r in caplog.records if "lock timeout" in r.getMessage()] == ["WARNING"]
    assert not [r for r in caplog.records if r.exc_info or r.levelname == "ERROR"]
    assert await CartLine.all().count() == 1


async def test_a_document_that_wrote_something_keeps_its_200(api, monkeypatch) -> None:
    """503 only when nothing of the document was done: here the first submit went through."""
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))
    first = submit_input(pickup(stock.branch))
    second = submit_input(pickup(stock.branch))
    two = """mutation($a: SubmitInput!, $b: SubmitInput!) {
      a: cartSubmit(input: $a) { validationList { id } }
      b: cartSubmit(input: $b) { validationList { id } } }"""
    real = cart_rs.lock_saved_cart
    calls = 0

    async def second_stalls(membership: object) -> object:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise TimeoutError()
        return await real(membership)  # type: ignore[arg-type]

    monkeypatch.setattr(cart_rs, "lock_saved_cart", second_stalls)
    response = await post(api.client, two, {"a": first, "b": second}, member.token)
    assert response.status_code == 200 and "Retry-After" not in response.headers, response.text
    body = response.json()
    assert error_codes(body) == ["UNAVAILABLE"] and body["errors"][0]["path"] == ["b"]
    assert await ValidationList.all().count() == 1  # `a` was done (its non-null payload is lost with `b`)


async def test_healthz_answers_503_in_time_when_the_database_is_silent(db) -> None:
    """A server that accepts connections and never answers (a stalled database or network)."""
    silent = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    try:
        async with app_on(f"postgres://postgres@127.0.0.1:{port}/stalled", impatient()) as client:
            started = time.monotonic()
            response = await asyncio.wait_for(client.get("/healthz"), 10)
            assert response.status_code == 503 and response.json() == {"status": "unavailable"}
            assert time.monotonic() - started < 2
            member_token = "x" * 43  # reading a session needs the database too
            started = time.monotonic()
            response = await asyncio.wait_for(post(client, "{ viewer { id } }", {}, member_token), 10)
            assert_unavailable(response)
            assert time.monotonic() - started < 4
    finally:
        silent.close()


# ---------------------------------------------------------------------- on PostgreSQL


@needs_pg
async def test_connections_run_with_the_timeouts(db) -> None:
    async with app_on(db, impatient()):
        async with in_transaction() as conn:
            _, rows = await conn.execute_query(
                "SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement,"
                " current_setting('idle_in_transaction_session_timeout') AS idle"
            )
    assert dict(rows[0]) == {"lock": "1s", "statement": "3s", "idle": "5s"}


@needs_pg
@pytest.mark.parametrize("held", ["the number counter", "the cart"])
async def test_a_submit_behind_a_held_lock_answers_unavailable_in_time(api, db, held) -> None:
    """Another process froze inside its transaction while holding a row every submit needs."""
    member = await make_member()
    stock = await make_stock()
    await submit_cart(api, member, stock)  # the year's counter row exists
    await fill_cart(member, (stock.a, "3"))
    holder = await asyncpg.connect(db, statement_cache_size=0)
    try:
        await holder.execute("BEGIN")
        table = '"sequence"' if held == "the number counter" else '"cart"'
        await holder.execute(f"SELECT 1 FROM {table} FOR UPDATE")
        async with app_on(db, impatient()) as client:
            started = time.monotonic()
            variables = {"input": submit_input(pickup(stock.branch))}
            response = await asyncio.wait_for(post(client, CART_SUBMIT, variables, member.token), 10)
            assert_unavailable(response)
            assert time.monotonic() - started < 3
            await holder.execute("ROLLBACK")
            again = await post(client, CART_SUBMIT, variables, member.token)  # the same request, retried
            assert again.status_code == 200 and again.json()["data"]["cartSubmit"]["validationList"]
    finally:
        await holder.close()
    assert await ValidationList.all().count() == 2 and await CartLine.all().count() == 0


@needs_pg
async def test_a_full_pool_answers_unavailable_in_time(db) -> None:
    member = await make_member()
    async with app_on(db, impatient(database_pool_min=1, database_pool_max=1)) as client:
        client_db = connections.get("default")
        await client_db.execute_query("SELECT 1")  # the pool exists
        taken = await client_db._pool.acquire()  # type: ignore[attr-defined]
        try:
            started = time.monotonic()
            response = await asyncio.wait_for(post(client, "{ viewer { id } }", {}, member.token), 10)
            assert_unavailable(response)
            assert time.monotonic() - started < 3
        finally:
            await client_db._pool.release(taken)  # type: ignore[attr-defined]
