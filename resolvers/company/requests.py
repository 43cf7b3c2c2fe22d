"""What customers ask of the distributor: address changes, customer numbers, helpdesk tickets."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from models import (
    AddressChangeRequest,
    CustomerNumber,
    CustomerNumberKind,
    CustomerNumberRequest,
    HelpdeskTicket,
    Locale,
    TicketKind,
)
from resolvers.company.events import address_change_requested, customer_number_requested
from resolvers.core import audit, ids, mail, validate
from resolvers.core.access import get_for_company
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems
from resolvers.core.i18n import tr
from resolvers.core.permissions import Permission
from resolvers.core.sequence import next_value

MAX_SUBJECT = 200
MAX_MESSAGE = 5000


ADDRESS_COLUMNS = {
    "line1": "line1",
    "line2": "line2",
    "postal_code": "postalCode",
    "city": "city",
    "country_code": "countryCode",
}


def _address_details(values: dict[str, Any]) -> dict[str, Any]:
    """Address columns as the audit event's before/after names them."""
    return {name: values[column] for column, name in ADDRESS_COLUMNS.items()}


async def request_address_change(
    ctx: Context, customer_number_id: str, address: Any, note: str | None
) -> AddressChangeRequest:
    """Administrators ask to change the address of one of their customer numbers; the address
    itself changes only when staff approve the PENDING request."""
    membership = ctx.require(Permission.MANAGE_COMPANY)
    p = Problems()
    columns = validate.address(p, address, "input", "address")
    note = validate.text(p, note, "input", "note", max_length=validate.MAX_NOTE, required=False)
    customer_number: CustomerNumber | None = None
    # Not attempt(): a foreign or unknown number is one more problem, reported with the others.
    try:
        customer_number = await get_for_company(CustomerNumber, customer_number_id, ctx, ("input", "customerNumberId"))
    except DomainError as error:
        p.items.extend(error.problems)
    p.raise_any()
    assert customer_number is not None
    async with in_transaction():
        request = await AddressChangeRequest.create(
            company_id=membership.company_id,
            requested_by=ctx.user,
            customer_number=customer_number,
            note=note,
            **columns,
        )
        await audit.record(
            ctx.user,
            "address_change.requested",
            company_id=request.company_id,
            target_id=ids.encode("AddressChangeRequest", request.id),
            before={
                "customerNumber": customer_number.number,
                **_address_details({c: getattr(customer_number, c) for c in ADDRESS_COLUMNS}),
            },
            after={"customerNumber": customer_number.number, **_address_details(columns), "note": note},
        )
        await address_change_requested(request, customer_number)
    return request


async def request_customer_number(
    ctx: Context, kind: CustomerNumberKind, name: str, address: Any, note: str | None
) -> CustomerNumberRequest:
    """Administrators ask for a new BILL_TO or SHIP_TO number (a company has one SOLD_TO);
    staff decide on the PENDING request."""
    membership = ctx.require(Permission.MANAGE_COMPANY)
    p = Problems()
    if kind == CustomerNumberKind.SOLD_TO:
        p.add(
            ErrorCode.INVALID, tr("Ask for a BILL_TO or SHIP_TO number; an account has one SOLD_TO."), "input", "kind"
        )
    clean_name = validate.text(p, name, "input", "name")
    columns = validate.address(p, address, "input", "address")
    note = validate.text(p, note, "input", "note", max_length=validate.MAX_NOTE, required=False)
    p.raise_any()
    async with in_transaction():
        request = await CustomerNumberRequest.create(
            company_id=membership.company_id,
            requested_by=ctx.user,
            kind=kind,
            name=clean_name,
            note=note,
            **columns,
        )
        await audit.record(
            ctx.user,
            "customer_number.requested",
            company_id=request.company_id,
            target_id=ids.encode("CustomerNumberRequest", request.id),
            after={"kind": kind.value, "name": clean_name, **_address_details(columns), "note": note},
        )
        await customer_number_requested(request)
    return request


async def open_ticket(
    ctx: Context, kind: TicketKind, subject: str, message: str, email: str | None, vat_number: str | None
) -> HelpdeskTicket:
    """Anyone opens a helpdesk ticket (e.g. to report abuse of a VAT number); the helpdesk is
    e-mailed. Signed-in users write from their own e-mail address."""
    p = Problems()
    subject_ = validate.text(p, subject, "input", "subject", max_length=MAX_SUBJECT)
    message_ = validate.text(p, message, "input", "message", max_length=MAX_MESSAGE)
    user = ctx.user
    if user is not None:
        sender = user.email
    elif not (email or "").strip():
        p.add(ErrorCode.REQUIRED, tr("Give an e-mail address to answer to."), "input", "email")
        sender = ""
    else:
        sender = validate.email(p, email, "input", "email")
    # Stored normalised, so staff find the company concerned (e.g. by an ABUSE_REPORT).
    vat = validate.vat_number(p, vat_number, "input", "vatNumber") if (vat_number or "").strip() else None
    p.raise_any()
    async with in_transaction():
        number = f"T{await next_value('ticket'):06d}"
        ticket = await HelpdeskTicket.create(
            number=number, kind=kind, subject=subject_, message=message_, email=sender, vat_number=vat, user=user
        )
        await mail.enqueue(
            ctx.settings.helpdesk_email,
            "helpdesk_ticket",
            Locale.EN,
            number=number,
            subject=subject_ or "",
            ticket_kind=kind.value,
            email=sender,
            vat=vat or "-",
            message=message_ or "",
        )
    return ticket
