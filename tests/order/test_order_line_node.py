"""node(id) for order lines: readable exactly where their order is."""

from __future__ import annotations

from models import OrderLine, Role
from resolvers.core import ids
from tests.factories import make_member, make_staff
from tests.order.helpers import make_order, make_stock

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on OrderLine { quantity unitPrice { amount } lineTotal { amount } product { sku } } } }"""


async def node(api, global_id: str, token: str | None = None):
    return (await api.ok(NODE, {"id": global_id}, token=token))["node"]


async def test_an_order_line_reads_like_its_order(api) -> None:
    admin = await make_member(Role.ADMINISTRATOR)
    own_orders_only = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    _, staff = await make_staff()
    stock = await make_stock()
    order = await make_order(admin, [(stock.a, "3", "1.25")], branch=stock.branch)
    gid = ids.encode("OrderLine", (await OrderLine.get(order_id=order.id)).id)

    assert await node(api, gid, admin.token) == {
        "__typename": "OrderLine",
        "id": gid,
        "quantity": "3",
        "unitPrice": {"amount": "1.25"},
        "lineTotal": {"amount": "3.75"},
        "product": {"sku": stock.a.sku},
    }
    assert (await node(api, gid, staff))["quantity"] == "3"
    assert await node(api, gid, own_orders_only.token) is None  # VIEW_OWN_ORDERS: not their order
    assert await node(api, gid, stranger.token) is None
    assert await node(api, gid) is None


async def test_without_view_prices_the_line_has_no_prices(api) -> None:
    member = await make_member(Role.QUICK_LISTS_ONLY)
    stock = await make_stock()
    order = await make_order(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    gid = ids.encode("OrderLine", (await OrderLine.get(order_id=order.id)).id)
    found = await node(api, gid, member.token)
    assert (found["quantity"], found["unitPrice"], found["lineTotal"]) == ("1", None, None)
