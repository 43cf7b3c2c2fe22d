"""quickListCreate: members for their company, staff for any company (companyId)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import QuickList, QuickListLine, Role, StaffRole
from resolvers.core import ids
from resolvers.core.permissions import Permission
from tests.catalog.factories import gid, make_product, set_article_code
from tests.conftest import error_codes
from tests.factories import make_company, make_member, make_staff
from tests.quick_list.helpers import CREATE, QUICK_LISTS, db_state, errors, line_rows, roles_with, roles_without


def payload(data: dict) -> dict:
    return data["quickListCreate"]


@pytest.mark.parametrize("role", roles_with(Permission.MANAGE_QUICK_LISTS))
async def test_a_member_creates_a_private_list_with_lines_summed_per_product(api, role):
    me = await make_member(role)
    a = await make_product("CR-A", order_multiple=Decimal(2), minimum_quantity=Decimal(2))
    b = await make_product("CR-B", order_multiple=Decimal("0.5"), minimum_quantity=Decimal("0.5"))
    own = await make_product("CR-C")
    await set_article_code(me.company, own, "MY-C")
    lines = [
        {"code": "CR-A", "quantity": "2", "note": " first "},
        {"productId": gid(b), "quantity": "1.5"},
        {"code": "MY-C", "quantity": "3"},
        {"code": a.ean, "quantity": "4", "note": "again"},
    ]
    data = payload(
        await api.ok(CREATE, {"input": {"name": "  Site A  ", "description": "Roof", "lines": lines}}, token=me.token)
    )
    assert data["userErrors"] == []
    q = data["quickList"]
    assert (q["name"], q["description"], q["shared"], q["owner"]["email"], q["lineCount"]) == (
        "Site A",
        "Roof",
        False,
        me.user.email,
        3,
    )
    assert [(x["product"]["sku"], x["quantity"], x["note"]) for x in q["lines"]] == [
        ("CR-A", "6", "again"),
        ("CR-B", "1.5", None),
        ("CR-C", "3", None),
    ]
    row = await QuickList.get(id=ids.decode(q["id"], "QuickList"))
    assert (row.company_id, row.owner_id, row.shared) == (me.company.id, me.user.id, False)


async def test_a_shared_list_without_lines_is_seen_by_colleagues(api):
    me = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.QUICK_LISTS_ONLY, company=me.company)
    data = payload(await api.ok(CREATE, {"input": {"name": "Common", "shared": True}}, token=me.token))
    assert data["quickList"]["shared"] is True and data["quickList"]["lines"] == []
    assert [q["name"] for q in (await api.ok(QUICK_LISTS, token=colleague.token))["quickLists"]] == ["Common"]


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        ({"code": "NOPE", "quantity": "1"}, ["input", "lines", "1", "code"], "UNKNOWN_PRODUCT_CODE"),
        ({"productId": "garbage", "quantity": "1"}, ["input", "lines", "1", "productId"], "NOT_FOUND"),
        ({"quantity": "1"}, ["input", "lines", "1", "productId"], "REQUIRED"),
        ({"code": "CE-1", "quantity": "0"}, ["input", "lines", "1", "quantity"], "INVALID_QUANTITY"),
        ({"code": "CE-1", "quantity": "-2"}, ["input", "lines", "1", "quantity"], "INVALID_QUANTITY"),
        ({"code": "CE-1", "quantity": "2"}, ["input", "lines", "1", "quantity"], "BELOW_MINIMUM_QUANTITY"),
        ({"code": "CE-1", "quantity": "5"}, ["input", "lines", "1", "quantity"], "QUANTITY_NOT_MULTIPLE"),
        ({"code": "CE-2", "quantity": "1"}, ["input", "lines", "1", "code"], "PRODUCT_NOT_ORDERABLE"),
        ({"code": "CE-1", "quantity": "4", "note": "x" * 501}, ["input", "lines", "1", "note"], "TOO_LONG"),
    ],
)
async def test_a_bad_line_creates_nothing(api, line, field, code):
    me = await make_member(Role.ADMINISTRATOR)
    await make_product("CE-1", minimum_quantity=Decimal(4), order_multiple=Decimal(2))
    await make_product("CE-2", orderable=False)
    before = await db_state()
    good = {"code": "CE-1", "quantity": "4"}
    data = payload(await api.ok(CREATE, {"input": {"name": "L", "lines": [good, line]}}, token=me.token))
    assert data["quickList"] is None and errors(data) == [(field, code)]
    assert await db_state() == before


async def test_repeated_lines_whose_sum_breaks_a_rule_are_refused(api):
    me = await make_member(Role.ADMINISTRATOR)
    await make_product("SUM-1", order_multiple=Decimal("0.5"), minimum_quantity=Decimal("0.5"))
    lines = [{"code": "SUM-1", "quantity": "0.5"}, {"code": "SUM-1", "quantity": "999999999.5"}]
    data = payload(await api.ok(CREATE, {"input": {"name": "L", "lines": lines}}, token=me.token))
    assert errors(data) == [(["input", "lines", "1", "quantity"], "INVALID_QUANTITY")]
    assert await QuickList.all().count() == 0


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"name": "  "}, ["input", "name"], "REQUIRED"),
        ({"name": "n" * 201}, ["input", "name"], "TOO_LONG"),
        ({"name": "ok", "description": "d" * 2001}, ["input", "description"], "TOO_LONG"),
    ],
)
async def test_bad_texts_create_nothing(api, values, field, code):
    me = await make_member(Role.ADMINISTRATOR)
    data = payload(await api.ok(CREATE, {"input": values}, token=me.token))
    assert errors(data) == [(field, code)]
    assert await QuickList.all().count() == 0


@pytest.mark.parametrize("role", roles_without(Permission.MANAGE_QUICK_LISTS))
async def test_roles_without_manage_quick_lists_are_forbidden(api, role):
    me = await make_member(role)
    product = await make_product()
    body = await api(
        CREATE, {"input": {"name": "L", "lines": [{"productId": gid(product), "quantity": "1"}]}}, token=me.token
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert await QuickList.all().count() == 0


async def test_a_customer_giving_company_id_is_forbidden(api):
    me = await make_member(Role.ADMINISTRATOR)
    for company in (me.company, await make_company()):
        body = await api(
            CREATE, {"input": {"name": "L", "companyId": ids.encode("Company", company.id)}}, token=me.token
        )
        assert error_codes(body) == ["FORBIDDEN"]
    assert await QuickList.all().count() == 0


async def test_without_a_session_it_is_unauthenticated(api):
    assert error_codes(await api(CREATE, {"input": {"name": "L"}})) == ["UNAUTHENTICATED"]
    assert await QuickList.all().count() == 0


@pytest.mark.parametrize("staff_role", list(StaffRole))
async def test_staff_build_a_shared_list_for_a_company(api, staff_role):
    staff, token = await make_staff(staff_role)
    member = await make_member(Role.QUICK_LISTS_ONLY)
    product = await make_product("STF-1")
    variables = {
        "input": {"name": "Big list", "companyId": member.company_id, "lines": [{"code": "STF-1", "quantity": "12"}]}
    }
    data = payload(await api.ok(CREATE, variables, token=token))
    assert data["userErrors"] == []
    assert (data["quickList"]["shared"], data["quickList"]["owner"]["email"]) == (True, staff.email)
    assert await line_rows() == [("STF-1", "12", None)]
    seen = (await api.ok(QUICK_LISTS, token=member.token))["quickLists"]
    assert [(q["name"], q["lines"][0]["product"]["sku"]) for q in seen] == [("Big list", product.sku)]


async def test_staff_may_make_a_list_private_which_the_company_does_not_see(api):
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    member = await make_member(Role.ADMINISTRATOR)
    data = payload(
        await api.ok(CREATE, {"input": {"name": "Draft", "companyId": member.company_id, "shared": False}}, token=token)
    )
    assert data["quickList"]["shared"] is False
    assert (await api.ok(QUICK_LISTS, token=member.token))["quickLists"] == []
    assert [q["name"] for q in (await api.ok(QUICK_LISTS, token=token))["quickLists"]] == ["Draft"]


async def test_staff_must_name_an_existing_company(api):
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    data = payload(await api.ok(CREATE, {"input": {"name": "L"}}, token=token))
    assert errors(data) == [(["input", "companyId"], "REQUIRED")]
    for bad in ("garbage", ids.encode("Company", "00000000-0000-0000-0000-000000000001")):
        data = payload(await api.ok(CREATE, {"input": {"name": "L", "companyId": bad}}, token=token))
        assert errors(data) == [(["input", "companyId"], "NOT_FOUND")]
    assert await QuickList.all().count() == 0 and await QuickListLine.all().count() == 0
