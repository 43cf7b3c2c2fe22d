"""The products page loads each selected level for the whole page at once, and answers exactly
as product(id:) does for every product: prices, price breaks, stock per branch, price masking."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import BranchStock, Role
from tests.catalog.factories import make_branch, make_product, set_price
from tests.conftest import PG
from tests.factories import make_member

FIELDS = """
fragment Fields on Product {
  id sku name description brand unit orderMultiple minimumQuantity orderable vatRate
  listPrice { amount currency }
  netPrice { amount }
  priceBreaks { minimumQuantity unitPrice { amount } }
  availability { branch { code name } quantity status }
  category { name }
}
"""

PAGE = (
    """
query($first: Int) {
  products(first: $first) {
    edges { node { ...Fields stock: availability { status } ... on Product { again: netPrice { currency } } } }
  }
}
"""
    + FIELDS
)

ONE = (
    """
query($id: ID!) {
  product(id: $id) { ...Fields stock: availability { status } again: netPrice { currency } }
}
"""
    + FIELDS
)


async def _catalog(member, count: int = 25) -> None:
    branches = [await make_branch() for _ in range(3)]
    for n in range(count):
        product = await make_product(order_multiple=Decimal(n % 4 + 1), list_price=Decimal("10.5") + n)
        for b, branch in enumerate(branches[: n % 4]):  # some branches without a stock row: 0
            await BranchStock.create(product_id=product.id, branch_id=branch.id, quantity=Decimal(n * 3 - b * 7))
        if n % 3:
            await set_price(member.company, product, str(9 + n))
            await set_price(member.company, product, str(8 + n), minimum=n % 5 + 2)


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.ORDER_WITHOUT_PRICES])
async def test_every_product_of_a_page_answers_as_product_by_id(api, role) -> None:
    member = await make_member(role)
    await _catalog(member)
    edges = (await api.ok(PAGE, {"first": 25}, token=member.token))["products"]["edges"]
    assert len(edges) == 25
    for edge in edges:
        alone = (await api.ok(ONE, {"id": edge["node"]["id"]}, token=member.token))["product"]
        assert edge["node"] == alone
    sees_prices = role == Role.ADMINISTRATOR
    assert all((e["node"]["priceBreaks"] is not None) == sees_prices for e in edges)
    assert any(e["node"]["priceBreaks"] for e in edges) == sees_prices
    assert {s["status"] for e in edges for s in e["node"]["availability"]} == {"IN_STOCK", "LOW_STOCK", "OUT_OF_STOCK"}


NAMES = "query($first: Int) { products(first: $first) { edges { node { sku name listPrice { amount } } } } }"
PRICES = "query($first: Int) { products(first: $first) { edges { node { sku netPrice { amount } } } } }"
STOCK = "query($first: Int) { products(first: $first) { edges { node { sku availability { quantity } } } } }"


async def test_a_page_reads_prices_and_stock_only_when_they_are_selected(api, sql) -> None:
    member = await make_member(Role.ADMINISTRATOR)
    await _catalog(member, 8)
    read = {}
    for name, document in {"names": NAMES, "prices": PRICES, "stock": STOCK}.items():
        for first in (2, 8):
            sql.statements.clear()
            assert len((await api.ok(document, {"first": first}, token=member.token))["products"]["edges"]) == first
            read[name, first] = (
                len(sql.statements),
                any('FROM "company_price"' in s for s in sql.statements),
                any('FROM "branch_stock"' in s for s in sql.statements),
            )
    # session, page (+ company prices | + stock rows and branches), the same for 2 and 8 products
    assert read == {
        ("names", 2): (2, False, False),
        ("names", 8): (2, False, False),
        ("prices", 2): (3, True, False),
        ("prices", 8): (3, True, False),
        ("stock", 2): (4, False, True),
        ("stock", 8): (4, False, True),
    }
    if PG:  # the page's product ids go as one array parameter
        assert any('"product_id" = ANY($1::uuid[])' in s for s in sql.statements), sql.statements
