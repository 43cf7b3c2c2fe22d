"""Query.node for User, Company, Membership and CustomerNumber: visible exactly where the viewer may look."""

from __future__ import annotations

import pytest

from models import CustomerNumberKind, MembershipStatus, Role
from resolvers.core import ids
from tests.factories import make_customer_number, make_member, make_staff
from tests.membership.common import gid

NODE = """query($id: ID!) { node(id: $id) { id __typename
  ... on User { email }
  ... on Company { name }
  ... on Membership { role status }
  ... on CustomerNumber { number } } }"""


async def node(api, global_id: str, token: str | None = None):
    return (await api.ok(NODE, {"id": global_id}, token=token))["node"]


# ---------------------------------------------------------------- User


async def test_a_user_sees_themself_and_not_another_companys_member(api):
    me = await make_member(Role.VIEW_PRICES)
    stranger = await make_member(Role.ADMINISTRATOR)
    assert await node(api, me.user_id, me.token) == {"id": me.user_id, "__typename": "User", "email": me.user.email}
    assert await node(api, stranger.user_id, me.token) is None
    assert await node(api, me.user_id) is None  # anonymous


async def test_members_of_the_company_are_visible_with_manage_users_only(api):
    admin = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.VIEW_PRICES, company=admin.company)
    pending = await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.PENDING)
    assert (await node(api, colleague.user_id, admin.token))["email"] == colleague.user.email
    assert (await node(api, pending.user_id, admin.token))["email"] == pending.user.email
    assert await node(api, admin.user_id, colleague.token) is None


async def test_a_user_acting_for_another_company_does_not_see_this_ones_members(api):
    admin = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.VIEW_PRICES, company=admin.company)
    # The same person also administers a second company and acts for it.
    elsewhere = await make_member(Role.ADMINISTRATOR, user=admin.user)
    assert await node(api, colleague.user_id, elsewhere.token) is None


async def test_staff_see_any_user(api):
    stranger = await make_member(Role.VIEW_PRICES)
    _, token = await make_staff()
    assert (await node(api, stranger.user_id, token))["email"] == stranger.user.email


# ---------------------------------------------------------------- Company


async def test_the_acting_company_is_visible_and_another_is_not(api):
    me = await make_member(Role.QUICK_LISTS_ONLY)
    other = await make_member(Role.ADMINISTRATOR)
    assert await node(api, me.company_id, me.token) == {
        "id": me.company_id,
        "__typename": "Company",
        "name": me.company.name,
    }
    assert await node(api, other.company_id, me.token) is None
    assert await node(api, me.company_id) is None


async def test_a_pending_member_does_not_see_the_company(api):
    pending = await make_member(Role.ADMINISTRATOR, status=MembershipStatus.PENDING)
    assert await node(api, pending.company_id, pending.token) is None


async def test_staff_see_any_company(api):
    other = await make_member(Role.ADMINISTRATOR)
    _, token = await make_staff()
    assert (await node(api, other.company_id, token))["name"] == other.company.name


# ---------------------------------------------------------------- Membership


async def test_own_memberships_are_visible_whatever_their_status(api):
    me = await make_member(Role.VIEW_PRICES)
    mine_elsewhere = await make_member(Role.ADMINISTRATOR, user=me.user, status=MembershipStatus.PENDING)
    assert await node(api, me.membership_id, me.token) == {
        "id": me.membership_id,
        "__typename": "Membership",
        "role": "VIEW_PRICES",
        "status": "ACTIVE",
    }
    assert (await node(api, mine_elsewhere.membership_id, me.token))["status"] == "PENDING"


async def test_the_companys_memberships_are_visible_with_manage_users_only(api):
    admin = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.VIEW_PRICES_AND_ORDER, company=admin.company)
    stranger = await make_member(Role.VIEW_PRICES)
    assert (await node(api, colleague.membership_id, admin.token))["role"] == "VIEW_PRICES_AND_ORDER"
    assert await node(api, admin.membership_id, colleague.token) is None
    assert await node(api, stranger.membership_id, admin.token) is None


async def test_staff_see_any_membership(api):
    other = await make_member(Role.VIEW_PRICES)
    _, token = await make_staff()
    assert (await node(api, other.membership_id, token))["role"] == "VIEW_PRICES"


# ---------------------------------------------------------------- CustomerNumber


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
async def test_the_acting_companys_customer_numbers_are_visible_to_every_member(api, role):
    me = await make_member(role)
    ship = await make_customer_number(me.company, CustomerNumberKind.SHIP_TO)
    assert await node(api, gid(ship), me.token) == {
        "id": gid(ship),
        "__typename": "CustomerNumber",
        "number": ship.number,
    }


async def test_another_companys_customer_number_is_null(api):
    me = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.ADMINISTRATOR)
    foreign = await make_customer_number(other.company, CustomerNumberKind.SHIP_TO)
    assert await node(api, gid(foreign), me.token) is None
    assert await node(api, gid(foreign)) is None
    _, staff_token = await make_staff()
    assert (await node(api, gid(foreign), staff_token))["number"] == foreign.number


async def test_unknown_and_malformed_ids_are_null(api):
    me = await make_member(Role.ADMINISTRATOR)
    for bogus in [
        "garbage",
        ids.encode("Membership", "not-a-uuid"),
        ids.encode("Nothing", me.membership.id),
        ids.encode("Company", me.membership.id),
    ]:
        assert await node(api, bogus, me.token) is None
