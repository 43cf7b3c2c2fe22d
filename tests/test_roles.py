"""SPEC's role x permission matrix, walked for every role against every operation."""

from __future__ import annotations

import pytest

from models import CompanyStatus, MembershipStatus, Role, StaffRole
from resolvers.core.permissions import MATRIX, Permission
from schema import schema as served
from tests.conftest import error_codes
from tests.factories import make_company, make_member, make_staff

ADDRESS = '{line1: "Rue 1", postalCode: "1000", city: "Bruxelles", countryCode: "BE"}'
MISSING = "TWVtYmVyc2hpcDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"  # Membership:0000...

#: Reading validation lists and orders: either permission will do (own ones, or the company's).
READ_ORDERS = frozenset({Permission.VIEW_OWN_ORDERS, Permission.VIEW_COMPANY_ORDERS})
#: `product(id|sku)`: browsers read any product; QUICK_LISTS_ONLY members (VIEW_QUICK_LISTS without
#: BROWSE_CATALOG) read the products of their quick lists (SPEC: "see only the products on their
#: company's quick lists"), anything else reads null, never FORBIDDEN.
READ_ONE_PRODUCT = frozenset({Permission.BROWSE_CATALOG, Permission.VIEW_QUICK_LISTS})
Need = Permission | frozenset[Permission]  # a frozenset: any one of them will do

DELIVERY = "{method: PICKUP}"


def mutation(call: str) -> str:
    """A one-mutation document reading the payload's userErrors."""
    return "mutation { %s { userErrors { code } } }" % call


