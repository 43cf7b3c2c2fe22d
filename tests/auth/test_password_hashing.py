from __future__ import annotations

from argon2 import PasswordHasher, Type, extract_parameters

from resolvers.auth_core import ARGON2_PARAMETERS, hash_password, verify_password


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
