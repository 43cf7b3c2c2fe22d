"""Who reaches the back office: staff only; decisions need CUSTOMER_SERVICE or ADMINISTRATOR."""

from __future__ import annotations

import pytest

from models import (
    AddressChangeRequest,
    AuditEvent,
    Company,
    CustomerNumber,
    CustomerNumberRequest,
    HelpdeskTicket,
    StaffRole,
)
from resolvers import backoffice as bo
from resolvers.core.context import Context, authenticate
from resolvers.core.errors import AccessError
from resolvers.core.permissions import MATRIX
from tests.conftest import error_codes
from tests.factories import make_member, make_staff

ADDRESS = {"line1": "Rue 1", "postalCode": "1000", "city": "Bruxelles", "countryCode": "BE"}

BACKOFFICE = "query { backoffice { companies { totalCount } } }"
ALL_FIELDS = """
query {
  backoffice {
    companies { totalCount }
    addressChangeRequests { id }
    customerNumberRequests { id }
    helpdeskTickets { id }
    auditEvents { totalCount }
  }
}
"""

APPROVE = "mutation($id: ID!) { companyApprove(id: $id) { company { status } userErrors { code } } }"
REJECT = 'mutation($id: ID!) { companyReject(id: $id, reason: "No") { company { status } userErrors { code } } }'
FAST_ENTRY = (
    "mutation($id: ID!) { companyFastEntrySet(id: $id, enabled: true) "
    "{ company { fastEntryEnabled } userErrors { code } } }"
)
REPRESENTATIVE = (
    "mutation($id: ID!, $userId: ID!) { companyRepresentativeSet(id: $id, userId: $userId) "
    "{ company { id } userErrors { code } } }"
)
NUMBER_CREATE = (
    "mutation($input: CustomerNumberCreateInput!) { customerNumberCreate(input: $input) "
    "{ customerNumber { number } userErrors { code } } }"
)
NUMBER_DECIDE = (
    "mutation($id: ID!) { customerNumberRequestDecide(id: $id, approve: true) "
    "{ request { status } userErrors { code } } }"
)
ADDRESS_DECIDE = (
    "mutation($id: ID!) { addressChangeRequestDecide(id: $id, approve: true) "
    "{ request { status } userErrors { code } } }"
)
TICKET_RESOLVE = "mutation($id: ID!) { helpdeskTicketResolve(id: $id) { ticket { resolved } userErrors { code } } }"

# name -> (document, variables from the world, is a decision on account data)
OPERATIONS = {
    "companyApprove": (APPROVE, lambda w: {"id": w.gid(w.pending)}, True),
    "companyReject": (REJECT, lambda w: {"id": w.gid(w.pending)}, True),
    "companyFastEntrySet": (FAST_ENTRY, lambda w: {"id": w.gid(w.member.company)}, True),
    "companyRepresentativeSet": (
        REPRESENTATIVE,
        lambda w: {"id": w.gid(w.member.company), "userId": w.gid(w.staff)},
        True,
    ),
    "customerNumberCreate": (
        NUMBER_CREATE,
        lambda w: {
            "input": {"companyId": w.gid(w.member.company), "kind": "SHIP_TO", "name": "Site", "address": ADDRESS}
        },
        True,
    ),
    "customerNumberRequestDecide": (NUMBER_DECIDE, lambda w: {"id": w.gid(w.number_request)}, True),
    "addressChangeRequestDecide": (ADDRESS_DECIDE, lambda w: {"id": w.gid(w.address_request)}, True),
    "helpdeskTicketResolve": (TICKET_RESOLVE, lambda w: {"id": w.gid(w.ticket)}, False),
}
DECISIONS = [name for name, (_, _, decision) in OPERATIONS.items() if decision]


async def snapshot() -> tuple:
    """Everything a back-office mutation could change."""
    return (
        sorted(
            await Company.all().values_list(
                "id", "status", "fast_entry_enabled", "representative_id", "rejection_reason"
            )
        ),
        sorted(await CustomerNumber.all().values_list("id", "number", "line1", "city")),
        sorted(await CustomerNumberRequest.all().values_list("id", "status", "customer_number_id")),
        sorted(await AddressChangeRequest.all().values_list("id", "status")),
        sorted(await HelpdeskTicket.all().values_list("id", "resolved")),
        await AuditEvent.all().count(),
    )


