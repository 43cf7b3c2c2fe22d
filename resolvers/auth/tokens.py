"""Passwords, bearer sessions and e-mailed tokens: the primitives every account flow uses."""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models import Membership, Session, TokenPurpose, User, UserToken
from resolvers.core.clock import now
from resolvers.core.context import SessionRow, token_hash

# argon2id at OWASP's first recommended setting (m=19 MiB, t=2, p=1).
ARGON2_PARAMETERS: dict[str, Any] = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
HASHER = PasswordHasher(**ARGON2_PARAMETERS)
# A fixed hash to verify against when the user does not exist, so timing says nothing.
DUMMY_HASH = HASHER.hash("not-a-password-of-anyone")

TOKEN_LIFETIME = {
    TokenPurpose.VERIFY_EMAIL: timedelta(days=2),
    TokenPurpose.RESET_PASSWORD: timedelta(minutes=30),
    TokenPurpose.INVITATION: timedelta(days=7),
}


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(password_hash or DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# Argon2 takes tens of milliseconds of CPU by design: requests hash and verify in a worker
# thread (argon2-cffi releases the GIL), so other requests keep being served meanwhile.
async def hash_password_in_thread(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_in_thread(password_hash: str | None, password: str) -> bool:
    """verify_password; with None, the same work against a dummy hash, so timing says nothing."""
    return await asyncio.to_thread(verify_password, password_hash, password)


async def create_session(user: User, membership: Membership | None, hours: int) -> tuple[Session, str]:
    """A new session; returns it with its token, which is never stored (only its hash)."""
    token = secrets.token_urlsafe(32)
    session = await Session.create(
        token_hash=token_hash(token),
        user=user,
        membership=membership,
        expires_at=now() + timedelta(hours=hours),
    )
    return session, token


async def revoke_sessions(user: User, keep: Session | SessionRow | None = None) -> None:
    qs = Session.filter(user_id=user.id, revoked_at=None)
    if keep is not None:
        qs = qs.exclude(id=keep.id)
    await qs.update(revoked_at=now())


async def issue_token(user: User, purpose: TokenPurpose) -> str:
    """A single-use token for an e-mailed link; stored hashed."""
    token = secrets.token_urlsafe(32)
    await UserToken.create(
        token_hash=token_hash(token), user=user, purpose=purpose, expires_at=now() + TOKEN_LIFETIME[purpose]
    )
    return token


async def consume_token(token: str, *purposes: TokenPurpose) -> User | None:
    """The user behind a live token of one of the purposes, marking it used (atomically)."""
    row = await UserToken.filter(
        token_hash=token_hash(token), purpose__in=list(purposes), used_at=None, expires_at__gt=now()
    ).first()
    if row is None:
        return None
    # Conditional update: of two concurrent uses of one token, only one succeeds.
    if not await UserToken.filter(id=row.id, used_at=None).update(used_at=now()):
        return None
    return await User.get(id=row.user_id)


def link(public_url: str, path: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/{path}?token={token}"
