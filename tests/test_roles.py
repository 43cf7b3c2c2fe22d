"""SPEC's role x permission matrix against what every root field declares (`requires(...)` in
schema/core/permissions.py), read from the served schema; then one real request per kind of
declaration and one per permission, for a refused and an allowed caller, to prove that the one
mechanism enforces it.
Domain-specific refusals (a foreign id, the submitter's own list, ...) are tested in their domain."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
import strawberry
from graphql import GraphQLSchema

from models import CompanyStatus, IntegrationScope, MembershipStatus, Role, StaffRole
from resolvers.core.context import Context, Viewer
from resolvers.core.permissions import MATRIX, Permission
from schema import Mutation, Query
from schema import schema as served
from schema.core.permissions import Declaration, declaration_of
from tests.conftest import error_codes
from tests.factories import make_company, make_member, make_staff

P = Permission
R = Role
#: SPEC's table ("Roles and permissions"), as SPEC writes it: one column per role, x = granted.
COLUMNS = (R.ADMINISTRATOR, R.VIEW_PRICES, R.VIEW_PRICES_AND_ORDER, R.ORDER_WITHOUT_PRICES, R.QUICK_LISTS_ONLY)
SPEC_TABLE: dict[Permission, str] = {
    P.MANAGE_USERS: "x....",
    P.MANAGE_COMPANY: "x....",
    P.BROWSE_CATALOG: "xxxx.",
    P.VIEW_PRICES: "xxx..",
    P.PLACE_ORDERS: "x.xx.",
    P.FAST_ENTRY: "x.xx.",  # also needs company.fastEntryEnabled
    P.VIEW_QUICK_LISTS: "xxxxx",
    P.ORDER_FROM_QUICK_LISTS: "x.xxx",  # VIEW_PRICES: "VIEW only"
    P.MANAGE_QUICK_LISTS: "x.xx.",
    P.VIEW_QUOTES: "xxx..",
    P.REQUEST_QUOTES: "xxx..",
    P.ACCEPT_QUOTES: "x.x..",
    P.VIEW_COMPANY_ORDERS: "xxx..",
    P.VIEW_OWN_ORDERS: "xxxxx",
    P.VIEW_INVOICES: "xxx..",
}


def granted(permission: Permission, role: Role) -> bool:
    return SPEC_TABLE[permission][COLUMNS.index(role)] == "x"


#: The namespace objects whose fields are root operations too (Query.backoffice's Backoffice).
NAMESPACES = ("Backoffice",)
#: Open without a session: a new public field must be added here knowingly.
PUBLIC_FIELDS = {
    "Query.node",  # every type's fetcher scopes what it returns (null when unseen)
    "Query.viewer",  # null without a session
    "Query.branches",
    "Mutation.login",
    "Mutation.logout",
    "Mutation.passwordResetRequest",
    "Mutation.passwordReset",
    "Mutation.emailVerify",
    "Mutation.companyRegister",
    "Mutation.accessRequest",
    "Mutation.helpdeskRequest",
}
#: SPEC: "PLACE_ORDERS (cart, submit, scans, reorder)".
PLACE_ORDERS_FIELDS = {
    "Query.cart",
    "Mutation.cartLinesAdd",
    "Mutation.cartLineUpdate",
    "Mutation.cartLinesRemove",
    "Mutation.cartClear",
    "Mutation.cartDeliverySet",
    "Mutation.cartSubmit",
    "Query.scanLists",
    "Mutation.scanSubmit",
    "Mutation.orderReorder",
}


def root_fields(schema: GraphQLSchema) -> dict[str, Declaration | None]:
    """Every root Query and Mutation field and every namespace field, with its declaration."""
    found: dict[str, Declaration | None] = {}
    namespaces = [schema.get_type(name) for name in NAMESPACES]
    for graphql_type in (schema.query_type, schema.mutation_type, *namespaces):
        for name, field in graphql_type.fields.items():  # type: ignore[union-attr]
            found[f"{graphql_type.name}.{name}"] = declaration_of(field)  # type: ignore[union-attr]
    return found


def undeclared(schema: GraphQLSchema) -> list[str]:
    return sorted(name for name, declaration in root_fields(schema).items() if declaration is None)


DECLARED = root_fields(served._schema)


def test_the_matrix_is_spec_s_table():
    for role in Role:
        assert MATRIX[role] == {p for p in Permission if granted(p, role)}, role


@pytest.mark.parametrize("fast_entry", [True, False])
@pytest.mark.parametrize("role", list(Role))
async def test_viewer_permissions_come_from_the_matrix(api, role, fast_entry):
    member = await make_member(role, fast_entry=fast_entry)
    data = await api.ok("{ viewer { permissions } }", token=member.token)
    expected = set(MATRIX[role]) if fast_entry else set(MATRIX[role]) - {Permission.FAST_ENTRY}
    assert set(data["viewer"]["permissions"]) == {p.value for p in expected}


def test_every_root_field_declares_what_it_needs():
    assert len(DECLARED) > 80  # Query, Mutation and Backoffice were all read
    assert undeclared(served._schema) == []


def test_an_undeclared_root_field_fails_the_check():
    """The check above does fail: a field planted without requires(...) is named."""

    @strawberry.type
    class Planted(Query):
        @strawberry.field
        def planted(self) -> int:
            return 1

    planted = strawberry.Schema(query=Planted, mutation=Mutation)
    assert undeclared(planted._schema) == ["Planted.planted"]


def test_only_root_fields_carry_a_declaration():
    """Leaf and object fields stay free of extensions (the time goes per value returned)."""
    roots = {served._schema.query_type, served._schema.mutation_type, *map(served._schema.get_type, NAMESPACES)}
    for graphql_type in served._schema.type_map.values():
        if graphql_type in roots or not hasattr(graphql_type, "fields") or graphql_type.name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            assert declaration_of(field) is None, f"{graphql_type.name}.{name}"


def test_public_fields_are_the_known_ones():
    assert {name for name, d in DECLARED.items() if d is not None and d.public} == PUBLIC_FIELDS


def test_ordering_fields_need_place_orders():
    for name in PLACE_ORDERS_FIELDS:
        declaration = DECLARED[name]
        assert declaration is not None and declaration.permissions == {P.PLACE_ORDERS}, name
        assert not (declaration.member or declaration.signed_in or declaration.any_staff or declaration.staff_roles)


def test_every_declaration_is_in_its_description():
    for type_name in ("Query", "Mutation", *NAMESPACES):
        for name, field in served._schema.get_type(type_name).fields.items():  # type: ignore[union-attr]
            declaration = declaration_of(field)
            assert declaration is not None and field.description.endswith(declaration.sentence), name
    assert "Requires PLACE_ORDERS." in served.as_str()


# ---------------------------------------------------------------- every declaration x every caller


def _context(staff_role=None, role=None, status=MembershipStatus.ACTIVE, company_status=CompanyStatus.ACTIVE):
    """A request Context for a caller (no database: the declaration reads the session only)."""
    membership = None
    if role is not None:
        company = SimpleNamespace(status=company_status, fast_entry_enabled=True)
        membership = SimpleNamespace(role=role, status=status, company=company)
    user = SimpleNamespace(staff_role=staff_role)
    return Context(settings=None, session=SimpleNamespace(user=user, membership=membership))  # type: ignore[arg-type]


def _client(scope: IntegrationScope) -> Context:
    """A distributor API client's request: a user with no staff role nor membership, holding `scope`."""
    c = _context()
    c.__dict__["viewer"] = Viewer(None, None, scopes=frozenset({scope}), client_id=uuid.uuid4())
    return c


