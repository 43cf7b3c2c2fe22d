"""cart, cartLinesAdd, cartLineUpdate, cartLinesRemove, cartClear (PLACE_ORDERS)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from models import Cart, CartLine, Product, Role
from resolvers.core.permissions import Permission
from tests.cart.helpers import (
    ADD,
    CART,
    CLEAR,
    REMOVE,
    UPDATE,
    cart_count,
    cart_rows,
    errors,
    line,
    roles_without,
)
from tests.catalog.factories import make_product, set_article_code, set_price
from tests.conftest import error_codes
from tests.factories import make_member


async def add(api, member, lines, partial=None):
    variables = {"lines": lines}
    if partial is not None:
        variables["partial"] = partial
    return (await api.ok(ADD, variables, token=member.token))["cartLinesAdd"]


# ---------------------------------------------------------------------- cart


async def test_a_new_member_reads_an_empty_cart_without_creating_it(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    cart = (await api.ok(CART, token=member.token))["cart"]
    assert cart["lines"] == [] and cart["lineCount"] == 0
    assert cart["subtotal"] == {"amount": "0.00", "currency": "EUR"}
    assert cart["delivery"] is None
    assert await cart_count() == 0
    # The id is the one the cart keeps once something is added.
    product = await make_product()
    payload = await add(api, member, [line(product, "2")])
    assert payload["cart"]["id"] == cart["id"]
    assert (await api.ok(CART, token=member.token))["cart"]["id"] == cart["id"]


async def test_each_membership_has_its_own_cart(api):
    product = await make_product()
    first = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ADMINISTRATOR, company=first.company)
    await add(api, first, [line(product, "3")])
    assert (await api.ok(CART, token=colleague.token))["cart"]["lineCount"] == 0
    assert (await api.ok(CART, token=first.token))["cart"]["lineCount"] == 1


async def test_cart_without_session_is_unauthenticated(api):
    assert error_codes(await api(CART)) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS))
async def test_cart_is_forbidden_without_place_orders(api, role):
    member = await make_member(role)
    assert error_codes(await api(CART, token=member.token)) == ["FORBIDDEN"]


# ---------------------------------------------------------------------- cartLinesAdd


async def test_add_by_id_and_codes_with_company_prices(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    pipe = await make_product("PVC-100", list_price=Decimal("4.2050"), order_multiple=Decimal("0.5"))
    glue = await make_product("GLU-7", list_price=Decimal("3.00"))
    screw = await make_product("SCR-1", list_price=Decimal("0.1234"))
    hinge = await make_product("HNG-2", list_price=Decimal("9.99"))
    await set_price(member.company, glue, "2.50")
    await set_price(member.company, glue, "2.00", minimum=10)
    await set_article_code(member.company, hinge, "MY-HINGE")

    payload = await add(
        api,
        member,
        [
            line(pipe, "2.5", note=" coupé à 3 m "),
            {"code": "glu-7", "quantity": "12"},
            {"code": screw.ean, "quantity": "3"},
            {"code": "MY-HINGE", "quantity": "1"},
        ],
    )

    assert payload["userErrors"] == []
    cart = payload["cart"]
    assert [
        (x["product"]["sku"], x["quantity"], x["note"], x["unitPrice"]["amount"], x["lineTotal"]["amount"])
        for x in cart["lines"]
    ] == [
        ("PVC-100", "2.5", "coupé à 3 m", "4.21", "10.51"),  # 4.2050 x 2.5 = 10.5125 -> 10.51
        ("GLU-7", "12", None, "2.00", "24.00"),  # the break at 10 is the best for 12
        ("SCR-1", "3", None, "0.12", "0.37"),  # 0.1234 x 3 = 0.3702
        ("HNG-2", "1", None, "9.99", "9.99"),
    ]
    assert cart["lineCount"] == 4
    assert cart["subtotal"] == {"amount": "44.87", "currency": "EUR"}
    assert await cart_rows() == [("PVC-100", "2.5"), ("GLU-7", "12"), ("SCR-1", "3"), ("HNG-2", "1")]


async def test_the_same_product_is_one_line_with_summed_quantities(api):
    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product("AB-1", order_multiple=Decimal(2), minimum_quantity=Decimal(2))
    other = await make_product("AB-2")
    payload = await add(
        api, member, [line(product, "2"), line(other, "1"), {"code": "AB-1", "quantity": "4", "note": "n"}]
    )
    assert [(x["product"]["sku"], x["quantity"], x["note"]) for x in payload["cart"]["lines"]] == [
        ("AB-1", "6", "n"),
        ("AB-2", "1", None),
    ]
    payload = await add(api, member, [line(product, "2")])
    assert [(x["product"]["sku"], x["quantity"]) for x in payload["cart"]["lines"]] == [("AB-1", "8"), ("AB-2", "1")]
    assert await CartLine.all().count() == 2


async def test_a_summed_quantity_is_checked_again(api):
    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product("AB-1")
    await add(api, member, [line(product, "3")])
    # The pack size changed since: 3 + 2 = 5 is no multiple of 2, though 2 alone is.
    await Product.filter(id=product.id).update(order_multiple=Decimal(2))
    payload = await add(api, member, [line(product, "1"), line(product, "2")], partial=False)
    assert payload["cart"] is None
    assert errors(payload) == [(["lines", "0", "quantity"], "QUANTITY_NOT_MULTIPLE")]
    payload = await add(api, member, [line(product, "2")])
    assert errors(payload) == [(["lines", "0", "quantity"], "QUANTITY_NOT_MULTIPLE")]
    assert "already in the cart" in payload["userErrors"][0]["message"]
    assert await cart_rows() == [("AB-1", "3")]


@pytest.mark.parametrize(
    ("bad", "field", "code"),
    [
        ({"quantity": "0"}, "quantity", "INVALID_QUANTITY"),
        ({"quantity": "-2"}, "quantity", "INVALID_QUANTITY"),
        ({"quantity": "1.0001"}, "quantity", "INVALID_QUANTITY"),
        ({"quantity": "4"}, "quantity", "BELOW_MINIMUM_QUANTITY"),
        ({"quantity": "7"}, "quantity", "QUANTITY_NOT_MULTIPLE"),
        ({"code": "NOPE-1", "quantity": "6"}, "code", "UNKNOWN_PRODUCT_CODE"),
        ({"code": "OFF-1", "quantity": "6"}, "code", "PRODUCT_NOT_ORDERABLE"),
        ({"productId": "UHJvZHVjdDp4", "quantity": "6"}, "productId", "NOT_FOUND"),
        ({"quantity": "6"}, "productId", "REQUIRED"),
        ({"quantity": "6", "note": "x" * 501}, "note", "TOO_LONG"),
    ],
)
async def test_a_bad_line_refuses_the_whole_call(api, bad, field, code):
    member = await make_member(Role.ADMINISTRATOR)
    good = await make_product("OK-1")
    packed = await make_product("PACK-6", minimum_quantity=Decimal(6), order_multiple=Decimal(3))
    await make_product("OFF-1", orderable=False)
    await add(api, member, [line(good, "1")])
    before = await cart_rows()
    bad_line = {
        "productId": None
        if ("code" in bad or "productId" in bad or field == "productId")
        else line(packed)["productId"],
        **bad,
    }
    payload = await add(api, member, [line(good, "5"), line(packed, "6"), bad_line])
    assert payload["cart"] is None
    assert errors(payload) == [(["lines", "2", field], code)]
    assert payload["userErrors"][0]["message"]
    assert await cart_rows() == before


async def test_another_companys_product_id_format_is_not_found(api):
    member = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.ADMINISTRATOR)
    payload = await add(api, member, [{"productId": other.company_id, "quantity": "1"}])
    assert errors(payload) == [(["lines", "0", "productId"], "NOT_FOUND")]


async def test_partial_adds_the_good_lines_and_reports_the_bad(api):
    member = await make_member(Role.ADMINISTRATOR)
    good = await make_product("OK-1")
    packed = await make_product("PACK-6", order_multiple=Decimal(6))
    payload = await add(
        api,
        member,
        [line(good, "2"), line(packed, "5"), {"code": "NOPE", "quantity": "1"}, line(packed, "12")],
        partial=True,
    )
    assert errors(payload) == [
        (["lines", "1", "quantity"], "QUANTITY_NOT_MULTIPLE"),
        (["lines", "2", "code"], "UNKNOWN_PRODUCT_CODE"),
    ]
    assert [(x["product"]["sku"], x["quantity"]) for x in payload["cart"]["lines"]] == [("OK-1", "2"), ("PACK-6", "12")]
    assert await cart_rows() == [("OK-1", "2"), ("PACK-6", "12")]


async def test_partial_with_only_bad_lines_changes_nothing(api):
    member = await make_member(Role.ADMINISTRATOR)
    payload = await add(api, member, [{"code": "NOPE", "quantity": "1"}], partial=True)
    assert errors(payload) == [(["lines", "0", "code"], "UNKNOWN_PRODUCT_CODE")]
    assert payload["cart"]["lineCount"] == 0
    assert await cart_count() == 0


async def test_prices_are_null_without_view_prices(api):
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    product = await make_product()
    await set_price(member.company, product, "1.00")
    cart = (await add(api, member, [line(product, "2")]))["cart"]
    assert cart["subtotal"] is None
    assert [(x["unitPrice"], x["lineTotal"], x["quantity"]) for x in cart["lines"]] == [(None, None, "2")]


async def test_add_without_session_is_unauthenticated(api):
    product = await make_product()
    assert error_codes(await api(ADD, {"lines": [line(product)]})) == ["UNAUTHENTICATED"]
    assert await cart_count() == 0


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS))
async def test_add_is_forbidden_without_place_orders(api, role):
    member = await make_member(role)
    product = await make_product()
    assert error_codes(await api(ADD, {"lines": [line(product)]}, token=member.token)) == ["FORBIDDEN"]
    assert await cart_count() == 0 and await CartLine.all().count() == 0


async def test_adding_500_lines_runs_a_bounded_number_of_statements(api, sql):
    member = await make_member(Role.ADMINISTRATOR)
    products = [
        Product(id=uuid.uuid4(), sku=f"B-{i:04d}", name_fr=f"P{i}", list_price=Decimal("1.50")) for i in range(500)
    ]
    await Product.bulk_create(products)
    lines = [
        ({"code": f"B-{i:04d}"} if i % 2 else {"productId": line(p)["productId"]}) | {"quantity": "2"}
        for i, p in enumerate(products)
    ]
    sql.statements.clear()
    payload = await add(api, member, lines)
    first = len(sql.statements)
    assert payload["userErrors"] == [] and payload["cart"]["lineCount"] == 500
    assert payload["cart"]["subtotal"]["amount"] == "1500.00"
    # Again: every product is already in the cart, so this is 500 updates.
    sql.statements.clear()
    payload = await add(api, member, lines)
    second = len(sql.statements)
    assert payload["cart"]["lines"][0]["quantity"] == "4"
    print(f"cartLinesAdd of 500 lines: {first} statements (new), {second} statements (summed)")
    assert first <= 20 and second <= 20


# ---------------------------------------------------------------------- cartLineUpdate


async def test_update_sets_a_lines_quantity(api):
    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product(order_multiple=Decimal(5))
    line_id = (await add(api, member, [line(product, "5")]))["cart"]["lines"][0]["id"]
    payload = (await api.ok(UPDATE, {"lineId": line_id, "quantity": "15"}, token=member.token))["cartLineUpdate"]
    assert payload["userErrors"] == []
    assert [(x["id"], x["quantity"], x["lineTotal"]["amount"]) for x in payload["cart"]["lines"]] == [
        (line_id, "15", "150.00")
    ]


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        ("0", "INVALID_QUANTITY"),
        ("-5", "INVALID_QUANTITY"),
        ("3", "BELOW_MINIMUM_QUANTITY"),
        ("12", "QUANTITY_NOT_MULTIPLE"),
    ],
)
async def test_update_with_a_bad_quantity_changes_nothing(api, quantity, code):
    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product(order_multiple=Decimal(5), minimum_quantity=Decimal(5))
    line_id = (await add(api, member, [line(product, "5")]))["cart"]["lines"][0]["id"]
    payload = (await api.ok(UPDATE, {"lineId": line_id, "quantity": quantity}, token=member.token))["cartLineUpdate"]
    assert errors(payload) == [(["quantity"], code)] and payload["cart"] is None
    assert await cart_rows() == [(product.sku, "5")]


async def test_update_of_a_product_no_longer_orderable_is_refused(api):
    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product()
    line_id = (await add(api, member, [line(product, "1")]))["cart"]["lines"][0]["id"]
    await Product.filter(id=product.id).update(orderable=False)
    payload = (await api.ok(UPDATE, {"lineId": line_id, "quantity": "2"}, token=member.token))["cartLineUpdate"]
    assert errors(payload) == [(["lineId"], "PRODUCT_NOT_ORDERABLE")]


async def test_update_of_a_line_removed_meanwhile_is_not_found(api, monkeypatch):
    """The line is read, then submitted or removed by another request before the update runs:
    NOT_FOUND, not a success that changed nothing."""
    from resolvers import cart as cart_rs

    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product()
    line_id = (await add(api, member, [line(product, "1")]))["cart"]["lines"][0]["id"]
    read = cart_rs._own_line

    async def read_then_lose(*args):
        row = await read(*args)
        await CartLine.filter(id=row.id).delete()
        return row

    monkeypatch.setattr(cart_rs, "_own_line", read_then_lose)
    payload = (await api.ok(UPDATE, {"lineId": line_id, "quantity": "2"}, token=member.token))["cartLineUpdate"]
    assert errors(payload) == [(["lineId"], "NOT_FOUND")] and payload["cart"] is None


async def test_update_of_another_members_line_is_not_found(api):
    product = await make_product()
    owner = await make_member(Role.ADMINISTRATOR)
    line_id = (await add(api, owner, [line(product, "1")]))["cart"]["lines"][0]["id"]
    for intruder in (
        await make_member(Role.ADMINISTRATOR),
        await make_member(Role.ADMINISTRATOR, company=owner.company),
    ):
        payload = (await api.ok(UPDATE, {"lineId": line_id, "quantity": "9"}, token=intruder.token))["cartLineUpdate"]
        assert errors(payload) == [(["lineId"], "NOT_FOUND")]
    payload = (await api.ok(UPDATE, {"lineId": "nonsense", "quantity": "9"}, token=owner.token))["cartLineUpdate"]
    assert errors(payload) == [(["lineId"], "NOT_FOUND")]
    assert await cart_rows() == [(product.sku, "1")]


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS))
async def test_update_is_forbidden_without_place_orders(api, role):
    member = await make_member(role)
    assert error_codes(await api(UPDATE, {"lineId": "x", "quantity": "1"}, token=member.token)) == ["FORBIDDEN"]


async def test_update_without_session_is_unauthenticated(api):
    assert error_codes(await api(UPDATE, {"lineId": "x", "quantity": "1"})) == ["UNAUTHENTICATED"]


# ---------------------------------------------------------------------- cartLinesRemove


async def test_remove_takes_lines_out(api):
    member = await make_member(Role.ADMINISTRATOR)
    a, b, c = await make_product("A-1"), await make_product("B-1"), await make_product("C-1")
    lines = (await add(api, member, [line(a), line(b), line(c)]))["cart"]["lines"]
    payload = (await api.ok(REMOVE, {"lineIds": [lines[0]["id"], lines[2]["id"]]}, token=member.token))[
        "cartLinesRemove"
    ]
    assert payload["userErrors"] == []
    assert [x["product"]["sku"] for x in payload["cart"]["lines"]] == ["B-1"]
    assert await cart_rows() == [("B-1", "1")]


async def test_remove_with_a_foreign_line_removes_nothing(api):
    product = await make_product()
    owner = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.ADMINISTRATOR)
    own_id = (await add(api, owner, [line(product)]))["cart"]["lines"][0]["id"]
    foreign_id = (await add(api, other, [line(product)]))["cart"]["lines"][0]["id"]
    payload = (await api.ok(REMOVE, {"lineIds": [own_id, foreign_id, "junk"]}, token=owner.token))["cartLinesRemove"]
    assert errors(payload) == [(["lineIds", "1"], "NOT_FOUND"), (["lineIds", "2"], "NOT_FOUND")]
    assert await CartLine.all().count() == 2


async def test_remove_of_a_line_submitted_meanwhile_is_not_found(api, monkeypatch):
    """The cart is submitted (its lines gone) while the removal waits for the cart's lock:
    NOT_FOUND, not a success that removed nothing."""
    from resolvers import cart as cart_rs

    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product()
    line_id = (await add(api, member, [line(product, "1")]))["cart"]["lines"][0]["id"]
    lock = cart_rs.locked_cart

    async def submitted_before_the_lock(*args):
        await CartLine.all().delete()
        return await lock(*args)

    monkeypatch.setattr(cart_rs, "locked_cart", submitted_before_the_lock)
    payload = (await api.ok(REMOVE, {"lineIds": [line_id]}, token=member.token))["cartLinesRemove"]
    assert errors(payload) == [(["lineIds", "0"], "NOT_FOUND")] and payload["cart"] is None


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS))
async def test_remove_is_forbidden_without_place_orders(api, role):
    member = await make_member(role)
    assert error_codes(await api(REMOVE, {"lineIds": []}, token=member.token)) == ["FORBIDDEN"]


async def test_remove_without_session_is_unauthenticated(api):
    assert error_codes(await api(REMOVE, {"lineIds": []})) == ["UNAUTHENTICATED"]


# ---------------------------------------------------------------------- cartClear


async def test_clear_empties_the_cart_only_of_this_member(api):
    product = await make_product()
    member = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ADMINISTRATOR, company=member.company)
    await add(api, member, [line(product, "2")])
    await add(api, colleague, [line(product, "3")])
    payload = (await api.ok(CLEAR, token=member.token))["cartClear"]
    assert payload["userErrors"] == [] and payload["cart"]["lines"] == [] and payload["cart"]["lineCount"] == 0
    assert await cart_rows() == [(product.sku, "3")]


async def test_clear_of_a_cart_never_used_writes_nothing(api):
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    payload = (await api.ok(CLEAR, token=member.token))["cartClear"]
    assert payload["cart"]["lineCount"] == 0 and payload["cart"]["subtotal"] is None
    assert await Cart.all().count() == 0


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS))
async def test_clear_is_forbidden_without_place_orders(api, role):
    member = await make_member(role)
    assert error_codes(await api(CLEAR, token=member.token)) == ["FORBIDDEN"]


async def test_clear_without_session_is_unauthenticated(api):
    assert error_codes(await api(CLEAR)) == ["UNAUTHENTICATED"]


@pytest.mark.real_db
async def test_concurrent_adds_of_one_product_make_one_line(api):
    import asyncio

    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product("AB-1")
    payloads = await asyncio.gather(*(add(api, member, [line(product, "1")]) for _ in range(5)))
    assert all(p["userErrors"] == [] for p in payloads)
    assert await cart_rows() == [("AB-1", "5")]
    assert await Cart.all().count() == 1


async def test_changes_move_updated_at(api):
    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product()
    first = (await add(api, member, [line(product, "1")]))["cart"]
    second = (await add(api, member, [line(product, "1")]))["cart"]
    assert second["updatedAt"] > first["updatedAt"]
