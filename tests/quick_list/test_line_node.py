"""node(id) for quick list lines: readable exactly where their list is (owner, the company for
shared lists, staff for shared lists), priced as the list prices them."""

from __future__ import annotations

from models import QuickListLine, Role, StaffRole
from tests.catalog.factories import make_product, set_price
from tests.factories import make_member, make_staff
from tests.quick_list.helpers import line_gid, make_list

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on QuickListLine { quantity note unitPrice { amount } product { sku } } } }"""


async def node(api, global_id: str, token: str | None = None):
    return (await api.ok(NODE, {"id": global_id}, token=token))["node"]


async def test_a_line_reads_like_its_list(api):
    owner = await make_member(Role.VIEW_PRICES_AND_ORDER)
    product = await make_product("QN-1")
    await set_price(owner.company, product, "2.50")
    row = await make_list(owner.user, owner.company, (product, "4"), note="corner")
    gid = line_gid(await QuickListLine.get(quick_list_id=row.id))

    assert await node(api, gid, owner.token) == {
        "__typename": "QuickListLine",
        "id": gid,
        "quantity": "4",
        "note": "corner",
        "unitPrice": {"amount": "2.50"},
        "product": {"sku": "QN-1"},
    }
    blind = await make_member(Role.QUICK_LISTS_ONLY, company=owner.company)
    await make_list(blind.user, blind.company, (product, "1"))
    assert await node(api, gid, blind.token) is None  # another member's private list


async def test_shared_lines_are_read_by_the_company_and_staff_only(api):
    owner = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.QUICK_LISTS_ONLY, company=owner.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    _, staff = await make_staff(StaffRole.REPRESENTATIVE)
    row = await make_list(owner.user, owner.company, (await make_product("QN-2"), "1"), shared=True)
    gid = line_gid(await QuickListLine.get(quick_list_id=row.id))

    assert (await node(api, gid, colleague.token))["product"] == {"sku": "QN-2"}
    assert (await node(api, gid, colleague.token))["unitPrice"] is None  # no VIEW_PRICES
    assert (await node(api, gid, staff))["product"] == {"sku": "QN-2"}
    assert await node(api, gid, stranger.token) is None
    assert await node(api, gid) is None
