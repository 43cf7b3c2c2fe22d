"""Rows the back-office tests decide on: a company waiting for review and open requests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest_asyncio

from models import (
    AddressChangeRequest,
    AuditEvent,
    Company,
    CompanyStatus,
    CustomerNumber,
    CustomerNumberKind,
    CustomerNumberRequest,
    HelpdeskTicket,
    Role,
    Sequence,
    StaffRole,
    TicketKind,
    User,
)
from resolvers.core import ids
from tests.factories import Member, make_company, make_member, make_staff


@dataclass
class World:
    staff: User
    token: str
    member: Member
    pending: Company
    sold_to: CustomerNumber
    number_request: CustomerNumberRequest
    address_request: AddressChangeRequest
    ticket: HelpdeskTicket

    def gid(self, row: object) -> str:
        return ids.encode(type(row).__name__, row.id)  # type: ignore[attr-defined]


async def make_number_request(
    member: Member, kind: CustomerNumberKind = CustomerNumberKind.SHIP_TO, name: str = "Chantier Namur"
) -> CustomerNumberRequest:
    return await CustomerNumberRequest.create(
        company=member.company,
        requested_by=member.user,
        kind=kind,
        name=name,
        line1="Rue de Fer 3",
        postal_code="5000",
        city="Namur",
        country_code="BE",
        note="new site",
    )


async def make_address_request(member: Member, number: CustomerNumber) -> AddressChangeRequest:
    return await AddressChangeRequest.create(
        company=member.company,
        requested_by=member.user,
        customer_number=number,
        line1="Meir 10",
        line2="bus 2",
        postal_code="2000",
        city="Antwerpen",
        country_code="BE",
        note="moved",
    )


async def make_ticket(number: str = "HD-1", subject: str = "Abuse") -> HelpdeskTicket:
    return await HelpdeskTicket.create(
        number=number,
        kind=TicketKind.ABUSE_REPORT,
        subject=subject,
        message="Someone used our VAT number.",
        email="victim@example.com",
    )


@pytest_asyncio.fixture
async def world(api) -> World:
    # Factory companies number themselves 100000 + n: keep the sequence clear of them.
    await Sequence.create(name="customer_number", value=700000)
    staff, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    member = await make_member(Role.ADMINISTRATOR)
    pending = await make_company("Pending Ltd", status=CompanyStatus.PENDING_REVIEW)
    sold_to = await CustomerNumber.get(company_id=member.company.id, kind=CustomerNumberKind.SOLD_TO)
    return World(
        staff=staff,
        token=token,
        member=member,
        pending=pending,
        sold_to=sold_to,
        number_request=await make_number_request(member),
        address_request=await make_address_request(member, sold_to),
        ticket=await make_ticket(),
    )


async def audit_actions() -> list[str]:
    return [e.action for e in await AuditEvent.all().order_by("created_at")]