# operation -> (document, permission it needs). Arguments need not be valid: a role that holds the
# permission gets past the check (to a userError or data); one that does not gets FORBIDDEN.
OPERATIONS: dict[str, tuple[str, Need]] = {
    # ------------------------------------------------------------------ company and members
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
        f'mutation {{ membershipDeactivate(id: "{MISSING}") {{ userErrors {{ code }} }} }}',
        Permission.MANAGE_USERS,
    ),
    "membershipReactivate": (
        f'mutation {{ membershipReactivate(id: "{MISSING}") {{ userErrors {{ code }} }} }}',
        Permission.MANAGE_USERS,
    ),
    "membershipCustomerNumbersSet": (
        f'mutation {{ membershipCustomerNumbersSet(id: "{MISSING}", customerNumberIds: []) {{ userErrors {{ code }} }} }}',
        Permission.MANAGE_USERS,
    ),
    "company.memberships": ("{ viewer { company { memberships { id } } } }", Permission.MANAGE_USERS),
    # ------------------------------------------------------------------ catalog
    "products": ("{ products(first: 1) { totalCount edges { node { id } } } }", Permission.BROWSE_CATALOG),
    "product": ('{ product(sku: "NO-SUCH-SKU") { id } }', READ_ONE_PRODUCT),
    "productLookup": ('{ productLookup(codes: ["NO-SUCH-SKU"]) { code status } }', Permission.BROWSE_CATALOG),
    "categories": ("{ categories { id } }", Permission.BROWSE_CATALOG),
    # ------------------------------------------------------------------ quotes
    "quotes": ("{ quotes(first: 1) { totalCount edges { node { id } } } }", Permission.VIEW_QUOTES),
    "quote": ('{ quote(id: "x") { id } }', Permission.VIEW_QUOTES),
    "quoteYears": ("{ quoteYears }", Permission.VIEW_QUOTES),
    "quoteRequest": (mutation("quoteRequest(input: {lines: []})"), Permission.REQUEST_QUOTES),
    "quoteAccept": (
        'mutation { quoteAccept(id: "x", input: {idempotencyKey: "k"}) { userErrors { code } } }',
        Permission.ACCEPT_QUOTES,
    ),
    "quoteDecline": ('mutation { quoteDecline(id: "x") { userErrors { code } } }', Permission.ACCEPT_QUOTES),
    # ------------------------------------------------------------------ cart and fast entry
    "cart": ("{ cart { id lineCount } }", Permission.PLACE_ORDERS),
    "cartLinesAdd": ("mutation { cartLinesAdd(lines: []) { userErrors { code } } }", Permission.PLACE_ORDERS),
    "cartLineUpdate": (
        'mutation { cartLineUpdate(lineId: "x", quantity: "1") { userErrors { code } } }',
        Permission.PLACE_ORDERS,
    ),
    "cartLinesRemove": (mutation('cartLinesRemove(lineIds: ["x"])'), Permission.PLACE_ORDERS),
    "cartClear": ("mutation { cartClear { userErrors { code } } }", Permission.PLACE_ORDERS),
    "cartDeliverySet": (
        f"mutation {{ cartDeliverySet(input: {DELIVERY}) {{ userErrors {{ code }} }} }}",
        Permission.PLACE_ORDERS,
    ),
    "cartSubmit": (
        'mutation { cartSubmit(input: {idempotencyKey: "k"}) { userErrors { code } } }',
        Permission.PLACE_ORDERS,
    ),
    # The walk's companies have fast entry enabled (make_member(fast_entry=True)).
    "fastEntry": ('mutation { fastEntry(text: "") { userErrors { code } } }', Permission.FAST_ENTRY),
    # ------------------------------------------------------------------ quick lists
    "quickLists": ("{ quickLists { id } }", Permission.VIEW_QUICK_LISTS),
    "quickList": ('{ quickList(id: "x") { id } }', Permission.VIEW_QUICK_LISTS),
    "quickListCreate": (
        'mutation { quickListCreate(input: {name: ""}) { userErrors { code } } }',
        Permission.MANAGE_QUICK_LISTS,
    ),
    "quickListUpdate": (
        'mutation { quickListUpdate(id: "x", input: {name: "N"}) { userErrors { code } } }',
        Permission.MANAGE_QUICK_LISTS,
    ),
    "quickListDelete": ('mutation { quickListDelete(id: "x") { userErrors { code } } }', Permission.MANAGE_QUICK_LISTS),
    "quickListLinesAdd": (
        'mutation { quickListLinesAdd(id: "x", lines: []) { userErrors { code } } }',
        Permission.MANAGE_QUICK_LISTS,
    ),
    "quickListLineUpdate": (
        'mutation { quickListLineUpdate(lineId: "x", quantity: "1") { userErrors { code } } }',
        Permission.MANAGE_QUICK_LISTS,
    ),
    "quickListLinesRemove": (
        'mutation { quickListLinesRemove(id: "x", lineIds: []) { userErrors { code } } }',
        Permission.MANAGE_QUICK_LISTS,
    ),
    "quickListSubmit": (
        mutation(f'quickListSubmit(id: "x", input: {{delivery: {DELIVERY}, idempotencyKey: "k"}})'),
        Permission.ORDER_FROM_QUICK_LISTS,
    ),
    "quickListAddToCart": ('mutation { quickListAddToCart(id: "x") { userErrors { code } } }', Permission.PLACE_ORDERS),
    # ------------------------------------------------------------------ scan lists
    "scanLists": ("{ scanLists { id } }", Permission.PLACE_ORDERS),
    "scanSubmit": (
        mutation(f'scanSubmit(input: {{lines: [], delivery: {DELIVERY}, idempotencyKey: "k"}})'),
        Permission.PLACE_ORDERS,
    ),
    # ------------------------------------------------------------------ validation lists and orders
    "validationLists": ("{ validationLists(first: 1) { totalCount edges { node { id } } } }", READ_ORDERS),
    "validationList": ('{ validationList(id: "x") { id } }', READ_ORDERS),
    "validationListCancel": ('mutation { validationListCancel(id: "x") { userErrors { code } } }', READ_ORDERS),
    "orders": ("{ orders(first: 1) { totalCount edges { node { id } } } }", READ_ORDERS),
    "order": ('{ order(id: "x") { id } }', READ_ORDERS),
    "orderReorder": ('mutation { orderReorder(id: "x") { userErrors { code } } }', Permission.PLACE_ORDERS),
}

