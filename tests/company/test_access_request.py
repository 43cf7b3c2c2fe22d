from __future__ import annotations

import pytest

from models import (
    AuditEvent,
    CustomerNumberKind,
    Locale,
    Membership,
    MembershipStatus,
    OutboxMail,
    Role,
    User,
)
from tests.company.helpers import NEW_VAT, counts, new_user, problems
from tests.factories import make_company, make_customer_number, make_member, make_user

ACCESS = """
mutation Access($input: AccessRequestInput!) {
  accessRequest(input: $input) {
    membership { id role status user { email emailVerified } company { name } }
    userErrors { field code message }
  }
}
"""


async def request_access(api, input, token=None):
    return (await api.ok(ACCESS, {"input": input}, token=token))["accessRequest"]


async def company_with_admins():
    company = await make_company(vat=NEW_VAT[0])
    nl = await make_member(Role.ADMINISTRATOR, company=company, user=await make_user(locale=Locale.NL))
    en = await make_member(Role.ADMINISTRATOR, company=company, user=await make_user(locale=Locale.EN))
    return company, nl, en


async def test_an_anonymous_request_creates_the_user_and_a_pending_membership(api):
    company, _, _ = await company_with_admins()

    payload = await request_access(
        api, {"customerNumber": company.customer_number, "vatNumber": "be0123.456.749", "user": new_user()}
    )

    assert payload["userErrors"] == []
    assert payload["membership"]["status"] == "PENDING"
    assert payload["membership"]["role"] == "QUICK_LISTS_ONLY"
    assert payload["membership"]["user"] == {"email": "anne@bouw.test", "emailVerified": False}
    user = await User.get(email="anne@bouw.test")
    membership = await Membership.get(user_id=user.id)
    assert (membership.company_id, membership.status) == (company.id, MembershipStatus.PENDING)
    verification = await OutboxMail.get(to="anne@bouw.test")
    assert "https://shop.test/verify-email?token=" in verification.body
    event = await AuditEvent.get(action="membership.requested")
    assert event.company_id == company.id and event.actor_id == user.id


async def test_every_active_administrator_is_emailed_in_their_own_language(api):
    company, nl, en = await company_with_admins()
    await make_member(Role.ADMINISTRATOR, company=company, status=MembershipStatus.INACTIVE)
    other_member = await make_member(Role.VIEW_PRICES, company=company)

    await request_access(
        api, {"customerNumber": company.customer_number, "vatNumber": company.vat_number, "user": new_user()}
    )

    to_nl = await OutboxMail.get(to=nl.user.email)
    assert to_nl.subject == "Toegangsaanvraag: Anne Peeters"
    assert "anne@bouw.test" in to_nl.body and company.name in to_nl.body
    to_en = await OutboxMail.get(to=en.user.email)
    assert to_en.subject == "Access request: Anne Peeters"
    assert await OutboxMail.filter(to=other_member.user.email).count() == 0
    # the two administrators and the requester's verification, nothing for the helpdesk
    assert await OutboxMail.all().count() == 3


async def test_a_company_without_an_active_administrator_is_handled_by_the_helpdesk(api, settings):
    company = await make_company(vat=NEW_VAT[0])
    await make_member(Role.ADMINISTRATOR, company=company, status=MembershipStatus.INACTIVE)

    await request_access(
        api, {"customerNumber": company.customer_number, "vatNumber": company.vat_number, "user": new_user()}
    )

    helpdesk = await OutboxMail.get(to=settings.helpdesk_email)
    assert helpdesk.subject == "Access request: Anne Peeters"
    assert company.name in helpdesk.body


async def test_any_customer_number_of_the_company_matches(api):
    company, _, _ = await company_with_admins()
    ship_to = await make_customer_number(company, CustomerNumberKind.SHIP_TO)

    payload = await request_access(
        api, {"customerNumber": ship_to.number, "vatNumber": company.vat_number, "user": new_user()}
    )

    assert payload["userErrors"] == []
    assert payload["membership"]["company"]["name"] == company.name


async def test_a_signed_in_user_requests_access_under_their_own_email(api):
    company, _, _ = await company_with_admins()
    member = await make_member(Role.VIEW_PRICES)
    users = await User.all().count()

    payload = await request_access(
        api,
        {
            "customerNumber": company.customer_number,
            "vatNumber": company.vat_number,
            "user": new_user(email="ignored@bouw.test"),
        },
        token=member.token,
    )

    assert payload["userErrors"] == []
    assert payload["membership"]["user"]["email"] == member.user.email
    assert await User.all().count() == users
    assert await OutboxMail.filter(to=member.user.email).count() == 0
    assert await Membership.filter(
        user_id=member.user.id, company_id=company.id, status=MembershipStatus.PENDING
    ).exists()


@pytest.mark.parametrize("case", ["unknown number", "other valid vat", "number of another company"])
async def test_any_mismatch_is_one_error_that_does_not_say_which_part(api, case):
    company, _, _ = await company_with_admins()
    other = await make_company(vat=NEW_VAT[1])
    number, vat = {
        "unknown number": ("999999", company.vat_number),
        "other valid vat": (company.customer_number, NEW_VAT[2]),
        "number of another company": (other.customer_number, company.vat_number),
    }[case]
    before = await counts()

    payload = await request_access(api, {"customerNumber": number, "vatNumber": vat, "user": new_user()})

    assert payload["membership"] is None
    assert payload["userErrors"] == [
        {
            "field": None,
            "code": "CUSTOMER_NUMBER_MISMATCH",
            "message": "This customer number and VAT number do not match an account.",
        }
    ]
    assert await counts() == before


async def test_an_anonymous_request_needs_a_user(api):
    company, _, _ = await company_with_admins()
    before = await counts()

    payload = await request_access(api, {"customerNumber": company.customer_number, "vatNumber": company.vat_number})

    assert problems(payload) == [("REQUIRED", ["input", "user"])]
    assert await counts() == before


async def test_an_anonymous_request_with_a_known_email_is_refused(api):
    company, nl, _ = await company_with_admins()
    before = await counts()

    payload = await request_access(
        api,
        {
            "customerNumber": company.customer_number,
            "vatNumber": company.vat_number,
            "user": new_user(email=nl.user.email.upper()),
        },
    )

    assert problems(payload) == [("EMAIL_ALREADY_REGISTERED", ["input", "user", "email"])]
    assert await counts() == before


async def test_input_problems_are_reported_together(api):
    before = await counts()

    payload = await request_access(
        api, {"customerNumber": " ", "vatNumber": "BE0123456700", "user": new_user(password="short", email="nope")}
    )

    assert problems(payload) == sorted(
        [
            ("REQUIRED", ["input", "customerNumber"]),
            ("INVALID_VAT_NUMBER", ["input", "vatNumber"]),
            ("INVALID_EMAIL", ["input", "user", "email"]),
            ("WEAK_PASSWORD", ["input", "user", "password"]),
        ],
        key=str,
    )
    assert await counts() == before


@pytest.mark.parametrize("status", list(MembershipStatus))
async def test_a_user_who_already_belongs_to_the_company_is_refused(api, status):
    company, _, _ = await company_with_admins()
    member = await make_member(Role.VIEW_PRICES, company=company, status=status)
    before = await counts()

    payload = await request_access(
        api, {"customerNumber": company.customer_number, "vatNumber": company.vat_number}, token=member.token
    )

    assert problems(payload) == [("ALREADY_MEMBER", None)]
    assert await counts() == before