#: caller -> (Context, what SPEC lets it past: "role" / "staff" / "client" / "idle" member / anonymous)
CALLERS: dict[str, tuple[Context, str, Role | StaffRole | IntegrationScope | None]] = {
    "anonymous": (Context(settings=None), "anonymous", None),  # type: ignore[arg-type]
    **{f"member {r.value}": (_context(role=r), "role", r) for r in Role},
    **{f"staff {s.value}": (_context(staff_role=s), "staff", s) for s in StaffRole},
    "PENDING member": (_context(role=R.ADMINISTRATOR, status=MembershipStatus.PENDING), "idle", None),
    "INACTIVE member": (_context(role=R.ADMINISTRATOR, status=MembershipStatus.INACTIVE), "idle", None),
    "member of a SUSPENDED company": (
        _context(role=R.ADMINISTRATOR, company_status=CompanyStatus.SUSPENDED),
        "idle",
        None,
    ),
    "user without a membership": (_context(), "idle", None),
    **{f"client {s.value}": (_client(s), "client", s) for s in IntegrationScope},
}


def expected_refusal(
    d: Declaration, kind: str, who: Role | StaffRole | IntegrationScope | None, mutation: bool = False
) -> str | None:
    """SPEC's answer: None (let past), UNAUTHENTICATED (no session) or FORBIDDEN."""
    if d.public:
        return None
    if kind == "anonymous":
        return "UNAUTHENTICATED"
    if kind == "client":  # never one's own account (SIGNED_IN); READ_ALL reads what any staff member reads
        read_all = who == IntegrationScope.READ_ALL and d.any_staff and not mutation
        return None if who in d.scopes or read_all else "FORBIDDEN"
    if d.signed_in:
        return None
    if kind == "staff":
        return None if d.any_staff or who in d.staff_roles else "FORBIDDEN"
    if kind == "role":
        assert isinstance(who, Role)
        return None if d.member or any(granted(p, who) for p in d.permissions) else "FORBIDDEN"
    return "FORBIDDEN"  # SPEC: a PENDING membership "sees its viewer and nothing of the company"


