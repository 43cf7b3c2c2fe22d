"""quickListUpdate and quickListDelete: who may change which list, and what changes."""

from __future__ import annotations

import pytest

from models import QuickList, QuickListLine, Role, StaffRole
from resolvers.core import ids
from resolvers.core.permissions import Permission
from tests.catalog.factories import make_product
from tests.conftest import error_codes
from tests.factories import make_member, make_staff
from tests.quick_list.helpers import DELETE, UPDATE, db_state, errors, make_list, roles_with, roles_without


def gid(row) -> str:
    return ids.encode("QuickList", row.id)


async def test_the_owner_renames_describes_and_shares_a_list(api):
    me = await make_member(Role.ORDER_WITHOUT_PRICES)
    row = await make_list(me.user, me.company, name="Old", description="Keep")
    before = row.updated_at
    data = await api.ok(UPDATE, {"id": gid(row), "input": {"name": " New ", "shared": True}}, token=me.token)
    q = data["quickListUpdate"]["quickList"]
    assert (q["name"], q["description"], q["shared"]) == ("New", "Keep", True)
    assert (await QuickList.get(id=row.id)).updated_at > before
    data = await api.ok(UPDATE, {"id": gid(row), "input": {"description": ""}}, token=me.token)
    q = data["quickListUpdate"]["quickList"]
    assert (q["name"], q["description"], q["shared"]) == ("New", None, True)


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"name": " "}, ["input", "name"], "REQUIRED"),
        ({"name": "n" * 201}, ["input", "name"], "TOO_LONG"),
        ({"description": "d" * 2001}, ["input", "description"], "TOO_LONG"),
    ],
)
async def test_bad_values_change_nothing(api, values, field, code):
    me = await make_member(Role.ADMINISTRATOR)
    row = await make_list(me.user, me.company, name="Old")
    before = await db_state()
    data = await api.ok(UPDATE, {"id": gid(row), "input": {**values, "shared": True}}, token=me.token)
    assert errors(data["quickListUpdate"]) == [(field, code)]
    assert await db_state() == before


async def test_any_manager_edits_a_shared_list_but_only_its_owner_unshares_it(api):
    owner = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.VIEW_PRICES_AND_ORDER, company=owner.company)
    row = await make_list(owner.user, owner.company, name="Team", shared=True)
    data = await api.ok(UPDATE, {"id": gid(row), "input": {"name": "Team list", "shared": True}}, token=colleague.token)
    assert data["quickListUpdate"]["quickList"]["name"] == "Team list"
    before = await db_state()
    body = await api(UPDATE, {"id": gid(row), "input": {"name": "Mine now", "shared": False}}, token=colleague.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await db_state() == before
    data = await api.ok(UPDATE, {"id": gid(row), "input": {"shared": False}}, token=owner.token)
    assert data["quickListUpdate"]["quickList"]["shared"] is False


async def test_another_members_private_list_and_another_companys_list_are_not_found(api):
    me = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ADMINISTRATOR, company=me.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    private = await make_list(colleague.user, me.company, name="Private")
    foreign = await make_list(stranger.user, stranger.company, name="Foreign", shared=True)
    before = await db_state()
    for list_id in (gid(private), gid(foreign), "garbage", ids.encode("QuickListLine", private.id)):
        data = await api.ok(UPDATE, {"id": list_id, "input": {"name": "Hacked"}}, token=me.token)
        assert errors(data["quickListUpdate"]) == [(["id"], "NOT_FOUND")]
        data = await api.ok(DELETE, {"id": list_id}, token=me.token)
        assert data["quickListDelete"]["ok"] is False
        assert errors(data["quickListDelete"]) == [(["id"], "NOT_FOUND")]
    assert await db_state() == before


@pytest.mark.parametrize("role", roles_without(Permission.MANAGE_QUICK_LISTS))
async def test_roles_without_manage_quick_lists_are_forbidden(api, role):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(role, company=admin.company)
    row = await make_list(admin.user, admin.company, name="Shared", shared=True)
    before = await db_state()
    assert error_codes(await api(UPDATE, {"id": gid(row), "input": {"name": "X"}}, token=me.token)) == ["FORBIDDEN"]
    assert error_codes(await api(DELETE, {"id": gid(row)}, token=me.token)) == ["FORBIDDEN"]
    assert await db_state() == before


async def test_without_a_session_it_is_unauthenticated(api):
    admin = await make_member(Role.ADMINISTRATOR)
    row = await make_list(admin.user, admin.company, shared=True)
    before = await db_state()
    assert error_codes(await api(UPDATE, {"id": gid(row), "input": {"name": "X"}})) == ["UNAUTHENTICATED"]
    assert error_codes(await api(DELETE, {"id": gid(row)})) == ["UNAUTHENTICATED"]
    assert await db_state() == before


@pytest.mark.parametrize("role", roles_with(Permission.MANAGE_QUICK_LISTS))
async def test_deleting_a_list_removes_it_and_its_lines(api, role):
    me = await make_member(role)
    product = await make_product()
    row = await make_list(me.user, me.company, (product, "1"), name="Gone")
    keep = await make_list(me.user, me.company, (product, "2"), name="Kept")
    data = await api.ok(DELETE, {"id": gid(row)}, token=me.token)
    assert data["quickListDelete"] == {"ok": True, "userErrors": []}
    assert [r.id for r in await QuickList.all()] == [keep.id]
    assert [line.quick_list_id for line in await QuickListLine.all()] == [keep.id]


async def test_a_colleague_manager_deletes_a_shared_list(api):
    owner = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ORDER_WITHOUT_PRICES, company=owner.company)
    row = await make_list(owner.user, owner.company, name="Team", shared=True)
    assert (await api.ok(DELETE, {"id": gid(row)}, token=colleague.token))["quickListDelete"]["ok"] is True
    assert await QuickList.all().count() == 0


@pytest.mark.parametrize("staff_role", list(StaffRole))
async def test_staff_edit_and_delete_lists_of_any_company(api, staff_role):
    staff, token = await make_staff(staff_role)
    member = await make_member(Role.ADMINISTRATOR)
    built = await make_list(staff, member.company, name="Built", shared=True)
    shared = await make_list(member.user, member.company, name="Customer's", shared=True)
    private = await make_list(member.user, member.company, name="Private")
    data = await api.ok(UPDATE, {"id": gid(shared), "input": {"shared": False}}, token=token)
    assert data["quickListUpdate"]["quickList"]["shared"] is False  # staff may unshare
    data = await api.ok(UPDATE, {"id": gid(private), "input": {"name": "X"}}, token=token)
    assert errors(data["quickListUpdate"]) == [(["id"], "NOT_FOUND")]
    assert (await api.ok(DELETE, {"id": gid(built)}, token=token))["quickListDelete"]["ok"] is True
    assert sorted(r.name for r in await QuickList.all()) == ["Customer's", "Private"]
