"""Documents and small helpers shared by the tests of sign-in and own-account operations."""

from __future__ import annotations

import re

from models import OutboxMail, Session, User
from resolvers.core.mail import body_to_send

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    session { token expiresAt }
    viewer {
      user { email }
      staffRole
      activeMembership { id role status }
      company { id name }
      memberships { status company { id } }
      permissions
    }
    userErrors { field message code }
  }
}
"""

VIEWER = """
query {
  viewer {
    user { email firstName lastName phone locale emailVerified }
    activeMembership { id status }
    company { id }
    permissions
  }
}
"""

RESET_REQUEST = """
mutation Request($email: String!) {
  passwordResetRequest(email: $email) { ok userErrors { code } }
}
"""

RESET = """
mutation Reset($input: PasswordResetInput!) {
  passwordReset(input: $input) { ok userErrors { field message code } }
}
"""

TOKEN_RE = re.compile(r"token=([\w-]+)")


async def login(api, email: str, password: str, company_id: str | None = None) -> dict:
    """The login payload (asserting no top-level errors)."""
    variables: dict = {"input": {"email": email, "password": password}}
    if company_id is not None:
        variables["input"]["companyId"] = company_id
    data = await api.ok(LOGIN, variables, token="")
    return data["login"]


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def viewer(api, token: str) -> dict | None:
    return (await api.ok(VIEWER, token=token))["viewer"]


async def mails_to(address: str) -> list[OutboxMail]:
    return await OutboxMail.filter(to=address).order_by("created_at")


async def last_token_mailed_to(address: str) -> str:
    mails = await mails_to(address)
    assert mails, f"no mail to {address}"
    body = body_to_send(mails[-1])  # the stored body holds no token (it is in `secret` until sent)
    match = TOKEN_RE.search(body)
    assert match, body
    return match.group(1)


async def live_sessions(user: User) -> int:
    return await Session.filter(user_id=user.id, revoked_at=None).count()
