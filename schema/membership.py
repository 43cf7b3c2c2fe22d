"""Member administration mutations (MANAGE_USERS) and Query.node for the identity types."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

import models as m
from models import MembershipStatus, Role
from resolvers import membership as members
from resolvers.account import user_by_id
from resolvers.company.loaders import company_by_id, customer_number_by_id
from resolvers.core import ids
from resolvers.core.access import customer_number_ids_by_membership_id
from resolvers.core.permissions import Permission
from schema.account import User
from schema.core.base import (
    Node,
    UserError,
    attempt,
    ctx,
    describe_values,
    errors_field,
    later,
)
from schema.core.node import readable_node
from schema.core.permissions import requires

if TYPE_CHECKING:  # schema.company imports this module (Company.memberships, the payloads)
    from schema.company import Company, CustomerNumber


strawberry.enum(Role, name="Role", description="The five roles a company administrator can give a member.")


strawberry.enum(MembershipStatus, name="MembershipStatus")


strawberry.enum(
    Permission,
    name="Permission",
    description="What a company-account member may do. Derived from the membership's role\n"
    "(SPEC.md holds the matrix); never stored per user.",
)
describe_values(
    Permission,
    VIEW_INVOICES="Invoices, payments and the credit summary: ADMINISTRATOR, VIEW_PRICES, VIEW_PRICES_AND_ORDER.",
)


describe_values(
    Role,
    ADMINISTRATOR="Administrator: everything, including users and company data.",
    VIEW_PRICES="Price consultation: sees the catalog with prices and quotes; cannot order.",
    VIEW_PRICES_AND_ORDER="Price consultation and ordering.",
    ORDER_WITHOUT_PRICES="Ordering without prices: every price field reads null for this role.",
    QUICK_LISTS_ONLY="Quick lists only: sees and orders from the company's quick lists, no prices.",
)


describe_values(
    MembershipStatus,
    PENDING="Asked to join; waits for a company administrator (or the distributor).",
    INACTIVE="Deactivated: the member can no longer read or change anything. Users are never deleted.",
)


@strawberry.input
class MembershipInviteInput:
    email: str
    first_name: str
    last_name: str
    role: Role
    customer_number_ids: list[strawberry.ID] | None = None


@strawberry.type
class MembershipPayload:
    membership: Membership | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class MembershipMutation:
    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_USERS)],
        description="Add a person to the company as an active member and e-mail an invitation.",
    )
    async def membership_invite(self, info: Info, input: MembershipInviteInput) -> MembershipPayload:
        action = members.invite(
            ctx(info), input.email, input.first_name, input.last_name, input.role, input.customer_number_ids
        )
        return await attempt(MembershipPayload, action, membership=Membership.of)

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_USERS)], description="Accept a PENDING member with a role."
    )
    async def membership_activate(
        self,
        info: Info,
        id: strawberry.ID,
        role: Role,
    ) -> MembershipPayload:
        return await attempt(MembershipPayload, members.activate(ctx(info), id, role), membership=Membership.of)

    @strawberry.mutation(extensions=[requires(Permission.MANAGE_USERS)])
    async def membership_role_set(
        self,
        info: Info,
        id: strawberry.ID,
        role: Role,
    ) -> MembershipPayload:
        return await attempt(MembershipPayload, members.set_role(ctx(info), id, role), membership=Membership.of)

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_USERS)],
        description="The member can no longer read or change anything, from their next request on.",
    )
    async def membership_deactivate(self, info: Info, id: strawberry.ID) -> MembershipPayload:
        return await attempt(MembershipPayload, members.deactivate(ctx(info), id), membership=Membership.of)

    @strawberry.mutation(extensions=[requires(Permission.MANAGE_USERS)])
    async def membership_reactivate(self, info: Info, id: strawberry.ID) -> MembershipPayload:
        return await attempt(MembershipPayload, members.reactivate(ctx(info), id), membership=Membership.of)

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_USERS)],
        description="Limit a member to these customer numbers; an empty list means all.",
    )
    async def membership_customer_numbers_set(
        self, info: Info, id: strawberry.ID, customer_number_ids: list[strawberry.ID]
    ) -> MembershipPayload:
        action = members.set_customer_numbers(ctx(info), id, customer_number_ids)
        return await attempt(MembershipPayload, action, membership=Membership.of)


# ---------------------------------------------------------------- Query.node


readable_node(m.User, lambda row, c: User.of(row))


readable_node(m.Membership, lambda row, c: Membership.of(row))


@strawberry.type
class Membership(Node):
    role: Role
    status: MembershipStatus
    created_at: datetime
    row: strawberry.Private[m.Membership]

    @staticmethod
    def of(row: m.Membership) -> Membership:
        return Membership(
            id=strawberry.ID(ids.encode("Membership", row.id)),
            role=row.role,
            status=row.status,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field
    async def user(self, info: Info) -> User:
        return User.of(await user_by_id(ctx(info)).load(self.row.user_id))

    @strawberry.field
    async def company(self, info: Info) -> Annotated[Company, strawberry.lazy("schema.company")]:
        c = ctx(info)
        company_id = self.row.company_id
        # Someone else's membership is reached only from inside its company (or by staff), so
        # a PENDING or INACTIVE one seen from outside is the viewer's own: the name only.
        restricted = self.row.status != m.MembershipStatus.ACTIVE and not c.reads_all and c.company_id != company_id
        return later("schema.company", "Company").of(await company_by_id(c).load(company_id), restricted)

    @strawberry.field(description="Customer numbers this member works under; empty means all of the company's.")
    async def customer_numbers(self, info: Info) -> list[Annotated[CustomerNumber, strawberry.lazy("schema.company")]]:
        c = ctx(info)
        if not sees_company(info, self.row.company_id):
            return []
        cn_ids = await customer_number_ids_by_membership_id(c).load(self.row.id)
        rows = await customer_number_by_id(c).load_many(cn_ids)
        number = later("schema.company", "CustomerNumber")
        return sorted((number.of(r) for r in rows if r), key=lambda cn: cn.number)


def sees_company(info: Info, company_id: Any) -> bool:
    c = ctx(info)
    return c.reads_all or c.company_id == company_id
