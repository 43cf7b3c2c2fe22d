"""API clients: apiClientCreate, apiClientRevoke, the ApiClient type (Company.apiClients and
Backoffice.apiClients list it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

import models as m
from models import IntegrationScope, StaffRole
from resolvers import api_client as clients
from resolvers.account import user_by_id
from resolvers.company.loaders import customer_number_by_id
from resolvers.core.access import customer_number_ids_by_membership_id
from resolvers.core.permissions import Permission
from schema.account import User
from schema.core.base import Node, UserError, attempt, ctx, describe_values, errors_field, later
from schema.core.node import readable_node
from schema.core.permissions import requires
from schema.membership import Role

if TYPE_CHECKING:  # schema.company lists the clients (Company.apiClients)
    from schema.company import CustomerNumber

strawberry.enum(
    IntegrationScope,
    name="IntegrationScope",
    description="What a distributor API client (the ERP, an integration platform) may do.",
)

describe_values(
    IntegrationScope,
    READ_ALL="Read every company's accounts, quotes, validation lists, orders and the event feed.",
    WRITE_ERP="Record order statuses, shipments, invoices, payments, credit limits and stock.",
    MANAGE_WEBHOOKS="Manage the distributor's webhook subscriptions.",
)


@strawberry.type(
    description="A non-human caller with its own key. A company's client (made by its administrator) acts\n"
    "for that company with the permissions of its role, limited to its customer numbers. A\n"
    "distributor client (made by a staff ADMINISTRATOR) holds integration scopes instead."
)
class ApiClient(Node):
    name: str
    role: Role | None = strawberry.field(
        description="The role a company client acts with; null for a distributor client."
    )
    scopes: list[IntegrationScope] = strawberry.field(
        description="A distributor client's scopes; empty for a company client."
    )
    key_prefix: str = strawberry.field(
        description="The first characters of the key, to recognise it in logs and lists."
    )
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    row: strawberry.Private[m.ApiClient]

    @staticmethod
    def of(row: m.ApiClient) -> ApiClient:
        return ApiClient(
            id=strawberry.ID(clients.gid(row)),
            name=row.name,
            role=row.role,
            scopes=[IntegrationScope(s) for s in row.scopes],
            key_prefix=row.key_prefix,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            row=row,
        )

    @strawberry.field(description="Customer numbers a company client works under; empty means all of the company's.")
    async def customer_numbers(self, info: Info) -> list[Annotated[CustomerNumber, strawberry.lazy("schema.company")]]:
        membership_id = self.row.membership_id
        if membership_id is None:
            return []
        c = ctx(info)
        rows = await customer_number_by_id(c).load_many(
            await customer_number_ids_by_membership_id(c).load(membership_id)
        )
        number = later("schema.company", "CustomerNumber")
        return sorted((number.of(r) for r in rows if r), key=lambda cn: cn.number)

    @strawberry.field
    async def created_by(self, info: Info) -> User | None:
        if self.row.created_by_id is None:  # aiodataloader cannot load None
            return None
        user = await user_by_id(ctx(info)).load(self.row.created_by_id)
        return User.of(user) if user else None


readable_node(m.ApiClient, lambda row, c: ApiClient.of(row))


@strawberry.input
class ApiClientInput:
    name: str
    role: Role | None = strawberry.field(
        default=None, description="Required for a company client: the role it acts with."
    )
    customer_number_ids: list[strawberry.ID] | None = None
    scopes: list[IntegrationScope] | None = strawberry.field(
        default=None,
        description="Required for a distributor client (staff ADMINISTRATOR only); forbidden for a company client.",
    )
    expires_at: datetime | None = None


@strawberry.type
class ApiClientPayload:
    api_client: ApiClient | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class ApiClientCreatePayload:
    api_client: ApiClient | None = None
    key: str | None = strawberry.field(
        default=None,
        description="The secret key, shown once and stored only hashed. Sent as Authorization: Bearer <key>.",
    )
    user_errors: list[UserError] = errors_field()


@strawberry.type
class ApiClientMutation:
    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_USERS, StaffRole.ADMINISTRATOR)],
        description="A company administrator makes a client for the company (with a role); a staff\n"
        "ADMINISTRATOR a distributor client (with scopes). The key is in the payload, once.",
    )
    async def api_client_create(self, info: Info, input: ApiClientInput) -> ApiClientCreatePayload:
        action = clients.create(
            ctx(info), input.name, input.role, input.customer_number_ids, input.scopes, input.expires_at
        )
        return await attempt(
            ApiClientCreatePayload, action, api_client=lambda r: ApiClient.of(r[0]), key=lambda r: r[1]
        )

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_USERS, StaffRole.ADMINISTRATOR)],
        description="The key is refused from the next request on.",
    )
    async def api_client_revoke(self, info: Info, id: strawberry.ID) -> ApiClientPayload:
        return await attempt(ApiClientPayload, clients.revoke(ctx(info), id), api_client=ApiClient.of)


async def company_api_clients(info: Info, company_id: object) -> list[ApiClient]:
    """Company.apiClients: MANAGE_USERS in that company, or staff (FORBIDDEN otherwise)."""
    c = ctx(info)
    clients.check_company_reader(c, company_id)  # type: ignore[arg-type]
    return [ApiClient.of(r) for r in await clients.api_clients_by_company_id(c).load(company_id)]


async def backoffice_api_clients(info: Info) -> list[ApiClient]:
    return [ApiClient.of(r) for r in await clients.distributor_clients(ctx(info))]
