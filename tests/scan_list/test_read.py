"""scanLists and Query.node for ScanList: who sees which lists."""

from __future__ import annotations

import pytest

from models import MembershipStatus, Role, StaffRole
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid, make_product
from tests.conftest import error_codes
from tests.factories import make_member, make_staff
from tests.scan_list.helpers import NODE, SCAN_LISTS, make_scan_list

ORDERING = [r for r, granted in MATRIX.items() if Permission.PLACE_ORDERS in granted]
NOT_ORDERING = [r for r, granted in MATRIX.items() if Permission.PLACE_ORDERS not in granted]


@pytest.mark.parametrize("role", ORDERING)
async def test_members_who_order_see_their_approved_lists(api, role):
    member = await make_member(role)
    a, b = await make_product(), await make_product(ean=None)
    await make_scan_list(member.company, (a, "2"), (b, "1"), name="Zeta")
    first = await make_scan_list(member.company, (b, "3"), name="Alpha")
    await make_scan_list(member.company, (a, "1"), name="Draft", approved=False)
    other = await make_member()
    await make_scan_list(other.company, (a, "1"), name="Foreign")

    data = await api.ok(SCAN_LISTS, token=member.token)

    lists = data["scanLists"]
    assert [s["name"] for s in lists] == ["Alpha", "Zeta"]
    assert lists[0]["id"] == gid(first) and lists[0]["approved"] is True and lists[0]["approvedAt"]
    assert lists[0]["printUrl"].startswith(f"http://127.0.0.1:8000/scan-lists/{gid(first)}/print?token=")
    assert [(ln["product"]["sku"], ln["barcode"], ln["defaultQuantity"]) for ln in lists[1]["lines"]] == [
        (a.sku, a.ean, "2"),
        (b.sku, b.sku, "1"),
    ]


@pytest.mark.parametrize("role", NOT_ORDERING)
async def test_members_who_cannot_order_are_refused(api, role):
    member = await make_member(role)
    await make_scan_list(member.company, (await make_product(), "1"))
    body = await api(SCAN_LISTS, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_pending_membership_and_no_session(api):
    pending = await make_member(Role.ADMINISTRATOR, status=MembershipStatus.PENDING)
    assert error_codes(await api(SCAN_LISTS, token=pending.token)) == ["FORBIDDEN"]
    assert error_codes(await api(SCAN_LISTS)) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("role", list(StaffRole))
async def test_staff_see_any_list_through_node(api, role):
    _, token = await make_staff(role)
    member = await make_member()
    draft = await make_scan_list(member.company, (await make_product(), "1"), approved=False, name="Draft")
    data = await api.ok(NODE, {"id": gid(draft)}, token=token)
    assert data["node"] == {
        "__typename": "ScanList",
        "id": gid(draft),
        "name": "Draft",
        "approved": False,
        "printUrl": None,
    }


async def test_members_reach_only_their_approved_lists_through_node(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    product = await make_product()
    mine = await make_scan_list(member.company, (product, "1"))
    draft = await make_scan_list(member.company, (product, "1"), approved=False)
    foreign = await make_scan_list((await make_member()).company, (product, "1"))

    assert (await api.ok(NODE, {"id": gid(mine)}, token=member.token))["node"]["id"] == gid(mine)
    assert (await api.ok(NODE, {"id": gid(draft)}, token=member.token))["node"] is None
    assert (await api.ok(NODE, {"id": gid(foreign)}, token=member.token))["node"] is None
    viewer = await make_member(Role.VIEW_PRICES, company=member.company)
    assert (await api.ok(NODE, {"id": gid(mine)}, token=viewer.token))["node"] is None
    assert (await api.ok(NODE, {"id": gid(mine)}))["node"] is None
