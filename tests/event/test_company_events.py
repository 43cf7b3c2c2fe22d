"""The company, membership and request changes each append their event, with the subject's
snapshot; a refused change appends none."""

from __future__ import annotations

import pytest

from models import CompanyStatus, CustomerNumber, CustomerNumberKind, MembershipStatus, Role, StaffRole
from resolvers.core import ids
from tests.company.helpers import NEW_VAT, address, register_input
from tests.event.helpers import staff_token, types, written
from tests.factories import make_company, make_customer_number, make_member
from tests.membership.common import ACTIVATE, DEACTIVATE, INVITE, NUMBERS_SET, REACTIVATE, ROLE_SET

REGISTER = """mutation($input: CompanyRegisterInput!) {
  companyRegister(input: $input) { company { id status } userErrors { code } } }"""
ACCESS = """mutation($input: AccessRequestInput!) {
  accessRequest(input: $input) { membership { id } userErrors { code } } }"""
APPROVE = "mutation($id: ID!) { companyApprove(id: $id) { company { status } userErrors { code } } }"
REJECT = 'mutation($id: ID!) { companyReject(id: $id, reason: "No") { company { status } userErrors { code } } }'
ADDRESS_CHANGE = """mutation($input: AddressChangeRequestInput!) {
  addressChangeRequest(input: $input) { request { id } userErrors { code } } }"""
NUMBER_REQUEST = """mutation($input: CustomerNumberRequestInput!) {
  customerNumberRequest(input: $input) { request { id } userErrors { code } } }"""


def gid(row: object) -> str:
    return ids.encode(type(row).__name__, row.id)  # type: ignore[attr-defined]


async def test_a_registration_appends_the_company_then_its_administrators_membership(api):
    data = await api.ok(REGISTER, {"input": register_input(deliveryAddress=address(city="Gent"))})
    company = data["companyRegister"]["company"]
    event, membership = await written()
    assert (membership.type, membership.company_id, membership.data["change"]) == (
        "MEMBERSHIP_CHANGED",
        company["id"],
        "REGISTERED",
    )
    assert (membership.data["role"], membership.data["user"]["email"]) == ("ADMINISTRATOR", "anne@bouw.test")
    assert (event.type, event.subject_id, event.company_id) == ("COMPANY_REGISTERED", company["id"], company["id"])
    snapshot = event.data
    assert (snapshot["id"], snapshot["name"], snapshot["status"], snapshot["vatNumber"]) == (
        company["id"],
        "Menuiserie Anne",
        "ACTIVE",
        NEW_VAT[0],
    )
    assert snapshot["workDomains"] == ["PVC", "WOOD"]
    assert sorted(n["kind"] for n in snapshot["customerNumbers"]) == ["SHIP_TO", "SOLD_TO"]
    assert {n["address"]["city"] for n in snapshot["customerNumbers"]} == {"Bruxelles", "Gent"}
    assert snapshot["administrator"]["email"] == "anne@bouw.test"
    assert snapshot["contact"] == {"name": "Anne Peeters", "email": "info@bouw.test", "phone": "+32 2 555 01 01"}


async def test_a_refused_registration_appends_nothing(api):
    data = await api.ok(REGISTER, {"input": register_input(vat="BE0000000000")})
    assert data["companyRegister"]["userErrors"]
    assert await written() == []


async def test_approving_a_company_appends_company_approved_and_rejecting_nothing(api):
    token = await staff_token(StaffRole.CUSTOMER_SERVICE)
    pending = await make_company(status=CompanyStatus.PENDING_REVIEW)
    other = await make_company(status=CompanyStatus.PENDING_REVIEW)
    assert (await api.ok(REJECT, {"id": gid(other)}, token=token))["companyReject"]["userErrors"] == []
    assert (await api.ok(APPROVE, {"id": gid(pending)}, token=token))["companyApprove"]["userErrors"] == []
    again = await api.ok(APPROVE, {"id": gid(pending)}, token=token)
    assert [e["code"] for e in again["companyApprove"]["userErrors"]] == ["INVALID_STATUS_TRANSITION"]
    (event,) = await written()
    assert (event.type, event.subject_id, event.data["status"]) == ("COMPANY_APPROVED", gid(pending), "ACTIVE")
    assert event.data["customerNumbers"][0]["number"] == pending.customer_number


async def test_an_access_request_appends_a_pending_membership(api):
    company = await make_company()
    variables = {
        "input": {
            "customerNumber": company.customer_number,
            "vatNumber": company.vat_number,
            "user": {"email": "new@bouw.test", "password": "a long enough password", "firstName": "N", "lastName": "W"},
        }
    }
    membership = (await api.ok(ACCESS, variables))["accessRequest"]["membership"]
    (event,) = await written()
    assert (event.type, event.subject_id, event.company_id) == ("MEMBERSHIP_CHANGED", membership["id"], gid(company))
    assert (event.data["change"], event.data["status"], event.data["user"]["email"]) == (
        "REQUESTED",
        "PENDING",
        "new@bouw.test",
    )


