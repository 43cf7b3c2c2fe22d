"""Sign-in throttles. Each attempt is counted first, by one conditional UPDATE, and the password
is checked only when the count admitted it, so parallel attempts can never overtake the limits.

Per account: 10 failures within 15 minutes lock its sign-in for 15 minutes (SPEC). Per client
address: 30 failures within 15 minutes refuse that address's attempts, and at most 5 of them
count against any one account, so a single address can lock no account (it takes failures from
at least two); attempts an address limit refused count against no account.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from models import LoginThrottle, User
from resolvers.core.clock import now
from resolvers.core.context import Context

MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_LOCK = timedelta(minutes=15)
MAX_FAILURES_PER_ADDRESS = 30
MAX_FAILURES_PER_ADDRESS_AND_ACCOUNT = 5


def client_address(ctx: Context) -> str:
    """The caller's address from the ASGI scope (behind a proxy, uvicorn --proxy-headers sets it).
    IPv6 counts by /64 network: one subscriber holds a whole /64, so single addresses are free."""
    client = getattr(ctx.request, "client", None)
    host = client.host if client else "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def _address_key(address: str) -> str:
    return f"address|{address}"


def _account_key(address: str, user: User) -> str:
    return f"address|{address}|user|{user.id}"


async def _count_in(key: str, limit: int) -> bool:
    """Count one failure under `key` if its window holds fewer than `limit`; False when full."""
    t = now()
    current = Q(window_start__gt=t - FAILED_LOGIN_WINDOW)
    for _ in range(3):
        if await LoginThrottle.filter(current, key=key, failures__lt=limit).update(failures=F("failures") + 1):
            return True
        if await LoginThrottle.filter(key=key, window_start__lte=t - FAILED_LOGIN_WINDOW).update(
            failures=1, window_start=t
        ):
            return True
        if await LoginThrottle.filter(current, key=key, failures__gte=limit).exists():
            return False
        # A new key: first drop the rows of windows long past, so the table stays small.
        await LoginThrottle.filter(window_start__lte=t - FAILED_LOGIN_WINDOW).delete()
        try:
            await LoginThrottle.create(key=key, failures=1, window_start=t)
            return True
        except IntegrityError:  # a concurrent first failure made the row: count in it
            continue
    return False


async def count_account_attempt(user: User) -> bool:
    """Count one attempt against the account as a failure, unless it is locked or its window
    is full (False). The count stands if the password turns out wrong; a success resets it."""
    t = now()
    unlocked = Q(login_locked_until=None) | Q(login_locked_until__lte=t)
    current = Q(failed_login_window_start__gt=t - FAILED_LOGIN_WINDOW)
    stale = Q(failed_login_window_start=None) | Q(failed_login_window_start__lte=t - FAILED_LOGIN_WINDOW)
    for _ in range(3):
        if await User.filter(unlocked, current, id=user.id, failed_logins__lt=MAX_FAILED_LOGINS).update(
            failed_logins=F("failed_logins") + 1
        ):
            return True
        if await User.filter(unlocked, stale, id=user.id).update(failed_logins=1, failed_login_window_start=t):
            return True
        if not await User.filter(unlocked, id=user.id).exists():
            return False  # locked
        if await User.filter(current, id=user.id, failed_logins__gte=MAX_FAILED_LOGINS).exists():
            return False  # the window is full: its last failure is locking the account
    return False


async def count_login_attempt(ctx: Context, user: User | None) -> bool:
    """Count a sign-in attempt against the client address, then the address and account, then
    the account (each only if the one before admitted it); False when a limit refuses it."""
    address = client_address(ctx)
    if not await _count_in(_address_key(address), MAX_FAILURES_PER_ADDRESS):
        return False
    if user is None:
        return True
    if not await _count_in(_account_key(address, user), MAX_FAILURES_PER_ADDRESS_AND_ACCOUNT):
        return False
    return await count_account_attempt(user)


async def failed(user: User) -> None:
    """The password was wrong: lock the account once its window holds the 10th failure."""
    t = now()
    unlocked = Q(login_locked_until=None) | Q(login_locked_until__lte=t)
    await User.filter(unlocked, id=user.id, failed_logins__gte=MAX_FAILED_LOGINS).update(
        login_locked_until=t + LOGIN_LOCK
    )


def lifted() -> dict[str, Any]:
    """The account's throttle columns reset (a right password, a completed reset)."""
    return {"failed_logins": 0, "failed_login_window_start": None, "login_locked_until": None}


async def succeeded(ctx: Context | None, user: User) -> None:
    """The password was right: reset the account's count and the address's count against it,
    and give back this attempt's count of the address (others' failures from it stand)."""
    await User.filter(id=user.id).update(**lifted())
    if ctx is not None:
        address = client_address(ctx)
        await LoginThrottle.filter(key=_account_key(address, user)).delete()
        await LoginThrottle.filter(key=_address_key(address), failures__gt=0).update(failures=F("failures") - 1)


async def forget_account(user: User) -> None:
    """A completed reset: the account's lock and its per-address counts are lifted."""
    await LoginThrottle.filter(key__endswith=f"|user|{user.id}").delete()
