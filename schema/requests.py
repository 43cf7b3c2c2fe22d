"""Requests to the distributor: helpdesk tickets, address changes, new customer numbers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeVar

import strawberry
from strawberry.types import Info

from models import request as m
from resolvers.company import requests as rules
from resolvers.core import ids
from resolvers.core.access import readable
from resolvers.core.context import Context
from resolvers.core.permissions import Permission
from schema.account import CustomerNumber, CustomerNumberKind
from schema.core.base import Address, AddressInput, Node, UserError, attempt, ctx, errors_field
from schema.core.node import node_type

M = TypeVar("M", m.AddressChangeRequest, m.CustomerNumberRequest)
TicketKind = strawberry.enum(m.TicketKind, name="TicketKind")
RequestStatus = strawberry.enum(m.RequestStatus, name="RequestStatus")


@strawberry.type
class HelpdeskTicket(Node):
    number: str
    kind: TicketKind  # type: ignore[valid-type]
    subject: str
    created_at: datetime
    resolved: bool

    @staticmethod
    def of(row: m.HelpdeskTicket) -> HelpdeskTicket:
        return HelpdeskTicket(
            id=strawberry.ID(ids.encode("HelpdeskTicket", row.id)),
            number=row.number,
            kind=row.kind,
            subject=row.subject,
            created_at=row.created_at,
            resolved=row.resolved,
        )


@strawberry.type(description="A request for a new BILL_TO or SHIP_TO customer number; staff decide.")
class CustomerNumberRequest(Node):
    kind: CustomerNumberKind  # type: ignore[valid-type]
    name: str
    address: Address
    note: str | None
    status: RequestStatus  # type: ignore[valid-type]
    created_at: datetime
    row: strawberry.Private[m.CustomerNumberRequest]

    @staticmethod
    def of(row: m.CustomerNumberRequest) -> CustomerNumberRequest:
        return CustomerNumberRequest(
            id=strawberry.ID(ids.encode("CustomerNumberRequest", row.id)),
            kind=row.kind,
            name=row.name,
            address=Address.of(row),
            note=row.note,
            status=row.status,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="The number created when staff approved the request.")
    async def customer_number(self, info: Info) -> CustomerNumber | None:
        cn_id = self.row.customer_number_id  # type: ignore[attr-defined]
        if cn_id is None:
            return None
        row = await ctx(info).customer_number_by_id.load(cn_id)
        return CustomerNumber.of(row) if row else None


@strawberry.type(description="Billing and delivery data change only through the distributor.")
class AddressChangeRequest(Node):
    address: Address
    note: str | None
    status: RequestStatus  # type: ignore[valid-type]
    created_at: datetime
    row: strawberry.Private[m.AddressChangeRequest]

    @staticmethod
    def of(row: m.AddressChangeRequest) -> AddressChangeRequest:
        return AddressChangeRequest(
            id=strawberry.ID(ids.encode("AddressChangeRequest", row.id)),
            address=Address.of(row),
            note=row.note,
            status=row.status,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field
    async def customer_number(self, info: Info) -> CustomerNumber:
        return CustomerNumber.of(
            await ctx(info).customer_number_by_id.load(self.row.customer_number_id)  # type: ignore[attr-defined]
        )


# ---------------------------------------------------------------- Query.node


async def _visible(model: type[M], c: Context, pk: uuid.UUID) -> M | None:
    """Requests are seen by staff and by the members who manage the company that made them."""
    if c.staff_role is not None:
        return await model.get_or_none(id=pk)
    if Permission.MANAGE_COMPANY not in c.permissions:
        return None
    return await readable(model, c).get_or_none(id=pk)


@node_type("HelpdeskTicket")
async def _helpdesk_ticket(c: Context, pk: uuid.UUID) -> HelpdeskTicket | None:
    row = await rules.ticket_for_node(c, pk)
    return HelpdeskTicket.of(row) if row else None


@node_type("AddressChangeRequest")
async def _address_change_request(c: Context, pk: uuid.UUID) -> AddressChangeRequest | None:
    row = await _visible(m.AddressChangeRequest, c, pk)
    return AddressChangeRequest.of(row) if row else None


@node_type("CustomerNumberRequest")
async def _customer_number_request(c: Context, pk: uuid.UUID) -> CustomerNumberRequest | None:
    row = await _visible(m.CustomerNumberRequest, c, pk)
    return CustomerNumberRequest.of(row) if row else None


# ---------------------------------------------------------------- inputs and payloads


@strawberry.input
class HelpdeskRequestInput:
    kind: TicketKind  # type: ignore[valid-type]
    subject: str
    message: str
    email: str | None = strawberry.field(default=None, description="Required when not signed in.")
    vat_number: str | None = strawberry.field(
        default=None, description="For ABUSE_REPORT: the VAT number of the company concerned."
    )


@strawberry.type
class HelpdeskTicketPayload:
    ticket: HelpdeskTicket | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class AddressChangeRequestInput:
    customer_number_id: strawberry.ID
    address: AddressInput
    note: str | None = None


@strawberry.type
class AddressChangeRequestPayload:
    request: AddressChangeRequest | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class CustomerNumberRequestInput:
    kind: CustomerNumberKind = strawberry.field(description="BILL_TO or SHIP_TO.")  # type: ignore[valid-type]
    name: str
    address: AddressInput
    note: str | None = None


@strawberry.type
class CustomerNumberRequestPayload:
    request: CustomerNumberRequest | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class RequestMutation:
    @strawberry.mutation
    async def helpdesk_request(self, info: Info, input: HelpdeskRequestInput) -> HelpdeskTicketPayload:
        action = rules.open_ticket(ctx(info), input.kind, input.subject, input.message, input.email, input.vat_number)
        return await attempt(HelpdeskTicketPayload, action, ticket=HelpdeskTicket.of)

    @strawberry.mutation
    async def address_change_request(self, info: Info, input: AddressChangeRequestInput) -> AddressChangeRequestPayload:
        action = rules.request_address_change(ctx(info), input.customer_number_id, input.address, input.note)
        return await attempt(AddressChangeRequestPayload, action, request=AddressChangeRequest.of)

    @strawberry.mutation
    async def customer_number_request(
        self, info: Info, input: CustomerNumberRequestInput
    ) -> CustomerNumberRequestPayload:
        action = rules.request_customer_number(ctx(info), input.kind, input.name, input.address, input.note)
        return await attempt(CustomerNumberRequestPayload, action, request=CustomerNumberRequest.of)