@pytest.mark.parametrize("field", sorted(DECLARED))
def test_the_declaration_follows_spec_for_every_caller(field):
    declaration = DECLARED[field]
    assert declaration is not None
    for caller, (c, kind, who) in CALLERS.items():
        mutation = field.startswith("Mutation.")
        refused = declaration.refusal(c, mutation)
        assert (refused.code if refused else None) == expected_refusal(declaration, kind, who, mutation), caller


def test_scopes_are_declared_where_spec_says():
    erp = {
        n
        for n, d in DECLARED.items()
        if n.startswith("Mutation.") and d is not None and IntegrationScope.WRITE_ERP in d.scopes
    }
    assert {"Mutation.orderStatusSet", "Mutation.shipmentRecord", "Mutation.shipmentDelivered"} <= erp
    assert "Mutation.stockUpdate" in erp
    reads = {name for name, d in DECLARED.items() if d is not None and IntegrationScope.READ_ALL in d.scopes}
    assert {"Query.backoffice", "Backoffice.orders"} <= reads
    for name in erp:  # and the staff who may write for the ERP
        assert DECLARED[name].staff_roles == {StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR}, name


# ---------------------------------------------------------------- the mechanism, one request per kind


async def _token(caller: str) -> str | None:
    if caller == "anonymous":
        return None
    if caller.startswith("staff "):
        return (await make_staff(StaffRole(caller[6:])))[1]
    if caller == "PENDING member":
        return (await make_member(R.ADMINISTRATOR, status=MembershipStatus.PENDING)).token
    if caller == "member of a SUSPENDED company":
        company = await make_company(status=CompanyStatus.SUSPENDED)
        return (await make_member(R.ADMINISTRATOR, company=company)).token
    return (await make_member(Role(caller.removeprefix("member ")), fast_entry=True)).token


ADDRESS = '{line1: "Rue 1", postalCode: "1000", city: "Bruxelles", countryCode: "BE"}'

