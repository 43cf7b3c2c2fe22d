from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import asyncpg
from tortoise.exceptions import DBConnectionError

from resolvers.core.i18n import N_, tr


class ErrorCode(str, Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_VAT_NUMBER = "INVALID_VAT_NUMBER"
    INVALID_POSTAL_CODE = "INVALID_POSTAL_CODE"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    EMAIL_ALREADY_REGISTERED = "EMAIL_ALREADY_REGISTERED"
    COMPANY_ALREADY_REGISTERED = "COMPANY_ALREADY_REGISTERED"
    CUSTOMER_NUMBER_MISMATCH = "CUSTOMER_NUMBER_MISMATCH"
    ALREADY_MEMBER = "ALREADY_MEMBER"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    ACCOUNT_INACTIVE = "ACCOUNT_INACTIVE"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    INVALID_TOKEN = "INVALID_TOKEN"
    LAST_ADMINISTRATOR = "LAST_ADMINISTRATOR"
    CANNOT_CHANGE_OWN_MEMBERSHIP = "CANNOT_CHANGE_OWN_MEMBERSHIP"
    NOT_FOUND = "NOT_FOUND"
    UNKNOWN_PRODUCT_CODE = "UNKNOWN_PRODUCT_CODE"
    PRODUCT_NOT_ORDERABLE = "PRODUCT_NOT_ORDERABLE"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    QUANTITY_NOT_MULTIPLE = "QUANTITY_NOT_MULTIPLE"
    BELOW_MINIMUM_QUANTITY = "BELOW_MINIMUM_QUANTITY"
    CART_EMPTY = "CART_EMPTY"
    DELIVERY_REQUIRED = "DELIVERY_REQUIRED"
    INVALID_DELIVERY = "INVALID_DELIVERY"
    QUOTE_NOT_ACTIVE = "QUOTE_NOT_ACTIVE"
    INVALID_STATUS_TRANSITION = "INVALID_STATUS_TRANSITION"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    FEATURE_NOT_ENABLED = "FEATURE_NOT_ENABLED"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    QUANTITY_EXCEEDS_OPEN = "QUANTITY_EXCEEDS_OPEN"
    DUPLICATE_REFERENCE = "DUPLICATE_REFERENCE"
    UNSAFE_URL = "UNSAFE_URL"


@dataclass(frozen=True)
class Problem:
    code: ErrorCode
    message: str
    field: tuple[str, ...] | None = None


class DomainError(Exception):
    """An expected failure: becomes the payload's userErrors; the transaction rolls back."""

    def __init__(
        self, code: ErrorCode | Sequence[Problem], message: str = "", field: Sequence[str] | None = None
    ) -> None:
        if isinstance(code, ErrorCode):
            self.problems = [Problem(code, message, tuple(field) if field else None)]
        else:
            self.problems = list(code)
        super().__init__("; ".join(p.message for p in self.problems))


class AccessError(Exception):
    """A top-level error: UNAUTHENTICATED, FORBIDDEN, LIMIT_EXCEEDED (extensions.code)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.extensions = {"code": code}
        super().__init__(message)


def unauthenticated() -> AccessError:
    return AccessError("UNAUTHENTICATED", tr("Sign in first."))


def forbidden() -> AccessError:
    return AccessError("FORBIDDEN", tr("You are not allowed to do this."))


def limit_exceeded(message: str) -> AccessError:
    return AccessError("LIMIT_EXCEEDED", message)


def not_found(field: Sequence[str] | None = None) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, tr("Not found."), field)


class Problems:
    """Collects every input problem before failing once, so a client sees all of them."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, code: ErrorCode, message: str, *field: str) -> None:
        self.items.append(Problem(code, message, tuple(field) or None))

    def raise_any(self) -> None:
        if self.items:
            raise DomainError(self.items)


#: What a request meets when the database is slow or out of reach: a lock, statement or
#: idle-in-transaction timeout, a deadlock or serialization failure (the transaction was rolled
#: back), a full pool or a silent server (TimeoutError), a lost or refused connection.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.LockNotAvailableError,
    asyncpg.exceptions.OperatorInterventionError,  # query cancelled, server shutting down
    asyncpg.exceptions.IdleInTransactionSessionTimeoutError,
    asyncpg.exceptions.TransactionRollbackError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.PostgresConnectionError,
    DBConnectionError,
    TimeoutError,
    ConnectionError,
)
UNAVAILABLE_MESSAGE = N_("The service is busy or briefly unavailable. Try again in a few seconds.")


def is_unavailable(error: BaseException | None) -> bool:
    """Whether an unexpected error (or what caused it: Tortoise wraps some driver errors) is the
    database being unavailable for a moment, so the same request may simply be sent again."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