async def test_every_membership_change_appends_membership_changed(api):
    admin = await make_member(Role.ADMINISTRATOR)
    ship_to = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    invite = {"email": "joe@bouw.test", "firstName": "Joe", "lastName": "B", "role": "VIEW_PRICES"}
    data = await api.ok(INVITE, {"input": invite}, token=admin.token)
    member_id = data["membershipInvite"]["membership"]["id"]
    steps = [
        (ROLE_SET, {"id": member_id, "role": "VIEW_PRICES_AND_ORDER"}),
        (ROLE_SET, {"id": member_id, "role": "VIEW_PRICES_AND_ORDER"}),  # no change: no event
        (NUMBERS_SET, {"id": member_id, "ids": [gid(ship_to)]}),
        (DEACTIVATE, {"id": member_id}),
        (REACTIVATE, {"id": member_id}),
    ]
    for document, variables in steps:
        payload = next(iter((await api.ok(document, variables, token=admin.token)).values()))
        assert payload["userErrors"] == [], (document, payload)
    events = await written()
    assert {e.subject_id for e in events} == {member_id}
    assert [(e.data["change"], e.data["role"], e.data["status"]) for e in events] == [
        ("INVITED", "VIEW_PRICES", "ACTIVE"),
        ("ROLE_CHANGED", "VIEW_PRICES_AND_ORDER", "ACTIVE"),
        ("CUSTOMER_NUMBERS_CHANGED", "VIEW_PRICES_AND_ORDER", "ACTIVE"),
        ("DEACTIVATED", "VIEW_PRICES_AND_ORDER", "INACTIVE"),
        ("REACTIVATED", "VIEW_PRICES_AND_ORDER", "ACTIVE"),
    ]
    assert events[0].data["user"]["email"] == "joe@bouw.test" and events[0].data["customerNumbers"] == []
    assert events[2].data["customerNumbers"] == [{"id": gid(ship_to), "number": ship_to.number}]


async def test_activating_a_pending_member_appends_it_and_a_refusal_nothing(api):
    admin = await make_member(Role.ADMINISTRATOR)
    pending = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company, status=MembershipStatus.PENDING)
    data = await api.ok(ACTIVATE, {"id": pending.membership_id, "role": "ORDER_WITHOUT_PRICES"}, token=admin.token)
    assert data["membershipActivate"]["userErrors"] == []
    # A second administrator deactivates the first, then may not change their own membership.
    other = await make_member(Role.ADMINISTRATOR, company=admin.company)
    await api.ok(DEACTIVATE, {"id": admin.membership_id}, token=other.token)
    refused = await api.ok(ROLE_SET, {"id": other.membership_id, "role": "VIEW_PRICES"}, token=other.token)
    assert [e["code"] for e in refused["membershipRoleSet"]["userErrors"]] == ["CANNOT_CHANGE_OWN_MEMBERSHIP"]
    assert [(e.data["change"], e.subject_id) for e in await written()] == [
        ("ACTIVATED", pending.membership_id),
        ("DEACTIVATED", admin.membership_id),
    ]


async def test_requests_to_the_distributor_append_their_events(api):
    admin = await make_member(Role.ADMINISTRATOR)
    sold_to = await CustomerNumber.get(company_id=admin.company.id)
    change = {"customerNumberId": gid(sold_to), "address": address(city="Namur"), "note": "moved"}
    a = (await api.ok(ADDRESS_CHANGE, {"input": change}, token=admin.token))["addressChangeRequest"]["request"]
    number = {"kind": "SHIP_TO", "name": "Dépôt", "address": address(city="Liège")}
    c = (await api.ok(NUMBER_REQUEST, {"input": number}, token=admin.token))["customerNumberRequest"]["request"]
    bad = await api.ok(NUMBER_REQUEST, {"input": {**number, "kind": "SOLD_TO"}}, token=admin.token)
    assert [e["code"] for e in bad["customerNumberRequest"]["userErrors"]] == ["INVALID"]
    first, second = await written()
    assert (first.type, first.subject_id, first.company_id) == ("ADDRESS_CHANGE_REQUESTED", a["id"], admin.company_id)
    assert first.data["address"]["city"] == "Namur" and first.data["customerNumber"]["number"] == sold_to.number
    assert (first.data["status"], first.data["note"], first.data["requestedBy"]) == ("PENDING", "moved", admin.user_id)
    assert (second.type, second.subject_id) == ("CUSTOMER_NUMBER_REQUESTED", c["id"])
    assert (second.data["kind"], second.data["name"], second.data["address"]["city"]) == ("SHIP_TO", "Dépôt", "Liège")


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
async def test_refused_requests_append_nothing(api, role):
    member = await make_member(role)
    number = {"kind": "SHIP_TO", "name": "Dépôt", "address": address()}
    body = await api(NUMBER_REQUEST, {"input": number}, token=member.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await types() == []
