"""The back office: Query.backoffice for staff dashboards and the staff decisions."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from strawberry.types import Info

from models import AuditEvent as AuditEventRow
from models import IntegrationScope, OutboxMail, StaffRole
from resolvers import backoffice as bo
from resolvers.account import user_by_id
from resolvers.core import ids, mail
from schema.account import User
from schema.api_client import backoffice_api_clients
from schema.company import (
    AddressChangeRequest,
    AddressChangeRequestPayload,
    Company,
    CompanyPayload,
    CompanyStatus,
    CustomerNumber,
    CustomerNumberKind,
    CustomerNumberRequest,
    CustomerNumberRequestPayload,
    HelpdeskTicket,
    HelpdeskTicketPayload,
    RequestStatus,
)
from schema.core.base import AddressInput, UserError, attempt, ctx, errors_field
from schema.core.connection import Connection
from schema.core.permissions import DECIDERS, STAFF, requires
from schema.dashboard import backoffice_dashboard
from schema.event import backoffice_events
from schema.order import backoffice_orders
from schema.quote import Quote, quote_requests
from schema.scan_list import backoffice_scan_lists
from schema.validation import backoffice_validation_lists
from schema.webhook import backoffice_webhook_subscriptions


@strawberry.type
class AuditEvent:
    id: strawberry.ID
    at: datetime
    action: str = strawberry.field(description="E.g. membership.role_changed, validation_list.approved.")
    target_id: strawberry.ID | None
    details: str | None = strawberry.field(description="JSON object with before/after values.")
    row: strawberry.Private[AuditEventRow]

    @staticmethod
    def of(row: AuditEventRow) -> AuditEvent:
        return AuditEvent(
            id=strawberry.ID(ids.encode("AuditEvent", row.id)),
            at=row.created_at,
            action=row.action,
            target_id=strawberry.ID(row.target_id) if row.target_id else None,
            details=json.dumps(row.details, sort_keys=True),
            row=row,
        )

    @strawberry.field
    async def actor(self, info: Info) -> User | None:
        actor_id = self.row.actor_id
        if actor_id is None:  # aiodataloader cannot load None
            return None
        user = await user_by_id(ctx(info)).load(actor_id)
        return User.of(user) if user else None


@strawberry.type(description="An e-mail the outbox gave up on: a permanent (5xx) refusal, or every attempt failed.")
class FailedMail:
    to: str
    subject: str
    attempts: int
    last_error: str | None = strawberry.field(description="The SMTP server's last answer, or the connection error.")
    created_at: datetime
    failed_at: datetime

    @staticmethod
    def of(row: OutboxMail) -> FailedMail:
        assert row.failed_at is not None
        return FailedMail(
            to=row.to,
            subject=row.subject,
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            failed_at=row.failed_at,
        )


@strawberry.input
class CompanyFilter:
    status: list[CompanyStatus] | None = None
    search: str | None = strawberry.field(default=None, description="Name, VAT number or customer number.")


@strawberry.input
class CustomerNumberCreateInput:
    company_id: strawberry.ID
    kind: CustomerNumberKind
    name: str
    address: AddressInput


@strawberry.type
class CustomerNumberPayload:
    customer_number: CustomerNumber | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type(description="The distributor's side, for internal dashboards. Every field requires a staff role.")
class Backoffice:
    @strawberry.field(extensions=[requires(STAFF)])
    async def companies(
        self, info: Info, filter: CompanyFilter | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Company]:
        f = filter or CompanyFilter()
        page = await bo.companies(ctx(info), f.status, f.search, first, after)
        return Connection.of(page, [Company.of(r) for r in page.rows])

    @strawberry.field(
        extensions=[requires(STAFF)], description="Quotes customers asked for and nobody priced yet, oldest first."
    )
    async def quote_requests(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Quote]:
        return await quote_requests(info, first, after)

    validation_lists = strawberry.field(
        resolver=backoffice_validation_lists,
        extensions=[requires(STAFF)],
        description="Validation lists of every company, oldest first; SUBMITTED only unless the filter names statuses.",
    )

    scan_lists = strawberry.field(
        resolver=backoffice_scan_lists,
        extensions=[requires(STAFF)],
        description="Scan lists of every company, oldest first; approved: false gives the lists awaiting approval.",
    )

    orders = strawberry.field(
        resolver=backoffice_orders,
        extensions=[requires(STAFF, IntegrationScope.READ_ALL)],
        description="Every company's orders (staff or READ_ALL). Newest first; companyId limits them to one company.",
    )

    events = strawberry.field(
        resolver=backoffice_events,
        extensions=[requires(STAFF, IntegrationScope.READ_ALL)],
        description="The event feed, oldest first from `after`: the ERP's pull. Staff or READ_ALL.",
    )

    dashboard = strawberry.field(
        resolver=backoffice_dashboard,
        extensions=[requires(STAFF)],
        description="Figures for internal dashboards over [from, to] (Europe/Brussels days, at most 3 years).",
    )

    @strawberry.field(extensions=[requires(STAFF)])
    async def address_change_requests(
        self,
        info: Info,
        status: RequestStatus | None = None,
    ) -> list[AddressChangeRequest]:
        return [AddressChangeRequest.of(r) for r in await bo.address_change_requests(ctx(info), status)]

    @strawberry.field(extensions=[requires(STAFF)])
    async def customer_number_requests(
        self,
        info: Info,
        status: RequestStatus | None = None,
    ) -> list[CustomerNumberRequest]:
        return [CustomerNumberRequest.of(r) for r in await bo.customer_number_requests(ctx(info), status)]

    @strawberry.field(
        extensions=[requires(STAFF)],
        description="E-mails that were never delivered (FAILED), newest first, at most 100.",
    )
    async def failed_mails(self, info: Info) -> list[FailedMail]:
        return [FailedMail.of(r) for r in await mail.failed_mails(ctx(info))]

    webhook_subscriptions = strawberry.field(
        resolver=backoffice_webhook_subscriptions,
        extensions=[requires(StaffRole.ADMINISTRATOR, IntegrationScope.MANAGE_WEBHOOKS)],
        description="The distributor's webhook subscriptions (staff ADMINISTRATOR or MANAGE_WEBHOOKS).",
    )

    @strawberry.field(extensions=[requires(STAFF)])
    async def helpdesk_tickets(self, info: Info, resolved: bool | None = None) -> list[HelpdeskTicket]:
        return [HelpdeskTicket.of(r) for r in await bo.helpdesk_tickets(ctx(info), resolved)]

    @strawberry.field(extensions=[requires(STAFF)])
    async def audit_events(
        self, info: Info, company_id: strawberry.ID | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEvent]:
        page = await bo.audit_events(ctx(info), company_id, first, after)
        return Connection.of(page, [AuditEvent.of(r) for r in page.rows])

    api_clients = strawberry.field(
        resolver=backoffice_api_clients,
        extensions=[requires(StaffRole.ADMINISTRATOR)],
        description="The distributor's API clients (staff ADMINISTRATOR).",
    )


@strawberry.type
class BackofficeQuery:
    @strawberry.field(
        extensions=[requires(STAFF, *IntegrationScope, null=True)],
        description="Null unless the viewer is staff.\n"
        "Distributor API clients get past too: each field says what it needs.",
    )
    def backoffice(self, info: Info) -> Backoffice | None:
        return Backoffice()


@strawberry.type
class BackofficeMutation:
    @strawberry.mutation(extensions=[requires(*DECIDERS)])
    async def company_approve(self, info: Info, id: strawberry.ID) -> CompanyPayload:
        return await attempt(CompanyPayload, bo.company_approve(ctx(info), id), company=Company.of)

    @strawberry.mutation(extensions=[requires(*DECIDERS)])
    async def company_reject(self, info: Info, id: strawberry.ID, reason: str) -> CompanyPayload:
        return await attempt(CompanyPayload, bo.company_reject(ctx(info), id, reason), company=Company.of)

    @strawberry.mutation(extensions=[requires(*DECIDERS)])
    async def company_fast_entry_set(self, info: Info, id: strawberry.ID, enabled: bool) -> CompanyPayload:
        return await attempt(CompanyPayload, bo.company_fast_entry_set(ctx(info), id, enabled), company=Company.of)

    @strawberry.mutation(extensions=[requires(*DECIDERS)])
    async def company_representative_set(self, info: Info, id: strawberry.ID, user_id: strawberry.ID) -> CompanyPayload:
        return await attempt(CompanyPayload, bo.company_representative_set(ctx(info), id, user_id), company=Company.of)

    @strawberry.mutation(extensions=[requires(*DECIDERS)])
    async def customer_number_create(self, info: Info, input: CustomerNumberCreateInput) -> CustomerNumberPayload:
        action = bo.customer_number_create(ctx(info), input.company_id, input.kind, input.name, input.address)
        return await attempt(CustomerNumberPayload, action, customer_number=CustomerNumber.of)

    @strawberry.mutation(extensions=[requires(*DECIDERS)])
    async def customer_number_request_decide(
        self, info: Info, id: strawberry.ID, approve: bool
    ) -> CustomerNumberRequestPayload:
        return await attempt(
            CustomerNumberRequestPayload,
            bo.customer_number_request_decide(ctx(info), id, approve),
            request=CustomerNumberRequest.of,
        )

    @strawberry.mutation(extensions=[requires(*DECIDERS)])
    async def address_change_request_decide(
        self, info: Info, id: strawberry.ID, approve: bool
    ) -> AddressChangeRequestPayload:
        return await attempt(
            AddressChangeRequestPayload,
            bo.address_change_request_decide(ctx(info), id, approve),
            request=AddressChangeRequest.of,
        )

    @strawberry.mutation(extensions=[requires(STAFF)])
    async def helpdesk_ticket_resolve(self, info: Info, id: strawberry.ID) -> HelpdeskTicketPayload:
        return await attempt(HelpdeskTicketPayload, bo.helpdesk_ticket_resolve(ctx(info), id), ticket=HelpdeskTicket.of)
