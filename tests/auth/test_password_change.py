"""passwordChange: needs the current password; keeps this session, revokes the others."""

from __future__ import annotations

from models import User
from resolvers.auth.tokens import create_session, verify_password
from tests.auth.helpers import codes, live_sessions, login, viewer
from tests.conftest import error_codes
from tests.factories import PASSWORD, make_member

CHANGE = """
mutation Change($input: PasswordChangeInput!) {
  passwordChange(input: $input) { ok userErrors { field message code } }
}
"""
NEW = "another long passphrase"


def change(current: str, new: str) -> dict:
    return {"input": {"currentPassword": current, "newPassword": new}}


async def test_password_change_keeps_the_current_session_and_revokes_the_others(api):
    member = await make_member()
    _, other_token = await create_session(member.user, member.membership, hours=1)
    data = await api.ok(CHANGE, change(PASSWORD, NEW), token=member.token)
    assert data["passwordChange"] == {"ok": True, "userErrors": []}
    assert (await viewer(api, member.token))["user"]["email"] == member.user.email
    assert await viewer(api, other_token) is None
    assert await live_sessions(member.user) == 1
    assert codes(await login(api, member.user.email, PASSWORD)) == ["INVALID_CREDENTIALS"]
    assert codes(await login(api, member.user.email, NEW)) == []


async def test_a_wrong_current_password_changes_nothing(api):
    member = await make_member()
    _, other_token = await create_session(member.user, member.membership, hours=1)
    payload = (await api.ok(CHANGE, change("guessing wrong here", NEW), token=member.token))["passwordChange"]
    assert payload["ok"] is False
    assert codes(payload) == ["INVALID_CREDENTIALS"]
    assert payload["userErrors"][0]["field"] == ["input", "currentPassword"]
    user = await User.get(id=member.user.id)
    assert verify_password(user.password_hash, PASSWORD)
    assert await viewer(api, other_token) is not None


async def test_wrong_current_passwords_count_towards_the_login_lock(api):
    member = await make_member()
    for _ in range(10):
        await api.ok(CHANGE, change("guessing wrong here", NEW), token=member.token)
    payload = (await api.ok(CHANGE, change(PASSWORD, NEW), token=member.token))["passwordChange"]
    assert codes(payload) == ["TOO_MANY_ATTEMPTS"]
    assert verify_password((await User.get(id=member.user.id)).password_hash, PASSWORD)


async def test_a_weak_new_password_changes_nothing(api):
    member = await make_member()
    _, other_token = await create_session(member.user, member.membership, hours=1)
    for weak in ("short", member.user.email.upper()):
        payload = (await api.ok(CHANGE, change(PASSWORD, weak), token=member.token))["passwordChange"]
        assert codes(payload) == ["WEAK_PASSWORD"]
        assert payload["userErrors"][0]["field"] == ["input", "newPassword"]
    assert verify_password((await User.get(id=member.user.id)).password_hash, PASSWORD)
    assert await viewer(api, other_token) is not None


async def test_password_change_needs_a_session(api):
    body = await api(CHANGE, change(PASSWORD, NEW), token="")
    assert error_codes(body) == ["UNAUTHENTICATED"]
