"""Account flows end to end: HTTP through the ASGI app, e-mail through a real SMTP server."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from asgi_lifespan import LifespanManager

from app import create_app
from models import MembershipStatus, OutboxMail, Role
from tests.conftest import Api
from tests.factories import PASSWORD, make_member
from tests.flows.conftest import SMTPServer, free_port, token_in

pytestmark = pytest.mark.real_db  # the app's lifespan runs the outbox worker beside the requests

REGISTER = """
mutation($input: CompanyRegisterInput!) {
  companyRegister(input: $input) { company { id customerNumber } membership { role status } userErrors { code field } }
}"""
VERIFY = "mutation($t: String!) { emailVerify(token: $t) { user { emailVerified } userErrors { code } } }"
LOGIN = """
mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    session { token } viewer { permissions company { name } } userErrors { code }
  }
}"""
VIEWER = "{ viewer { user { email } permissions } }"
INVITE = """
mutation($input: MembershipInviteInput!) {
  membershipInvite(input: $input) { membership { id status role } userErrors { code } }
}"""
RESET = "mutation($t: String!, $p: String!) { passwordReset(input: {token: $t, newPassword: $p}) { ok userErrors { code } } }"
RESET_REQUEST = "mutation($e: String!) { passwordResetRequest(email: $e) { ok } }"
ACCESS = """
mutation($input: AccessRequestInput!) { accessRequest(input: $input) { membership { id status } userErrors { code } } }"""
ACTIVATE = "mutation($id: ID!, $role: Role!) { membershipActivate(id: $id, role: $role) { membership { status role } userErrors { code } } }"
DEACTIVATE = "mutation($id: ID!) { membershipDeactivate(id: $id) { membership { status } userErrors { code } } }"

ADDRESS = {"line1": "Rue Haute 1", "postalCode": "1000", "city": "Bruxelles", "countryCode": "BE"}


async def test_register_verify_then_login(live, smtp):
    email = "eva@exemple.be"
    data = await live.ok(
        REGISTER,
        {
            "input": {
                "companyName": "Menuiserie Exemple",
                "vatNumber": "BE 0403.170.701",
                "workDomains": ["WOOD"],
                "billingAddress": ADDRESS,
                "contact": {"name": "Eva", "email": email},
                "user": {"email": email, "password": "a long passphrase", "firstName": "Eva", "lastName": "Exemple"},
            }
        },
    )
    assert data["companyRegister"]["userErrors"] == []
    assert data["companyRegister"]["membership"] == {"role": "ADMINISTRATOR", "status": "ACTIVE"}

    refused = await live.ok(LOGIN, {"email": email, "password": "a long passphrase"})
    assert refused["login"]["userErrors"][0]["code"] == "EMAIL_NOT_VERIFIED"

    mail = (await smtp.inbox.wait_for(email))[0]
    assert "https://shop.test/verify-email?token=" in mail.get_payload(decode=True).decode()
    verified = await live.ok(VERIFY, {"t": token_in(mail)})
    assert verified["emailVerify"]["user"]["emailVerified"] is True

    login = await live.ok(LOGIN, {"email": email, "password": "a long passphrase"})
    assert login["login"]["userErrors"] == []
    assert login["login"]["viewer"]["company"]["name"] == "Menuiserie Exemple"
    viewer = await live.ok(VIEWER, token=login["login"]["session"]["token"])
    assert "MANAGE_USERS" in viewer["viewer"]["permissions"]


async def test_invite_set_password_then_login(live, smtp):
    admin = await make_member(Role.ADMINISTRATOR)
    data = await live.ok(
        INVITE,
        {
            "input": {
                "email": "New.Colleague@Example.com",
                "firstName": "New",
                "lastName": "Colleague",
                "role": "VIEW_PRICES_AND_ORDER",
            }
        },
        token=admin.token,
    )
    assert data["membershipInvite"]["userErrors"] == []

    mail = (await smtp.inbox.wait_for("new.colleague@example.com"))[0]
    assert "https://shop.test/accept-invitation?token=" in mail.get_payload(decode=True).decode()
    done = await live.ok(RESET, {"t": token_in(mail), "p": "my own passphrase"})
    assert done["passwordReset"] == {"ok": True, "userErrors": []}

    login = await live.ok(LOGIN, {"email": "new.colleague@example.com", "password": "my own passphrase"})
    assert login["login"]["userErrors"] == []
    assert "PLACE_ORDERS" in login["login"]["viewer"]["permissions"]


async def test_access_request_mails_the_admin_who_activates_with_a_role(live, smtp):
    admin = await make_member(Role.ADMINISTRATOR)
    data = await live.ok(
        ACCESS,
        {
            "input": {
                "customerNumber": admin.company.customer_number,
                "vatNumber": admin.company.vat_number,
                "user": {
                    "email": "joiner@example.com",
                    "password": "joining passphrase",
                    "firstName": "Jo",
                    "lastName": "Iner",
                },
            }
        },
    )
    membership = data["accessRequest"]["membership"]
    assert membership["status"] == "PENDING"

    mail = (await smtp.inbox.wait_for(admin.user.email))[0]
    assert "joiner@example.com" in mail.get_payload(decode=True).decode()
    activated = await live.ok(ACTIVATE, {"id": membership["id"], "role": "VIEW_PRICES"}, token=admin.token)
    assert activated["membershipActivate"]["membership"] == {"status": "ACTIVE", "role": "VIEW_PRICES"}


async def test_forgot_password_reset_revokes_old_sessions(live, smtp):
    member = await make_member(Role.VIEW_PRICES)
    assert (await live.ok(VIEWER, token=member.token))["viewer"] is not None

    assert (await live.ok(RESET_REQUEST, {"e": member.user.email}))["passwordResetRequest"]["ok"] is True
    mail = (await smtp.inbox.wait_for(member.user.email))[0]
    assert "https://shop.test/reset-password?token=" in mail.get_payload(decode=True).decode()
    assert (await live.ok(RESET, {"t": token_in(mail), "p": "brand new passphrase"}))["passwordReset"]["ok"] is True

    assert (await live.ok(VIEWER, token=member.token))["viewer"] is None
    old = await live.ok(LOGIN, {"email": member.user.email, "password": PASSWORD})
    assert old["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    new = await live.ok(LOGIN, {"email": member.user.email, "password": "brand new passphrase"})
    assert new["login"]["userErrors"] == []


async def test_a_deactivated_member_is_refused_at_the_next_request(live):
    admin = await make_member(Role.ADMINISTRATOR)
    member = await make_member(Role.VIEW_PRICES_AND_ORDER, company=admin.company)
    assert "PLACE_ORDERS" in (await live.ok(VIEWER, token=member.token))["viewer"]["permissions"]

    data = await live.ok(DEACTIVATE, {"id": member.membership_id}, token=admin.token)
    assert data["membershipDeactivate"]["membership"]["status"] == MembershipStatus.INACTIVE.value

    assert (await live.ok(VIEWER, token=member.token))["viewer"]["permissions"] == []
    body = await live("{ viewer { company { memberships { id } } } }", token=member.token)
    assert body["data"]["viewer"]["company"] is None


async def test_mail_written_while_smtp_is_down_is_delivered_once_when_it_is_back(db, flow_settings):
    """The change succeeds at once; the worker retries; the e-mail goes out exactly once."""
    down_port = free_port()
    settings = flow_settings.model_copy(update={"smtp_port": down_port})
    member = await make_member(Role.VIEW_PRICES)
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        api = Api(httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://test"))
        assert (await api.ok(RESET_REQUEST, {"e": member.user.email}))["passwordResetRequest"]["ok"] is True
        for _ in range(200):
            mail = await OutboxMail.get(to=member.user.email)
            if mail.last_error:  # an attempt is counted when it starts, its error when it ends
                break
            await asyncio.sleep(0.05)
        assert mail.sent_at is None and mail.attempts >= 1 and mail.last_error

        server = SMTPServer(down_port)
        server.start()
        try:
            await OutboxMail.filter(id=mail.id).update(next_attempt_at=mail.created_at)  # the back-off has passed
            await server.inbox.wait_for(member.user.email)
            await asyncio.sleep(0.5)  # several more worker rounds
            assert len(server.inbox.to(member.user.email)) == 1
            assert (await OutboxMail.get(id=mail.id)).sent_at is not None
        finally:
            server.stop()
            await api.client.aclose()
