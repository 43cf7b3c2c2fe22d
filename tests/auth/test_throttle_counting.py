"""Throttles count before the password is checked, atomically: parallel attempts cannot overtake
the count. Per client address: 5 failures against one account, 30 in all, per 15 minutes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from models import LoginThrottle, OutboxMail, User
from resolvers.auth import tokens as auth_core
from tests.auth.helpers import RESET_REQUEST, codes, login
from tests.factories import PASSWORD, make_member

WRONG = "not the password at all"


@pytest.mark.real_db
async def test_150_parallel_wrong_logins_evaluate_at_most_ten(client_at):
    member = await make_member()
    email = member.user.email
    results = await asyncio.gather(*(login(client_at(f"10.0.{i % 30}.1"), email, WRONG) for i in range(150)))
    answers = [codes(r) for r in results]
    assert answers.count(["INVALID_CREDENTIALS"]) == 10
    assert answers.count(["TOO_MANY_ATTEMPTS"]) == 140
    user = await User.get(id=member.user.id)
    assert user.failed_logins == 10 and user.login_locked_until is not None
    # The right password, from an address that never failed, is locked out too.
    assert codes(await login(client_at("192.0.2.1"), email, PASSWORD)) == ["TOO_MANY_ATTEMPTS"]


@pytest.mark.real_db
async def test_20_parallel_reset_requests_send_five_mails(api):
    member = await make_member()
    results = await asyncio.gather(*(api.ok(RESET_REQUEST, {"email": member.user.email}) for _ in range(20)))
    assert all(r["passwordResetRequest"]["ok"] for r in results)
    assert await OutboxMail.filter(to=member.user.email).count() == 5


async def test_one_address_cannot_lock_an_account(client_at):
    member = await make_member()
    attacker = client_at("203.0.113.9")
    answers = [codes(await login(attacker, member.user.email, WRONG)) for _ in range(12)]
    assert answers == [["INVALID_CREDENTIALS"]] * 5 + [["TOO_MANY_ATTEMPTS"]] * 7
    user = await User.get(id=member.user.id)
    assert user.failed_logins == 5 and user.login_locked_until is None
    # The owner, elsewhere, signs in; the attacker's address stays refused even the right password.
    assert codes(await login(client_at("198.51.100.7"), member.user.email, PASSWORD)) == []
    assert codes(await login(attacker, member.user.email, PASSWORD)) == ["TOO_MANY_ATTEMPTS"]


@pytest.mark.real_db
async def test_an_address_over_its_limit_is_refused_and_counts_against_no_account(client_at):
    members = [await make_member() for _ in range(8)]
    attacker = client_at("203.0.113.10")
    results = await asyncio.gather(*(login(attacker, m.user.email, WRONG) for m in members for _ in range(5)))
    assert [codes(r) for r in results].count(["INVALID_CREDENTIALS"]) == 30
    counted = sum([(await User.get(id=m.user.id)).failed_logins for m in members])
    assert counted == 30  # the 10 refused attempts counted against nobody
    fresh = await make_member()
    assert codes(await login(attacker, fresh.user.email, PASSWORD)) == ["TOO_MANY_ATTEMPTS"]
    assert codes(await login(client_at("198.51.100.8"), fresh.user.email, PASSWORD)) == []


async def test_a_right_password_clears_the_addresss_failures_against_that_account(client_at):
    member = await make_member()
    office = client_at("198.51.100.20")
    for _ in range(3):
        for _ in range(4):
            assert codes(await login(office, member.user.email, WRONG)) == ["INVALID_CREDENTIALS"]
        assert codes(await login(office, member.user.email, PASSWORD)) == []


class CountingHasher:
    def __init__(self, inner) -> None:
        self.inner = inner
        self.verified = 0

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        self.verified += 1
        return self.inner.verify(stored, password)


async def test_a_locked_account_costs_the_same_password_check_as_a_wrong_password(client_at, monkeypatch):
    member = await make_member()
    locked_until = datetime.now(UTC) + timedelta(minutes=5)
    await User.filter(id=member.user.id).update(failed_logins=10, login_locked_until=locked_until)
    hasher = CountingHasher(auth_core.HASHER)
    monkeypatch.setattr(auth_core, "HASHER", hasher)
    assert codes(await login(client_at("198.51.100.30"), member.user.email, PASSWORD)) == ["TOO_MANY_ATTEMPTS"]
    assert hasher.verified == 1


async def test_ipv6_addresses_of_one_64_network_share_their_limit(client_at):
    member = await make_member()
    for i in range(5):
        await login(client_at(f"2001:db8:1:2::{i + 1}"), member.user.email, WRONG)
    assert codes(await login(client_at("2001:db8:1:2::ff"), member.user.email, PASSWORD)) == ["TOO_MANY_ATTEMPTS"]
    assert codes(await login(client_at("2001:db8:1:3::1"), member.user.email, PASSWORD)) == []


async def test_counts_of_windows_long_past_are_dropped(client_at):
    member = await make_member()
    await login(client_at("198.51.100.40"), member.user.email, WRONG)
    await LoginThrottle.all().update(window_start=datetime.now(UTC) - timedelta(hours=1))
    await login(client_at("198.51.100.41"), "nobody@example.com", WRONG)
    assert [t.key for t in await LoginThrottle.all()] == ["address|198.51.100.41"]
