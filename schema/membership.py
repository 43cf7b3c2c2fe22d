"""Member administration mutations (MANAGE_USERS) and Query.node for the identity types."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from models import Membership as MembershipRow
from resolvers import membership as members
from resolvers.core.context import Context
from resolvers.core.permissions import Permission
from schema.account import Company, CustomerNumber, Membership, Role, User
from schema.core.base import UserError, attempt, ctx, errors_field
from schema.core.node import node_type


@strawberry.input
class MembershipInviteInput:
    email: str
    first_name: str
    last_name: str
    role: Role  # type: ignore[valid-type]
    customer_number_ids: list[strawberry.ID] | None = None


@strawberry.type
class MembershipPayload:
    membership: Membership | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class MembershipMutation:
    @strawberry.mutation(description="Add a person to the company as an active member and e-mail an invitation.")
    async def membership_invite(self, info: Info, input: MembershipInviteInput) -> MembershipPayload:
        action = members.invite(
            ctx(info), input.email, input.first_name, input.last_name, input.role, input.customer_number_ids
        )
        return await attempt(MembershipPayload, action, membership=Membership.of)

    @strawberry.mutation(description="Accept a PENDING member with a role.")
    async def membership_activate(
        self,
        info: Info,
        id: strawberry.ID,
        role: Role,  # type: ignore[valid-type]
    ) -> MembershipPayload:
        return await attempt(MembershipPayload, members.activate(ctx(info), id, role), membership=Membership.of)

    @strawberry.mutation
    async def membership_role_set(
        self,
        info: Info,
        id: strawberry.ID,
        role: Role,  # type: ignore[valid-type]
    ) -> MembershipPayload:
        return await attempt(MembershipPayload, members.set_role(ctx(info), id, role), membership=Membership.of)

    @strawberry.mutation(description="The member can no longer read or change anything, from their next request on.")
    async def membership_deactivate(self, info: Info, id: strawberry.ID) -> MembershipPayload:
        return await attempt(MembershipPayload, members.deactivate(ctx(info), id), membership=Membership.of)

    @strawberry.mutation
    async def membership_reactivate(self, info: Info, id: strawberry.ID) -> MembershipPayload:
        return await attempt(MembershipPayload, members.reactivate(ctx(info), id), membership=Membership.of)

    @strawberry.mutation(description="Limit a member to these customer numbers; an empty list means all.")
    async def membership_customer_numbers_set(
        self, info: Info, id: strawberry.ID, customer_number_ids: list[strawberry.ID]
    ) -> MembershipPayload:
        action = members.set_customer_numbers(ctx(info), id, customer_number_ids)
        return await attempt(MembershipPayload, action, membership=Membership.of)


# ---------------------------------------------------------------- Query.node


def _is_staff(c: Context) -> bool:
    return c.staff_role is not None


def _manages_users(c: Context) -> bool:
    return Permission.MANAGE_USERS in c.permissions


@node_type("User")
async def fetch_user(c: Context, pk: uuid.UUID) -> User | None:
    """The viewer themself; members of the acting company for MANAGE_USERS; anyone for staff."""
    if c.user is None:
        return None
    visible = (
        pk == c.user.id
        or _is_staff(c)
        or (_manages_users(c) and await MembershipRow.exists(user_id=pk, company_id=c.company_id))
    )
    row = await c.user_by_id.load(pk) if visible else None
    return User.of(row) if row else None


@node_type("Company")
async def fetch_company(c: Context, pk: uuid.UUID) -> Company | None:
    """The acting company; any company for staff."""
    if not (_is_staff(c) or (c.company_id is not None and pk == c.company_id)):
        return None
    row = await c.company_by_id.load(pk)
    return Company.of(row) if row else None


@node_type("Membership")
async def fetch_membership(c: Context, pk: uuid.UUID) -> Membership | None:
    """One's own memberships; the acting company's for MANAGE_USERS; any for staff."""
    if c.user is None:
        return None
    row = await c.membership_by_id.load(pk)
    if row is None:
        return None
    visible = (
        row.user_id == c.user.id  # type: ignore[attr-defined]
        or _is_staff(c)
        or (_manages_users(c) and row.company_id == c.company_id)  # type: ignore[attr-defined]
    )
    return Membership.of(row) if visible else None


@node_type("CustomerNumber")
async def fetch_customer_number(c: Context, pk: uuid.UUID) -> CustomerNumber | None:
    """The acting company's customer numbers; any for staff."""
    if not (_is_staff(c) or c.company_id is not None):
        return None
    row = await c.customer_number_by_id.load(pk)
    if row is None or not (_is_staff(c) or row.company_id == c.company_id):  # type: ignore[attr-defined]
        return None
    return CustomerNumber.of(row)