#: kind of declaration -> (document, a refused caller, its error code, an allowed caller)
KINDS: dict[str, tuple[str, str, str, str]] = {
    "permission, query": (
        "{ cart { id lineCount } }",
        "member VIEW_PRICES",
        "FORBIDDEN",
        "member ORDER_WITHOUT_PRICES",
    ),
    "permission, no session": ("{ cart { id } }", "anonymous", "UNAUTHENTICATED", "member ADMINISTRATOR"),
    "permission, mutation": (
        'mutation { quoteDecline(id: "x") { userErrors { code } } }',
        "member ORDER_WITHOUT_PRICES",
        "FORBIDDEN",
        "member VIEW_PRICES_AND_ORDER",
    ),
    "permission or staff": (
        "{ products(first: 1) { totalCount } }",
        "member QUICK_LISTS_ONLY",
        "FORBIDDEN",
        "staff REPRESENTATIVE",
    ),
    "one of two permissions": (
        "{ orders(first: 1) { totalCount } }",
        "PENDING member",
        "FORBIDDEN",
        "member QUICK_LISTS_ONLY",
    ),
    "an active membership": (
        'mutation { validationListCancel(id: "x") { userErrors { code } } }',
        "member of a SUSPENDED company",
        "FORBIDDEN",
        "member QUICK_LISTS_ONLY",
    ),
    "a signed-in user": (
        "mutation { profileUpdate(input: {}) { userErrors { code } } }",
        "anonymous",
        "UNAUTHENTICATED",
        "PENDING member",
    ),
    "any staff role": (
        'mutation { quoteIssue(input: {companyId: "x", validUntil: "2099-01-01", lines: []}) { userErrors { code } } }',
        "member ADMINISTRATOR",
        "FORBIDDEN",
        "staff REPRESENTATIVE",
    ),
    "staff roles": (
        'mutation { companyApprove(id: "x") { userErrors { code } } }',
        "staff REPRESENTATIVE",
        "FORBIDDEN",
        "staff CUSTOMER_SERVICE",
    ),
    # the scope itself: tests/invoice (an API client's key)
    "staff roles or a scope": (
        'mutation { creditLimitSet(companyId: "x") { userErrors { code } } }',
        "member ADMINISTRATOR",
        "FORBIDDEN",
        "staff ADMINISTRATOR",
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_the_declaration_is_enforced(api, kind):
    document, refused, code, allowed = KINDS[kind]
    body = await api(document, token=await _token(refused))
    assert error_codes(body) == [code], body
    assert body["data"] is None, body  # every field of these documents is non-null
    body = await api(document, token=await _token(allowed))
    assert "errors" not in body, body


BACKOFFICE = (
    "{ backoffice { companies(first: 1) { totalCount } quoteRequests(first: 1) { totalCount }"
    " validationLists(first: 1) { totalCount } addressChangeRequests { id } customerNumberRequests { id }"
    " helpdeskTickets { id } failedMails { to } auditEvents(first: 1) { totalCount } scanLists(first: 1) { totalCount }"
    " apiClients { id } orders(first: 1) { totalCount } events(first: 1) { edges { cursor } }"
    ' webhookSubscriptions { id } dashboard(from: "2026-07-01", to: "2026-07-01") { orders } } }'
)


@pytest.mark.parametrize("caller", ["anonymous", "member ADMINISTRATOR", "PENDING member"])
async def test_a_null_declaration_reads_null_for_refused_callers(api, caller):
    """Query.backoffice (requires(STAFF, null=True)): null, no error, for anyone but staff."""
    body = await api(BACKOFFICE, token=await _token(caller))
    assert "errors" not in body and body["data"] == {"backoffice": None}, body


async def test_staff_read_every_backoffice_field(api):
    data = await api.ok(BACKOFFICE, token=await _token("staff ADMINISTRATOR"))
    assert set(data["backoffice"]) == {name.split(".")[1] for name in DECLARED if name.startswith("Backoffice.")}


async def test_public_fields_need_no_session(api):
    data = await api.ok("{ branches { id name } viewer { user { email } } }")
    assert data == {"branches": [], "viewer": None}


# ---------------------------------------------------------------- checks that stay in resolvers


@pytest.mark.parametrize("role", list(Role))
async def test_fast_entry_where_the_distributor_did_not_enable_it(api, role):
    """FAST_ENTRY also needs company.fastEntryEnabled: FEATURE_NOT_ENABLED for roles that have it,
    FORBIDDEN still for roles that do not."""
    member = await make_member(role, fast_entry=False)
    body = await api('mutation { fastEntry(text: "") { userErrors { code } } }', token=member.token)
    if Permission.FAST_ENTRY in MATRIX[role]:
        assert "errors" not in body, body
        assert body["data"]["fastEntry"]["userErrors"] == [{"code": "FEATURE_NOT_ENABLED"}]
    else:
        assert error_codes(body) == ["FORBIDDEN"], body


@pytest.mark.parametrize("role", list(Role))
async def test_company_memberships_need_manage_users(api, role):
    """A field of an object, not a root field: Company.memberships checks MANAGE_USERS itself."""
    member = await make_member(role)
    body = await api("{ viewer { company { memberships { id } } } }", token=member.token)
    if granted(P.MANAGE_USERS, role):
        assert "errors" not in body, body
    else:
        assert error_codes(body) == ["FORBIDDEN"], body


# ---------------------------------------------------------------- one request per permission

#: permission -> (document behind that permission, a refused caller, an allowed caller). Every
#: permission a root field declares is here; VIEW_PRICES guards no root field (every Money field's
#: one rule: tests/test_price_visibility.py). Every role holds VIEW_QUICK_LISTS and VIEW_OWN_ORDERS,
#: so a PENDING member stands for the refused caller there.
PER_PERMISSION: dict[Permission, tuple[str, str, str]] = {
    P.MANAGE_USERS: (
        'mutation { membershipDeactivate(id: "x") { userErrors { code } } }',
        "member VIEW_PRICES_AND_ORDER",
        "member ADMINISTRATOR",
    ),
    P.MANAGE_COMPANY: (
        'mutation { customerNumberRequest(input: {kind: SHIP_TO, name: "Depot", address: ' + ADDRESS + "})"
        " { userErrors { code } } }",
        "member VIEW_PRICES_AND_ORDER",
        "member ADMINISTRATOR",
    ),
    P.BROWSE_CATALOG: ("{ products(first: 1) { totalCount } }", "member QUICK_LISTS_ONLY", "member VIEW_PRICES"),
    P.PLACE_ORDERS: ("{ cart { id } }", "member VIEW_PRICES", "member ORDER_WITHOUT_PRICES"),
    P.FAST_ENTRY: (
        'mutation { fastEntry(text: "X 1", addToCart: false) { userErrors { code } } }',
        "member VIEW_PRICES",
        "member VIEW_PRICES_AND_ORDER",
    ),
    P.VIEW_QUICK_LISTS: ("{ quickLists { id } }", "PENDING member", "member QUICK_LISTS_ONLY"),
    P.MANAGE_QUICK_LISTS: (
        'mutation { quickListDelete(id: "x") { ok } }',
        "member VIEW_PRICES",
        "member ORDER_WITHOUT_PRICES",
    ),
    P.ORDER_FROM_QUICK_LISTS: (
        'mutation { quickListSubmit(id: "x", input: {delivery: {method: PICKUP}, idempotencyKey: "k"})'
        " { userErrors { code } } }",
        "member VIEW_PRICES",
        "member QUICK_LISTS_ONLY",
    ),
    P.VIEW_QUOTES: ("{ quoteYears }", "member ORDER_WITHOUT_PRICES", "member VIEW_PRICES"),
    P.REQUEST_QUOTES: (
        'mutation { quoteRequest(input: {lines: [{code: "X", quantity: "1"}]}) { userErrors { code } } }',
        "member ORDER_WITHOUT_PRICES",
        "member VIEW_PRICES",
    ),
    P.ACCEPT_QUOTES: (
        'mutation { quoteDecline(id: "x") { userErrors { code } } }',
        "member VIEW_PRICES",
        "member VIEW_PRICES_AND_ORDER",
    ),
    P.VIEW_COMPANY_ORDERS: ("{ orders(first: 1) { totalCount } }", "PENDING member", "member VIEW_PRICES"),
    P.VIEW_OWN_ORDERS: ("{ orders(first: 1) { totalCount } }", "PENDING member", "member QUICK_LISTS_ONLY"),
    P.VIEW_INVOICES: ("{ invoices(first: 1) { totalCount } }", "member ORDER_WITHOUT_PRICES", "member VIEW_PRICES"),
}


def test_every_declared_permission_has_its_request():
    declared = {p for d in DECLARED.values() if d is not None for p in d.permissions}
    assert declared == set(PER_PERMISSION), declared ^ set(PER_PERMISSION)
    assert P.VIEW_PRICES not in declared


@pytest.mark.parametrize("permission", sorted(PER_PERMISSION))
async def test_each_permission_is_enforced_by_a_request(api, permission):
    document, refused, allowed = PER_PERMISSION[permission]
    who = refused.removeprefix("member ")
    if who in Role.__members__:
        assert not granted(permission, Role(who))
    assert granted(permission, Role(allowed.removeprefix("member ")))
    body = await api(document, token=await _token(refused))
    assert error_codes(body) == ["FORBIDDEN"], body
    body = await api(document, token=await _token(allowed))
    assert "errors" not in body, body
