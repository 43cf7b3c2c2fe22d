"""SPEC's role x permission matrix, walked for every role against every operation."""

from __future__ import annotations

import pytest

from models import Role
from resolvers.roles import MATRIX, Permission
from tests.conftest import error_codes
from tests.factories import make_member

ADDRESS = '{line1: "Rue 1", postalCode: "1000", city: "Bruxelles", countryCode: "BE"}'
MISSING = "TWVtYmVyc2hpcDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"  # Membership:0000...

# operation -> (document, permission it needs). Arguments need not be valid: a role that holds the
# permission gets past the check (to a userError or data); one that does not gets FORBIDDEN.
OPERATIONS: dict[str, tuple[str, Permission]] = {
    "companyContactUpdate": (
        'mutation { companyContactUpdate(input: {name: "N", email: "n@example.com"}) { userErrors { code } } }',
        Permission.MANAGE_COMPANY,
    ),
    "addressChangeRequest": (
        f'mutation {{ addressChangeRequest(input: {{customerNumberId: "x", address: {ADDRESS}}}) {{ userErrors {{ code }} }} }}',
        Permission.MANAGE_COMPANY,
    ),
    "customerNumberRequest": (
        f'mutation {{ customerNumberRequest(input: {{kind: SHIP_TO, name: "Site", address: {ADDRESS}}}) {{ userErrors {{ code }} }} }}',
        Permission.MANAGE_COMPANY,
    ),
    "membershipInvite": (
        'mutation { membershipInvite(input: {email: "x@example.com", firstName: "X", lastName: "Y", role: VIEW_PRICES})'
        " { userErrors { code } } }",
        Permission.MANAGE_USERS,
    ),
    "membershipActivate": (
        f'mutation {{ membershipActivate(id: "{MISSING}", role: VIEW_PRICES) {{ userErrors {{ code }} }} }}',
        Permission.MANAGE_USERS,
    ),
    "membershipRoleSet": (
        f'mutation {{ membershipRoleSet(id: "{MISSING}", role: VIEW_PRICES) {{ userErrors {{ code }} }} }}',
        Permission.MANAGE_USERS,
    ),
    "membershipDeactivate": (
        f'mutation {{ membershipDeactivate(id: "{MISSING}") {{ userErrors {{ code }} }} }}', Permission.MANAGE_USERS,
    ),
    "membershipReactivate": (
        f'mutation {{ membershipReactivate(id: "{MISSING}") {{ userErrors {{ code }} }} }}', Permission.MANAGE_USERS,
    ),
    "membershipCustomerNumbersSet": (
        f'mutation {{ membershipCustomerNumbersSet(id: "{MISSING}", customerNumberIds: []) {{ userErrors {{ code }} }} }}',
        Permission.MANAGE_USERS,
    ),
    "company.memberships": ("{ viewer { company { memberships { id } } } }", Permission.MANAGE_USERS),
}


def test_the_matrix_is_spec_s_table():
    """Spot checks of SPEC's table, so that an edit of MATRIX cannot go unnoticed."""
    assert MATRIX[Role.ADMINISTRATOR] == frozenset(Permission)
    assert Permission.VIEW_PRICES not in MATRIX[Role.ORDER_WITHOUT_PRICES]
    assert Permission.PLACE_ORDERS not in MATRIX[Role.VIEW_PRICES]
    assert MATRIX[Role.QUICK_LISTS_ONLY] == {
        Permission.VIEW_QUICK_LISTS, Permission.ORDER_FROM_QUICK_LISTS, Permission.VIEW_OWN_ORDERS
    }
    assert Permission.MANAGE_QUICK_LISTS not in MATRIX[Role.VIEW_PRICES]
    assert Permission.VIEW_QUICK_LISTS in MATRIX[Role.VIEW_PRICES]
    assert Permission.ACCEPT_QUOTES not in MATRIX[Role.VIEW_PRICES]


@pytest.mark.parametrize("fast_entry", [True, False])
@pytest.mark.parametrize("role", list(Role))
async def test_viewer_permissions_come_from_the_matrix(api, role, fast_entry):
    member = await make_member(role, fast_entry=fast_entry)
    data = await api.ok("{ viewer { permissions } }", token=member.token)
    expected = set(MATRIX[role]) if fast_entry else set(MATRIX[role]) - {Permission.FAST_ENTRY}
    assert set(data["viewer"]["permissions"]) == {p.value for p in expected}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", list(Role))
async def test_every_role_against_every_operation(api, role, operation):
    document, permission = OPERATIONS[operation]
    member = await make_member(role, fast_entry=True)
    body = await api(document, token=member.token)
    if permission in MATRIX[role]:
        assert "FORBIDDEN" not in error_codes(body), body
    else:
        assert error_codes(body) == ["FORBIDDEN"], body


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_every_operation_wants_a_session(api, operation):
    document, _ = OPERATIONS[operation]
    body = await api(document)
    if operation == "company.memberships":
        assert body["data"]["viewer"] is None
    else:
        assert error_codes(body) == ["UNAUTHENTICATED"], body
