"""The company domain's events (COMPANY_REGISTERED, COMPANY_APPROVED, CUSTOMER_NUMBER_REQUESTED,
ADDRESS_CHANGE_REQUESTED) and their snapshots; each is emitted as its transaction's last write."""

from __future__ import annotations

from typing import Any

from models import AddressChangeRequest, Company, CustomerNumber, CustomerNumberRequest, EventType, User
from resolvers.core import ids
from resolvers.core.access import of_company
from resolvers.event import address_json, emit, gid, iso


def customer_number_json(row: CustomerNumber) -> dict[str, Any]:
    return {
        "id": ids.encode("CustomerNumber", row.id),
        "number": row.number,
        "kind": row.kind.value,
        "name": row.name,
        "address": address_json(row),
    }


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": ids.encode("User", user.id),
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
    }


async def company_json(company: Company) -> dict[str, Any]:
    """The company with its customer numbers (one query)."""
    numbers = await of_company(CustomerNumber, company.id).order_by("number")
    return {
        "id": ids.encode("Company", company.id),
        "name": company.name,
        "vatNumber": company.vat_number,
        "workDomains": list(company.work_domains),
        "status": company.status.value,
        "customerNumber": company.customer_number,
        "fastEntryEnabled": company.fast_entry_enabled,
        "contact": {"name": company.contact_name, "email": company.contact_email, "phone": company.contact_phone},
        "rejectionReason": company.rejection_reason,
        "createdAt": iso(company.created_at),
        "customerNumbers": [customer_number_json(n) for n in numbers],
    }


async def company_registered(company: Company, administrator: User) -> None:
    """A new company account (ACTIVE, or PENDING_REVIEW for a VAT number already registered)
    with its first ADMINISTRATOR."""
    data = {**await company_json(company), "administrator": user_json(administrator)}
    await emit(EventType.COMPANY_REGISTERED, ids.encode("Company", company.id), data, company.id)


async def company_approved(company: Company) -> None:
    """Staff approved a company that waited for review: it is ACTIVE."""
    await emit(EventType.COMPANY_APPROVED, ids.encode("Company", company.id), await company_json(company), company.id)


def _request_json(row: CustomerNumberRequest | AddressChangeRequest) -> dict[str, Any]:
    return {
        "id": ids.encode(type(row).__name__, row.id),
        "companyId": ids.encode("Company", row.company_id),
        "status": row.status.value,
        "address": address_json(row),
        "note": row.note,
        "requestedBy": gid("User", row.requested_by_id),
        "createdAt": iso(row.created_at),
    }


async def customer_number_requested(row: CustomerNumberRequest) -> None:
    """An administrator asked for a new BILL_TO or SHIP_TO number."""
    data = {**_request_json(row), "kind": row.kind.value, "name": row.name}
    await emit(EventType.CUSTOMER_NUMBER_REQUESTED, data["id"], data, row.company_id)


async def address_change_requested(row: AddressChangeRequest, number: CustomerNumber) -> None:
    """An administrator asked to change a customer number's address (`address` is the new one)."""
    data = {**_request_json(row), "customerNumber": customer_number_json(number)}
    await emit(EventType.ADDRESS_CHANGE_REQUESTED, data["id"], data, row.company_id)
