"""An e-mail longer than its column (254) is an unknown or invalid e-mail, never "Unexpected error."."""

from __future__ import annotations

from models import Role
from tests.auth.helpers import RESET_REQUEST, codes, login
from tests.company.helpers import NEW_VAT, new_user, problems, register_input
from tests.company.test_access_request import ACCESS
from tests.company.test_helpdesk import HELPDESK, ticket_input
from tests.company.test_register import REGISTER
from tests.factories import make_company, make_member
from tests.membership.common import INVITE

#: Matches the e-mail pattern, but 262 characters long.
LONG = "a" * 250 + "@example.com"


async def test_login_with_an_overlong_email_is_invalid_credentials(api):
    assert codes(await login(api, LONG, "whatever password")) == ["INVALID_CREDENTIALS"]


async def test_a_reset_request_for_an_overlong_email_answers_ok(api):
    data = await api.ok(RESET_REQUEST, {"email": LONG})
    assert data["passwordResetRequest"] == {"ok": True, "userErrors": []}


async def test_registration_with_an_overlong_email_is_invalid_email(api):
    data = await api.ok(REGISTER, {"input": register_input(user=new_user(email=LONG))})
    assert problems(data["companyRegister"]) == [("INVALID_EMAIL", ["input", "user", "email"])]


async def test_an_access_request_with_an_overlong_email_is_invalid_email(api):
    company = await make_company(vat=NEW_VAT[0])
    variables = {
        "input": {"customerNumber": company.customer_number, "vatNumber": NEW_VAT[0], "user": new_user(email=LONG)}
    }
    data = await api.ok(ACCESS, variables)
    assert problems(data["accessRequest"]) == [("INVALID_EMAIL", ["input", "user", "email"])]


async def test_an_invitation_to_an_overlong_email_is_invalid_email(api):
    admin = await make_member(Role.ADMINISTRATOR)
    variables = {"input": {"email": LONG, "firstName": "Nora", "lastName": "Peeters", "role": "VIEW_PRICES"}}
    data = await api.ok(INVITE, variables, token=admin.token)
    assert [e["code"] for e in data["membershipInvite"]["userErrors"]] == ["INVALID_EMAIL"]


async def test_a_helpdesk_request_with_an_overlong_email_is_invalid_email(api):
    data = await api.ok(HELPDESK, {"input": ticket_input(email=LONG)})
    assert problems(data["helpdeskRequest"]) == [("INVALID_EMAIL", ["input", "email"])]