#: Staff only: customers of any role get FORBIDDEN, no session UNAUTHENTICATED.
BACKOFFICE_MUTATIONS: dict[str, str] = {
    "companyApprove": 'mutation { companyApprove(id: "x") { userErrors { code } } }',
    "companyReject": 'mutation { companyReject(id: "x", reason: "r") { userErrors { code } } }',
    "companyFastEntrySet": 'mutation { companyFastEntrySet(id: "x", enabled: true) { userErrors { code } } }',
    "companyRepresentativeSet": 'mutation { companyRepresentativeSet(id: "x", userId: "y") { userErrors { code } } }',
    "customerNumberCreate": (
        f'mutation {{ customerNumberCreate(input: {{companyId: "x", kind: SHIP_TO, name: "n", address: {ADDRESS}}})'
        " { userErrors { code } } }"
    ),
    "customerNumberRequestDecide": mutation('customerNumberRequestDecide(id: "x", approve: true)'),
    "addressChangeRequestDecide": mutation('addressChangeRequestDecide(id: "x", approve: true)'),
    "helpdeskTicketResolve": 'mutation { helpdeskTicketResolve(id: "x") { userErrors { code } } }',
    "quoteIssue": (
        'mutation { quoteIssue(input: {companyId: "x", validUntil: "2099-01-01", lines: []}) { userErrors { code } } }'
    ),
    "validationListApprove": (
        'mutation { validationListApprove(input: {id: "x", expectedVersion: 1}) { userErrors { code } } }'
    ),
    "validationListReject": (
        'mutation { validationListReject(input: {id: "x", expectedVersion: 1, reason: "r"}) { userErrors { code } } }'
    ),
    "scanListCreate": mutation('scanListCreate(input: {companyId: "x", name: "n", lines: []})'),
    "scanListApprove": 'mutation { scanListApprove(id: "x") { userErrors { code } } }',
}

#: Query.backoffice's fields: the field itself reads null for anyone but staff.
BACKOFFICE_FIELDS: dict[str, str] = {
    "companies": "companies(first: 1) { totalCount }",
    "quoteRequests": "quoteRequests(first: 1) { totalCount }",
    "validationLists": "validationLists(first: 1) { totalCount }",
    "addressChangeRequests": "addressChangeRequests { id }",
    "customerNumberRequests": "customerNumberRequests { id }",
    "helpdeskTickets": "helpdeskTickets { id }",
    "failedMails": "failedMails { to }",
    "auditEvents": "auditEvents(first: 1) { totalCount }",
    "scanLists": "scanLists(first: 1) { totalCount }",
}

#: Root fields outside the walk: public, about the session itself, or open to any signed-in user.
NOT_WALKED = {
    "Query": {"node", "viewer", "backoffice", "branches"},
    "Mutation": {
        "login",
        "logout",
        "accountSwitch",
        "profileUpdate",
        "passwordChange",
        "passwordResetRequest",
        "passwordReset",
        "emailVerify",
        "companyRegister",
        "accessRequest",
        "helpdeskRequest",
    },
}


def may(role: Role, need: Need) -> bool:
    """Whether SPEC's matrix lets `role` past an operation needing `need`."""
    if isinstance(need, Permission):
        return need in MATRIX[role]
    return bool(need & MATRIX[role])


