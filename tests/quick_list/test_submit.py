"""quickListSubmit: lines straight to validation (ORDER_FROM_QUICK_LISTS), once per key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import (
    CompanyPrice,
    CustomerNumberKind,
    IdempotencyRecord,
    MembershipCustomerNumber,
    Product,
    QuickListLine,
    Role,
    StaffRole,
    ValidationList,
    ValidationListLine,
)
from resolvers.core import ids
from resolvers.core.permissions import Permission
from tests.cart.helpers import cart_rows
from tests.catalog.factories import gid, make_product, set_price
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_staff
from tests.order.helpers import VALIDATION_LIST, fill_cart, make_stock, new_key, pickup, snapshot
from tests.quick_list.helpers import ADD_TO_CART, SUBMIT, errors, line_gid, make_list, roles_with, roles_without


def list_gid(row) -> str:
    return ids.encode("QuickList", row.id)


def submit_input(delivery, key: str | None = None, **kw) -> dict:
    return {"delivery": delivery, "idempotencyKey": key or new_key(), **kw}


async def test_a_quick_lists_only_member_submits_a_shared_list_at_frozen_prices(api):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company)
    stock = await make_stock()
    await set_price(admin.company, stock.a, "11.00")
    await set_price(admin.company, stock.a, "10.00", minimum=5)
    row = await make_list(admin.user, admin.company, (stock.a, "5"), (stock.b, "4"), note="site", shared=True)
    await fill_cart(admin, (stock.a, "1"))
    variables = {"id": list_gid(row), "input": submit_input(pickup(stock.branch), reference=" PO-7 ", note="Fast")}
    data = (await api.ok(SUBMIT, variables, token=me.token))["quickListSubmit"]
    assert data["userErrors"] == []
    vl = data["validationList"]
    assert (vl["status"], vl["source"], vl["reference"], vl["note"]) == ("SUBMITTED", "QUICK_LIST", "PO-7", "Fast")
    assert vl["total"] is None and vl["lines"][0]["unitPrice"] is None  # no VIEW_PRICES
    assert [(x["product"]["sku"], x["quantity"], x["note"]) for x in vl["lines"]] == [
        (stock.a.sku, "5", "site"),
        (stock.b.sku, "4", "site"),
    ]
    assert vl["delivery"]["branch"] == {"name": stock.branch.name}
    saved = await ValidationList.get()
    assert (saved.membership_id, saved.source.value, saved.total) == (me.membership.id, "QUICK_LIST", Decimal("63.33"))
    lines = await ValidationListLine.filter(validation_list_id=saved.id).order_by("position")
    assert [line.unit_price for line in lines] == [Decimal("10.0000"), Decimal("3.3333")]
    # Prices are frozen: a later price change does not alter what was submitted.
    await CompanyPrice.filter(company_id=admin.company.id).update(unit_price=Decimal("1.00"))
    seen = (await api.ok(VALIDATION_LIST, {"id": vl["id"]}, token=admin.token))["validationList"]
    assert [x["unitPrice"]["amount"] for x in seen["lines"]] == ["10.00", "3.33"]
    assert seen["total"]["amount"] == "63.33"
    assert await cart_rows() == [(stock.a.sku, "1")]  # the cart is not touched


async def test_repeating_a_key_returns_the_first_result_and_other_input_is_refused(api):
    me = await make_member(Role.VIEW_PRICES_AND_ORDER)
    stock = await make_stock()
    row = await make_list(me.user, me.company, (stock.a, "1"))
    variables = {"id": list_gid(row), "input": submit_input(pickup(stock.branch), key="same")}
    first = (await api.ok(SUBMIT, variables, token=me.token))["quickListSubmit"]["validationList"]
    await QuickListLine.filter(quick_list_id=row.id).update(quantity=Decimal(7))
    again = (await api.ok(SUBMIT, variables, token=me.token))["quickListSubmit"]["validationList"]
    assert again == first
    assert await ValidationList.all().count() == 1
    other = {"id": list_gid(row), "input": submit_input(pickup(stock.branch), key="same", reference="other")}
    data = (await api.ok(SUBMIT, other, token=me.token))["quickListSubmit"]
    assert errors(data) == [(["input", "idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")]
    assert await ValidationList.all().count() == 1


async def test_chosen_lines_with_their_quantities(api):
    me = await make_member(Role.ADMINISTRATOR)
    stock = await make_stock()
    row = await make_list(me.user, me.company, (stock.a, "1"), (stock.b, "2"))
    line_b = await QuickListLine.get(quick_list_id=row.id, product_id=stock.b.id)
    chosen = [{"lineId": line_gid(line_b), "quantity": "6"}]
    variables = {"id": list_gid(row), "input": submit_input(pickup(stock.branch), lines=chosen)}
    vl = (await api.ok(SUBMIT, variables, token=me.token))["quickListSubmit"]["validationList"]
    assert [(x["product"]["sku"], x["quantity"]) for x in vl["lines"]] == [(stock.b.sku, "6")]
    assert vl["total"] == {"amount": "20.00"}


async def test_bad_lines_submit_nothing(api):
    me = await make_member(Role.ADMINISTRATOR)
    stock = await make_stock()
    gone = await make_product("GONE")
    row = await make_list(me.user, me.company, (stock.a, "1"), (stock.b, "2"), (gone, "1"))
    other = await make_list(me.user, me.company, (stock.a, "1"), name="Other")
    await Product.filter(id=gone.id).update(orderable=False)
    by_product = {line.product_id: line for line in await QuickListLine.filter(quick_list_id=row.id)}
    foreign = await QuickListLine.get(quick_list_id=other.id)
    chosen = [
        {"lineId": line_gid(by_product[stock.b.id]), "quantity": "3"},
        {"lineId": line_gid(foreign), "quantity": "1"},
        {"lineId": line_gid(by_product[stock.a.id]), "quantity": "0"},
        {"lineId": line_gid(by_product[stock.b.id]), "quantity": "2"},
        {"lineId": "garbage", "quantity": "1"},
        {"lineId": line_gid(by_product[gone.id]), "quantity": "1"},
    ]
    before = await snapshot()
    variables = {"id": list_gid(row), "input": submit_input(pickup(stock.branch), lines=chosen)}
    data = (await api.ok(SUBMIT, variables, token=me.token))["quickListSubmit"]
    assert data["validationList"] is None
    assert errors(data) == [
        (["input", "lines", "1", "lineId"], "NOT_FOUND"),
        (["input", "lines", "3", "lineId"], "INVALID"),
        (["input", "lines", "4", "lineId"], "NOT_FOUND"),
        (["input", "lines", "0", "quantity"], "QUANTITY_NOT_MULTIPLE"),
        (["input", "lines", "2", "quantity"], "INVALID_QUANTITY"),
        (["input", "lines", "5", "lineId"], "PRODUCT_NOT_ORDERABLE"),
    ]
    assert await snapshot() == before


async def test_default_lines_breaking_todays_rules_submit_nothing(api):
    me = await make_member(Role.ADMINISTRATOR)
    stock = await make_stock()
    row = await make_list(me.user, me.company, (stock.a, "1"), (stock.b, "2"))
    await Product.filter(id=stock.b.id).update(minimum_quantity=Decimal(4))
    before = await snapshot()
    data = (await api.ok(SUBMIT, {"id": list_gid(row), "input": submit_input(pickup(stock.branch))}, token=me.token))[
        "quickListSubmit"
    ]
    assert errors(data) == [(["quickList", "lines", "1", "quantity"], "BELOW_MINIMUM_QUANTITY")]
    assert await snapshot() == before


async def test_an_empty_list_or_no_chosen_line_is_cart_empty(api):
    me = await make_member(Role.ADMINISTRATOR)
    stock = await make_stock()
    empty = await make_list(me.user, me.company, name="Empty")
    full = await make_list(me.user, me.company, (stock.a, "1"), name="Full")
    before = await snapshot()
    for row, extra in ((empty, {}), (full, {"lines": []})):
        variables = {"id": list_gid(row), "input": submit_input(pickup(stock.branch), **extra)}
        data = (await api.ok(SUBMIT, variables, token=me.token))["quickListSubmit"]
        assert errors(data) == [(["input", "lines"], "CART_EMPTY")]
    assert await snapshot() == before


async def test_delivery_and_texts_are_checked(api):
    me = await make_member(Role.ADMINISTRATOR)
    stock = await make_stock()
    other = await make_member(Role.ADMINISTRATOR)
    foreign_ship_to = await make_customer_number(other.company, CustomerNumberKind.SHIP_TO)
    row = await make_list(me.user, me.company, (stock.a, "1"))
    before = await snapshot()
    cases = [
        ({"method": "PICKUP"}, {}, [(["input", "delivery", "branchId"], "INVALID_DELIVERY")]),
        (
            {"method": "DELIVERY", "shipToId": gid(foreign_ship_to)},
            {},
            [(["input", "delivery", "shipToId"], "NOT_FOUND")],
        ),
        ({"method": "PICKUP", "branchId": "garbage"}, {}, [(["input", "delivery", "branchId"], "NOT_FOUND")]),
        (pickup(stock.branch), {"reference": "r" * 201}, [(["input", "reference"], "TOO_LONG")]),
        (pickup(stock.branch), {"idempotencyKey": " "}, [(["input", "idempotencyKey"], "REQUIRED")]),
    ]
    for delivery, extra, expected in cases:
        data = (
            await api.ok(SUBMIT, {"id": list_gid(row), "input": {**submit_input(delivery), **extra}}, token=me.token)
        )["quickListSubmit"]
        assert errors(data) == expected
    assert await snapshot() == before


async def test_a_member_limited_to_customer_numbers_delivers_to_those_only(api):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company)
    stock = await make_stock()
    mine = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    theirs = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership=me.membership, customer_number=mine)
    row = await make_list(admin.user, admin.company, (stock.a, "1"), shared=True)
    data = (
        await api.ok(
            SUBMIT,
            {"id": list_gid(row), "input": submit_input({"method": "DELIVERY", "shipToId": gid(theirs)})},
            token=me.token,
        )
    )["quickListSubmit"]
    assert errors(data) == [(["input", "delivery", "shipToId"], "NOT_FOUND")]
    data = (
        await api.ok(
            SUBMIT,
            {"id": list_gid(row), "input": submit_input({"method": "DELIVERY", "shipToId": gid(mine)})},
            token=me.token,
        )
    )["quickListSubmit"]
    assert data["validationList"]["delivery"]["shipTo"] == {"number": mine.number}
    assert (await ValidationList.get()).customer_number_id == mine.id


async def test_another_members_private_list_and_another_companys_list_are_not_found(api):
    me = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ADMINISTRATOR, company=me.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    stock = await make_stock()
    before = await snapshot()
    for row in (
        await make_list(colleague.user, me.company, (stock.a, "1")),
        await make_list(stranger.user, stranger.company, (stock.a, "1"), shared=True),
    ):
        data = (
            await api.ok(SUBMIT, {"id": list_gid(row), "input": submit_input(pickup(stock.branch))}, token=me.token)
        )["quickListSubmit"]
        assert errors(data) == [(["id"], "NOT_FOUND")]
    assert await snapshot() == before


@pytest.mark.parametrize("role", roles_without(Permission.ORDER_FROM_QUICK_LISTS))
async def test_roles_without_order_from_quick_lists_are_forbidden(api, role):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(role, company=admin.company)
    stock = await make_stock()
    row = await make_list(admin.user, admin.company, (stock.a, "1"), shared=True)
    before = await snapshot()
    variables = {"id": list_gid(row), "input": submit_input(pickup(stock.branch))}
    assert error_codes(await api(SUBMIT, variables, token=me.token)) == ["FORBIDDEN"]
    assert error_codes(await api(SUBMIT, variables)) == ["UNAUTHENTICATED"]
    assert await snapshot() == before
    assert await IdempotencyRecord.all().count() == 0


@pytest.mark.parametrize("role", roles_with(Permission.ORDER_FROM_QUICK_LISTS))
async def test_every_role_with_order_from_quick_lists_submits(api, role):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(role, company=admin.company)
    stock = await make_stock()
    row = await make_list(admin.user, admin.company, (stock.a, "2"), shared=True)
    data = (await api.ok(SUBMIT, {"id": list_gid(row), "input": submit_input(pickup(stock.branch))}, token=me.token))[
        "quickListSubmit"
    ]
    assert data["validationList"]["status"] == "SUBMITTED"
    expected = {"amount": "25.00"} if role in roles_with(Permission.VIEW_PRICES) else None
    assert data["validationList"]["total"] == expected


async def test_staff_neither_submit_nor_fill_a_cart(api):
    staff, token = await make_staff(StaffRole.ADMINISTRATOR)
    member = await make_member(Role.ADMINISTRATOR)
    stock = await make_stock()
    row = await make_list(staff, member.company, (stock.a, "1"), shared=True)
    before = await snapshot()
    variables = {"id": list_gid(row), "input": submit_input(pickup(stock.branch))}
    assert error_codes(await api(SUBMIT, variables, token=token)) == ["FORBIDDEN"]
    assert error_codes(await api(ADD_TO_CART, {"id": list_gid(row)}, token=token)) == ["FORBIDDEN"]
    assert await snapshot() == before
