"""The session behind a bearer token is read in one statement, and the request acts exactly as
the session's user, membership and company say: expired or revoked sessions are no session,
an inactive membership or a suspended company grants nothing."""

from __future__ import annotations

from datetime import timedelta

from models import (
    CompanyStatus,
    CustomerNumberKind,
    Membership,
    MembershipCustomerNumber,
    MembershipStatus,
    Role,
    Session,
    StaffRole,
    User,
)
from resolvers.core.access import allowed_customer_number_ids, forget_customer_numbers
from resolvers.core.clock import now
from resolvers.core.context import Context, authenticate
from settings import Settings
from tests.auth.helpers import viewer
from tests.factories import make_company, make_customer_number, make_member, make_staff

VIEWER = """
query {
  viewer {
    user { email firstName lastName phone locale emailVerified }
    staffRole
    activeMembership { id role status }
    company { id name }
    permissions
  }
}
"""

PROFILE = """
mutation Profile($input: ProfileUpdateInput!) {
  profileUpdate(input: $input) { user { firstName phone } userErrors { code } }
}
"""


async def test_a_valid_token_costs_exactly_one_statement(api, sql):
    member = await make_member(Role.VIEW_PRICES)
    sql.statements.clear()
    data = await api.ok(VIEWER, token=member.token)
    assert data["viewer"]["user"]["email"] == member.user.email
    assert data["viewer"]["company"]["name"] == member.company.name
    assert data["viewer"]["activeMembership"]["role"] == "VIEW_PRICES"
    assert "VIEW_PRICES" in data["viewer"]["permissions"]
    assert len(sql.statements) == 1, sql.statements
    assert 'FROM "session"' in sql.statements[0]


async def test_a_staff_token_costs_one_statement_too(api, sql):
    _, token = await make_staff(StaffRole.ADMINISTRATOR)
    sql.statements.clear()
    data = await api.ok(VIEWER, token=token)
    assert data["viewer"]["staffRole"] == "ADMINISTRATOR"
    assert data["viewer"]["activeMembership"] is None and data["viewer"]["permissions"] == []
    assert len(sql.statements) == 1, sql.statements


async def test_an_expired_session_is_no_session(api):
    member = await make_member()
    await Session.filter(user_id=member.user.id).update(expires_at=now() - timedelta(seconds=1))
    assert await viewer(api, member.token) is None


async def test_a_revoked_session_is_no_session(api):
    member = await make_member()
    await Session.filter(user_id=member.user.id).update(revoked_at=now())
    assert await viewer(api, member.token) is None


async def test_an_inactive_membership_grants_nothing(api):
    member = await make_member(status=MembershipStatus.INACTIVE)
    data = (await api.ok(VIEWER, token=member.token))["viewer"]
    assert data["user"]["email"] == member.user.email
    assert data["activeMembership"]["status"] == "INACTIVE"
    assert data["company"] is None and data["permissions"] == []


async def test_a_suspended_company_grants_nothing(api):
    member = await make_member(company=await make_company(status=CompanyStatus.SUSPENDED))
    data = (await api.ok(VIEWER, token=member.token))["viewer"]
    assert data["activeMembership"]["status"] == "ACTIVE"
    assert data["company"] is None and data["permissions"] == []


async def test_a_mutation_changes_only_what_it_says_on_the_user_read_with_the_session(api):
    member = await make_member()
    before = await User.get(id=member.user.id)
    data = await api.ok(PROFILE, {"input": {"firstName": "Ann", "phone": "+32 470 12 34 56"}}, token=member.token)
    assert data["profileUpdate"]["user"]["firstName"] == "Ann"
    after = await User.get(id=member.user.id)
    assert after.first_name == "Ann"
    assert (after.email, after.password_hash, after.last_name, after.locale, after.email_verified) == (
        before.email,
        before.password_hash,
        before.last_name,
        before.locale,
        before.email_verified,
    )
    assert (await Membership.get(id=member.membership.id)).role == member.membership.role


async def test_the_customer_number_limits_come_with_the_session_until_they_change(api, sql):
    member = await make_member(Role.ADMINISTRATOR)
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    bill_to = await make_customer_number(member.company, CustomerNumberKind.BILL_TO)
    for number in (ship_to, bill_to):
        await MembershipCustomerNumber.create(membership=member.membership, customer_number=number)
    sql.statements.clear()
    c = Context(settings=Settings(), session=await authenticate(f"Bearer {member.token}"))
    assert await allowed_customer_number_ids(c) == {ship_to.id, bill_to.id}
    assert len(sql.statements) == 1 and 'FROM "session"' in sql.statements[0]  # read with the session

    await MembershipCustomerNumber.filter(customer_number_id=bill_to.id).delete()
    forget_customer_numbers(c, member.membership.id)  # what a change of the limits calls
    sql.statements.clear()
    assert await allowed_customer_number_ids(c) == {ship_to.id}
    assert len(sql.statements) == 1 and 'FROM "membership_customer_number"' in sql.statements[0]  # read again


async def test_a_member_without_limits_works_under_every_number(api):
    member = await make_member(Role.ADMINISTRATOR)
    c = Context(settings=Settings(), session=await authenticate(f"Bearer {member.token}"))
    assert await allowed_customer_number_ids(c) is None
