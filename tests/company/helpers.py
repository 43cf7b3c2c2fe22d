"""Shared pieces of the company tests: inputs as a client sends them, and row counts."""

from __future__ import annotations

from typing import Any

from models import (
    AddressChangeRequest,
    AuditEvent,
    Company,
    CustomerNumber,
    CustomerNumberRequest,
    HelpdeskTicket,
    Membership,
    OutboxMail,
    User,
    UserToken,
)

# Valid Belgian VAT numbers that tests.factories never gives out.
NEW_VAT = ["BE0123456749", "BE0234567873", "BE0345678997", "BE0456789133", "BE0567891250"]
PASSWORD = "a long enough password"

TABLES = (
    User,
    UserToken,
    Company,
    CustomerNumber,
    Membership,
    OutboxMail,
    AuditEvent,
    AddressChangeRequest,
    CustomerNumberRequest,
    HelpdeskTicket,
)


async def counts() -> dict[str, int]:
    """Rows per table, to show that a refused mutation wrote nothing."""
    return {t.__name__: await t.all().count() for t in TABLES}


def address(**kw: Any) -> dict[str, Any]:
    return {"line1": "Rue de la Loi 16", "postalCode": "1000", "city": "Bruxelles", "countryCode": "BE", **kw}


DELIVERY = {"line1": "Chantier 4", "postalCode": "9000", "city": "Gent", "countryCode": "BE"}


def new_user(**kw: Any) -> dict[str, Any]:
    return {"email": "anne@bouw.test", "password": PASSWORD, "firstName": "Anne", "lastName": "Peeters", **kw}


def register_input(vat: str = NEW_VAT[0], **kw: Any) -> dict[str, Any]:
    return {
        "companyName": "Menuiserie Anne",
        "vatNumber": vat,
        "workDomains": ["PVC", "WOOD"],
        "billingAddress": address(),
        "contact": {"name": "Anne Peeters", "email": "info@bouw.test", "phone": "+32 2 555 01 01"},
        "user": new_user(),
        **kw,
    }


def problems(payload: dict) -> list[tuple[str, list[str] | None]]:
    return sorted(((e["code"], e["field"]) for e in payload["userErrors"]), key=str)
