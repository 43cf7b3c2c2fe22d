"""product(id, sku), node(id) for products, and productLookup(codes)."""

from __future__ import annotations

import pytest

from models import Role
from resolvers.core import ids
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid, make_product, set_article_code
from tests.conftest import error_codes
from tests.factories import make_company, make_member

PRODUCT = "query($id: ID, $sku: String) { product(id: $id, sku: $sku) { id sku name } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Product { sku } } }"
LOOKUP = "query($codes: [String!]!) { productLookup(codes: $codes) { code status product { sku } } }"
NO_BROWSE = [r for r, granted in MATRIX.items() if Permission.BROWSE_CATALOG not in granted]


async def test_product_by_id_or_sku(api):
    member = await make_member(Role.VIEW_PRICES)
    product = await make_product("ID-1", name_fr="Vis", name_en=None)
    t = member.token
    by_id = (await api.ok(PRODUCT, {"id": gid(product)}, token=t))["product"]
    assert by_id == {"id": gid(product), "sku": "ID-1", "name": "Vis"}
    assert (await api.ok(PRODUCT, {"sku": "ID-1"}, token=t))["product"]["id"] == gid(product)
    assert (await api.ok(PRODUCT, {"id": gid(product), "sku": "ID-1"}, token=t))["product"]["sku"] == "ID-1"


async def test_unknown_or_mismatched_products_are_null(api):
    member = await make_member()
    product = await make_product("ID-2")
    company = await make_company()
    t = member.token
    for variables in ({"sku": "NOPE"}, {"id": "garbage"}, {"id": ids.encode("Company", company.id)},
                      {"id": gid(product), "sku": "OTHER"}, {}):  # fmt: skip
        assert (await api.ok(PRODUCT, variables, token=t))["product"] is None


async def test_node_fetches_products(api):
    member = await make_member()
    product = await make_product("ND-1")
    data = await api.ok(NODE, {"id": gid(product)}, token=member.token)
    assert data["node"] == {"id": gid(product), "sku": "ND-1"}


@pytest.mark.parametrize("role", NO_BROWSE)
async def test_quick_lists_only_see_no_product_off_their_quick_lists(api, role):
    member = await make_member(role)
    product = await make_product("QL-1")
    assert (await api.ok(PRODUCT, {"id": gid(product)}, token=member.token))["product"] is None
    assert (await api.ok(PRODUCT, {"sku": "QL-1"}, token=member.token))["product"] is None
    assert (await api.ok(NODE, {"id": gid(product)}, token=member.token))["node"] is None


async def test_product_without_a_session_is_unauthenticated(api):
    product = await make_product()
    assert error_codes(await api(PRODUCT, {"id": gid(product)})) == ["UNAUTHENTICATED"]
    assert (await api.ok(NODE, {"id": gid(product)}))["node"] is None


async def test_lookup_answers_every_code_in_order(api):
    member = await make_member()
    other = await make_company()
    by_sku = await make_product("LK-1")
    by_ean = await make_product("LK-2")
    own = await make_product("LK-3")
    closed = await make_product("LK-4", orderable=False)
    foreign = await make_product("LK-5")
    await set_article_code(member.company, own, "MY-CODE")
    await set_article_code(other, foreign, "THEIR-CODE")
    codes = ["MY-CODE", "nothing", by_ean.ean, " LK-1 ", "LK-4", "THEIR-CODE", "lk-1", "LK-1"]
    data = await api.ok(LOOKUP, {"codes": codes}, token=member.token)
    assert data["productLookup"] == [
        {"code": "MY-CODE", "status": "OK", "product": {"sku": "LK-3"}},
        {"code": "nothing", "status": "UNKNOWN_CODE", "product": None},
        {"code": by_ean.ean, "status": "OK", "product": {"sku": "LK-2"}},
        {"code": " LK-1 ", "status": "OK", "product": {"sku": "LK-1"}},
        {"code": "LK-4", "status": "NOT_ORDERABLE", "product": {"sku": "LK-4"}},
        {"code": "THEIR-CODE", "status": "UNKNOWN_CODE", "product": None},
        {"code": "lk-1", "status": "OK", "product": {"sku": "LK-1"}},
        {"code": "LK-1", "status": "OK", "product": {"sku": "LK-1"}},
    ]
    assert by_sku and closed


async def test_lookup_runs_a_fixed_number_of_queries(api, sql):
    member = await make_member()
    few = [(await make_product(f"Q-{n}")).sku for n in range(2)]
    many = [(await make_product(f"Q-{n}")).sku for n in range(2, 60)] + few
    counts = []
    for codes in (few, many):
        sql.statements.clear()
        data = await api.ok(LOOKUP, {"codes": codes}, token=member.token)
        assert all(r["status"] == "OK" for r in data["productLookup"])
        counts.append(len(sql.statements))
    assert counts[0] == counts[1]


async def test_an_empty_lookup_is_empty(api):
    member = await make_member()
    assert (await api.ok(LOOKUP, {"codes": []}, token=member.token))["productLookup"] == []


@pytest.mark.parametrize("role", NO_BROWSE)
async def test_lookup_is_forbidden_without_browse_catalog(api, role):
    member = await make_member(role)
    assert error_codes(await api(LOOKUP, {"codes": ["X"]}, token=member.token)) == ["FORBIDDEN"]


async def test_lookup_without_a_session_is_unauthenticated(api):
    assert error_codes(await api(LOOKUP, {"codes": ["X"]})) == ["UNAUTHENTICATED"]


async def test_lookup_takes_at_most_500_codes(api):
    member = await make_member()
    body = await api(LOOKUP, {"codes": [f"C{n}" for n in range(501)]}, token=member.token)
    assert error_codes(body) == ["LIMIT_EXCEEDED"]
