"""The quotes page loads lines, their products and the products' prices for the whole page at
once, and only when they are selected; every quote answers as quote(id:) does."""

from __future__ import annotations

from models import QuoteState, Role
from tests.conftest import PG
from tests.factories import make_member
from tests.quote.helpers import make_product, make_quote

FIELDS = """
fragment Fields on Quote {
  id number status total { amount }
  lines {
    id note quantity unitPrice { amount } lineTotal { amount }
    product { id sku name netPrice { amount } priceBreaks { minimumQuantity } }
  }
  again: lines { quantity ... on QuoteLine { item: product { orderable } } }
}
"""

PAGE = "query { quotes(first: 12) { edges { node { ...Fields } } } }" + FIELDS
ONE = "query($id: ID!) { quote(id: $id) { ...Fields } }" + FIELDS


async def _quotes(member, count: int) -> None:
    products = [await make_product(list_price=f"{n + 3}.25") for n in range(5)]
    for i in range(count):
        lines = [(products[(i + k) % 5], str(k + 1), f"{k + 1}.5{k}") for k in range(i % 4)]  # some without lines
        status = QuoteState.REQUESTED if i % 3 == 0 else QuoteState.ISSUED
        if status == QuoteState.REQUESTED:
            lines = [(p, q, None) for p, q, _ in lines]
        await make_quote(member.company, status=status, lines=lines)


async def test_every_quote_of_a_page_answers_as_quote_by_id(api) -> None:
    member = await make_member(Role.VIEW_PRICES)
    await _quotes(member, 12)
    edges = (await api.ok(PAGE, token=member.token))["quotes"]["edges"]
    assert len(edges) == 12
    for edge in edges:
        assert edge["node"] == (await api.ok(ONE, {"id": edge["node"]["id"]}, token=member.token))["quote"]
    lines = [line for e in edges for line in e["node"]["lines"]]
    assert lines and all(line["product"]["sku"] for line in lines)
    priced = [line["unitPrice"] for e in edges if e["node"]["status"] == "ACTIVE" for line in e["node"]["lines"]]
    assert priced and all(p is not None for p in priced)
    assert all(
        line["unitPrice"] is None for e in edges if e["node"]["status"] == "REQUESTED" for line in e["node"]["lines"]
    )


EVERY_PRODUCT_FIELD = """
fragment Fields on Quote {
  lines {
    product {
      __typename id sku ean name description brand unit orderMultiple minimumQuantity orderable vatRate
      listPrice { amount currency } netPrice { amount } priceBreaks { minimumQuantity unitPrice { amount } }
      category { id } availability { branch { code } quantity status }
    }
  }
}
"""


async def test_a_line_product_reads_the_columns_of_every_field_selected(api) -> None:
    """The lines' products are read with only the columns their selected fields need: with every
    field of Product selected, each still answers as on quote(id:)."""
    member = await make_member(Role.VIEW_PRICES)
    await _quotes(member, 6)
    page = "query { quotes(first: 6) { edges { node { id ...Fields } } } }" + EVERY_PRODUCT_FIELD
    one = "query($id: ID!) { quote(id: $id) { id ...Fields } }" + EVERY_PRODUCT_FIELD
    edges = (await api.ok(page, token=member.token))["quotes"]["edges"]
    products = [line["product"] for e in edges for line in e["node"]["lines"]]
    assert products and all(p["unit"] and p["vatRate"] and p["listPrice"] for p in products)
    for edge in edges:
        assert edge["node"] == (await api.ok(one, {"id": edge["node"]["id"]}, token=member.token))["quote"]


LEVELS = {
    "quotes": "number",
    "lines": "number lines { quantity unitPrice { amount } }",
    "products": "number lines { quantity product { sku name } }",
    "prices": "number lines { product { sku netPrice { amount } } }",
}


async def test_lines_products_and_prices_are_read_only_when_selected(api, sql) -> None:
    member = await make_member(Role.ADMINISTRATOR)
    await _quotes(member, 25)
    read = {}
    for level, fields in LEVELS.items():
        for first in (2, 25):
            sql.statements.clear()
            data = await api.ok(
                f"query($f: Int) {{ quotes(first: $f) {{ edges {{ node {{ {fields} }} }} }} }}",
                {"f": first},
                token=member.token,
            )
            assert len(data["quotes"]["edges"]) == first
            read[level, first] = (
                len(sql.statements),
                [
                    table
                    for table in ("quote_line", "product", "company_price")
                    if any(f'FROM "{table}"' in s or f'JOIN "{table}"' in s for s in sql.statements)
                ],
            )
    # session (with the customer-number limits), page; + lines (their products joined when
    # selected); + company prices: whatever the page size.
    assert read == {
        ("quotes", 2): (2, []),
        ("quotes", 25): (2, []),
        ("lines", 2): (3, ["quote_line"]),
        ("lines", 25): (3, ["quote_line"]),
        ("products", 2): (3, ["quote_line", "product"]),
        ("products", 25): (3, ["quote_line", "product"]),
        ("prices", 2): (4, ["quote_line", "product", "company_price"]),
        ("prices", 25): (4, ["quote_line", "product", "company_price"]),
    }
    if PG:  # the page's ids go as one array parameter
        assert any('"quote_id" = ANY($1::uuid[])' in s for s in sql.statements), sql.statements