def test_the_matrix_is_spec_s_table():
    """Spot checks of SPEC's table, so that an edit of MATRIX cannot go unnoticed."""
    assert MATRIX[Role.ADMINISTRATOR] == frozenset(Permission)
    assert Permission.VIEW_PRICES not in MATRIX[Role.ORDER_WITHOUT_PRICES]
    assert Permission.PLACE_ORDERS not in MATRIX[Role.VIEW_PRICES]
    assert MATRIX[Role.QUICK_LISTS_ONLY] == {
        Permission.VIEW_QUICK_LISTS,
        Permission.ORDER_FROM_QUICK_LISTS,
        Permission.VIEW_OWN_ORDERS,
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


def test_every_root_field_is_walked_or_known():
    """A new operation must be added to the walk (or knowingly left out of it)."""
    graphql_schema = served._schema
    walked = {name.split(".")[0] for name in OPERATIONS} - {"company"}
    for type_name, extra in (("Query", set()), ("Mutation", set(BACKOFFICE_MUTATIONS))):
        fields = {name for name in graphql_schema.get_type(type_name).fields}
        known = walked | extra | NOT_WALKED[type_name]
        assert fields - known == set(), f"{type_name} fields nobody walks"
    backoffice = set(graphql_schema.get_type("Backoffice").fields)
    assert backoffice == set(BACKOFFICE_FIELDS)


def test_every_active_member_may_read_their_own_orders():
    """VIEW_OWN_ORDERS is every role's: validation lists and orders are never FORBIDDEN to an active member."""
    for role in Role:
        assert Permission.VIEW_OWN_ORDERS in MATRIX[role]
        assert may(role, READ_ORDERS)
    readers = [name for name, (_, need) in OPERATIONS.items() if need == READ_ORDERS]
    assert sorted(readers) == ["order", "orders", "validationList", "validationListCancel", "validationLists"]


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", list(Role))
async def test_every_role_against_every_operation(api, role, operation):
    document, need = OPERATIONS[operation]
    member = await make_member(role, fast_entry=True)
    body = await api(document, token=member.token)
    if may(role, need):
        assert "errors" not in body, body
    else:
        assert error_codes(body) == ["FORBIDDEN"], body


@pytest.mark.parametrize("role", list(Role))
async def test_fast_entry_where_the_distributor_did_not_enable_it(api, role):
    """FAST_ENTRY also needs company.fastEntryEnabled: FEATURE_NOT_ENABLED for roles that have it,
    FORBIDDEN still for roles that do not."""
    member = await make_member(role, fast_entry=False)
    body = await api(OPERATIONS["fastEntry"][0], token=member.token)
    if Permission.FAST_ENTRY in MATRIX[role]:
        assert "errors" not in body, body
        assert body["data"]["fastEntry"]["userErrors"] == [{"code": "FEATURE_NOT_ENABLED"}]
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


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize(
    "membership_status, company_status",
    [
        (MembershipStatus.PENDING, CompanyStatus.ACTIVE),
        (MembershipStatus.INACTIVE, CompanyStatus.ACTIVE),
        (MembershipStatus.ACTIVE, CompanyStatus.SUSPENDED),
    ],
)
async def test_a_member_who_may_not_act_is_refused_everything(api, operation, membership_status, company_status):
    """A PENDING or deactivated membership, or a suspended company: an administrator's session
    reads and changes nothing of the company (SPEC: sees its viewer and nothing of the company)."""
    document, _ = OPERATIONS[operation]
    company = await make_company(status=company_status, fast_entry=True)
    member = await make_member(Role.ADMINISTRATOR, company=company, status=membership_status)
    body = await api(document, token=member.token)
    if operation == "company.memberships":
        assert "errors" not in body or error_codes(body) == ["FORBIDDEN"], body
        company_data = body["data"]["viewer"]["company"]
        assert company_data is None or company_data["memberships"] is None, body
    else:
        assert error_codes(body) == ["FORBIDDEN"], body


@pytest.mark.parametrize("operation", sorted(BACKOFFICE_MUTATIONS))
@pytest.mark.parametrize("role", list(Role))
async def test_no_customer_reaches_a_back_office_mutation(api, role, operation):
    member = await make_member(role, fast_entry=True)
    body = await api(BACKOFFICE_MUTATIONS[operation], token=member.token)
    assert error_codes(body) == ["FORBIDDEN"], body
    assert body["data"] is None


@pytest.mark.parametrize("operation", sorted(BACKOFFICE_MUTATIONS))
async def test_every_back_office_mutation_wants_a_session(api, operation):
    body = await api(BACKOFFICE_MUTATIONS[operation])
    assert error_codes(body) == ["UNAUTHENTICATED"], body


@pytest.mark.parametrize("field", sorted(BACKOFFICE_FIELDS))
@pytest.mark.parametrize("role", [*Role, None])
async def test_backoffice_reads_null_for_customers_and_anonymous(api, role, field):
    token = (await make_member(role, fast_entry=True)).token if role is not None else None
    body = await api("{ backoffice { %s } }" % BACKOFFICE_FIELDS[field], token=token)
    assert "errors" not in body and body["data"] == {"backoffice": None}, body


@pytest.mark.parametrize("field", sorted(BACKOFFICE_FIELDS))
async def test_staff_read_every_backoffice_field(api, field):
    """The other side of the null above: the same documents work for staff."""
    _, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    data = await api.ok("{ backoffice { %s } }" % BACKOFFICE_FIELDS[field], token=token)
    assert data["backoffice"] is not None


@pytest.mark.parametrize("role", [*Role, None])
async def test_branches_are_public(api, role):
    token = (await make_member(role)).token if role is not None else None
    data = await api.ok("{ branches { id name } }", token=token)
    assert data["branches"] == []
