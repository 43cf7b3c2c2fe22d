"""quotes(first: 1/20/50) with lines, products, totals, numbers and requesters: a fixed number of SQL statements."""

from __future__ import annotations

from models import Role
from tests.factories import make_member, make_user
from tests.quote.helpers import make_product, make_quote

QUOTES = """
query($first: Int) {
  quotes(first: $first) {
    totalCount
    edges { node {
      number status total { amount }
      customerNumber { number }
      requestedBy { email }
      lines { product { name sku netPrice { amount } } quantity unitPrice { amount } lineTotal { amount } }
    } }
  }
}
"""

# session (with the membership's customer-number limits), page (with its count), lines (their
# products joined), company prices, customer numbers, users.
EXPECTED_STATEMENTS = 6


async def test_the_quote_list_costs_the_same_number_of_statements_for_1_20_and_50(api, sql):
    member = await make_member(Role.VIEW_PRICES)
    products = [await make_product() for _ in range(6)]
    users = [await make_user() for _ in range(3)]
    for i in range(50):
        lines = [(products[(i + k) % 6], str(k + 1), "1.50") for k in range(3)]
        await make_quote(member.company, lines=lines, requested_by_id=users[i % 3].id)

    counted = {}
    for first in (1, 20, 50):
        sql.statements.clear()
        data = await api.ok(QUOTES, {"first": first}, token=member.token)
        counted[first] = len(sql.statements)
        edges = data["quotes"]["edges"]
        assert len(edges) == first
        assert all(len(e["node"]["lines"]) == 3 and e["node"]["requestedBy"] for e in edges)

    assert counted == {1: EXPECTED_STATEMENTS, 20: EXPECTED_STATEMENTS, 50: EXPECTED_STATEMENTS}
