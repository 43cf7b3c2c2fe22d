"""emailVerify: the e-mailed VERIFY_EMAIL token marks the address verified, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import TokenPurpose, User, UserToken
from resolvers.auth.tokens import issue_token
from tests.auth.helpers import codes, login
from tests.factories import PASSWORD, make_user

VERIFY = """
mutation Verify($token: String!) {
  emailVerify(token: $token) { user { email emailVerified } userErrors { field message code } }
}
"""


async def test_email_verify_marks_the_user_verified_and_allows_login(api):
    user = await make_user(verified=False)
    token = await issue_token(user, TokenPurpose.VERIFY_EMAIL)
    assert codes(await login(api, user.email, PASSWORD)) == ["EMAIL_NOT_VERIFIED"]
    payload = (await api.ok(VERIFY, {"token": token}))["emailVerify"]
    assert payload == {"user": {"email": user.email, "emailVerified": True}, "userErrors": []}
    assert (await User.get(id=user.id)).email_verified is True
    assert codes(await login(api, user.email, PASSWORD)) == []


async def test_a_verification_token_is_single_use(api):
    user = await make_user(verified=False)
    token = await issue_token(user, TokenPurpose.VERIFY_EMAIL)
    await api.ok(VERIFY, {"token": token})
    payload = (await api.ok(VERIFY, {"token": token}))["emailVerify"]
    assert payload["user"] is None
    assert codes(payload) == ["INVALID_TOKEN"]
    assert payload["userErrors"][0]["field"] == ["token"]


async def test_unknown_expired_and_other_purpose_tokens_are_invalid(api):
    user = await make_user(verified=False)
    expired = await issue_token(user, TokenPurpose.VERIFY_EMAIL)
    await UserToken.filter(user_id=user.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    reset = await issue_token(user, TokenPurpose.RESET_PASSWORD)
    for token in ("unknown-token", expired, reset):
        payload = (await api.ok(VERIFY, {"token": token}))["emailVerify"]
        assert codes(payload) == ["INVALID_TOKEN"]
    assert (await User.get(id=user.id)).email_verified is False
    assert await UserToken.filter(used_at__not_isnull=True).count() == 0
