"""logout and accountSwitch: what a session acts for, and that revoked sessions are refused."""

from __future__ import annotations

from models import Membership, MembershipStatus, Role, Session
from resolvers.core import ids
from tests.auth.helpers import codes, viewer
from tests.conftest import error_codes
from tests.factories import make_company, make_member

LOGOUT = "mutation { logout { ok } }"

SWITCH = """
mutation Switch($companyId: ID!) {
  accountSwitch(companyId: $companyId) {
    viewer { activeMembership { id status } company { id } permissions }
    userErrors { field message code }
  }
}
"""


async def test_logout_revokes_the_current_session_only(api):
    member = await make_member()
    other = await make_member(user=member.user, company=await make_company())
    data = await api.ok(LOGOUT, token=member.token)
    assert data["logout"] == {"ok": True}
    assert await viewer(api, member.token) is None
    assert (await viewer(api, other.token))["user"]["email"] == member.user.email
    # The revoked token is no session any more: a second logout says so, without an error.
    assert (await api.ok(LOGOUT, token=member.token))["logout"] == {"ok": False}


async def test_logout_without_a_session_is_not_an_error(api):
    data = await api.ok(LOGOUT, token="")
    assert data["logout"] == {"ok": False}


async def test_account_switch_acts_for_the_other_company_at_once_and_afterwards(api):
    first = await make_member(Role.ADMINISTRATOR)
    second = await make_member(Role.QUICK_LISTS_ONLY, user=first.user)
    data = await api.ok(SWITCH, {"companyId": second.company_id}, token=first.token)
    payload = data["accountSwitch"]
    assert payload["userErrors"] == []
    assert payload["viewer"]["activeMembership"]["id"] == second.membership_id
    assert payload["viewer"]["company"]["id"] == second.company_id
    assert "MANAGE_USERS" not in payload["viewer"]["permissions"]
    assert "VIEW_QUICK_LISTS" in payload["viewer"]["permissions"]
    later = await viewer(api, first.token)
    assert later["activeMembership"]["id"] == second.membership_id
    assert later["company"]["id"] == second.company_id


async def test_account_switch_to_a_pending_membership_has_no_permissions(api):
    first = await make_member(Role.ADMINISTRATOR)
    pending = await make_member(Role.ADMINISTRATOR, user=first.user, status=MembershipStatus.PENDING)
    payload = (await api.ok(SWITCH, {"companyId": pending.company_id}, token=first.token))["accountSwitch"]
    assert payload["viewer"]["activeMembership"] == {"id": pending.membership_id, "status": "PENDING"}
    assert payload["viewer"]["permissions"] == [] and payload["viewer"]["company"] is None


async def test_account_switch_needs_a_session(api):
    member = await make_member()
    body = await api(SWITCH, {"companyId": member.company_id}, token="")
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_account_switch_to_a_company_without_membership_is_not_found(api):
    member = await make_member()
    stranger = await make_member()  # another company with its own members
    for company_id in (stranger.company_id, ids.encode("Company", stranger.membership.id), "garbage"):
        payload = (await api.ok(SWITCH, {"companyId": company_id}, token=member.token))["accountSwitch"]
        assert codes(payload) == ["NOT_FOUND"]
        assert payload["userErrors"][0]["field"] == ["companyId"]
        assert payload["viewer"] is None
    session = await Session.get(user_id=member.user.id)
    assert session.membership_id == member.membership.id  # type: ignore[attr-defined]


async def test_account_switch_to_an_inactive_membership_is_account_inactive(api):
    member = await make_member()
    inactive = await make_member(user=member.user, status=MembershipStatus.INACTIVE)
    payload = (await api.ok(SWITCH, {"companyId": inactive.company_id}, token=member.token))["accountSwitch"]
    assert codes(payload) == ["ACCOUNT_INACTIVE"]
    assert (await viewer(api, member.token))["activeMembership"]["id"] == member.membership_id


async def test_a_member_deactivated_while_signed_in_loses_everything_at_once(api):
    member = await make_member(Role.ADMINISTRATOR)
    await Membership.filter(id=member.membership.id).update(status=MembershipStatus.INACTIVE)
    v = await viewer(api, member.token)
    assert v["permissions"] == [] and v["company"] is None
