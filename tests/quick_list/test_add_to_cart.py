"""quickListAddToCart: lines copied to the cart, summed with what it holds (PLACE_ORDERS)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import Product, QuickListLine, Role
from resolvers.core import ids
from resolvers.core.permissions import Permission
from tests.cart.helpers import cart_rows
from tests.catalog.factories import make_product, set_price
from tests.conftest import error_codes
from tests.factories import make_member
from tests.order.helpers import fill_cart
from tests.quick_list.helpers import ADD_TO_CART, errors, line_gid, make_list, roles_with, roles_without


def list_gid(row) -> str:
    return ids.encode("QuickList", row.id)


@pytest.mark.parametrize("role", roles_with(Permission.PLACE_ORDERS))
async def test_every_line_goes_to_the_cart_summed_with_its_lines(api, role):
    me = await make_member(role)
    a = await make_product("AC-A", list_price=Decimal("10.00"))
    b = await make_product("AC-B", order_multiple=Decimal(2), minimum_quantity=Decimal(2))
    await set_price(me.company, a, "9.00")
    await fill_cart(me, (a, "1"))
    row = await make_list(me.user, me.company, (a, "2"), (b, "4"), note="from list", shared=True)
    data = (await api.ok(ADD_TO_CART, {"id": list_gid(row)}, token=me.token))["quickListAddToCart"]
    assert data["userErrors"] == []
    lines = data["cart"]["lines"]
    assert [(x["product"]["sku"], x["quantity"], x["note"]) for x in lines] == [
        ("AC-A", "3", "from list"),
        ("AC-B", "4", "from list"),
    ]
    expected = {"amount": "9.00"} if role in roles_with(Permission.VIEW_PRICES) else None
    assert lines[0]["unitPrice"] == expected
    assert await cart_rows() == [("AC-A", "3"), ("AC-B", "4")]


async def test_chosen_lines_only(api):
    me = await make_member(Role.ADMINISTRATOR)
    a, b = await make_product("CH-A"), await make_product("CH-B")
    row = await make_list(me.user, me.company, (a, "2"), (b, "5"))
    line_b = await QuickListLine.get(quick_list_id=row.id, product_id=b.id)
    data = await api.ok(ADD_TO_CART, {"id": list_gid(row), "lineIds": [line_gid(line_b)]}, token=me.token)
    assert data["quickListAddToCart"]["userErrors"] == []
    assert await cart_rows() == [("CH-B", "5")]


async def test_unknown_or_repeated_line_ids_change_nothing(api):
    me = await make_member(Role.ADMINISTRATOR)
    a = await make_product("UL-A")
    row = await make_list(me.user, me.company, (a, "2"))
    other = await make_list(me.user, me.company, (a, "2"), name="Other")
    line = await QuickListLine.get(quick_list_id=row.id)
    foreign = await QuickListLine.get(quick_list_id=other.id)
    variables = {"id": list_gid(row), "lineIds": [line_gid(line), line_gid(foreign), "garbage", line_gid(line)]}
    data = (await api.ok(ADD_TO_CART, variables, token=me.token))["quickListAddToCart"]
    assert errors(data) == [
        (["lineIds", "1"], "NOT_FOUND"),
        (["lineIds", "2"], "NOT_FOUND"),
        (["lineIds", "3"], "INVALID"),
    ]
    assert data["cart"] is None and await cart_rows() == []


async def test_lines_breaking_todays_product_rules_change_nothing(api):
    me = await make_member(Role.ADMINISTRATOR)
    a, b, c = await make_product("PR-A"), await make_product("PR-B"), await make_product("PR-C")
    row = await make_list(me.user, me.company, (a, "3"), (b, "1"), (c, "1"))
    await Product.filter(id=a.id).update(order_multiple=Decimal(2))
    await Product.filter(id=b.id).update(orderable=False)
    data = (await api.ok(ADD_TO_CART, {"id": list_gid(row)}, token=me.token))["quickListAddToCart"]
    assert errors(data) == [
        (["quickList", "lines", "0", "quantity"], "QUANTITY_NOT_MULTIPLE"),
        (["quickList", "lines", "1"], "PRODUCT_NOT_ORDERABLE"),
    ]
    assert await cart_rows() == []


async def test_a_sum_with_the_cart_breaking_a_rule_changes_nothing(api):
    me = await make_member(Role.ADMINISTRATOR)
    a, b = await make_product("SC-A"), await make_product("SC-B")
    await fill_cart(me, (a, "1"))
    row = await make_list(me.user, me.company, (b, "1"), (a, "2"))
    await Product.filter(id=a.id).update(order_multiple=Decimal(2))  # 1 in the cart + 2 is not a multiple
    line_a = await QuickListLine.get(quick_list_id=row.id, product_id=a.id)
    data = (await api.ok(ADD_TO_CART, {"id": list_gid(row)}, token=me.token))["quickListAddToCart"]
    assert errors(data) == [(["quickList", "lines", "1", "quantity"], "QUANTITY_NOT_MULTIPLE")]
    data = await api.ok(ADD_TO_CART, {"id": list_gid(row), "lineIds": [line_gid(line_a)]}, token=me.token)
    assert errors(data["quickListAddToCart"]) == [(["lineIds", "0", "quantity"], "QUANTITY_NOT_MULTIPLE")]
    assert await cart_rows() == [("SC-A", "1")]


async def test_an_empty_list_leaves_the_cart_as_it_is(api):
    me = await make_member(Role.ADMINISTRATOR)
    a = await make_product("EM-A")
    await fill_cart(me, (a, "1"))
    row = await make_list(me.user, me.company)
    data = (await api.ok(ADD_TO_CART, {"id": list_gid(row)}, token=me.token))["quickListAddToCart"]
    assert data["userErrors"] == [] and data["cart"]["lineCount"] == 1


async def test_another_members_private_list_and_another_companys_list_are_not_found(api):
    me = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ADMINISTRATOR, company=me.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    a = await make_product()
    for row in (
        await make_list(colleague.user, me.company, (a, "1")),
        await make_list(stranger.user, stranger.company, (a, "1"), shared=True),
    ):
        data = (await api.ok(ADD_TO_CART, {"id": list_gid(row)}, token=me.token))["quickListAddToCart"]
        assert errors(data) == [(["id"], "NOT_FOUND")]
    assert await cart_rows() == []


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS))
async def test_roles_without_place_orders_are_forbidden(api, role):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(role, company=admin.company)
    row = await make_list(admin.user, admin.company, (await make_product(), "1"), shared=True)
    assert error_codes(await api(ADD_TO_CART, {"id": list_gid(row)}, token=me.token)) == ["FORBIDDEN"]
    assert error_codes(await api(ADD_TO_CART, {"id": list_gid(row)})) == ["UNAUTHENTICATED"]
    assert await cart_rows() == []
