"""Async factories: rows as the API would have made them, and signed-in sessions."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from models import (
    Company,
    CompanyStatus,
    CustomerNumber,
    CustomerNumberKind,
    Membership,
    MembershipStatus,
    Role,
    StaffRole,
    User,
)
from resolvers.auth.tokens import create_session, hash_password
from resolvers.core import ids

PASSWORD = "correct horse battery"
_seq = itertools.count(1)

# Valid Belgian VAT numbers (mod-97 check), one per company made in a test.
VAT_NUMBERS = ["BE0403170701", "BE0202239951", "BE0417497106", "BE0403019261", "BE0401574852", "BE0404616494"]


@dataclass
class Member:
    user: User
    company: Company
    membership: Membership
    token: str

    @property
    def company_id(self) -> str:
        return ids.encode("Company", self.company.id)

    @property
    def membership_id(self) -> str:
        return ids.encode("Membership", self.membership.id)

    @property
    def user_id(self) -> str:
        return ids.encode("User", self.user.id)


async def make_user(
    email: str | None = None,
    *,
    verified: bool = True,
    staff_role: StaffRole | None = None,
    password: str = PASSWORD,
    **kw: object,
) -> User:
    n = next(_seq)
    return await User.create(
        email=email or f"user{n}@example.com",
        password_hash=hash_password(password),
        first_name=kw.pop("first_name", f"First{n}"),
        last_name=kw.pop("last_name", f"Last{n}"),
        email_verified=verified,
        staff_role=staff_role,
        **kw,
    )


async def make_customer_number(company: Company, kind: CustomerNumberKind, number: str | None = None) -> CustomerNumber:
    n = next(_seq)
    return await CustomerNumber.create(
        company=company,
        number=number or str(800000 + n),
        kind=kind,
        name=f"{company.name} {kind.value.lower()} {n}",
        line1=f"Rue {n}",
        postal_code="1000",
        city="Bruxelles",
        country_code="BE",
    )


async def make_company(
    name: str | None = None,
    *,
    status: CompanyStatus = CompanyStatus.ACTIVE,
    fast_entry: bool = False,
    vat: str | None = None,
) -> Company:
    n = next(_seq)
    company = await Company.create(
        name=name or f"Company {n}",
        vat_number=vat or VAT_NUMBERS[n % len(VAT_NUMBERS)],
        work_domains=["PVC"],
        status=status,
        customer_number=str(900000 + n),
        contact_name="Contact",
        contact_email=f"contact{n}@example.com",
        fast_entry_enabled=fast_entry,
    )
    await make_customer_number(company, CustomerNumberKind.SOLD_TO, company.customer_number)
    return company


async def make_member(
    role: Role = Role.ADMINISTRATOR,
    *,
    company: Company | None = None,
    status: MembershipStatus = MembershipStatus.ACTIVE,
    user: User | None = None,
    fast_entry: bool = False,
) -> Member:
    """A user with a membership of `company` (a new one by default) and a session acting for it."""
    company = company or await make_company(fast_entry=fast_entry)
    user = user or await make_user()
    membership = await Membership.create(user=user, company=company, role=role, status=status)
    membership.company = company
    _, token = await create_session(user, membership, hours=1)
    return Member(user, company, membership, token)


async def make_staff(role: StaffRole = StaffRole.CUSTOMER_SERVICE) -> tuple[User, str]:
    user = await make_user(staff_role=role)
    _, token = await create_session(user, None, hours=1)
    return user, token
