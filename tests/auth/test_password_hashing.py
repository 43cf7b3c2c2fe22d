from __future__ import annotations

import asyncio
import threading

from argon2 import PasswordHasher, Type, extract_parameters

from resolvers.auth import tokens as auth_core
from resolvers.auth.tokens import ARGON2_PARAMETERS, hash_password, verify_password
from tests.auth.helpers import codes, login
from tests.factories import PASSWORD, make_member


def test_production_hashing_is_argon2id_at_or_above_owasp_minimum():
    # The suite swaps in a cheap hasher (conftest); production hashes with ARGON2_PARAMETERS.
    params = extract_parameters(PasswordHasher(**ARGON2_PARAMETERS).hash("correct horse battery"))
    assert params.type is Type.ID
    # OWASP: m=19 MiB with t=2 (or more memory with t=1), p=1.
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1


def test_a_hash_verifies_only_its_own_password():
    stored = hash_password("pw-1234567890")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "pw-1234567890")
    assert not verify_password(stored, "pw-0987654321")
    assert not verify_password(None, "anything")


class GatedHasher:
    """The suite's hasher, but verify waits (in whichever thread runs it) until released."""

    def __init__(self, inner: PasswordHasher) -> None:
        self.inner = inner
        self.started = threading.Event()
        self.release = threading.Event()
        self.released_while_running = False

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        self.started.set()
        # On the event loop this wait blocks every other request, so nobody releases it in time.
        self.released_while_running = self.release.wait(3)
        return self.inner.verify(stored, password)


async def test_a_login_verifies_the_password_off_the_event_loop(api, monkeypatch):
    member = await make_member()
    gated = GatedHasher(auth_core.HASHER)
    monkeypatch.setattr(auth_core, "HASHER", gated)

    async def meanwhile() -> None:
        await asyncio.to_thread(gated.started.wait, 3)
        await api.ok("{ branches { id } }", token="")
        gated.release.set()

    result, _ = await asyncio.gather(login(api, member.user.email, PASSWORD), meanwhile())
    assert codes(result) == []
    assert gated.released_while_running  # the other request was served while the password was checked
