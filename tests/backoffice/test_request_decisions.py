"""addressChangeRequestDecide and helpdeskTicketResolve."""

from __future__ import annotations

import pytest

from models import AddressChangeRequest, AuditEvent, CustomerNumber, HelpdeskTicket, RequestStatus
from resolvers.core import ids
from tests.backoffice.conftest import audit_actions

DECIDE = """
mutation($id: ID!, $approve: Boolean!) {
  addressChangeRequestDecide(id: $id, approve: $approve) {
    request { id status customerNumber { number address { line1 line2 postalCode city countryCode } } }
    userErrors { field code }
  }
}
"""
RESOLVE = """
mutation($id: ID!) {
  helpdeskTicketResolve(id: $id) { ticket { id number resolved } userErrors { field code } }
}
"""
MY_ADDRESS = "query { viewer { company { customerNumbers(kind: SOLD_TO) { address { line1 city } } } } }"
UNKNOWN = "00000000-0000-0000-0000-000000000000"
NEW_ADDRESS = {"line1": "Meir 10", "line2": "bus 2", "postalCode": "2000", "city": "Antwerpen", "countryCode": "BE"}


async def address_of(number_id) -> dict:
    row = await CustomerNumber.get(id=number_id)
    return {
        "line1": row.line1,
        "line2": row.line2,
        "postalCode": row.postal_code,
        "city": row.city,
        "countryCode": row.country_code,
    }


# ---------------------------------------------------------------- addressChangeRequestDecide


async def test_an_approved_address_change_updates_the_customer_number(api, world):
    old = await address_of(world.sold_to.id)
    data = await api.ok(DECIDE, {"id": world.gid(world.address_request), "approve": True}, token=world.token)
    decided = data["addressChangeRequestDecide"]
    assert decided["userErrors"] == []
    assert decided["request"]["status"] == "APPROVED"
    assert decided["request"]["customerNumber"] == {"number": world.sold_to.number, "address": NEW_ADDRESS}
    assert await address_of(world.sold_to.id) == NEW_ADDRESS
    member_view = await api.ok(MY_ADDRESS, token=world.member.token)
    numbers = member_view["viewer"]["company"]["customerNumbers"]
    assert numbers == [{"address": {"line1": "Meir 10", "city": "Antwerpen"}}]
    event = await AuditEvent.get()
    assert event.action == "address_change_request.approved"
    assert event.company_id == world.member.company.id  # type: ignore[attr-defined]
    assert event.target_id == world.gid(world.address_request)
    assert event.details["after"] == {"status": "APPROVED", "address": NEW_ADDRESS}
    assert event.details["before"]["address"] == old


async def test_a_rejected_address_change_leaves_the_address(api, world):
    old = await address_of(world.sold_to.id)
    data = await api.ok(DECIDE, {"id": world.gid(world.address_request), "approve": False}, token=world.token)
    assert data["addressChangeRequestDecide"]["request"]["status"] == "REJECTED"
    assert await address_of(world.sold_to.id) == old
    assert (await AddressChangeRequest.get(id=world.address_request.id)).status == RequestStatus.REJECTED
    assert await audit_actions() == ["address_change_request.rejected"]


@pytest.mark.parametrize("first", [True, False])
async def test_a_decided_address_change_cannot_be_decided_again(api, world, first):
    await api.ok(DECIDE, {"id": world.gid(world.address_request), "approve": first}, token=world.token)
    address = await address_of(world.sold_to.id)
    data = await api.ok(DECIDE, {"id": world.gid(world.address_request), "approve": not first}, token=world.token)
    assert data["addressChangeRequestDecide"] == {
        "request": None,
        "userErrors": [{"field": None, "code": "INVALID_STATUS_TRANSITION"}],
    }
    expected = RequestStatus.APPROVED if first else RequestStatus.REJECTED
    assert (await AddressChangeRequest.get(id=world.address_request.id)).status == expected
    assert await address_of(world.sold_to.id) == address
    assert len(await audit_actions()) == 1


async def test_deciding_an_unknown_address_change_is_not_found(api, world):
    old = await address_of(world.sold_to.id)
    for bad in (ids.encode("AddressChangeRequest", UNKNOWN), world.gid(world.number_request), "x"):
        data = await api.ok(DECIDE, {"id": bad, "approve": True}, token=world.token)
        assert data["addressChangeRequestDecide"]["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]
    assert await address_of(world.sold_to.id) == old
    assert await audit_actions() == []


# ---------------------------------------------------------------- helpdeskTicketResolve


async def test_resolving_a_ticket(api, world):
    data = await api.ok(RESOLVE, {"id": world.gid(world.ticket)}, token=world.token)
    assert data["helpdeskTicketResolve"] == {
        "ticket": {"id": world.gid(world.ticket), "number": "HD-1", "resolved": True},
        "userErrors": [],
    }
    assert (await HelpdeskTicket.get(id=world.ticket.id)).resolved is True
    event = await AuditEvent.get()
    assert (event.action, event.actor_id, event.target_id) == (  # type: ignore[attr-defined]
        "helpdesk_ticket.resolved",
        world.staff.id,
        world.gid(world.ticket),
    )
    assert event.details == {"before": {"resolved": False}, "after": {"resolved": True}}


async def test_a_resolved_ticket_cannot_be_resolved_again(api, world):
    await api.ok(RESOLVE, {"id": world.gid(world.ticket)}, token=world.token)
    data = await api.ok(RESOLVE, {"id": world.gid(world.ticket)}, token=world.token)
    assert data["helpdeskTicketResolve"] == {
        "ticket": None,
        "userErrors": [{"field": None, "code": "INVALID_STATUS_TRANSITION"}],
    }
    assert await audit_actions() == ["helpdesk_ticket.resolved"]


async def test_resolving_an_unknown_ticket_is_not_found(api, world):
    for bad in (ids.encode("HelpdeskTicket", UNKNOWN), world.gid(world.pending)):
        data = await api.ok(RESOLVE, {"id": bad}, token=world.token)
        assert data["helpdeskTicketResolve"]["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]
    assert (await HelpdeskTicket.get(id=world.ticket.id)).resolved is False
    assert await audit_actions() == []
