"""The price rule (resolvers/pricing.py) and the price fields as each role sees them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import Role, StaffRole
from resolvers.catalog.pricing import Break, line_total, net_price, unit_price
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid, make_product, set_price
from tests.conftest import error_codes
from tests.factories import make_company, make_member, make_staff

D = Decimal
BREAKS = [Break(D(1), D("9.00")), Break(D(10), D("8.50")), Break(D(50), D("8.00"))]


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [("1", "9.00"), ("9.999", "9.00"), ("10", "8.50"), ("49", "8.50"), ("50", "8.00"), ("1000", "8.00")],
)
def test_the_best_break_at_or_below_the_quantity_applies(quantity, expected):
    assert unit_price(D("12.00"), BREAKS, D(quantity)) == D(expected)


def test_breaks_apply_in_any_order():
    assert unit_price(D("12.00"), list(reversed(BREAKS)), D(20)) == D("8.50")


def test_without_breaks_or_below_the_first_one_the_list_price_applies():
    assert unit_price(D("12.00"), [], D(100)) == D("12.00")
    assert unit_price(D("12.00"), [Break(D(10), D("8.50"))], D(5)) == D("12.00")


def test_net_price_is_the_break_at_one_else_the_list_price():
    assert net_price(D("12.00"), BREAKS) == D("9.00")
    assert net_price(D("12.00"), [Break(D(10), D("8.50"))]) == D("12.00")


@pytest.mark.parametrize(
    ("price", "quantity", "total"),
    [("0.125", "1", "0.13"), ("0.124", "1", "0.12"), ("1.005", "1", "1.01"), ("2.345", "3", "7.04"),
     ("8.5000", "12", "102.00"), ("0.3333", "3", "1.00"), ("10", "2.5", "25.00")],
)  # fmt: skip
def test_line_totals_round_half_up_to_cents(price, quantity, total):
    result = line_total(D(price), D(quantity))
    assert result == D(total) and str(result) == total


# ---------------------------------------------------------------- through the API

FRAGMENT = """
fragment Prices on Product {
  listPrice { amount currency } netPrice { amount } priceBreaks { minimumQuantity unitPrice { amount } }
}
"""
ONE_PRODUCT = (
    FRAGMENT
    + """
query($id: ID!) {
  product(id: $id) { ...Prices again: netPrice { amount } }
  node(id: $id) { ... on Product { ...Prices } }
}
"""
)
PRICES = (
    FRAGMENT
    + """
query($id: ID!) {
  products(first: 5) { edges { node { sku ...Prices alias: listPrice { amount } } } }
  product(id: $id) { ...Prices again: netPrice { amount } }
  node(id: $id) { ... on Product { ...Prices } }
}
"""
)
PRODUCT_PRICES = """
query($id: ID!) { product(id: $id) { listPrice { amount currency } netPrice { amount }
  priceBreaks { minimumQuantity unitPrice { amount currency } } } }
"""


async def test_net_price_is_the_company_price_else_the_list_price(api):
    member = await make_member(Role.VIEW_PRICES)
    priced = await make_product("N-1", list_price=D("12.3456"))
    unpriced = await make_product("N-2", list_price=D("7.5"))
    await set_price(member.company, priced, "10.125")
    await set_price(member.company, priced, "9.50", minimum=50)
    await set_price(member.company, priced, "9.90", minimum=10)
    data = await api.ok(PRODUCT_PRICES, {"id": gid(priced)}, token=member.token)
    p = data["product"]
    assert p["listPrice"] == {"amount": "12.35", "currency": "EUR"}
    assert p["netPrice"] == {"amount": "10.13"}
    assert p["priceBreaks"] == [
        {"minimumQuantity": "1", "unitPrice": {"amount": "10.13", "currency": "EUR"}},
        {"minimumQuantity": "10", "unitPrice": {"amount": "9.90", "currency": "EUR"}},
        {"minimumQuantity": "50", "unitPrice": {"amount": "9.50", "currency": "EUR"}},
    ]
    data = await api.ok(PRODUCT_PRICES, {"id": gid(unpriced)}, token=member.token)
    assert data["product"]["netPrice"] == {"amount": "7.50"}
    assert data["product"]["priceBreaks"] == []


async def test_only_breaks_without_a_net_price_keep_the_list_price_as_net_price(api):
    member = await make_member(Role.VIEW_PRICES)
    product = await make_product(list_price=D("20"))
    await set_price(member.company, product, "15", minimum=100)
    p = (await api.ok(PRODUCT_PRICES, {"id": gid(product)}, token=member.token))["product"]
    assert p["netPrice"] == {"amount": "20.00"}
    assert [b["minimumQuantity"] for b in p["priceBreaks"]] == ["100"]


async def test_another_companys_prices_are_never_shown(api):
    member = await make_member(Role.ADMINISTRATOR)
    other = await make_company()
    product = await make_product(list_price=D("20"))
    await set_price(other, product, "5")
    await set_price(other, product, "4", minimum=10)
    p = (await api.ok(PRODUCT_PRICES, {"id": gid(product)}, token=member.token))["product"]
    assert p["netPrice"] == {"amount": "20.00"}
    assert p["priceBreaks"] == []


async def test_staff_see_list_prices_only(api):
    company = await make_company()
    product = await make_product(list_price=D("20"))
    await set_price(company, product, "5")
    _, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    p = (await api.ok(PRODUCT_PRICES, {"id": gid(product)}, token=token))["product"]
    assert p["listPrice"]["amount"] == "20.00" and p["netPrice"]["amount"] == "20.00"
    assert p["priceBreaks"] == []


@pytest.mark.parametrize("role", list(MATRIX))
async def test_price_fields_follow_view_prices_for_every_role(api, role):
    member = await make_member(role)
    product = await make_product("V-1", list_price=D("12"))
    await set_price(member.company, product, "10")
    await set_price(member.company, product, "9", minimum=10)
    granted = MATRIX[role]
    body = await api(PRICES, {"id": gid(product)}, token=member.token)
    if Permission.BROWSE_CATALOG not in granted:
        # QUICK_LISTS_ONLY: refused the list; the product is not on a quick list, so it reads null.
        assert error_codes(body) == ["FORBIDDEN"]
        assert body["data"] is None
        data = await api.ok(ONE_PRODUCT, {"id": gid(product)}, token=member.token)
        assert data == {"product": None, "node": None}
        return
    data = body["data"]
    assert "errors" not in body
    listed = data["products"]["edges"][0]["node"]
    shown = [listed, data["product"], data["node"]]
    if Permission.VIEW_PRICES in granted:
        for p in shown:
            assert p["listPrice"] == {"amount": "12.00", "currency": "EUR"}
            assert p["netPrice"] == {"amount": "10.00"}
            assert [b["unitPrice"]["amount"] for b in p["priceBreaks"]] == ["10.00", "9.00"]
        assert listed["alias"] == {"amount": "12.00"} and data["product"]["again"] == {"amount": "10.00"}
    else:
        for p in shown:
            assert p["listPrice"] is None and p["netPrice"] is None and p["priceBreaks"] is None
        assert listed["alias"] is None and data["product"]["again"] is None
