"""fastEntry: pasted lines checked one by one, the good ones added to the cart."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from models import Cart, CartLine, Product, Role
from resolvers.core.permissions import Permission
from tests.cart.helpers import ADD, FAST_ENTRY, cart_rows, line, roles_with, roles_without
from tests.catalog.factories import make_product, set_article_code
from tests.conftest import error_codes
from tests.factories import make_company, make_member


async def fast(api, member, text, add_to_cart=None):
    variables = {"text": text}
    if add_to_cart is not None:
        variables["addToCart"] = add_to_cart
    return (await api.ok(FAST_ENTRY, variables, token=member.token))["fastEntry"]


def summary(payload):
    return [
        (x["lineNumber"], x["status"], x["product"]["sku"] if x["product"] else None, x["quantity"])
        for x in payload["lines"]
    ]


async def test_every_line_gets_a_status_and_the_good_ones_go_to_the_cart(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER, fast_entry=True)
    await make_product("PVC-1")
    await make_product("GLU-6", order_multiple=Decimal(6), minimum_quantity=Decimal(6))
    await make_product("OLD-1", orderable=False)
    hinge = await make_product("HNG-1")
    await set_article_code(member.company, hinge, "MY-HINGE")
    text = "\n".join(
        [
            "PVC-1 2,5",  # 1 OK, later summed with line 9
            "",  # 2 blank: skipped, counted
            "GLU-6;12",  # 3 OK
            "NOPE-9\t1",  # 4 UNKNOWN_CODE
            "OLD-1,2",  # 5 NOT_ORDERABLE
            "GLU-6 0",  # 6 INVALID_QUANTITY (not positive)
            "just words",  # 7 UNREADABLE
            "MY-HINGE 1",  # 8 own article code
            "pvc-1 1,5",  # 9 MERGED into line 1
            "PVC-1",  # 10 UNREADABLE (no quantity)
        ]
    )
    payload = await fast(api, member, text)
    assert payload["userErrors"] == []
    assert summary(payload) == [
        (1, "OK", "PVC-1", "4"),
        (3, "OK", "GLU-6", "12"),
        (4, "UNKNOWN_CODE", None, "1"),
        (5, "NOT_ORDERABLE", "OLD-1", "2"),
        (6, "INVALID_QUANTITY", "GLU-6", "0"),
        (7, "UNREADABLE", None, None),
        (8, "OK", "HNG-1", "1"),
        (9, "MERGED", "PVC-1", "1.5"),
        (10, "UNREADABLE", None, None),
    ]
    by_number = {x["lineNumber"]: x for x in payload["lines"]}
    assert by_number[4]["input"] == "NOPE-9\t1"
    assert "line 1" in by_number[9]["message"] and "line 9" in by_number[1]["message"]
    assert "positive" in by_number[6]["message"]
    assert all(by_number[n]["message"] for n in (4, 5, 6, 7, 10))
    assert payload["cart"]["lineCount"] == 3
    assert await cart_rows() == [("PVC-1", "4"), ("GLU-6", "12"), ("HNG-1", "1")]


@pytest.mark.parametrize(
    ("text", "message"),
    [("AB-1 4", "minimum quantity is 6"), ("AB-1 7", "multiple of 3"), ("AB-1 6,5", "multiple of 3")],
)
async def test_quantity_rules_say_which_rule(api, text, message):
    member = await make_member(Role.ADMINISTRATOR, fast_entry=True)
    await make_product("AB-1", minimum_quantity=Decimal(6), order_multiple=Decimal(3))
    payload = await fast(api, member, text + "\nOK-1 1")
    assert payload["lines"][0]["status"] == "INVALID_QUANTITY"
    assert message in payload["lines"][0]["message"]
    assert payload["lines"][1]["status"] == "UNKNOWN_CODE"
    assert await CartLine.all().count() == 0


async def test_repeated_lines_are_summed_before_the_rules(api):
    member = await make_member(Role.ADMINISTRATOR, fast_entry=True)
    await make_product("MIN-10", minimum_quantity=Decimal(10))
    await make_product("PACK-3", order_multiple=Decimal(3))
    payload = await fast(api, member, "MIN-10 5\nPACK-3 2\nMIN-10 5\nPACK-3 2")
    assert summary(payload) == [
        (1, "OK", "MIN-10", "10"),  # 5 + 5 reaches the minimum
        (2, "INVALID_QUANTITY", "PACK-3", "2"),  # 2 + 2 = 4 is no multiple of 3
        (3, "MERGED", "MIN-10", "5"),
        (4, "INVALID_QUANTITY", "PACK-3", "2"),
    ]
    assert "line 4" in payload["lines"][1]["message"]
    assert await cart_rows() == [("MIN-10", "10")]


async def test_lines_add_to_what_the_cart_holds(api):
    member = await make_member(Role.ADMINISTRATOR, fast_entry=True)
    product = await make_product("AB-1")
    other = await make_product("AB-2")
    await api.ok(ADD, {"lines": [line(product, "3"), line(other, "1")]}, token=member.token)
    payload = await fast(api, member, "AB-2 4")
    assert [(x["product"]["sku"], x["quantity"]) for x in payload["cart"]["lines"]] == [("AB-1", "3"), ("AB-2", "5")]
    # The pack size changed: 3 + 2 is no multiple of 2, though 2 alone is.
    await Product.filter(id=product.id).update(order_multiple=Decimal(2))
    payload = await fast(api, member, "AB-1 2\nAB-2 1")
    assert summary(payload) == [(1, "INVALID_QUANTITY", "AB-1", "2"), (2, "OK", "AB-2", "1")]
    assert "already in the cart" in payload["lines"][0]["message"]
    assert await cart_rows() == [("AB-1", "3"), ("AB-2", "6")]


async def test_without_add_to_cart_lines_are_only_checked(api):
    member = await make_member(Role.ORDER_WITHOUT_PRICES, fast_entry=True)
    await make_product("AB-1")
    payload = await fast(api, member, "AB-1 2\nXX 1", add_to_cart=False)
    assert summary(payload) == [(1, "OK", "AB-1", "2"), (2, "UNKNOWN_CODE", None, "1")]
    assert payload["cart"]["lineCount"] == 0
    assert await Cart.all().count() == 0


async def test_more_than_500_lines_change_nothing(api):
    member = await make_member(Role.ADMINISTRATOR, fast_entry=True)
    await make_product("AB-1")
    payload = await fast(api, member, "AB-1 1\n" * 501)
    assert payload["lines"] == [] and payload["cart"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("LIMIT_EXCEEDED", ["text"])]
    assert await CartLine.all().count() == 0
    # Blank lines do not count against the limit.
    payload = await fast(api, member, "AB-1 1\n\n" * 500)
    assert payload["userErrors"] == [] and len(payload["lines"]) == 500
    assert payload["lines"][-1]["lineNumber"] == 999
    assert await cart_rows() == [("AB-1", "500")]


@pytest.mark.parametrize("role", roles_with(Permission.PLACE_ORDERS))
async def test_a_company_without_fast_entry_gets_feature_not_enabled(api, role):
    member = await make_member(role, company=await make_company(fast_entry=False))
    await make_product("AB-1")
    payload = await fast(api, member, "AB-1 1")
    assert [e["code"] for e in payload["userErrors"]] == ["FEATURE_NOT_ENABLED"]
    assert payload["lines"] == [] and await CartLine.all().count() == 0


@pytest.mark.parametrize("role", roles_without(Permission.FAST_ENTRY))
async def test_fast_entry_is_forbidden_to_roles_without_it(api, role):
    member = await make_member(role, company=await make_company(fast_entry=True))
    await make_product("AB-1")
    body = await api(FAST_ENTRY, {"text": "AB-1 1"}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await CartLine.all().count() == 0


async def test_fast_entry_without_session_is_unauthenticated(api):
    assert error_codes(await api(FAST_ENTRY, {"text": "AB-1 1"})) == ["UNAUTHENTICATED"]


async def test_500_lines_run_a_bounded_number_of_statements(api, sql):
    member = await make_member(Role.ADMINISTRATOR, fast_entry=True)
    products = [
        Product(id=uuid.uuid4(), sku=f"F-{i:04d}", ean=None, name_fr=f"P{i}", list_price=Decimal(1)) for i in range(400)
    ]
    await Product.bulk_create(products)
    for p in products[:100]:
        await set_article_code(member.company, p, f"OWN-{p.sku}")
    text = "\n".join(
        [f"F-{i:04d}\t2" for i in range(100, 400)]  # 300 by SKU
        + [f"OWN-F-{i:04d};1" for i in range(100)]  # 100 by own code
        + [f"F-{i:04d},3" for i in range(100, 200)]  # 100 merged
    )
    sql.statements.clear()
    payload = await fast(api, member, text)
    first = len(sql.statements)
    assert payload["userErrors"] == [] and len(payload["lines"]) == 500
    assert payload["cart"]["lineCount"] == 400
    sql.statements.clear()
    payload = await fast(api, member, text)
    second = len(sql.statements)
    assert payload["cart"]["lines"][0]["quantity"] == "10"
    print(f"fastEntry of 500 lines: {first} statements (new lines), {second} statements (summed)")
    assert first <= 20 and second <= 20
