"""passwordResetRequest and passwordReset: e-mailed single-use tokens, 5 e-mails an hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import OutboxMail, TokenPurpose, User, UserToken
from resolvers.auth.tokens import create_session, issue_token, verify_password
from resolvers.core.mail import body_to_send
from tests.auth.helpers import (
    RESET,
    RESET_REQUEST,
    TOKEN_RE,
    codes,
    last_token_mailed_to,
    live_sessions,
    login,
    mails_to,
    viewer,
)
from tests.factories import PASSWORD, make_member, make_user

NEW = "a fresh new passphrase"


def reset(token: str, password: str = NEW) -> dict:
    return {"input": {"token": token, "newPassword": password}}


async def test_reset_request_mails_a_link_to_a_known_address(api):
    member = await make_member()
    body = await api(RESET_REQUEST, {"email": f" {member.user.email.upper()} "})
    assert "errors" not in body and body["data"] == {"passwordResetRequest": {"ok": True, "userErrors": []}}
    mails = await OutboxMail.filter(to=member.user.email)
    assert len(mails) == 1
    assert "https://shop.test/reset-password?token=" in mails[0].body
    assert member.user.first_name in mails[0].body
    token = await last_token_mailed_to(member.user.email)
    row = await UserToken.get(user_id=member.user.id)
    assert row.purpose == TokenPurpose.RESET_PASSWORD
    assert token not in row.token_hash  # stored hashed only
    assert timedelta(minutes=29) < row.expires_at - datetime.now(UTC) <= timedelta(minutes=30)


async def test_reset_request_answers_the_same_for_an_unknown_address(api):
    member = await make_member()
    known = await api(RESET_REQUEST, {"email": member.user.email})
    unknown = await api(RESET_REQUEST, {"email": "nobody@example.com"})
    garbage = await api(RESET_REQUEST, {"email": "not an e-mail"})
    assert known == unknown == garbage
    assert await OutboxMail.all().count() == 1


async def test_at_most_five_reset_mails_per_account_per_hour(api):
    member = await make_member()
    other = await make_member(company=member.company)
    for _ in range(7):
        data = await api.ok(RESET_REQUEST, {"email": member.user.email})
        assert data["passwordResetRequest"]["ok"] is True
    assert await OutboxMail.filter(to=member.user.email).count() == 5
    await api.ok(RESET_REQUEST, {"email": other.user.email})
    assert await OutboxMail.filter(to=other.user.email).count() == 1
    # An hour later the account may ask again.
    await UserToken.filter(user_id=member.user.id).update(created_at=datetime.now(UTC) - timedelta(minutes=61))
    await api.ok(RESET_REQUEST, {"email": member.user.email})
    assert await OutboxMail.filter(to=member.user.email).count() == 6


async def test_reset_sets_the_password_and_revokes_every_session(api):
    member = await make_member()
    _, other_token = await create_session(member.user, member.membership, hours=1)
    await api.ok(RESET_REQUEST, {"email": member.user.email})
    token = await last_token_mailed_to(member.user.email)
    data = await api.ok(RESET, reset(token), token=member.token)
    assert data["passwordReset"] == {"ok": True, "userErrors": []}
    assert await viewer(api, member.token) is None
    assert await viewer(api, other_token) is None
    assert await live_sessions(member.user) == 0
    assert codes(await login(api, member.user.email, PASSWORD)) == ["INVALID_CREDENTIALS"]
    assert codes(await login(api, member.user.email, NEW)) == []


async def test_a_reset_token_is_single_use(api):
    member = await make_member()
    await api.ok(RESET_REQUEST, {"email": member.user.email})
    token = await last_token_mailed_to(member.user.email)
    assert (await api.ok(RESET, reset(token)))["passwordReset"]["ok"] is True
    again = (await api.ok(RESET, reset(token, "yet another passphrase")))["passwordReset"]
    assert again["ok"] is False and codes(again) == ["INVALID_TOKEN"]
    assert again["userErrors"][0]["field"] == ["input", "token"]
    assert verify_password((await User.get(id=member.user.id)).password_hash, NEW)


async def test_unknown_expired_and_wrong_purpose_tokens_are_invalid(api):
    member = await make_member()
    expired = await issue_token(member.user, TokenPurpose.RESET_PASSWORD)
    await UserToken.filter(user_id=member.user.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    verify = await issue_token(member.user, TokenPurpose.VERIFY_EMAIL)
    for token in ("unknown-token", expired, verify, ""):
        payload = (await api.ok(RESET, reset(token)))["passwordReset"]
        assert codes(payload) == ["INVALID_TOKEN"]
    assert verify_password((await User.get(id=member.user.id)).password_hash, PASSWORD)
    assert await viewer(api, member.token) is not None
    assert await UserToken.filter(used_at__not_isnull=True).count() == 0


async def test_a_weak_password_does_not_burn_the_token(api):
    member = await make_member()
    await api.ok(RESET_REQUEST, {"email": member.user.email})
    token = await last_token_mailed_to(member.user.email)
    for weak in ("short", member.user.email):
        payload = (await api.ok(RESET, reset(token, weak)))["passwordReset"]
        assert codes(payload) == ["WEAK_PASSWORD"]
        assert payload["userErrors"][0]["field"] == ["input", "newPassword"]
    assert await viewer(api, member.token) is not None
    assert verify_password((await User.get(id=member.user.id)).password_hash, PASSWORD)
    assert (await api.ok(RESET, reset(token)))["passwordReset"]["ok"] is True


async def test_an_invitation_is_accepted_by_setting_a_password(api):
    user = await make_user("invited@example.com", verified=False)
    await User.filter(id=user.id).update(password_hash=None)  # invited: no password yet
    token = await issue_token(user, TokenPurpose.INVITATION)
    assert (await api.ok(RESET, reset(token)))["passwordReset"]["ok"] is True
    refreshed = await User.get(id=user.id)
    assert refreshed.email_verified is True
    assert codes(await login(api, "invited@example.com", NEW)) == []


async def test_a_completed_reset_invalidates_the_users_other_open_links(api):
    member = await make_member()
    other = await make_member(company=member.company)
    for user in (member.user, member.user, other.user):
        await api.ok(RESET_REQUEST, {"email": user.email})
    first, second = [body_to_send(m) for m in await mails_to(member.user.email)]
    first_token, second_token = (TOKEN_RE.search(b).group(1) for b in (first, second))

    data = await api.ok(RESET, {"input": {"token": second_token, "newPassword": NEW}})
    assert data["passwordReset"]["ok"] is True

    stale = await api.ok(RESET, {"input": {"token": first_token, "newPassword": "yet another passphrase"}})
    assert codes(stale["passwordReset"]) == ["INVALID_TOKEN"]
    assert not await UserToken.filter(
        user_id=member.user.id, purpose=TokenPurpose.RESET_PASSWORD, used_at=None
    ).exists()
    assert await UserToken.filter(user_id=other.user.id, used_at=None).count() == 1
