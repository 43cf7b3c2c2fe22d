"""Company accounts: registration, access requests, contact data."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

import models as m
from models import CompanyStatus, CustomerNumberKind, RequestStatus, TicketKind, WorkDomain
from resolvers.account import user_by_id
from resolvers.company import registration as rules
from resolvers.company import requests
from resolvers.company.loaders import customer_number_by_id, customer_numbers_by_company_id
from resolvers.core import ids
from resolvers.core.errors import forbidden
from resolvers.core.permissions import Permission
from resolvers.invoice.reads import credit
from resolvers.membership import memberships_by_company_id
from schema.account import Locale
from schema.api_client import ApiClient, company_api_clients
from schema.article_code import ArticleCode, company_article_codes
from schema.core.base import (
    Address,
    AddressInput,
    ContactDetails,
    ContactInput,
    Node,
    UserError,
    attempt,
    ctx,
    describe_values,
    errors_field,
    later,
)
from schema.core.connection import Connection
from schema.core.node import readable_node
from schema.core.permissions import PUBLIC, requires
from schema.membership import Membership, MembershipStatus, sees_company
from schema.webhook import WebhookSubscription, company_webhook_subscriptions

if TYPE_CHECKING:
    from schema.invoice import CreditSummary

strawberry.enum(WorkDomain, name="WorkDomain")


@strawberry.input
class NewUserInput:
    email: str
    password: str
    first_name: str
    last_name: str
    phone: str | None = None
    locale: Locale | None = None


@strawberry.input
class CompanyRegisterInput:
    company_name: str
    vat_number: str
    work_domains: list[WorkDomain]
    billing_address: AddressInput
    contact: ContactInput
    delivery_address: AddressInput | None = strawberry.field(
        default=None, description="Defaults to the billing address."
    )
    user: NewUserInput | None = strawberry.field(
        default=None,
        description="Required when not signed in; a signed-in user adds the account to their own e-mail.",
    )


@strawberry.type
class CompanyRegisterPayload:
    company: Company | None = None
    membership: Membership | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class AccessRequestInput:
    customer_number: str = strawberry.field(description="The customer number the company already has.")
    vat_number: str
    user: NewUserInput | None = strawberry.field(default=None, description="Required when not signed in.")


@strawberry.type
class AccessRequestPayload:
    membership: Membership | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class CompanyPayload:
    company: Company | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class CompanyMutation:
    @strawberry.mutation(extensions=[requires(PUBLIC)])
    async def company_register(self, info: Info, input: CompanyRegisterInput) -> CompanyRegisterPayload:
        action = rules.register_company(
            ctx(info),
            company_name=input.company_name,
            vat_number=input.vat_number,
            work_domains=input.work_domains,
            billing_address=input.billing_address,
            delivery_address=input.delivery_address,
            contact=input.contact,
            user=input.user,
        )
        return await attempt(
            CompanyRegisterPayload, action, membership=Membership.of, company=lambda mem: Company.of(mem.company)
        )

    @strawberry.mutation(extensions=[requires(PUBLIC)])
    async def access_request(self, info: Info, input: AccessRequestInput) -> AccessRequestPayload:
        action = rules.request_access(
            ctx(info), customer_number=input.customer_number, vat_number=input.vat_number, user=input.user
        )
        return await attempt(AccessRequestPayload, action, membership=Membership.of)

    @strawberry.mutation(extensions=[requires(Permission.MANAGE_COMPANY)])
    async def company_contact_update(self, info: Info, input: ContactInput) -> CompanyPayload:
        return await attempt(CompanyPayload, rules.update_contact(ctx(info), input), company=Company.of)


strawberry.enum(CompanyStatus, name="CompanyStatus")


strawberry.enum(CustomerNumberKind, name="CustomerNumberKind")


describe_values(
    CompanyStatus,
    PENDING_REVIEW="Waits for the distributor (e.g. a second account for a VAT number that already has one).",
)


describe_values(
    CustomerNumberKind,
    SOLD_TO="The account that orders (assigned at registration).",
    BILL_TO="An invoicing account.",
    SHIP_TO="A delivery account (site, depot).",
)


@strawberry.type
class CustomerNumber(Node):
    number: str = strawberry.field(description="The distributor's customer number, e.g. 104233.")
    kind: CustomerNumberKind
    name: str
    address: Address

    @staticmethod
    def of(row: m.CustomerNumber) -> CustomerNumber:
        return CustomerNumber(
            id=strawberry.ID(ids.encode("CustomerNumber", row.id)),
            number=row.number,
            kind=row.kind,
            name=row.name,
            address=Address.of(row),
        )


@strawberry.type
class Representative:
    name: str
    email: str
    phone: str | None


@strawberry.type
class Company(Node):
    name: str
    vat_number: str = strawberry.field(description="Normalised VAT number, e.g. BE0403170701.")
    work_domains: list[WorkDomain]
    status: CompanyStatus
    customer_number: str = strawberry.field(description="The SOLD_TO customer number assigned at registration.")
    fast_entry_enabled: bool = strawberry.field(
        description="Whether the distributor enabled fast entry for this account."
    )
    created_at: datetime
    row: strawberry.Private[m.Company]
    #: Seen by a member whose membership is PENDING or INACTIVE: the name (and id) only.
    restricted: strawberry.Private[bool] = False

    @staticmethod
    def of(row: m.Company, restricted: bool = False) -> Company:
        """With `restricted`, the non-null details read empty ("", [], false) and the others null;
        the status and creation time stay (they say nothing about the customer)."""
        return Company(
            id=strawberry.ID(ids.encode("Company", row.id)),
            name=row.name,
            vat_number="" if restricted else row.vat_number,
            work_domains=[] if restricted else [m.WorkDomain(d) for d in row.work_domains],
            status=row.status,
            customer_number="" if restricted else row.customer_number,
            fast_entry_enabled=row.fast_entry_enabled and not restricted,
            created_at=row.created_at,
            row=row,
            restricted=restricted,
        )

    @strawberry.field
    async def customer_numbers(self, info: Info, kind: CustomerNumberKind | None = None) -> list[CustomerNumber]:
        if self.restricted or not sees_company(info, self.row.id):
            return []
        rows = await customer_numbers_by_company_id(ctx(info)).load(self.row.id)
        return [CustomerNumber.of(r) for r in rows if kind is None or r.kind == kind]

    @strawberry.field
    def contact(self, info: Info) -> ContactDetails:
        if self.restricted or not sees_company(info, self.row.id):
            return ContactDetails(name=None, email=None, phone=None)
        r = self.row
        return ContactDetails(name=r.contact_name, email=r.contact_email, phone=r.contact_phone)

    @strawberry.field(description="The distributor's sales representative for this account, who helps with big lists.")
    async def representative(self, info: Info) -> Representative | None:
        if self.restricted or self.row.representative_id is None:
            return None
        user = await user_by_id(ctx(info)).load(self.row.representative_id)
        if user is None:
            return None
        return Representative(name=f"{user.first_name} {user.last_name}", email=user.email, phone=user.phone)

    @strawberry.field(description="Members of this account. Requires MANAGE_USERS (or staff).")
    async def memberships(self, info: Info, status: MembershipStatus | None = None) -> list[Membership]:
        c = ctx(info)
        if not c.reads_all and not (c.company_id == self.row.id and Permission.MANAGE_USERS in c.permissions):
            raise forbidden()
        rows = await memberships_by_company_id(c).load(self.row.id)
        return [Membership.of(r) for r in rows if status is None or r.status == status]

    @strawberry.field(description="The company's webhook subscriptions. Requires MANAGE_COMPANY (or staff).")
    async def webhook_subscriptions(self, info: Info) -> list[WebhookSubscription]:
        return await company_webhook_subscriptions(info, self.row.id)

    @strawberry.field(description="The company's API clients. Requires MANAGE_USERS (or staff).")
    async def api_clients(self, info: Info) -> list[ApiClient]:
        return await company_api_clients(info, self.row.id)

    @strawberry.field(description="Readable by members with BROWSE_CATALOG (or staff); managed with MANAGE_COMPANY.")
    async def article_codes(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[ArticleCode]:
        return await company_article_codes(info, self.row.id, first, after)

    @strawberry.field(description="Requires VIEW_INVOICES (or staff).")
    async def credit(self, info: Info) -> Annotated[CreditSummary, strawberry.lazy("schema.invoice")] | None:
        c = ctx(info)
        return later("schema.invoice", "CreditSummary").of(await credit(c, self.row), c)


strawberry.enum(TicketKind, name="TicketKind")


strawberry.enum(RequestStatus, name="RequestStatus")


@strawberry.type
class HelpdeskTicket(Node):
    number: str
    kind: TicketKind
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
    kind: CustomerNumberKind
    name: str
    address: Address
    note: str | None
    status: RequestStatus
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
        cn_id = self.row.customer_number_id
        if cn_id is None:
            return None
        row = await customer_number_by_id(ctx(info)).load(cn_id)
        return CustomerNumber.of(row) if row else None


@strawberry.type(description="Billing and delivery data change only through the distributor.")
class AddressChangeRequest(Node):
    address: Address
    note: str | None
    status: RequestStatus
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
        return CustomerNumber.of(await customer_number_by_id(ctx(info)).load(self.row.customer_number_id))


readable_node(m.HelpdeskTicket, lambda row, c: HelpdeskTicket.of(row))


readable_node(m.AddressChangeRequest, lambda row, c: AddressChangeRequest.of(row))


readable_node(m.CustomerNumberRequest, lambda row, c: CustomerNumberRequest.of(row))


@strawberry.input
class HelpdeskRequestInput:
    kind: TicketKind
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
    kind: CustomerNumberKind = strawberry.field(description="BILL_TO or SHIP_TO.")
    name: str
    address: AddressInput
    note: str | None = None


@strawberry.type
class CustomerNumberRequestPayload:
    request: CustomerNumberRequest | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class RequestMutation:
    @strawberry.mutation(extensions=[requires(PUBLIC)])
    async def helpdesk_request(self, info: Info, input: HelpdeskRequestInput) -> HelpdeskTicketPayload:
        action = requests.open_ticket(
            ctx(info), input.kind, input.subject, input.message, input.email, input.vat_number
        )
        return await attempt(HelpdeskTicketPayload, action, ticket=HelpdeskTicket.of)

    @strawberry.mutation(extensions=[requires(Permission.MANAGE_COMPANY)])
    async def address_change_request(self, info: Info, input: AddressChangeRequestInput) -> AddressChangeRequestPayload:
        action = requests.request_address_change(ctx(info), input.customer_number_id, input.address, input.note)
        return await attempt(AddressChangeRequestPayload, action, request=AddressChangeRequest.of)

    @strawberry.mutation(extensions=[requires(Permission.MANAGE_COMPANY)])
    async def customer_number_request(
        self, info: Info, input: CustomerNumberRequestInput
    ) -> CustomerNumberRequestPayload:
        action = requests.request_customer_number(ctx(info), input.kind, input.name, input.address, input.note)
        return await attempt(CustomerNumberRequestPayload, action, request=CustomerNumberRequest.of)


readable_node(m.Company, lambda row, c: Company.of(row))


readable_node(m.CustomerNumber, lambda row, c: CustomerNumber.of(row))