@pytest.mark.parametrize("role", list(MATRIX))
async def test_backoffice_is_null_for_every_customer_role(api, role):
    member = await make_member(role)
    data = await api.ok(ALL_FIELDS, token=member.token)
    assert data["backoffice"] is None


async def test_backoffice_is_null_without_a_session(api):
    assert (await api.ok(ALL_FIELDS))["backoffice"] is None


@pytest.mark.parametrize("staff_role", list(StaffRole))
async def test_every_staff_role_reads_the_backoffice(api, world, staff_role):
    _, token = await make_staff(staff_role)
    data = await api.ok(ALL_FIELDS, token=token)
    office = data["backoffice"]
    assert office["companies"]["totalCount"] == 2
    assert len(office["addressChangeRequests"]) == 1
    assert len(office["customerNumberRequests"]) == 1
    assert len(office["helpdeskTickets"]) == 1
    assert office["auditEvents"]["totalCount"] == 0


@pytest.mark.parametrize("role", list(MATRIX))
async def test_backoffice_fields_check_the_staff_role_again(api, world, settings, role):
    """Even reached without Query.backoffice, every reading function refuses a customer."""
    member = await make_member(role)
    ctx = Context(settings=settings, session=await authenticate(f"Bearer {member.token}"))
    reads = [
        bo.companies(ctx, None, None, None, None),
        bo.address_change_requests(ctx, None),
        bo.customer_number_requests(ctx, None),
        bo.helpdesk_tickets(ctx, None),
        bo.audit_events(ctx, None, None, None),
    ]
    for read in reads:
        with pytest.raises(AccessError) as refused:
            await read
        assert refused.value.code == "FORBIDDEN"
    anonymous = Context(settings=settings)
    with pytest.raises(AccessError) as refused:
        await bo.companies(anonymous, None, None, None, None)
    assert refused.value.code == "UNAUTHENTICATED"


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_customers_are_forbidden_every_backoffice_mutation(api, world, operation, role):
    # The customer is a member of the company concerned, which does not help.
    member = await make_member(role, company=world.member.company)
    doc, variables, _ = OPERATIONS[operation]
    before = await snapshot()
    body = await api(doc, variables(world), token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    assert await snapshot() == before


@pytest.mark.parametrize("operation", DECISIONS)
async def test_a_representative_may_not_decide(api, world, operation):
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    doc, variables, _ = OPERATIONS[operation]
    before = await snapshot()
    body = await api(doc, variables(world), token=token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await snapshot() == before


@pytest.mark.parametrize("staff_role", [StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR])
@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_customer_service_and_administrators_decide(api, world, operation, staff_role):
    _, token = await make_staff(staff_role)
    doc, variables, _ = OPERATIONS[operation]
    data = await api.ok(doc, variables(world), token=token)
    assert data[operation]["userErrors"] == []
    assert await AuditEvent.all().count() == 1


async def test_a_representative_resolves_helpdesk_tickets(api, world):
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    data = await api.ok(TICKET_RESOLVE, {"id": world.gid(world.ticket)}, token=token)
    assert data["helpdeskTicketResolve"]["ticket"]["resolved"] is True


@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_every_backoffice_mutation_needs_a_session(api, world, operation):
    doc, variables, _ = OPERATIONS[operation]
    before = await snapshot()
    body = await api(doc, variables(world))
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await snapshot() == before


async def test_a_removed_staff_role_loses_access_at_once(api, world):
    """Staff rights are read from the user on every request, not from the session."""
    world.staff.staff_role = None
    await world.staff.save(update_fields=["staff_role"])
    body = await api(APPROVE, {"id": world.gid(world.pending)}, token=world.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert (await api.ok(BACKOFFICE, token=world.token))["backoffice"] is None
