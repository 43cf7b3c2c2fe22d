"""10 failed logins within 15 minutes lock the account's login for 15 minutes, aliases included.

One client address counts at most 5 failures against one account (so no address locks an
account alone) and 30 in all; the tests spread failures over addresses where they need more."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from models import OutboxMail, User
from tests.auth.helpers import RESET, RESET_REQUEST, codes, last_token_mailed_to, login
from tests.conftest import error_codes
from tests.factories import PASSWORD, make_member, make_user

WRONG = "not the password at all"


def aliased_logins(n: int) -> str:
    fields = "\n".join(
        f"  a{i}: login(input: {{email: $email, password: $password}}) {{ session {{ token }} userErrors {{ code }} }}"
        for i in range(n)
    )
    return f"mutation Many($email: String!, $password: String!) {{\n{fields}\n}}"


_addresses = (f"10.{n // 250}.{n % 250}.1" for n in itertools.count(1))


async def fail(client_at, email: str, times: int) -> list[str]:
    """`times` wrong passwords, each from another client address."""
    seen = []
    for _ in range(times):
        seen += codes(await login(client_at(next(_addresses)), email, WRONG))
    return seen


async def test_ten_failures_lock_even_the_right_password(api, client_at):
    member = await make_member()
    assert await fail(client_at, member.user.email, 10) == ["INVALID_CREDENTIALS"] * 10
    user = await User.get(id=member.user.id)
    assert user.failed_logins == 10
    assert user.login_locked_until is not None
    assert user.login_locked_until > datetime.now(UTC) + timedelta(minutes=14)
    result = await login(api, member.user.email, PASSWORD)
    assert codes(result) == ["TOO_MANY_ATTEMPTS"]
    assert result["session"] is None
    assert codes(await login(api, member.user.email, WRONG)) == ["TOO_MANY_ATTEMPTS"]


async def test_nine_failures_do_not_lock_and_a_success_resets_the_counter(api, client_at):
    member = await make_member()
    await fail(client_at, member.user.email, 9)
    assert codes(await login(api, member.user.email, PASSWORD)) == []
    assert (await User.get(id=member.user.id)).failed_logins == 0
    await fail(client_at, member.user.email, 9)
    assert codes(await login(api, member.user.email, PASSWORD)) == []


async def test_aliased_logins_in_one_document_each_count(client_at):
    member = await make_member()
    variables = {"email": member.user.email, "password": WRONG}
    data = await client_at("10.0.0.1").ok(aliased_logins(5), variables, token="")
    assert [d["userErrors"][0]["code"] for d in data.values()] == ["INVALID_CREDENTIALS"] * 5
    assert (await User.get(id=member.user.id)).failed_logins == 5
    await client_at("10.0.0.2").ok(aliased_logins(4), variables, token="")
    await client_at("10.0.0.2").ok(aliased_logins(1), variables, token="")
    right = {"email": member.user.email, "password": PASSWORD}
    data = await client_at("10.0.0.3").ok(aliased_logins(1), right, token="")
    assert data["a0"] == {"session": None, "userErrors": [{"code": "TOO_MANY_ATTEMPTS"}]}


async def test_the_lock_applies_to_the_later_aliases_of_the_same_document(client_at):
    member = await make_member()
    await fail(client_at, member.user.email, 8)
    data = await client_at("10.9.9.9").ok(aliased_logins(3), {"email": member.user.email, "password": WRONG}, token="")
    assert [d["userErrors"][0]["code"] for d in data.values()] == [
        "INVALID_CREDENTIALS",
        "INVALID_CREDENTIALS",
        "TOO_MANY_ATTEMPTS",
    ]


async def test_more_than_five_mutations_in_a_document_run_none(api):
    member = await make_member()
    body = await api(aliased_logins(6), {"email": member.user.email, "password": WRONG}, token="")
    assert error_codes(body) == ["LIMIT_EXCEEDED"]
    assert (await User.get(id=member.user.id)).failed_logins == 0


async def test_failures_older_than_fifteen_minutes_do_not_count(api):
    member = await make_member()
    long_ago = datetime.now(UTC) - timedelta(minutes=16)
    await User.filter(id=member.user.id).update(failed_logins=9, failed_login_window_start=long_ago)
    assert codes(await login(api, member.user.email, WRONG)) == ["INVALID_CREDENTIALS"]
    user = await User.get(id=member.user.id)
    assert user.failed_logins == 1 and user.login_locked_until is None


async def test_the_lock_ends_after_fifteen_minutes(api, client_at):
    member = await make_member()
    await fail(client_at, member.user.email, 10)
    past = datetime.now(UTC) - timedelta(minutes=1)
    await User.filter(id=member.user.id).update(
        login_locked_until=past, failed_login_window_start=past - timedelta(minutes=15)
    )
    assert codes(await login(api, member.user.email, PASSWORD)) == []


async def test_the_lock_is_per_account(api, client_at):
    locked = await make_member()
    other = await make_member(company=locked.company)
    await fail(client_at, locked.user.email, 10)
    assert codes(await login(api, other.user.email, PASSWORD)) == []


async def test_failures_on_unknown_emails_lock_nobody(api):
    for _ in range(11):
        await login(api, "nobody@example.com", WRONG)
    user = await make_user("nobody@example.com")
    assert codes(await login(api, user.email, PASSWORD)) == []


async def test_a_completed_password_reset_lifts_the_lock(api, client_at):
    member = await make_member()
    await fail(client_at, member.user.email, 10)
    await api.ok(RESET_REQUEST, {"email": member.user.email})
    assert await OutboxMail.filter(to=member.user.email).count() == 1
    token = await last_token_mailed_to(member.user.email)
    # Asking for the e-mail alone does not lift the lock.
    assert codes(await login(api, member.user.email, PASSWORD)) == ["TOO_MANY_ATTEMPTS"]
    new = "a brand new passphrase"
    data = await api.ok(RESET, {"input": {"token": token, "newPassword": new}})
    assert data["passwordReset"] == {"ok": True, "userErrors": []}
    user = await User.get(id=member.user.id)
    assert user.failed_logins == 0 and user.login_locked_until is None
    assert codes(await login(api, member.user.email, new)) == []
