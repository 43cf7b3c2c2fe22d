"""membershipInvite: a new or existing person joins the company as an ACTIVE member."""

from __future__ import annotations

import re

import pytest

from models import (
    AuditEvent,
    CustomerNumberKind,
    Locale,
    Membership,
    MembershipCustomerNumber,
    MembershipStatus,
    OutboxMail,
    Role,
    TokenPurpose,
    User,
    UserToken,
)
from resolvers.core.mail import body_to_send
from tests.factories import PASSWORD, make_company, make_customer_number, make_member, make_user
from tests.membership.common import INVITE, codes, gid, payload, snapshot

RESET = "mutation($input: PasswordResetInput!) { passwordReset(input: $input) { ok userErrors { code } } }"
LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  session { token } viewer { company { name } permissions } userErrors { code } } }"""
LINK = re.compile(r"https://shop\.test/accept-invitation\?token=([\w-]+)")


def invite_input(**kw) -> dict:
    return {"email": "new.person@example.com", "firstName": "Nora", "lastName": "Peeters", "role": "VIEW_PRICES", **kw}


async def test_a_new_person_is_created_unverified_and_invited_in_the_inviters_language(api):
    admin = await make_member(Role.ADMINISTRATOR)
    await User.filter(id=admin.user.id).update(locale=Locale.NL)

    p = payload(await api.ok(INVITE, {"input": invite_input(email="  New.Person@Example.COM ")}, token=admin.token))

    assert p["userErrors"] == []
    assert p["membership"]["role"] == "VIEW_PRICES"
    assert p["membership"]["status"] == "ACTIVE"
    assert p["membership"]["user"] == {
        "email": "new.person@example.com",
        "firstName": "Nora",
        "lastName": "Peeters",
        "emailVerified": False,
    }
    assert p["membership"]["customerNumbers"] == []
    user = await User.get(email="new.person@example.com")
    assert user.password_hash is None and user.locale == Locale.NL
    membership = await Membership.get(user_id=user.id)
    assert membership.company_id == admin.company.id and membership.status == MembershipStatus.ACTIVE

    (mail,) = await OutboxMail.all()
    assert mail.to == "new.person@example.com"
    assert mail.subject == f"Uitnodiging: {admin.company.name}"
    assert "Beste Nora Peeters" in mail.body
    assert LINK.search(body_to_send(mail))
    assert await UserToken.filter(user_id=user.id, purpose=TokenPurpose.INVITATION).count() == 1

    (event,) = await AuditEvent.all()
    assert event.action == "membership.invited"
    assert event.actor_id == admin.user.id and event.company_id == admin.company.id
    assert event.target_id == gid(membership)
    assert event.details["after"]["role"] == "VIEW_PRICES"
    assert event.details["after"]["email"] == "new.person@example.com"


async def test_the_invitation_link_sets_the_password_and_the_member_can_sign_in(api):
    admin = await make_member(Role.ADMINISTRATOR)
    await api.ok(INVITE, {"input": invite_input(role="VIEW_PRICES_AND_ORDER")}, token=admin.token)
    token = LINK.search(body_to_send(await OutboxMail.get())).group(1)

    reset = await api.ok(RESET, {"input": {"token": token, "newPassword": "a brand new secret"}})
    assert reset["passwordReset"] == {"ok": True, "userErrors": []}
    assert (await User.get(email="new.person@example.com")).email_verified is True

    login = await api.ok(LOGIN, {"input": {"email": "new.person@example.com", "password": "a brand new secret"}})
    assert login["login"]["userErrors"] == []
    assert login["login"]["viewer"]["company"]["name"] == admin.company.name
    assert "PLACE_ORDERS" in login["login"]["viewer"]["permissions"]


async def test_an_existing_user_keeps_name_and_password_and_is_mailed_in_their_language(api):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.ADMINISTRATOR)  # already a member elsewhere, with a password
    await User.filter(id=other.user.id).update(locale=Locale.EN)
    before = await User.get(id=other.user.id)

    p = payload(
        await api.ok(
            INVITE,
            {"input": invite_input(email=other.user.email.upper(), firstName="X", lastName="Y", role="ADMINISTRATOR")},
            token=admin.token,
        )
    )

    assert p["userErrors"] == []
    assert p["membership"]["role"] == "ADMINISTRATOR"
    after = await User.get(id=other.user.id)
    assert (after.first_name, after.last_name, after.password_hash) == (
        before.first_name,
        before.last_name,
        before.password_hash,
    )
    assert await Membership.filter(user_id=other.user.id).count() == 2
    (mail,) = await OutboxMail.all()
    assert mail.to == other.user.email
    assert mail.subject == f"Invitation: {admin.company.name}"
    assert LINK.search(body_to_send(mail))
    assert await UserToken.filter(user_id=other.user.id, purpose=TokenPurpose.INVITATION).count() == 1
    # The old login still works: the invitation changed nothing about the password.
    login = await api.ok(
        LOGIN, {"input": {"email": other.user.email, "password": PASSWORD, "companyId": admin.company_id}}
    )
    assert login["login"]["viewer"]["company"]["name"] == admin.company.name


async def test_the_invitee_may_be_limited_to_customer_numbers_of_the_company(api):
    admin = await make_member(Role.ADMINISTRATOR)
    ship = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    bill = await make_customer_number(admin.company, CustomerNumberKind.BILL_TO)

    p = payload(
        await api.ok(
            INVITE, {"input": invite_input(customerNumberIds=[gid(ship), gid(bill), gid(ship)])}, token=admin.token
        )
    )

    assert p["userErrors"] == []
    assert [cn["number"] for cn in p["membership"]["customerNumbers"]] == sorted([ship.number, bill.number])
    assert await MembershipCustomerNumber.all().count() == 2
    (event,) = await AuditEvent.all()
    assert event.details["after"]["customerNumbers"] == sorted([ship.number, bill.number])


async def test_customer_numbers_of_another_company_are_not_found_at_their_index(api):
    admin = await make_member(Role.ADMINISTRATOR)
    own = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    foreign = await make_customer_number(await make_company(), CustomerNumberKind.SHIP_TO)
    before = await snapshot()

    p = payload(
        await api.ok(
            INVITE, {"input": invite_input(customerNumberIds=[gid(own), gid(foreign), "bogus"])}, token=admin.token
        )
    )

    assert p["membership"] is None
    assert [(e["code"], e["field"]) for e in p["userErrors"]] == [
        ("NOT_FOUND", ["input", "customerNumberIds", "1"]),
        ("NOT_FOUND", ["input", "customerNumberIds", "2"]),
    ]
    assert await snapshot() == before


@pytest.mark.parametrize("status", list(MembershipStatus))
async def test_a_person_with_any_membership_of_the_company_is_already_member(api, status):
    admin = await make_member(Role.ADMINISTRATOR)
    existing = await make_member(Role.VIEW_PRICES, company=admin.company, status=status)
    before = await snapshot()

    p = payload(await api.ok(INVITE, {"input": invite_input(email=existing.user.email)}, token=admin.token))

    assert p["membership"] is None
    assert [(e["code"], e["field"]) for e in p["userErrors"]] == [("ALREADY_MEMBER", ["input", "email"])]
    assert await snapshot() == before


async def test_inviting_oneself_is_already_member(api):
    admin = await make_member(Role.ADMINISTRATOR)
    p = payload(await api.ok(INVITE, {"input": invite_input(email=admin.user.email)}, token=admin.token))
    assert codes(p) == ["ALREADY_MEMBER"]


async def test_bad_input_reports_every_problem_and_changes_nothing(api):
    admin = await make_member(Role.ADMINISTRATOR)
    before = await snapshot()

    p = payload(
        await api.ok(
            INVITE, {"input": invite_input(email="not-an-email", firstName="  ", lastName="x" * 101)}, token=admin.token
        )
    )

    assert [(e["code"], e["field"]) for e in p["userErrors"]] == [
        ("INVALID_EMAIL", ["input", "email"]),
        ("REQUIRED", ["input", "firstName"]),
        ("TOO_LONG", ["input", "lastName"]),
    ]
    assert await snapshot() == before


async def test_an_unverified_existing_user_gets_a_working_invitation(api):
    """A user who registered but never verified can still join: the invitation link verifies them."""
    admin = await make_member(Role.ADMINISTRATOR)
    pending = await make_user("late@example.com", verified=False)
    await api.ok(INVITE, {"input": invite_input(email="late@example.com")}, token=admin.token)
    token = LINK.search(body_to_send(await OutboxMail.get())).group(1)
    await api.ok(RESET, {"input": {"token": token, "newPassword": "another good secret"}})
    assert (await User.get(id=pending.id)).email_verified is True
