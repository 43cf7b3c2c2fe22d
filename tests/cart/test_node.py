"""node(id) for the cart and its lines: the member's own cart only (PLACE_ORDERS), priced as
`cart` prices it; a colleague's, another company's or a removed line's id is null."""

from __future__ import annotations

import pytest

from models import Role, StaffRole
from resolvers.core.permissions import Permission
from tests.cart.helpers import ADD, CART, line, roles_without
from tests.catalog.factories import make_product, set_price
from tests.factories import make_member, make_staff

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on Cart { lineCount lines { id quantity } subtotal { amount } }
  ... on CartLine { quantity note unitPrice { amount } lineTotal { amount } product { sku } } } }"""


async def node(api, global_id: str, token: str | None = None):
    return (await api.ok(NODE, {"id": global_id}, token=token))["node"]


async def filled(api, member, *products):
    """The member's cart (as `cart` answers it) after adding 2 of each product."""
    await api.ok(ADD, {"lines": [line(p, "2", note="n") for p in products]}, token=member.token)
    return (await api.ok(CART, token=member.token))["cart"]


async def test_a_member_reads_their_cart_and_its_lines(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    product = await make_product("ND-1")
    await set_price(member.company, product, "3.00")
    empty = (await api.ok(CART, token=member.token))["cart"]
    assert await node(api, empty["id"], member.token) == {
        "__typename": "Cart",
        "id": empty["id"],
        "lineCount": 0,
        "lines": [],
        "subtotal": {"amount": "0.00"},
    }

    cart = await filled(api, member, product)
    line_id = cart["lines"][0]["id"]
    assert (await node(api, cart["id"], member.token))["lines"] == [{"id": line_id, "quantity": "2"}]
    assert await node(api, line_id, member.token) == {
        "__typename": "CartLine",
        "id": line_id,
        "quantity": "2",
        "note": "n",
        "unitPrice": {"amount": "3.00"},
        "lineTotal": {"amount": "6.00"},
        "product": {"sku": "ND-1"},
    }


async def test_prices_are_null_without_view_prices(api):
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    cart = await filled(api, member, await make_product())
    assert (await node(api, cart["lines"][0]["id"], member.token))["unitPrice"] is None
    assert (await node(api, cart["id"], member.token))["subtotal"] is None


async def test_other_carts_and_their_lines_are_null(api):
    member = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ADMINISTRATOR, company=member.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    cart = await filled(api, member, await make_product())
    for token in (colleague.token, stranger.token, staff, None):
        assert await node(api, cart["id"], token) is None
        assert await node(api, cart["lines"][0]["id"], token) is None


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS), ids=lambda r: r.value)
async def test_members_who_may_not_order_read_no_cart(api, role):
    member = await make_member(Role.ADMINISTRATOR)
    cart = await filled(api, member, await make_product())
    member.membership.role = role
    await member.membership.save(update_fields=["role"])
    assert await node(api, cart["id"], member.token) is None
    assert await node(api, cart["lines"][0]["id"], member.token) is None


async def test_a_removed_line_is_null(api):
    member = await make_member(Role.ADMINISTRATOR)
    cart = await filled(api, member, await make_product())
    await api.ok("mutation { cartClear { userErrors { code } } }", token=member.token)
    assert await node(api, cart["lines"][0]["id"], member.token) is None
