"""Submits with a client key (cartSubmit, quickListSubmit, quoteAccept, scanSubmit, reorder): the first
result is kept per membership and key, so a retry returns it and never submits twice."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    IdempotencyRecord,
    Membership,
    Order,
    ValidationList,
)
from resolvers.core import ids
from resolvers.core.errors import DomainError, ErrorCode
from resolvers.core.i18n import tr

MAX_KEY = 200
R = TypeVar("R", ValidationList, Order)


class _Taken(Exception):
    """The idempotency key was claimed by another (committed) submit."""


def fingerprint(**values: Any) -> str:
    """sha256 of the normalised request: keys sorted, Decimals as normalised strings, ids as text."""

    def norm(value: Any) -> Any:
        if isinstance(value, Decimal):
            # NaN, infinities and huge exponents (refused after hashing) stay as written:
            # normalize() raises for some, and "f" would write 1e999999 as a million digits.
            if not value.is_finite() or abs(value.adjusted()) > 30:
                return str(value)
            return format(value.normalize(), "f")
        if isinstance(value, Mapping):
            return {str(k): norm(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        if isinstance(value, (list, tuple)):
            return [norm(v) for v in value]
        if isinstance(value, str):
            return value.strip()
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if hasattr(value, "__dict__") and not isinstance(value, type):
            return norm({k: v for k, v in vars(value).items() if not k.startswith("_")})
        return str(value)

    raw = json.dumps(norm(values), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def check_key(key: str | None, field: Sequence[str] = ("input", "idempotencyKey")) -> str:
    """A non-empty key of at most 200 characters (REQUIRED / TOO_LONG)."""
    cleaned = (key or "").strip()
    if not cleaned:
        raise DomainError(ErrorCode.REQUIRED, tr("An idempotency key is required."), field)
    if len(cleaned) > MAX_KEY:
        raise DomainError(ErrorCode.TOO_LONG, tr("At most {count} characters.", count=MAX_KEY), field)
    return cleaned


async def _replay(membership: Membership, key: str, request_hash: str, operation: str) -> Any | None:
    """The first result for this key, or None when the key is free; REUSED for another request."""
    rec = await IdempotencyRecord.get_or_none(membership_id=membership.id, key=key)
    if rec is None:
        return None
    if rec.request_hash != request_hash or rec.operation != operation or rec.result_id is None:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            tr("This idempotency key was already used for another request."),
            ["input", "idempotencyKey"],
        )
    parsed = ids.parse(rec.result_id)
    model = {"ValidationList": ValidationList, "Order": Order}[parsed[0]] if parsed else None
    if model is None or parsed is None:
        raise RuntimeError(f"idempotency record {rec.id} has an unknown result {rec.result_id!r}")
    return await model.get(id=uuid.UUID(parsed[1]))


async def run_once(
    membership: Membership,
    key: str,
    request_hash: str,
    operation: str,
    action: Callable[[], Awaitable[R]],
    announce: Callable[[R], Awaitable[Any]] | None = None,
) -> R:
    """Run `action` (which creates a ValidationList or an Order) in one transaction, once per key.

    The IdempotencyRecord is inserted first inside that transaction, so `action` only runs for
    the submit that owns the key; a DomainError from `action` rolls the claim back too. A repeat
    (also a concurrent one) returns the first result and creates nothing. `announce(result)`
    writes the result's events (resolvers.event.emit): the transaction's last writes.
    """
    key = check_key(key)
    first = await _replay(membership, key, request_hash, operation)
    if first is not None:
        return first
    try:
        async with in_transaction():
            try:
                claim = await IdempotencyRecord.create(
                    membership_id=membership.id, key=key, operation=operation, request_hash=request_hash
                )
            except IntegrityError:
                raise _Taken() from None
            result = await action()
            await IdempotencyRecord.filter(id=claim.id).update(result_id=ids.encode(type(result).__name__, result.id))
            if announce is not None:
                await announce(result)
    except _Taken:
        first = await _replay(membership, key, request_hash, operation)
        if first is None:  # the winner rolled back between our insert and this read: try again
            return await run_once(membership, key, request_hash, operation, action, announce)
        return first
    return result
