"""quickListLinesAdd (lines and pasted text), quickListLineUpdate, quickListLinesRemove."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import Product, QuickList, QuickListLine, Role, StaffRole
from resolvers.core import ids
from resolvers.core.permissions import Permission
from tests.catalog.factories import gid, make_product, set_article_code
from tests.conftest import error_codes
from tests.factories import make_member, make_staff
from tests.quick_list.helpers import (
    LINE_UPDATE,
    LINES_ADD,
    LINES_REMOVE,
    TEXT_ADD,
    db_state,
    errors,
    line_gid,
    line_rows,
    make_list,
    roles_without,
)


def list_gid(row) -> str:
    return ids.encode("QuickList", row.id)


async def test_adding_a_product_already_on_the_list_adds_to_its_quantity(api):
    me = await make_member(Role.VIEW_PRICES_AND_ORDER)
    a = await make_product("LA-A", order_multiple=Decimal(2), minimum_quantity=Decimal(2))
    b = await make_product("LA-B")
    row = await make_list(me.user, me.company, (a, "4"), note="old note")
    lines = [{"productId": gid(b), "quantity": "1"}, {"code": "LA-A", "quantity": "2", "note": "new note"}]
    data = (await api.ok(LINES_ADD, {"id": list_gid(row), "lines": lines}, token=me.token))["quickListLinesAdd"]
    assert data["userErrors"] == []
    assert [(x["product"]["sku"], x["quantity"], x["note"]) for x in data["quickList"]["lines"]] == [
        ("LA-A", "6", "new note"),
        ("LA-B", "1", None),
    ]
    assert data["quickList"]["lineCount"] == 2
    assert await line_rows(row) == [("LA-A", "6", "new note"), ("LA-B", "1", None)]


async def test_pasted_text_is_read_like_fast_entry(api):
    me = await make_member(Role.ADMINISTRATOR)  # fast entry is not enabled: quick lists do not need it
    await make_product("TX-A", order_multiple=Decimal("0.5"), minimum_quantity=Decimal("0.5"))
    b = await make_product("TX-B")
    c = await make_product("TX-C")
    await set_article_code(me.company, c, "OWN-C")
    row = await make_list(me.user, me.company, (b, "1"))
    text = f'TX-A 2,5\n\n{b.ean}\t3\r\nOWN-C;4\n"TX-A",1\n   \ntx-a 0.5'
    data = (await api.ok(TEXT_ADD, {"id": list_gid(row), "text": text}, token=me.token))["quickListLinesAdd"]
    assert data["userErrors"] == []
    assert await line_rows(row) == [("TX-B", "4", None), ("TX-A", "4", None), ("TX-C", "4", None)]


async def test_lines_and_text_together(api):
    me = await make_member(Role.ADMINISTRATOR)
    await make_product("LT-A")
    await make_product("LT-B")
    row = await make_list(me.user, me.company)
    variables = {"id": list_gid(row), "lines": [{"code": "LT-A", "quantity": "1"}], "text": "LT-B 2\nLT-A 3"}
    data = (await api.ok(LINES_ADD, variables, token=me.token))["quickListLinesAdd"]
    assert data["userErrors"] == []
    assert await line_rows(row) == [("LT-A", "4", None), ("LT-B", "2", None)]


async def test_bad_pasted_lines_come_back_by_line_number_and_nothing_changes(api):
    me = await make_member(Role.ADMINISTRATOR)
    await make_product("BT-A", minimum_quantity=Decimal(4), order_multiple=Decimal(2))
    await make_product("BT-B", orderable=False)
    await make_product("BT-C")
    row = await make_list(me.user, me.company)
    text = "BT-C 1\nonly-a-code\nNOPE 2\n\nBT-A 2\nBT-A 5\nBT-C two\nBT-B 1\nBT-C 0\nBT-A 4"
    before = await db_state()
    data = (await api.ok(TEXT_ADD, {"id": list_gid(row), "text": text}, token=me.token))["quickListLinesAdd"]
    assert data["quickList"] is None
    assert sorted(errors(data), key=lambda e: int(e[0][1])) == [
        (["text", "2"], "INVALID"),
        (["text", "3"], "UNKNOWN_PRODUCT_CODE"),
        (["text", "5"], "BELOW_MINIMUM_QUANTITY"),
        (["text", "6"], "QUANTITY_NOT_MULTIPLE"),
        (["text", "7"], "INVALID"),
        (["text", "8"], "PRODUCT_NOT_ORDERABLE"),
        (["text", "9"], "INVALID_QUANTITY"),
    ]
    assert await db_state() == before


async def test_more_than_500_pasted_lines_are_refused(api):
    me = await make_member(Role.ADMINISTRATOR)
    await make_product("MX-A")
    row = await make_list(me.user, me.company)
    data = (await api.ok(TEXT_ADD, {"id": list_gid(row), "text": "MX-A 1\n" * 501}, token=me.token))[
        "quickListLinesAdd"
    ]
    assert errors(data) == [(["text"], "LIMIT_EXCEEDED")]
    assert await QuickListLine.all().count() == 0
    data = (await api.ok(TEXT_ADD, {"id": list_gid(row), "text": "MX-A 1\n" * 500}, token=me.token))[
        "quickListLinesAdd"
    ]
    assert data["userErrors"] == [] and await line_rows(row) == [("MX-A", "500", None)]


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        ({"code": "NOPE", "quantity": "1"}, ["lines", "1", "code"], "UNKNOWN_PRODUCT_CODE"),
        ({"productId": "garbage", "quantity": "1"}, ["lines", "1", "productId"], "NOT_FOUND"),
        ({"code": "LE-1", "quantity": "0"}, ["lines", "1", "quantity"], "INVALID_QUANTITY"),
        ({"code": "LE-1", "quantity": "2"}, ["lines", "1", "quantity"], "BELOW_MINIMUM_QUANTITY"),
        ({"code": "LE-1", "quantity": "5"}, ["lines", "1", "quantity"], "QUANTITY_NOT_MULTIPLE"),
    ],
)
async def test_a_bad_line_changes_nothing(api, line, field, code):
    me = await make_member(Role.ADMINISTRATOR)
    p = await make_product("LE-1", minimum_quantity=Decimal(4), order_multiple=Decimal(2))
    row = await make_list(me.user, me.company, (p, "4"))
    before = await db_state()
    variables = {"id": list_gid(row), "lines": [{"code": "LE-1", "quantity": "4"}, line]}
    data = (await api.ok(LINES_ADD, variables, token=me.token))["quickListLinesAdd"]
    assert errors(data) == [(field, code)]
    assert await db_state() == before


async def test_a_sum_with_the_list_that_breaks_the_products_rules_is_refused(api):
    me = await make_member(Role.ADMINISTRATOR)
    p = await make_product("RC-1")
    row = await make_list(me.user, me.company, (p, "3"))
    await Product.filter(id=p.id).update(order_multiple=Decimal(2))  # the pack size changed since
    before = await db_state()
    data = (
        await api.ok(LINES_ADD, {"id": list_gid(row), "lines": [{"code": "RC-1", "quantity": "2"}]}, token=me.token)
    )["quickListLinesAdd"]
    assert errors(data) == [(["lines", "0", "quantity"], "QUANTITY_NOT_MULTIPLE")]
    data = (await api.ok(TEXT_ADD, {"id": list_gid(row), "text": "\nRC-1 2"}, token=me.token))["quickListLinesAdd"]
    assert errors(data) == [(["text", "2"], "QUANTITY_NOT_MULTIPLE")]
    assert await db_state() == before


async def test_line_update_sets_quantity_and_note(api):
    me = await make_member(Role.ADMINISTRATOR)
    p = await make_product("LU-1", order_multiple=Decimal(3), minimum_quantity=Decimal(3))
    row = await make_list(me.user, me.company, (p, "3"), note="first")
    line = await QuickListLine.get(quick_list_id=row.id)
    data = (await api.ok(LINE_UPDATE, {"lineId": line_gid(line), "quantity": "9"}, token=me.token))[
        "quickListLineUpdate"
    ]
    assert data["userErrors"] == []
    assert [(x["quantity"], x["note"]) for x in data["quickList"]["lines"]] == [("9", "first")]
    data = (await api.ok(LINE_UPDATE, {"lineId": line_gid(line), "quantity": "6", "note": " Cut "}, token=me.token))[
        "quickListLineUpdate"
    ]
    assert [(x["quantity"], x["note"]) for x in data["quickList"]["lines"]] == [("6", "Cut")]
    data = (await api.ok(LINE_UPDATE, {"lineId": line_gid(line), "quantity": "6", "note": ""}, token=me.token))[
        "quickListLineUpdate"
    ]
    assert await line_rows(row) == [("LU-1", "6", None)]


@pytest.mark.parametrize(
    ("quantity", "note", "field", "code"),
    [
        ("0", None, ["quantity"], "INVALID_QUANTITY"),
        ("-3", None, ["quantity"], "INVALID_QUANTITY"),
        ("0.0001", None, ["quantity"], "INVALID_QUANTITY"),
        ("2", None, ["quantity"], "BELOW_MINIMUM_QUANTITY"),
        ("4", None, ["quantity"], "QUANTITY_NOT_MULTIPLE"),
        ("3", "n" * 501, ["note"], "TOO_LONG"),
    ],
)
async def test_a_bad_line_update_changes_nothing(api, quantity, note, field, code):
    me = await make_member(Role.ADMINISTRATOR)
    p = await make_product("LB-1", order_multiple=Decimal(3), minimum_quantity=Decimal(3))
    row = await make_list(me.user, me.company, (p, "3"))
    line = await QuickListLine.get(quick_list_id=row.id)
    before = await db_state()
    data = await api.ok(LINE_UPDATE, {"lineId": line_gid(line), "quantity": quantity, "note": note}, token=me.token)
    assert errors(data["quickListLineUpdate"]) == [(field, code)]
    assert await db_state() == before


async def test_lines_remove_takes_all_or_none(api):
    me = await make_member(Role.ADMINISTRATOR)
    a, b, c = await make_product("RM-A"), await make_product("RM-B"), await make_product("RM-C")
    row = await make_list(me.user, me.company, (a, "1"), (b, "1"), (c, "1"))
    other = await make_list(me.user, me.company, (a, "1"), name="Other")
    lines = await QuickListLine.filter(quick_list_id=row.id).order_by("position")
    foreign_line = await QuickListLine.get(quick_list_id=other.id)
    before = await db_state()
    variables = {"id": list_gid(row), "lineIds": [line_gid(lines[0]), line_gid(foreign_line), "garbage"]}
    data = (await api.ok(LINES_REMOVE, variables, token=me.token))["quickListLinesRemove"]
    assert errors(data) == [(["lineIds", "1"], "NOT_FOUND"), (["lineIds", "2"], "NOT_FOUND")]
    assert await db_state() == before
    variables = {"id": list_gid(row), "lineIds": [line_gid(lines[0]), line_gid(lines[2])]}
    data = (await api.ok(LINES_REMOVE, variables, token=me.token))["quickListLinesRemove"]
    assert [x["product"]["sku"] for x in data["quickList"]["lines"]] == ["RM-B"]
    assert data["quickList"]["lineCount"] == 1
    assert len(await line_rows(other)) == 1


async def _fixtures():
    me = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ADMINISTRATOR, company=me.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    p = await make_product()
    private = await make_list(colleague.user, me.company, (p, "1"), name="Private")
    foreign = await make_list(stranger.user, stranger.company, (p, "1"), name="Foreign", shared=True)
    return me, p, private, foreign


async def test_lines_of_another_members_private_list_or_another_company_are_not_found(api):
    me, p, private, foreign = await _fixtures()
    before = await db_state()
    for row in (private, foreign):
        line = await QuickListLine.get(quick_list_id=row.id)
        data = await api.ok(
            LINES_ADD, {"id": list_gid(row), "lines": [{"productId": gid(p), "quantity": "1"}]}, token=me.token
        )
        assert errors(data["quickListLinesAdd"]) == [(["id"], "NOT_FOUND")]
        data = await api.ok(LINE_UPDATE, {"lineId": line_gid(line), "quantity": "5"}, token=me.token)
        assert errors(data["quickListLineUpdate"]) == [(["lineId"], "NOT_FOUND")]
        data = await api.ok(LINES_REMOVE, {"id": list_gid(row), "lineIds": [line_gid(line)]}, token=me.token)
        assert errors(data["quickListLinesRemove"]) == [(["id"], "NOT_FOUND")]
    assert await db_state() == before


@pytest.mark.parametrize("role", roles_without(Permission.MANAGE_QUICK_LISTS))
async def test_roles_without_manage_quick_lists_are_forbidden(api, role):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(role, company=admin.company)
    p = await make_product()
    row = await make_list(admin.user, admin.company, (p, "1"), shared=True)
    line = await QuickListLine.get(quick_list_id=row.id)
    before = await db_state()
    calls = [
        (LINES_ADD, {"id": list_gid(row), "lines": [{"productId": gid(p), "quantity": "1"}]}),
        (TEXT_ADD, {"id": list_gid(row), "text": f"{p.sku} 1"}),
        (LINE_UPDATE, {"lineId": line_gid(line), "quantity": "5"}),
        (LINES_REMOVE, {"id": list_gid(row), "lineIds": [line_gid(line)]}),
    ]
    for doc, variables in calls:
        assert error_codes(await api(doc, variables, token=me.token)) == ["FORBIDDEN"]
        assert error_codes(await api(doc, variables)) == ["UNAUTHENTICATED"]
    assert await db_state() == before


async def test_staff_edit_the_lines_of_a_list_they_built(api):
    staff, token = await make_staff(StaffRole.REPRESENTATIVE)
    member = await make_member(Role.ADMINISTRATOR)
    p = await make_product("SL-1")
    row = await make_list(staff, member.company, (p, "1"), shared=True)
    data = await api.ok(TEXT_ADD, {"id": list_gid(row), "text": "SL-1 4"}, token=token)
    assert data["quickListLinesAdd"]["quickList"]["lines"][0]["quantity"] == "5"
    line = await QuickListLine.get(quick_list_id=row.id)
    data = await api.ok(LINE_UPDATE, {"lineId": line_gid(line), "quantity": "7"}, token=token)
    assert data["quickListLineUpdate"]["quickList"]["lines"][0]["quantity"] == "7"
    assert (await QuickList.get(id=row.id)).owner_id == staff.id
