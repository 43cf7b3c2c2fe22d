"""A refused field beside fields that share a DataLoader future (the same key of the same
loader) never cancels that future for the others: no HTTP 500, no "Unexpected error."."""

from __future__ import annotations

import pytest

from models import CustomerNumberKind, MembershipCustomerNumber, Role, StaffRole
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_user
from tests.membership.common import ROLES_WITHOUT_MANAGE_USERS

#: As reported: every non-administrator got HTTP 500.
REPORTED = """{ viewer { memberships { company { customerNumbers { id } memberships { id } } }
  company { customerNumbers { id } memberships { id } } } }"""

#: `refused` fails (FORBIDDEN on Company.memberships); `kept` loads the same keys of the same loaders.
SIBLINGS = {
    "customer numbers of the company": (
        "refused: viewer { company { customerNumbers { number } memberships { id } } }",
        "kept: viewer { company { customerNumbers { number } } }",
    ),
    "customer numbers through memberships": (
        "refused: viewer { memberships { company { memberships { id } customerNumbers { number } } } }",
        "kept: viewer { activeMembership { company { customerNumbers { number } } } }",
    ),
    "a membership's own customer numbers": (
        "refused: viewer { activeMembership { customerNumbers { number } company { memberships { id } } } }",
        "kept: viewer { memberships { customerNumbers { number } } }",
    ),
    "users and the representative": (
        "refused: viewer { memberships { user { email } company { representative { email } memberships { id } } } }",
        "kept: viewer { memberships { user { email } company { representative { email } } } }",
    ),
}


@pytest.mark.parametrize("role", ROLES_WITHOUT_MANAGE_USERS, ids=lambda r: r.value)
async def test_the_reported_document_answers_forbidden_for_every_non_administrator(api, role):
    member = await make_member(role)
    await make_member(role, user=member.user)  # a second company of the same user

    body = await api(REPORTED, token=member.token)

    assert set(error_codes(body)) == {"FORBIDDEN"}
    # Company.memberships is non-null: the refusal nulls its parents up to the nullable viewer.
    assert body["data"] == {"viewer": None}


@pytest.mark.parametrize("role", ROLES_WITHOUT_MANAGE_USERS, ids=lambda r: r.value)
@pytest.mark.parametrize("refused, kept", SIBLINGS.values(), ids=SIBLINGS.keys())
async def test_a_refused_branch_leaves_siblings_sharing_its_loads_intact(api, role, refused, kept):
    member = await make_member(role)
    ship = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership_id=member.membership.id, customer_number_id=ship.id)
    rep = await make_user(staff_role=StaffRole.REPRESENTATIVE)
    member.company.representative_id = rep.id
    await member.company.save(update_fields=["representative_id"])
    alone = await api.ok(f"{{ {kept} }}", token=member.token)

    body = await api(f"{{ {refused} {kept} }}", token=member.token)

    assert set(error_codes(body)) == {"FORBIDDEN"}
    assert body["data"]["kept"] == alone["kept"]


async def test_an_administrator_reads_the_reported_document(api):
    admin = await make_member(Role.ADMINISTRATOR)
    data = await api.ok(REPORTED, token=admin.token)
    assert (
        data["viewer"]["company"]["customerNumbers"] == data["viewer"]["memberships"][0]["company"]["customerNumbers"]
    )
