"""Identity types: users, companies, customer numbers, memberships, the viewer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from models import account as m
from resolvers.core import ids
from resolvers.core.errors import forbidden
from resolvers.core.permissions import Permission as PermissionEnum
from schema.core.base import Address, ContactDetails, Node, ctx, describe_values

Locale = strawberry.enum(m.Locale, name="Locale")
Role = strawberry.enum(m.Role, name="Role", description="The five roles a company administrator can give a member.")
MembershipStatus = strawberry.enum(m.MembershipStatus, name="MembershipStatus")
StaffRole = strawberry.enum(m.StaffRole, name="StaffRole", description="Distributor employees using the back office.")
CompanyStatus = strawberry.enum(m.CompanyStatus, name="CompanyStatus")
WorkDomain = strawberry.enum(m.WorkDomain, name="WorkDomain")
CustomerNumberKind = strawberry.enum(m.CustomerNumberKind, name="CustomerNumberKind")
Permission = strawberry.enum(
    PermissionEnum,
    name="Permission",
    description="What a company-account member may do. Derived from the membership's role\n"
    "(SPEC.md holds the matrix); never stored per user.",
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


def _sees_company(info: Info, company_id: Any) -> bool:
    c = ctx(info)
    return c.staff_role is not None or c.company_id == company_id


@strawberry.type
class User(Node):
    email: str
    first_name: str
    last_name: str
    phone: str | None
    locale: Locale  # type: ignore[valid-type]
    email_verified: bool
    created_at: datetime

    @staticmethod
    def of(row: m.User) -> User:
        return User(
            id=strawberry.ID(ids.encode("User", row.id)),
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            phone=row.phone,
            locale=row.locale,
            email_verified=row.email_verified,
            created_at=row.created_at,
        )


@strawberry.type
class CustomerNumber(Node):
    number: str = strawberry.field(description="The distributor's customer number, e.g. 104233.")
    kind: CustomerNumberKind  # type: ignore[valid-type]
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
    work_domains: list[WorkDomain]  # type: ignore[valid-type]
    status: CompanyStatus  # type: ignore[valid-type]
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
    async def customer_numbers(self, info: Info, kind: CustomerNumberKind | None = None) -> list[CustomerNumber]:  # type: ignore[valid-type]
        if self.restricted or not _sees_company(info, self.row.id):
            return []
        rows = await ctx(info).customer_numbers_by_company_id.load(self.row.id)
        return [CustomerNumber.of(r) for r in rows if kind is None or r.kind == kind]

    @strawberry.field
    def contact(self, info: Info) -> ContactDetails:
        if self.restricted or not _sees_company(info, self.row.id):
            return ContactDetails(name=None, email=None, phone=None)
        r = self.row
        return ContactDetails(name=r.contact_name, email=r.contact_email, phone=r.contact_phone)

    @strawberry.field(description="The distributor's sales representative for this account, who helps with big lists.")
    async def representative(self, info: Info) -> Representative | None:
        if self.restricted or self.row.representative_id is None:  # type: ignore[attr-defined]
            return None
        user = await ctx(info).user_by_id.load(self.row.representative_id)  # type: ignore[attr-defined]
        if user is None:
            return None
        return Representative(name=f"{user.first_name} {user.last_name}", email=user.email, phone=user.phone)

    @strawberry.field(description="Members of this account. Requires MANAGE_USERS (or staff).")
    async def memberships(self, info: Info, status: MembershipStatus | None = None) -> list[Membership]:  # type: ignore[valid-type]
        c = ctx(info)
        if c.staff_role is None and not (c.company_id == self.row.id and PermissionEnum.MANAGE_USERS in c.permissions):
            raise forbidden()
        rows = await c.memberships_by_company_id.load(self.row.id)
        return [Membership.of(r) for r in rows if status is None or r.status == status]


@strawberry.type
class Membership(Node):
    role: Role  # type: ignore[valid-type]
    status: MembershipStatus  # type: ignore[valid-type]
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
        return User.of(await ctx(info).user_by_id.load(self.row.user_id))  # type: ignore[attr-defined]

    @strawberry.field
    async def company(self, info: Info) -> Company:
        c = ctx(info)
        company_id = self.row.company_id  # type: ignore[attr-defined]
        # Someone else's membership is reached only from inside its company (or by staff), so
        # a PENDING or INACTIVE one seen from outside is the viewer's own: the name only.
        restricted = (
            self.row.status != m.MembershipStatus.ACTIVE and c.staff_role is None and c.company_id != company_id
        )
        return Company.of(await c.company_by_id.load(company_id), restricted)

    @strawberry.field(description="Customer numbers this member works under; empty means all of the company's.")
    async def customer_numbers(self, info: Info) -> list[CustomerNumber]:
        c = ctx(info)
        if not _sees_company(info, self.row.company_id):  # type: ignore[attr-defined]
            return []
        cn_ids = await c.customer_number_ids_by_membership_id.load(self.row.id)
        rows = await c.customer_number_by_id.load_many(cn_ids)
        return sorted((CustomerNumber.of(r) for r in rows if r), key=lambda cn: cn.number)


@strawberry.type(description="The signed-in person and the company account this session acts for.")
class Viewer:
    user: User
    staff_role: StaffRole | None = strawberry.field(description="Set for distributor employees only.")  # type: ignore[valid-type]
    row: strawberry.Private[m.User]

    @strawberry.field(description="Every company account of this e-mail address (e.g. one per work domain).")
    async def memberships(self, info: Info) -> list[Membership]:
        return [Membership.of(r) for r in await ctx(info).memberships_by_user_id.load(self.row.id)]

    @strawberry.field(description="The membership this session acts for; null until one is chosen.")
    def active_membership(self, info: Info) -> Membership | None:
        mem = ctx(info).membership
        return Membership.of(mem) if mem else None

    @strawberry.field
    def company(self, info: Info) -> Company | None:
        mem = ctx(info).active_membership
        return Company.of(mem.company) if mem else None

    @strawberry.field
    def permissions(self, info: Info) -> list[Permission]:  # type: ignore[valid-type]
        return sorted(ctx(info).permissions, key=list(PermissionEnum).index)


def viewer_of(user: m.User) -> Viewer:
    return Viewer(user=User.of(user), staff_role=user.staff_role, row=user)


@strawberry.type
class Session:
    token: str = strawberry.field(
        description="Bearer token for the Authorization header. Shown once; stored only hashed."
    )
    expires_at: datetime


@strawberry.type
class AccountQuery:
    @strawberry.field(description="Null when the request carries no valid session.")
    def viewer(self, info: Info) -> Viewer | None:
        user = ctx(info).user
        return viewer_of(user) if user else None
