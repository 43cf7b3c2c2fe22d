"""Query.invoices costs the same number of SQL statements for 1 or 30 invoices, each with its
customer number, orders (and their lines) and payments (DataLoaders)."""

from __future__ import annotations

import pytest
import pytest_asyncio

from models import CustomerNumberKind
from tests.factories import make_customer_number, make_member
from tests.invoice.helpers import make_invoice
from tests.order.helpers import make_order, make_stock

INVOICES = """
query($first: Int!) {
  invoices(first: $first) {
    totalCount
    edges { node { number status total { amount } openAmount { amount }
      customerNumber { number kind }
      orders { number total { amount } lines { quantity } }
      payments { paidAt amount { amount } reference } } }
  }
}
"""
#: session (with the member's customer-number limits), page, count, customer numbers,
#: invoice-order links, payments, orders, order lines, their products and the company's prices
STATEMENTS = 10


@pytest_asyncio.fixture
async def busy(api):
    member = await make_member()
    stock = await make_stock()
    for _ in range(30):
        ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
        orders = [await make_order(member, [(stock.a, "1", "5.00")], branch=stock.branch) for _ in range(2)]
        await make_invoice(
            member.company, "10.00", paid=("3.00", "2.00"), customer_number=ship_to, orders=tuple(orders)
        )
    return member


@pytest.mark.parametrize("first", [1, 30])
async def test_invoices_cost_the_same_for_1_or_30(api, busy, sql, first) -> None:
    sql.statements.clear()
    data = await api.ok(INVOICES, {"first": first}, token=busy.token)
    edges = data["invoices"]["edges"]
    assert len(edges) == first and data["invoices"]["totalCount"] == 30
    for edge in edges:
        node = edge["node"]
        assert len(node["orders"]) == 2 and all(o["lines"] for o in node["orders"])
        assert [p["amount"]["amount"] for p in node["payments"]] == ["3.00", "2.00"]
        assert node["customerNumber"]["kind"] == "SHIP_TO"
    assert len(sql.statements) == STATEMENTS, "\n".join(sql.statements)
