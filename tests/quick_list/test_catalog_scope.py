"""QUICK_LISTS_ONLY members see only the products on their company's quick lists."""

from __future__ import annotations

from decimal import Decimal

from models import Role
from tests.catalog.factories import gid, make_product, set_price
from tests.conftest import error_codes
from tests.factories import make_member
from tests.quick_list.helpers import make_list

PRODUCTS = "query { products(first: 10) { totalCount edges { node { sku } } } }"
PRODUCT = (
    "query($id: ID, $sku: String) { product(id: $id, sku: $sku) { sku name listPrice { amount } netPrice { amount } } }"
)
NODE = "query($id: ID!) { node(id: $id) { id ... on Product { sku } } }"
MANY = """
query($a: ID!, $b: ID!, $c: ID!) {
  a: product(id: $a) { sku } b: product(id: $b) { sku } c: product(id: $c) { sku }
}
"""


async def test_products_are_forbidden_but_products_on_the_lists_are_readable(api):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    on_shared = await make_product("SC-SHARED", list_price=Decimal("5.00"))
    on_private = await make_product("SC-PRIVATE")
    on_foreign = await make_product("SC-FOREIGN")
    nowhere = await make_product("SC-NONE")
    await set_price(admin.company, on_shared, "4.00")
    await make_list(admin.user, admin.company, (on_shared, "1"), shared=True)
    await make_list(admin.user, admin.company, (on_private, "1"))  # the administrator's private list
    await make_list(stranger.user, stranger.company, (on_foreign, "1"), shared=True)
    assert error_codes(await api(PRODUCTS, token=me.token)) == ["FORBIDDEN"]
    seen = (await api.ok(PRODUCT, {"id": gid(on_shared)}, token=me.token))["product"]
    assert seen == {"sku": "SC-SHARED", "name": on_shared.name_en, "listPrice": None, "netPrice": None}
    assert (await api.ok(PRODUCT, {"sku": "SC-SHARED"}, token=me.token))["product"]["sku"] == "SC-SHARED"
    assert (await api.ok(NODE, {"id": gid(on_shared)}, token=me.token))["node"] == {
        "id": gid(on_shared),
        "sku": "SC-SHARED",
    }
    for hidden in (on_private, on_foreign, nowhere):
        assert (await api.ok(PRODUCT, {"id": gid(hidden)}, token=me.token))["product"] is None
        assert (await api.ok(PRODUCT, {"sku": hidden.sku}, token=me.token))["product"] is None
        assert (await api.ok(NODE, {"id": gid(hidden)}, token=me.token))["node"] is None


async def test_the_products_they_may_read_are_found_in_one_query_per_request(api, sql):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company)
    a, b, c = await make_product("OQ-A"), await make_product("OQ-B"), await make_product("OQ-C")
    await make_list(admin.user, admin.company, (a, "1"), (b, "1"), shared=True)
    sql.statements.clear()
    data = await api.ok(MANY, {"a": gid(a), "b": gid(b), "c": gid(c)}, token=me.token)
    assert data == {"a": {"sku": "OQ-A"}, "b": {"sku": "OQ-B"}, "c": None}
    quick_list_queries = [s for s in sql.statements if "quick_list_line" in s]
    assert len(quick_list_queries) == 1


async def test_browsers_still_see_every_product(api):
    me = await make_member(Role.VIEW_PRICES)
    product = await make_product("BR-1")
    assert (await api.ok(PRODUCT, {"id": gid(product)}, token=me.token))["product"]["sku"] == "BR-1"
