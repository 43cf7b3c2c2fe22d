"""Documents and helpers shared by the member-administration tests."""

from __future__ import annotations

from models import AuditEvent, Membership, MembershipCustomerNumber, OutboxMail, User, UserToken
from resolvers.core import ids
from resolvers.core.permissions import MATRIX, Permission

FIELDS = """
  membership { id role status user { email firstName lastName emailVerified } customerNumbers { number } }
  userErrors { field code message }
"""

INVITE = f"mutation($input: MembershipInviteInput!) {{ membershipInvite(input: $input) {{ {FIELDS} }} }}"
ACTIVATE = f"mutation($id: ID!, $role: Role!) {{ membershipActivate(id: $id, role: $role) {{ {FIELDS} }} }}"
ROLE_SET = f"mutation($id: ID!, $role: Role!) {{ membershipRoleSet(id: $id, role: $role) {{ {FIELDS} }} }}"
DEACTIVATE = f"mutation($id: ID!) {{ membershipDeactivate(id: $id) {{ {FIELDS} }} }}"
REACTIVATE = f"mutation($id: ID!) {{ membershipReactivate(id: $id) {{ {FIELDS} }} }}"
NUMBERS_SET = (
    "mutation($id: ID!, $ids: [ID!]!) {"
    f" membershipCustomerNumbersSet(id: $id, customerNumberIds: $ids) {{ {FIELDS} }} }}"
)

#: Every role that must be refused member administration.
ROLES_WITHOUT_MANAGE_USERS = [role for role, granted in MATRIX.items() if Permission.MANAGE_USERS not in granted]


def gid(row) -> str:
    return ids.encode(type(row).__name__, row.id)


async def snapshot() -> dict:
    """Everything a member-administration mutation could write, to prove a refusal wrote nothing."""
    return {
        "memberships": sorted(
            (str(i), c, r, s) for i, c, r, s in await Membership.all().values_list("id", "company_id", "role", "status")
        ),
        "limits": sorted(
            (str(m), str(c))
            for m, c in await MembershipCustomerNumber.all().values_list("membership_id", "customer_number_id")
        ),
        "users": sorted(await User.all().values_list("email", "first_name", "password_hash", "email_verified")),
        "tokens": await UserToken.all().count(),
        "audit": await AuditEvent.all().count(),
        "mails": await OutboxMail.all().count(),
    }


def payload(data: dict) -> dict:
    """The single mutation payload of a response's data."""
    (value,) = data.values()
    return value


def codes(p: dict) -> list[str]:
    return [e["code"] for e in p["userErrors"]]
