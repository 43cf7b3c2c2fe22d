"""categories (the tree), branches (public), availability per branch, node for both."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import Role
from resolvers.catalog.products import StockStatus, stock_status
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid, make_branch, make_category, make_product, set_stock
from tests.conftest import error_codes
from tests.factories import make_member

CATEGORIES = "{ categories { id name parent { name } children { name parent { name } children { name } } } }"
BRANCHES = "{ branches { id code name address { line1 postalCode city countryCode } phone openingHours } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Category { name } ... on Branch { code } } }"
AVAILABILITY = """query($sku: String) { product(sku: $sku) {
  availability { branch { code name } quantity status } } }"""
NO_BROWSE = [r for r, granted in MATRIX.items() if Permission.BROWSE_CATALOG not in granted]


async def test_categories_are_the_top_level_with_their_children(api):
    member = await make_member()
    await make_category("Wood/Panels/OSB")
    await make_category("Wood/Panels/MDF")
    await make_category("Glass", name_nl="Glas")
    data = await api.ok(CATEGORIES, token=member.token, headers={"Accept-Language": "nl"})
    tree = data["categories"]
    assert [c["name"] for c in tree] == ["Glas", "Wood"]
    glass, wood = tree
    assert glass["parent"] is None and glass["children"] == []
    assert wood["children"] == [
        {"name": "Panels", "parent": {"name": "Wood"}, "children": [{"name": "MDF"}, {"name": "OSB"}]}
    ]


@pytest.mark.parametrize("role", NO_BROWSE)
async def test_categories_are_forbidden_without_browse_catalog(api, role):
    member = await make_member(role)
    assert error_codes(await api(CATEGORIES, token=member.token)) == ["FORBIDDEN"]


async def test_categories_without_a_session_are_unauthenticated(api):
    assert error_codes(await api(CATEGORIES)) == ["UNAUTHENTICATED"]


async def test_branches_are_public(api):
    await make_branch("GNT", "Gent")
    await make_branch("ANR", "Antwerpen")
    data = await api.ok(BRANCHES)
    assert [b["code"] for b in data["branches"]] == ["ANR", "GNT"]
    first = data["branches"][0]
    assert first["address"]["line1"].startswith("Rue ")
    address = first["address"]
    assert (address["postalCode"], address["city"], address["countryCode"]) == ("1000", "Bruxelles", "BE")
    assert first["openingHours"] == "Mon-Fri 7:00-17:00, Sat 8:00-12:00"
    member = await make_member(Role.QUICK_LISTS_ONLY)
    assert len((await api.ok(BRANCHES, token=member.token))["branches"]) == 2


async def test_node_fetches_branches_publicly_and_categories_for_browsers(api):
    branch = await make_branch("HSL")
    category = await make_category("Tools")
    assert (await api.ok(NODE, {"id": gid(branch)}))["node"] == {"id": gid(branch), "code": "HSL"}
    assert (await api.ok(NODE, {"id": gid(category)}))["node"] is None
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    node = (await api.ok(NODE, {"id": gid(category)}, token=member.token))["node"]
    assert node == {"id": gid(category), "name": "Tools"}
    quick = await make_member(Role.QUICK_LISTS_ONLY)
    assert (await api.ok(NODE, {"id": gid(category)}, token=quick.token))["node"] is None


async def test_availability_lists_every_branch(api):
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    names = (("A", "Aalst"), ("B", "Brugge"), ("C", "Charleroi"), ("D", "Dinant"))
    a, b, c, d = [await make_branch(code, name) for code, name in names]
    product = await make_product("AV-1", order_multiple=Decimal(12))
    await set_stock(product, a, "100")
    await set_stock(product, b, "20")  # below two order multiples (24)
    await set_stock(product, c, "0")
    data = await api.ok(AVAILABILITY, {"sku": "AV-1"}, token=member.token)
    assert data["product"]["availability"] == [
        {"branch": {"code": "A", "name": "Aalst"}, "quantity": "100", "status": "IN_STOCK"},
        {"branch": {"code": "B", "name": "Brugge"}, "quantity": "20", "status": "LOW_STOCK"},
        {"branch": {"code": "C", "name": "Charleroi"}, "quantity": "0", "status": "OUT_OF_STOCK"},
        {"branch": {"code": "D", "name": "Dinant"}, "quantity": "0", "status": "OUT_OF_STOCK"},
    ]
    assert d


@pytest.mark.parametrize(
    ("quantity", "multiple", "status"),
    [("0", "1", StockStatus.OUT_OF_STOCK), ("-2", "1", StockStatus.OUT_OF_STOCK), ("0.5", "1", StockStatus.LOW_STOCK),
     ("9", "1", StockStatus.LOW_STOCK), ("10", "1", StockStatus.IN_STOCK), ("11", "6", StockStatus.LOW_STOCK),
     ("12", "6", StockStatus.IN_STOCK), ("99", "50", StockStatus.LOW_STOCK), ("100", "50", StockStatus.IN_STOCK)],
)  # fmt: skip
def test_stock_status_thresholds(quantity, multiple, status):
    assert stock_status(Decimal(quantity), Decimal(multiple)) is status
