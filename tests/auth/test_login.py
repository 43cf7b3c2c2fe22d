from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import CompanyStatus, Membership, MembershipStatus, Role, Session, StaffRole
from resolvers.core import ids
from tests.auth.helpers import LOGIN, codes, login, viewer
from tests.factories import PASSWORD, make_company, make_member, make_user


async def test_login_returns_a_session_and_the_viewer_of_that_session(api, settings):
    member = await make_member(Role.ADMINISTRATOR)
    result = await login(api, member.user.email, PASSWORD)
    assert result["userErrors"] == []
    expires = datetime.fromisoformat(result["session"]["expiresAt"])
    expected = datetime.now(UTC) + timedelta(hours=settings.session_hours)
    assert abs((expires - expected).total_seconds()) < 60
    v = result["viewer"]
    assert v["user"]["email"] == member.user.email
    assert v["activeMembership"]["id"] == member.membership_id
    assert v["company"]["id"] == member.company_id
    assert "MANAGE_USERS" in v["permissions"]
    # The token works on the next request.
    again = await viewer(api, result["session"]["token"])
    assert again["user"]["email"] == member.user.email
    assert again["activeMembership"]["id"] == member.membership_id


async def test_the_email_is_matched_case_insensitively_and_trimmed(api):
    member = await make_member()
    result = await login(api, f"  {member.user.email.upper()} ", PASSWORD)
    assert result["userErrors"] == []
    assert result["session"]["token"]


async def test_wrong_password_and_unknown_email_give_the_same_error(api):
    member = await make_member()
    before = await Session.all().count()
    wrong = await login(api, member.user.email, "not the password at all")
    unknown = await login(api, "nobody@example.com", PASSWORD)
    assert codes(wrong) == codes(unknown) == ["INVALID_CREDENTIALS"]
    assert wrong["userErrors"] == unknown["userErrors"]
    assert wrong["session"] is None and wrong["viewer"] is None
    assert await Session.all().count() == before


async def test_unverified_email_is_refused_only_with_the_right_password(api):
    user = await make_user(verified=False)
    wrong = await login(api, user.email, "not the password at all")
    assert codes(wrong) == ["INVALID_CREDENTIALS"]
    right = await login(api, user.email, PASSWORD)
    assert codes(right) == ["EMAIL_NOT_VERIFIED"]
    assert right["session"] is None
    assert await Session.filter(user_id=user.id).count() == 0


async def test_company_id_picks_that_membership(api):
    first = await make_member(Role.ADMINISTRATOR)
    second = await make_member(Role.VIEW_PRICES, user=first.user)
    result = await login(api, first.user.email, PASSWORD, second.company_id)
    assert result["userErrors"] == []
    assert result["viewer"]["activeMembership"]["id"] == second.membership_id
    assert result["viewer"]["company"]["id"] == second.company_id
    assert "MANAGE_USERS" not in result["viewer"]["permissions"]
    assert "VIEW_PRICES" in result["viewer"]["permissions"]


async def test_without_company_id_the_oldest_active_membership_is_chosen(api):
    inactive = await make_member(status=MembershipStatus.INACTIVE)
    active = await make_member(user=inactive.user)
    await make_member(user=inactive.user)  # a newer ACTIVE one
    result = await login(api, inactive.user.email, PASSWORD)
    assert result["userErrors"] == []
    assert result["viewer"]["activeMembership"]["id"] == active.membership_id


async def test_an_active_company_is_preferred_over_a_suspended_one(api):
    suspended = await make_member(company=await make_company(status=CompanyStatus.SUSPENDED))
    usable = await make_member(user=suspended.user)
    result = await login(api, suspended.user.email, PASSWORD)
    assert result["viewer"]["activeMembership"]["id"] == usable.membership_id


async def test_several_memberships_none_active_gives_a_session_without_membership(api):
    pending = await make_member(status=MembershipStatus.PENDING)
    await make_member(status=MembershipStatus.INACTIVE, user=pending.user)
    result = await login(api, pending.user.email, PASSWORD)
    assert result["userErrors"] == []
    assert result["viewer"]["activeMembership"] is None
    assert result["viewer"]["permissions"] == []
    assert sorted(m["status"] for m in result["viewer"]["memberships"]) == ["INACTIVE", "PENDING"]


