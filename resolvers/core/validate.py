"""Input normalisation shared by every domain: trimmed, length-limited, checked values."""

from __future__ import annotations

import re
from typing import Any

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from tortoise.fields import CharField
from tortoise.models import Model

from resolvers.core.errors import ErrorCode, Problems
from resolvers.core.i18n import tr

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254  # the e-mail columns' length
COUNTRIES = {"BE", "NL", "LU", "FR", "DE"}
POSTAL_CODE_RE = {
    "BE": re.compile(r"^\d{4}$"),
    "LU": re.compile(r"^(L-?)?\d{4}$"),
    "NL": re.compile(r"^\d{4} ?[A-Z]{2}$"),
    "FR": re.compile(r"^\d{5}$"),
    "DE": re.compile(r"^\d{5}$"),
}
MIN_PASSWORD = 10
#: Limits of the free texts every domain takes (one definition each, the columns' lengths).
MAX_NAME = 200  # a quick list's or scan list's name
MAX_REFERENCE = 200  # the customer's reference on a submit, quote or scan
MAX_NOTE = 2000  # a note on a submit, a quote or a request to the distributor
MAX_REASON = 1000  # why a validation list was rejected, a quote declined, a company refused


def text(
    problems: Problems, value: str | None, *field: str, max_length: int = 200, required: bool = True
) -> str | None:
    """Trimmed text; REQUIRED when empty and required, TOO_LONG past max_length."""
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            problems.add(ErrorCode.REQUIRED, tr("This value is required."), *field)
        return None
    if len(cleaned) > max_length:
        problems.add(ErrorCode.TOO_LONG, tr("At most {count} characters.", count=max_length), *field)
    return cleaned


def is_email(value: str) -> bool:
    """Shaped like an e-mail address and short enough to look up (a longer one is nobody's)."""
    return len(value) <= MAX_EMAIL and EMAIL_RE.match(value) is not None


def quoted(code: str, limit: int = 40) -> str:
    """A code as messages name it: quoted, and cut to `limit` characters ("...") so a pasted
    kilobyte of text is not said back in full."""
    return repr(code if len(code) <= limit else code[:limit] + "...")


def fits(model: type[Model], column: str, value: str) -> bool:
    """Whether `value` is non-empty and fits the column: a longer one was never stored there, so
    it matches no row (and Tortoise refuses it as a filter value with a ValidationError)."""
    return 0 < len(value) <= max_length(model, column)


def max_length(model: type[Model], column: str) -> int:
    """The length of a CharField column, read from the model so that no limit is copied."""
    field = model._meta.fields_map[column]
    if not isinstance(field, CharField):
        raise TypeError(f"{model.__name__}.{column} is not a CharField")
    return field.max_length


def email(problems: Problems, value: str | None, *field: str) -> str:
    """Lower-cased, trimmed e-mail address (INVALID_EMAIL when it is not one)."""
    cleaned = (value or "").strip().lower()
    if not is_email(cleaned):
        problems.add(ErrorCode.INVALID_EMAIL, tr("This is not a valid e-mail address."), *field)
    return cleaned


def vat_number(problems: Problems, value: str | None, *field: str) -> str:
    """A VAT number valid for its country, normalised like BE0403170701 (python-stdnum)."""
    try:
        return eu_vat.validate(value or "")
    except ValidationError:
        problems.add(ErrorCode.INVALID_VAT_NUMBER, tr("This VAT number is not valid."), *field)
        return (value or "").strip().upper()


def password(problems: Problems, value: str, user_email: str | None, *field: str) -> str:
    """At least 10 characters and not the e-mail address itself (WEAK_PASSWORD)."""
    if len(value) < MIN_PASSWORD:
        problems.add(ErrorCode.WEAK_PASSWORD, tr("Use at least {count} characters.", count=MIN_PASSWORD), *field)
    elif user_email and value.strip().lower() == user_email.lower():
        problems.add(ErrorCode.WEAK_PASSWORD, tr("The password may not be your e-mail address."), *field)
    elif len(value) > 256:
        problems.add(ErrorCode.TOO_LONG, tr("At most 256 characters."), *field)
    return value


#: The columns of an address, wherever one is stored (customer numbers, deliveries, requests).
ADDRESS_COLUMNS = ("line1", "line2", "postal_code", "city", "country_code")


def address(problems: Problems, value: Any, *field: str) -> dict[str, Any]:
    """The columns of an address (line1, line2, postal_code, city, country_code), checked."""
    country = (value.country_code or "").strip().upper()
    if country not in COUNTRIES:
        problems.add(ErrorCode.INVALID, tr("We deliver in BE, NL, LU, FR and DE."), *field, "countryCode")
    postal = (value.postal_code or "").strip().upper()
    pattern = POSTAL_CODE_RE.get(country)
    if not postal:
        problems.add(ErrorCode.REQUIRED, tr("This value is required."), *field, "postalCode")
    elif pattern and not pattern.match(postal):
        problems.add(
            ErrorCode.INVALID_POSTAL_CODE, tr("This postal code is not valid for the country."), *field, "postalCode"
        )
    return {
        "line1": text(problems, value.line1, *field, "line1"),
        "line2": text(problems, value.line2, *field, "line2", required=False),
        "postal_code": postal,
        "city": text(problems, value.city, *field, "city", max_length=100),
        "country_code": country,
    }


def phone(problems: Problems, value: str | None, *field: str) -> str | None:
    return text(problems, value, *field, max_length=40, required=False)
