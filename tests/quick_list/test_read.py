"""Reading quick lists: quickLists, quickList(id), node; who sees which list; prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import MembershipStatus, Role, StaffRole
from resolvers.core import ids
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import make_product, set_price
from tests.conftest import error_codes
from tests.factories import make_member, make_staff
from tests.quick_list.helpers import NODE, QUICK_LIST, QUICK_LISTS, make_list, roles_without


def gid(row) -> str:
    return ids.encode("QuickList", row.id)


async def test_members_see_the_shared_lists_and_their_own(api):
    me = await make_member(Role.VIEW_PRICES_AND_ORDER)
    colleague = await make_member(Role.ADMINISTRATOR, company=me.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    product = await make_product("RD-1")
    await make_list(me.user, me.company, (product, "2"), name="B mine")
    await make_list(colleague.user, me.company, (product, "1"), name="A shared", shared=True)
    await make_list(colleague.user, me.company, name="C colleague private")
    await make_list(stranger.user, stranger.company, name="D other company shared", shared=True)
    data = await api.ok(QUICK_LISTS, token=me.token)
    assert [(q["name"], q["shared"], q["owner"]["email"]) for q in data["quickLists"]] == [
        ("A shared", True, colleague.user.email),
        ("B mine", False, me.user.email),
    ]
    data = await api.ok(QUICK_LISTS, token=colleague.token)
    assert [q["name"] for q in data["quickLists"]] == ["A shared", "C colleague private"]


async def test_a_list_shows_its_lines_in_order_with_prices_for_their_quantity(api):
    me = await make_member(Role.VIEW_PRICES)
    a = await make_product("RD-A", list_price=Decimal("10.00"))
    b = await make_product("RD-B", list_price=Decimal("4.00"))
    c = await make_product("RD-C", list_price=Decimal("1.00"))
    await set_price(me.company, a, "8.00")
    await set_price(me.company, a, "7.00", minimum=10)
    await set_price(me.company, b, "3.00", minimum=100)  # a break the line's quantity does not reach
    row = await make_list(
        me.user,
        me.company,
        (a, "10"),
        (b, "5"),
        (c, "2.5"),
        name="Prices",
        description="Site X",
        note="cut",
        shared=True,
    )
    data = (await api.ok(QUICK_LIST, {"id": gid(row)}, token=me.token))["quickList"]
    assert data["id"] == gid(row) and data["description"] == "Site X" and data["lineCount"] == 3
    assert data["createdAt"] and data["updatedAt"]
    assert [(x["product"]["sku"], x["quantity"], x["note"], x["unitPrice"]) for x in data["lines"]] == [
        ("RD-A", "10", "cut", {"amount": "7.00", "currency": "EUR"}),
        ("RD-B", "5", "cut", {"amount": "4.00", "currency": "EUR"}),
        ("RD-C", "2.5", "cut", {"amount": "1.00", "currency": "EUR"}),
    ]


@pytest.mark.parametrize("role", roles_without(Permission.VIEW_PRICES))
async def test_prices_are_null_without_view_prices(api, role):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(role, company=admin.company)
    a = await make_product("NP-1", list_price=Decimal("10.00"))
    await set_price(admin.company, a, "8.00")
    row = await make_list(admin.user, admin.company, (a, "1"), shared=True)
    for doc, variables in ((QUICK_LIST, {"id": gid(row)}), (QUICK_LISTS, None)):
        data = await api.ok(doc, variables, token=me.token)
        found = data.get("quickList") or data["quickLists"][0]
        assert found["lines"][0]["unitPrice"] is None
        assert found["lines"][0]["product"]["listPrice"] is None
        assert found["lines"][0]["product"]["sku"] == "NP-1"


async def test_another_members_private_list_and_another_companys_list_are_not_found(api):
    me = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ADMINISTRATOR, company=me.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    private = await make_list(colleague.user, me.company, name="Private")
    foreign = await make_list(stranger.user, stranger.company, name="Foreign", shared=True)
    for row in (private, foreign):
        assert (await api.ok(QUICK_LIST, {"id": gid(row)}, token=me.token))["quickList"] is None
        assert (await api.ok(NODE, {"id": gid(row)}, token=me.token))["node"] is None
    for bad in ("garbage", ids.encode("Company", me.company.id)):
        assert (await api.ok(QUICK_LIST, {"id": bad}, token=me.token))["quickList"] is None
    own = await make_list(colleague.user, me.company, name="Shared", shared=True)
    assert (await api.ok(NODE, {"id": gid(own)}, token=me.token))["node"] == {
        "__typename": "QuickList",
        "id": gid(own),
        "name": "Shared",
    }


@pytest.mark.parametrize("role", list(MATRIX))
async def test_reading_follows_the_role_matrix(api, role):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(role, company=admin.company)
    row = await make_list(admin.user, admin.company, name="Shared", shared=True)
    if Permission.VIEW_QUICK_LISTS in MATRIX[role]:
        assert [q["name"] for q in (await api.ok(QUICK_LISTS, token=me.token))["quickLists"]] == ["Shared"]
        assert (await api.ok(QUICK_LIST, {"id": gid(row)}, token=me.token))["quickList"]["name"] == "Shared"
    else:  # pragma: no cover - every role of SPEC's matrix may read quick lists today
        assert error_codes(await api(QUICK_LISTS, token=me.token)) == ["FORBIDDEN"]


@pytest.mark.parametrize("status", [MembershipStatus.PENDING, MembershipStatus.INACTIVE])
async def test_pending_or_inactive_members_are_refused(api, status):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(Role.ADMINISTRATOR, company=admin.company, status=status)
    row = await make_list(admin.user, admin.company, name="Shared", shared=True)
    assert error_codes(await api(QUICK_LISTS, token=me.token)) == ["FORBIDDEN"]
    assert error_codes(await api(QUICK_LIST, {"id": gid(row)}, token=me.token)) == ["FORBIDDEN"]
    assert (await api.ok(NODE, {"id": gid(row)}, token=me.token))["node"] is None


async def test_without_a_session_it_is_unauthenticated(api):
    admin = await make_member(Role.ADMINISTRATOR)
    row = await make_list(admin.user, admin.company, shared=True)
    assert error_codes(await api(QUICK_LISTS)) == ["UNAUTHENTICATED"]
    assert error_codes(await api(QUICK_LIST, {"id": gid(row)})) == ["UNAUTHENTICATED"]
    assert (await api.ok(NODE, {"id": gid(row)}))["node"] is None


@pytest.mark.parametrize("staff_role", list(StaffRole))
async def test_staff_read_the_lists_they_built_and_shared_lists_with_the_companys_prices(api, staff_role):
    staff, token = await make_staff(staff_role)
    admin = await make_member(Role.ADMINISTRATOR)
    a = await make_product("ST-1", list_price=Decimal("10.00"))
    await set_price(admin.company, a, "6.00")
    built = await make_list(staff, admin.company, (a, "1"), name="Built", shared=True)
    shared = await make_list(admin.user, admin.company, (a, "1"), name="Customer shared", shared=True)
    private = await make_list(admin.user, admin.company, name="Customer private")
    assert [q["name"] for q in (await api.ok(QUICK_LISTS, token=token))["quickLists"]] == ["Built"]
    data = (await api.ok(QUICK_LIST, {"id": gid(shared)}, token=token))["quickList"]
    assert data["lines"][0]["unitPrice"]["amount"] == "6.00"
    assert (await api.ok(QUICK_LIST, {"id": gid(built)}, token=token))["quickList"]["owner"]["email"] == staff.email
    assert (await api.ok(QUICK_LIST, {"id": gid(private)}, token=token))["quickList"] is None
