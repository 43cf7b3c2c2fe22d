"""The app behind PgBouncer in transaction pooling (issue 7, item 24), as .ci/run runs it:
PGBOUNCER_URL names the PgBouncer (its admin database), DATABASE_POOL_MODE=transaction.

Each transaction may run on another server connection, so a statement prepared by one
transaction is missing in the next ("prepared statement __asyncpg_stmt_12__ does not exist")
unless asyncpg's statement cache is off, and session settings cannot be relied on.
"""

from __future__ import annotations

import asyncio
import os

import pytest
from tortoise.transactions import in_transaction

from models import ValidationList
from settings import Settings
from tests.cart.helpers import ADD
from tests.catalog.factories import gid, make_product
from tests.factories import make_member
from tests.order.helpers import CART_SUBMIT, make_stock, pickup, submit_input
from tests.test_database import app_on, post

PGBOUNCER_URL = os.environ.get("PGBOUNCER_URL")
#: Run when PGBOUNCER_URL names a PgBouncer in transaction pooling (.ci/run sets it; tests/conftest.py).
pytestmark = pytest.mark.pgbouncer


def through_pgbouncer(db: str) -> str:
    """The session's test database, reached through PgBouncer."""
    assert PGBOUNCER_URL
    return f"{PGBOUNCER_URL.rsplit('/', 1)[0]}/{db.rsplit('/', 1)[1]}"


TRANSACTION_POOLING = Settings(
    app_env="development", deliver_mail_in_web=False, database_pool_mode="transaction", database_pool_max=10
)


async def test_many_requests_at_once_through_pgbouncer(db) -> None:
    """Parallel requests (ten pooled connections, several PgBouncer server connections): none fails."""
    member = await make_member()
    stock = await make_stock()
    products = [await make_product() for _ in range(5)]
    made = 0
    async with app_on(through_pgbouncer(db), TRANSACTION_POOLING) as client:
        for _ in range(3):
            submit = post(client, CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, member.token)
            calls = [
                submit,
                *(
                    post(client, ADD, {"lines": [{"productId": gid(p), "quantity": "1"}]}, member.token)
                    for p in products
                ),
                *(post(client, "query { cart { lineCount } }", {}, member.token) for _ in range(10)),
            ]
            responses = await asyncio.gather(*calls)
            assert all(r.status_code == 200 and "errors" not in r.json() for r in responses), [
                r.text for r in responses if "errors" in r.json()
            ]
            # The submit may run before any add: then it finds the cart empty, and says so.
            payload = responses[0].json()["data"]["cartSubmit"]
            if payload["validationList"] is None:
                assert [e["code"] for e in payload["userErrors"]] == ["CART_EMPTY"]
            made += payload["validationList"] is not None
    assert made >= 1 and await ValidationList.all().count() == made


async def test_each_transaction_sets_its_timeouts_through_pgbouncer(db) -> None:
    async with app_on(through_pgbouncer(db), TRANSACTION_POOLING):
        for _ in range(5):
            async with in_transaction() as conn:
                _, rows = await conn.execute_query("SELECT current_setting('lock_timeout') AS lock")
            assert rows[0]["lock"] == "5s"
