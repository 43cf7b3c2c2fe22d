from __future__ import annotations

import pytest

from models import (
    AddressChangeRequest,
    AuditEvent,
    Company,
    CustomerNumber,
    CustomerNumberKind,
    CustomerNumberRequest,
    MembershipStatus,
    RequestStatus,
    Role,
    StaffRole,
)
from resolvers.core import ids
from resolvers.core.permissions import MATRIX, Permission
from tests.company.helpers import DELIVERY, address, counts, problems
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_staff

CONTACT = """
mutation Contact($input: ContactInput!) {
  companyContactUpdate(input: $input) {
    company { id contact { name email phone } }
    userErrors { field code message }
  }
}
"""
ADDRESS_CHANGE = """
mutation AddressChange($input: AddressChangeRequestInput!) {
  addressChangeRequest(input: $input) {
    request { id status note createdAt address { line1 postalCode city countryCode }
              customerNumber { number kind address { line1 } } }
    userErrors { field code message }
  }
}
"""
NUMBER_REQUEST = """
mutation NumberRequest($input: CustomerNumberRequestInput!) {
  customerNumberRequest(input: $input) {
    request { id kind name note status createdAt customerNumber { number } address { line1 city } }
    userErrors { field code message }
  }
}
"""
NODE = """
query Node($id: ID!) {
  node(id: $id) {
    id
    ... on AddressChangeRequest { status customerNumber { number } }
    ... on CustomerNumberRequest { kind status }
  }
}
"""

CONTACT_INPUT = {"name": "Jan Janssens", "email": "Jan@Bouw.test", "phone": "+32 9 123 45 67"}
LACKING_MANAGE_COMPANY = [role for role, granted in MATRIX.items() if Permission.MANAGE_COMPANY not in granted]


async def sold_to_of(member) -> CustomerNumber:
    return await CustomerNumber.get(company_id=member.company.id, kind=CustomerNumberKind.SOLD_TO)


async def change_input(member, **kw):
    cn = await sold_to_of(member)
    return {"customerNumberId": ids.encode("CustomerNumber", cn.id), "address": DELIVERY, "note": "We moved", **kw}


def number_input(**kw):
    return {"kind": "SHIP_TO", "name": "Chantier Gent", "address": DELIVERY, "note": "New site", **kw}


async def operations(member):
    """Each MANAGE_COMPANY operation with valid variables for `member`'s company."""
    return [
        (CONTACT, {"input": CONTACT_INPUT}),
        (ADDRESS_CHANGE, {"input": await change_input(member)}),
        (NUMBER_REQUEST, {"input": number_input()}),
    ]


# ---------------------------------------------------------------- who may


async def test_every_operation_needs_a_session(api):
    admin = await make_member(Role.ADMINISTRATOR)
    before = await counts()
    for document, variables in await operations(admin):
        body = await api(document, variables)
        assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await counts() == before


@pytest.mark.parametrize("role", LACKING_MANAGE_COMPANY)
async def test_every_role_without_manage_company_is_forbidden(api, role):
    member = await make_member(role)
    before = await counts()
    for document, variables in await operations(member):
        body = await api(document, variables, token=member.token)
        assert error_codes(body) == ["FORBIDDEN"]
    assert await counts() == before


@pytest.mark.parametrize("status", [MembershipStatus.PENDING, MembershipStatus.INACTIVE])
async def test_an_administrator_membership_that_is_not_active_is_forbidden(api, status):
    member = await make_member(Role.ADMINISTRATOR, status=status)
    for document, variables in await operations(member):
        body = await api(document, variables, token=member.token)
        assert error_codes(body) == ["FORBIDDEN"]


# ---------------------------------------------------------------- contact data


async def test_the_administrator_updates_the_contact_data(api):
    admin = await make_member(Role.ADMINISTRATOR)
    old_email = admin.company.contact_email

    data = await api.ok(CONTACT, {"input": CONTACT_INPUT}, token=admin.token)

    payload = data["companyContactUpdate"]
    assert payload["userErrors"] == []
    assert payload["company"]["contact"] == {
        "name": "Jan Janssens",
        "email": "jan@bouw.test",
        "phone": "+32 9 123 45 67",
    }
    viewer = await api.ok("{ viewer { company { contact { name email phone } } } }", token=admin.token)
    assert viewer["viewer"]["company"]["contact"]["email"] == "jan@bouw.test"
    event = await AuditEvent.get(action="company.contact_changed")
    assert event.company_id == admin.company.id and event.actor_id == admin.user.id
    assert event.details["before"]["email"] == old_email
    assert event.details["after"] == {"name": "Jan Janssens", "email": "jan@bouw.test", "phone": "+32 9 123 45 67"}


async def test_bad_contact_data_changes_nothing(api):
    admin = await make_member(Role.ADMINISTRATOR)
    before = await counts()

    data = await api.ok(CONTACT, {"input": {"name": " ", "email": "jan@", "phone": "9" * 41}}, token=admin.token)

    assert problems(data["companyContactUpdate"]) == sorted(
        [
            ("REQUIRED", ["input", "name"]),
            ("INVALID_EMAIL", ["input", "email"]),
            ("TOO_LONG", ["input", "phone"]),
        ],
        key=str,
    )
    assert await counts() == before
    company = await Company.get(id=admin.company.id)
    assert company.contact_email == admin.company.contact_email


