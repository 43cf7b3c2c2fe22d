"""cartSubmit racing other changes of the same cart (issue 7, item 1), and how long a submit
holds the number counter's row lock (item 2).

On PostgreSQL these are real races: asyncio.gather runs the requests at once in-process, each
transaction on its own pooled connection. On SQLite the transactions take turns on the one
connection, so the same assertions hold without a race (the run still checks the answers).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models import CartLine, Sequence, ValidationList, ValidationListLine
from tests.cart.helpers import ADD
from tests.catalog.factories import gid, make_product
from tests.factories import make_member, make_staff
from tests.order.helpers import APPROVE, CART_SUBMIT, fill_cart, make_stock, pickup, submit_cart, submit_input

pytestmark = pytest.mark.real_db  # real races on PostgreSQL

ROUNDS = 6
ADDS = 20


async def _units_in_lists(membership_id: object) -> Decimal:
    rows = await ValidationListLine.filter(validation_list__membership_id=membership_id).values_list(
        "quantity", flat=True
    )
    return sum((Decimal(q) for q in rows), Decimal(0))


async def _units_in_cart(membership_id: object) -> Decimal:
    rows = await CartLine.filter(cart__membership_id=membership_id).values_list("quantity", flat=True)
    return sum((Decimal(q) for q in rows), Decimal(0))


async def test_adds_racing_a_submit_lose_nothing(api) -> None:
    """Every unit a client was told was added ends in the validation list or in the cart."""
    member = await make_member()
    stock = await make_stock()
    products = [stock.b, *[await make_product() for _ in range(4)]]
    promised = Decimal(0)
    for round_ in range(ROUNDS):
        await fill_cart(member, (stock.a, "1"))  # submitted every round: the adds never hold it
        promised += 1
        adds = [
            api(
                ADD,
                {"lines": [{"productId": gid(products[i % len(products)]), "quantity": str(2 * (1 + i % 3))}]},
                token=member.token,
            )
            for i in range(ADDS)
        ]
        submit = api(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
        results = await asyncio.gather(*adds[: ADDS // 2], submit, *adds[ADDS // 2 :])
        assert all("errors" not in r for r in results), [r["errors"] for r in results if "errors" in r]
        submitted = results[ADDS // 2]["data"]["cartSubmit"]
        assert submitted["userErrors"] == [], (round_, submitted["userErrors"])
        for i, r in enumerate(r for j, r in enumerate(results) if j != ADDS // 2):
            assert r["data"]["cartLinesAdd"]["userErrors"] == [], r
            promised += 2 * (1 + i % 3)
        assert await _units_in_lists(member.membership.id) + await _units_in_cart(member.membership.id) == promised
    assert await ValidationList.filter(membership_id=member.membership.id).count() == ROUNDS


async def test_two_submits_of_one_cart_make_one_list(api) -> None:
    """Different idempotency keys (two tabs): one list; the other sees the emptied cart."""
    member = await make_member()
    stock = await make_stock()
    for round_ in range(ROUNDS):
        await fill_cart(member, (stock.a, "2"), (stock.b, "4"))
        results = await asyncio.gather(
            *(api(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token) for _ in range(2))
        )
        assert all("errors" not in r for r in results), [r["errors"] for r in results if "errors" in r]
        payloads = [r["data"]["cartSubmit"] for r in results]
        made = [p for p in payloads if p["validationList"] is not None]
        refused = [p for p in payloads if p["validationList"] is None]
        assert len(made) == 1, (round_, payloads)
        assert [e["code"] for e in refused[0]["userErrors"]] == ["CART_EMPTY"]
        assert await ValidationList.filter(membership_id=member.membership.id).count() == round_ + 1
        assert await CartLine.all().count() == 0


def _after_the_counter(statements: list[str], counter: str) -> list[str]:
    """The writes sent after the counter named `counter...` was taken (its row stays locked till
    COMMIT; the reads after it are mostly the payload's, after the commit), the event counter's
    increment shown as 'UPDATE "sequence" event'."""
    taken = max(i for i, sql in enumerate(statements) if sql.startswith('UPDATE "sequence"') and f"'{counter}" in sql)
    writes = [s for s in statements[taken + 1 :] if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    return [s.split(" (")[0].split(" SET")[0] + (" event" if "'event'" in s else "") for s in writes]


async def test_a_submit_takes_its_number_last(api, sql) -> None:
    """Every submit waits for the counter's row lock of the one before: the lines are written
    before the number is taken, so the lock is held for a few short statements only."""
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, *[(await make_product(), "1") for _ in range(5)])
    await Sequence.create(name="event", value=0)  # as after the first event ever
    sql.statements.clear()
    await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    assert _after_the_counter(sql.statements, "validation-") == [
        'UPDATE "validation_list"',  # its number
        'INSERT INTO "audit_event"',
        'UPDATE "idempotency_record"',
        'UPDATE "sequence" event',  # the event counter, locked till COMMIT too
        'INSERT INTO "event"',
    ]
    assert _after_the_counter(sql.statements, "event") == ['INSERT INTO "event"']


async def test_an_approval_takes_the_order_number_last(api, sql) -> None:
    member = await make_member()
    stock = await make_stock()
    vl = await submit_cart(api, member, stock, (stock.a, "2"), (stock.b, "4"))
    _, token = await make_staff()
    sql.statements.clear()
    await api.ok(APPROVE, {"input": {"id": vl["id"], "expectedVersion": 1}}, token=token)
    assert _after_the_counter(sql.statements, "order-") == [
        'UPDATE "customer_order"',  # its number
        'UPDATE "sequence" event',
        'INSERT INTO "event"',  # ORDER_CREATED
        'INSERT INTO "audit_event"',
        'UPDATE "sequence" event',
        'INSERT INTO "event"',  # VALIDATION_LIST_APPROVED
    ]
    assert _after_the_counter(sql.statements, "event") == ['INSERT INTO "event"']