async def test_company_id_without_membership_is_not_found(api):
    member = await make_member()
    other = await make_company()
    before = await Session.all().count()
    for company_id in (ids.encode("Company", other.id), "bm9wZQ", member.membership_id):
        result = await login(api, member.user.email, PASSWORD, company_id)
        assert codes(result) == ["NOT_FOUND"]
        assert result["userErrors"][0]["field"] == ["input", "companyId"]
        assert result["session"] is None
    assert await Session.all().count() == before


async def test_company_id_is_checked_only_after_the_password(api):
    member = await make_member()
    result = await login(api, member.user.email, "not the password at all", member.company_id)
    assert codes(result) == ["INVALID_CREDENTIALS"]


async def test_chosen_inactive_membership_is_account_inactive(api):
    active = await make_member()
    inactive = await make_member(status=MembershipStatus.INACTIVE, user=active.user)
    before = await Session.all().count()
    result = await login(api, active.user.email, PASSWORD, inactive.company_id)
    assert codes(result) == ["ACCOUNT_INACTIVE"]
    assert result["session"] is None
    assert await Session.all().count() == before


@pytest.mark.parametrize("count", [1, 2])
async def test_every_membership_inactive_is_account_inactive(api, count):
    member = await make_member(status=MembershipStatus.INACTIVE)
    for _ in range(count - 1):
        await make_member(status=MembershipStatus.INACTIVE, user=member.user)
    before = await Session.all().count()
    result = await login(api, member.user.email, PASSWORD)
    assert codes(result) == ["ACCOUNT_INACTIVE"]
    assert await Session.all().count() == before


async def test_a_pending_membership_signs_in_without_permissions(api):
    member = await make_member(Role.ADMINISTRATOR, status=MembershipStatus.PENDING)
    result = await login(api, member.user.email, PASSWORD)
    assert result["userErrors"] == []
    v = result["viewer"]
    assert v["activeMembership"] == {"id": member.membership_id, "role": "ADMINISTRATOR", "status": "PENDING"}
    assert v["permissions"] == []
    assert v["company"] is None
    assert v["memberships"] == [{"status": "PENDING", "company": {"id": member.company_id}}]
    later = await viewer(api, result["session"]["token"])
    assert later["permissions"] == [] and later["company"] is None


async def test_staff_without_membership_signs_in(api):
    user = await make_user(staff_role=StaffRole.CUSTOMER_SERVICE)
    result = await login(api, user.email, PASSWORD)
    assert result["userErrors"] == []
    assert result["viewer"]["staffRole"] == "CUSTOMER_SERVICE"
    assert result["viewer"]["activeMembership"] is None
    session = await Session.get(user_id=user.id)
    assert session.membership_id is None  # type: ignore[attr-defined]


async def test_user_without_any_membership_signs_in(api):
    user = await make_user()
    result = await login(api, user.email, PASSWORD)
    assert result["userErrors"] == []
    assert result["viewer"]["memberships"] == []


async def test_a_session_already_present_does_not_leak_into_the_new_one(api):
    first = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES)
    body = await api(LOGIN, {"input": {"email": other.user.email, "password": PASSWORD}}, token=first.token)
    v = body["data"]["login"]["viewer"]
    assert v["user"]["email"] == other.user.email
    assert v["activeMembership"]["id"] == other.membership_id
    assert "MANAGE_USERS" not in v["permissions"]


async def test_deactivation_takes_effect_on_the_next_request(api):
    member = await make_member(Role.ADMINISTRATOR)
    token = (await login(api, member.user.email, PASSWORD))["session"]["token"]
    assert (await viewer(api, token))["permissions"]
    await Membership.filter(id=member.membership.id).update(status=MembershipStatus.INACTIVE)
    after = await viewer(api, token)
    assert after["permissions"] == [] and after["company"] is None
