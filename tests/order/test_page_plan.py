"""The orders page loads lines and their products for the whole page at once, and only when
selected; every order answers as order(id:) does, prices masked without VIEW_PRICES."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models import Order, Role
from resolvers.core.pagination import paginate
from tests.catalog.factories import make_product
from tests.factories import make_member
from tests.order.helpers import make_order, make_stock

FIELDS = """
fragment Fields on Order {
  id number status placedAt total { amount }
  lines {
    id quantity unitPrice { amount } lineTotal { amount }
    product { id sku name netPrice { amount } listPrice { amount } }
  }
  ... on Order { again: lines { quantity } }
}
"""

PAGE = "query { orders(first: 20) { edges { node { ...Fields } } } }" + FIELDS
ONE = "query($id: ID!) { order(id: $id) { ...Fields } }" + FIELDS
NUMBERS = "query($f: Int) { orders(first: $f) { edges { node { number } } } }"
LINES = "query($f: Int) { orders(first: $f) { edges { node { number lines { quantity } } } } }"


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.ORDER_WITHOUT_PRICES])
async def test_every_order_of_a_page_answers_as_order_by_id(api, role) -> None:
    member = await make_member(role)
    stock = await make_stock()
    c = await make_product(list_price=Decimal("7.125"))
    t = datetime.now(UTC)
    for i in range(9):
        lines = [(stock.a, str(i + 1), "1.25"), (stock.b, "2", "3.3333"), (c, "1", "7.125")][: i % 3 + 1]
        await make_order(member, lines, branch=stock.branch, created_at=t - timedelta(minutes=i))
    edges = (await api.ok(PAGE, token=member.token))["orders"]["edges"]
    assert len(edges) == 9
    for edge in edges:
        assert edge["node"] == (await api.ok(ONE, {"id": edge["node"]["id"]}, token=member.token))["order"]
    lines = [line for e in edges for line in e["node"]["lines"]]
    assert len(lines) == 18
    assert all((line["lineTotal"] is not None) == (role == Role.ADMINISTRATOR) for line in lines)
    assert all((line["product"]["netPrice"] is not None) == (role == Role.ADMINISTRATOR) for line in lines)


async def test_lines_are_read_only_when_selected(api, sql) -> None:
    member = await make_member()
    stock = await make_stock()
    t = datetime.now(UTC)
    for i in range(6):
        await make_order(member, [(stock.a, "1", "1.00")], branch=stock.branch, created_at=t - timedelta(minutes=i))
    counted = {}
    for name, document in {"numbers": NUMBERS, "lines": LINES}.items():
        for first in (1, 6):
            sql.statements.clear()
            assert len((await api.ok(document, {"f": first}, token=member.token))["orders"]["edges"]) == first
            counted[name, first] = (len(sql.statements), any('FROM "order_line"' in s for s in sql.statements))
    # session (with the customer-number limits), page; + lines (no product selected: no product read)
    assert counted == {
        ("numbers", 1): (2, False),
        ("numbers", 6): (2, False),
        ("lines", 1): (3, True),
        ("lines", 6): (3, True),
    }


TOTAL = """query($f: Int, $after: String, $status: [OrderStatus!]) {
  orders(first: $f, after: $after, filter: {status: $status}) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { number } }
  }
}"""


async def test_the_total_is_counted_by_the_pages_own_statement_on_every_page(api, sql) -> None:
    member = await make_member()
    stock = await make_stock()
    t = datetime.now(UTC)
    for i in range(5):
        await make_order(member, [(stock.a, "1", "1.00")], branch=stock.branch, created_at=t - timedelta(minutes=i))
    sql.statements.clear()
    first = (await api.ok(TOTAL, {"f": 2}, token=member.token))["orders"]
    assert len(sql.statements) == 2  # session, page (with the count)
    after = first["pageInfo"]["endCursor"]
    second = (await api.ok(TOTAL, {"f": 2, "after": after}, token=member.token))["orders"]
    last = (await api.ok(TOTAL, {"f": 3, "after": second["pageInfo"]["endCursor"]}, token=member.token))["orders"]
    beyond = (await api.ok(TOTAL, {"f": 3, "after": last["pageInfo"]["endCursor"]}, token=member.token))["orders"]
    none = (await api.ok(TOTAL, {"f": 3, "status": ["CANCELLED"]}, token=member.token))["orders"]
    assert [len(p["edges"]) for p in (first, second, last, beyond, none)] == [2, 2, 1, 0, 0]
    assert [p["totalCount"] for p in (first, second, last, beyond, none)] == [5, 5, 5, 5, 0]


async def test_a_page_with_related_rows_to_set_counts_apart(api, sql) -> None:
    """paginate reads the rows and the count in one statement only where Tortoise sets nothing
    but the columns on the rows (no select_related, prefetch or annotation)."""
    member = await make_member()
    stock = await make_stock()
    for _ in range(3):
        await make_order(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    related = Order.filter(company_id=member.company.id).select_related("customer_number")
    sql.statements.clear()
    page = await paginate(related, 2, None, with_total=True)
    assert len(page.rows) == 2 and page.rows[0].customer_number.number  # the related row is set
    assert await page.total() == 3 and len(sql.statements) == 2  # the page, then its count
    sql.statements.clear()
    page = await paginate(Order.filter(company_id=member.company.id), 2, None, with_total=True)
    assert await page.total() == 3 and len(sql.statements) == 1