# ---------------------------------------------------------------- address change requests


async def test_an_address_change_is_a_pending_request_and_the_address_stays(api):
    admin = await make_member(Role.ADMINISTRATOR)
    cn = await sold_to_of(admin)

    data = await api.ok(ADDRESS_CHANGE, {"input": await change_input(admin)}, token=admin.token)

    payload = data["addressChangeRequest"]
    assert payload["userErrors"] == []
    request = payload["request"]
    assert (request["status"], request["note"]) == ("PENDING", "We moved")
    assert request["address"] == {"line1": "Chantier 4", "postalCode": "9000", "city": "Gent", "countryCode": "BE"}
    assert request["customerNumber"]["number"] == cn.number
    assert request["customerNumber"]["address"]["line1"] == cn.line1  # unchanged until staff approve
    row = await AddressChangeRequest.get(id=ids.decode(request["id"], "AddressChangeRequest"))
    assert (row.company_id, row.requested_by_id, row.status) == (admin.company.id, admin.user.id, RequestStatus.PENDING)
    assert (await CustomerNumber.get(id=cn.id)).line1 == cn.line1
    event = await AuditEvent.get(action="address_change.requested")
    assert event.target_id == request["id"] and event.company_id == admin.company.id
    assert event.details["after"]["city"] == "Gent"


async def test_a_customer_number_of_another_company_is_not_found(api):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.ADMINISTRATOR)
    before = await counts()

    for foreign_id in [
        ids.encode("CustomerNumber", (await sold_to_of(other)).id),
        "garbage",
        ids.encode("Company", admin.company.id),
    ]:
        data = await api.ok(
            ADDRESS_CHANGE, {"input": await change_input(admin, customerNumberId=foreign_id)}, token=admin.token
        )
        assert problems(data["addressChangeRequest"]) == [("NOT_FOUND", ["input", "customerNumberId"])]
    assert await counts() == before


async def test_a_bad_address_is_reported_with_its_path(api):
    admin = await make_member(Role.ADMINISTRATOR)
    before = await counts()

    data = await api.ok(
        ADDRESS_CHANGE,
        {"input": await change_input(admin, address=address(postalCode="ABC", city=""), note="n" * 2001)},
        token=admin.token,
    )

    assert problems(data["addressChangeRequest"]) == sorted(
        [
            ("INVALID_POSTAL_CODE", ["input", "address", "postalCode"]),
            ("REQUIRED", ["input", "address", "city"]),
            ("TOO_LONG", ["input", "note"]),
        ],
        key=str,
    )
    assert await counts() == before


# ---------------------------------------------------------------- customer number requests


@pytest.mark.parametrize("kind", ["BILL_TO", "SHIP_TO"])
async def test_the_administrator_asks_for_a_new_customer_number(api, kind):
    admin = await make_member(Role.ADMINISTRATOR)
    numbers = await CustomerNumber.all().count()

    data = await api.ok(NUMBER_REQUEST, {"input": number_input(kind=kind)}, token=admin.token)

    payload = data["customerNumberRequest"]
    assert payload["userErrors"] == []
    request = payload["request"]
    assert (request["kind"], request["name"], request["status"], request["note"]) == (
        kind,
        "Chantier Gent",
        "PENDING",
        "New site",
    )
    assert request["customerNumber"] is None
    assert request["address"] == {"line1": "Chantier 4", "city": "Gent"}
    assert await CustomerNumber.all().count() == numbers  # staff create it on approval
    row = await CustomerNumberRequest.get(id=ids.decode(request["id"], "CustomerNumberRequest"))
    assert (row.company_id, row.requested_by_id) == (admin.company.id, admin.user.id)
    event = await AuditEvent.get(action="customer_number.requested")
    assert event.target_id == request["id"] and event.details["after"]["kind"] == kind


async def test_a_second_sold_to_number_cannot_be_asked_for(api):
    admin = await make_member(Role.ADMINISTRATOR)
    before = await counts()

    data = await api.ok(NUMBER_REQUEST, {"input": number_input(kind="SOLD_TO", name="")}, token=admin.token)

    assert problems(data["customerNumberRequest"]) == sorted(
        [
            ("INVALID", ["input", "kind"]),
            ("REQUIRED", ["input", "name"]),
        ],
        key=str,
    )
    assert await counts() == before


# ---------------------------------------------------------------- Query.node


async def test_requests_are_seen_by_their_company_administrators_and_staff_only(api):
    admin = await make_member(Role.ADMINISTRATOR)
    await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    change = await api.ok(ADDRESS_CHANGE, {"input": await change_input(admin)}, token=admin.token)
    number = await api.ok(NUMBER_REQUEST, {"input": number_input()}, token=admin.token)
    request_ids = [change["addressChangeRequest"]["request"]["id"], number["customerNumberRequest"]["request"]["id"]]
    colleague = await make_member(Role.VIEW_PRICES_AND_ORDER, company=admin.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    _, staff_token = await make_staff(StaffRole.CUSTOMER_SERVICE)

    for request_id in request_ids:
        seen = await api.ok(NODE, {"id": request_id}, token=admin.token)
        assert seen["node"]["id"] == request_id
        assert (await api.ok(NODE, {"id": request_id}, token=staff_token))["node"]["id"] == request_id
        for token in [colleague.token, stranger.token, None]:
            assert (await api.ok(NODE, {"id": request_id}, token=token))["node"] is None
