"""customerNumberCreate and customerNumberRequestDecide: numbers from the shared sequence."""

from __future__ import annotations

import pytest

from models import (
    AuditEvent,
    Company,
    CustomerNumber,
    CustomerNumberKind,
    CustomerNumberRequest,
    RequestStatus,
    Sequence,
    StaffRole,
)
from resolvers.core import ids
from tests.backoffice.conftest import audit_actions, make_number_request
from tests.factories import make_staff

CREATE = """
mutation($input: CustomerNumberCreateInput!) {
  customerNumberCreate(input: $input) {
    customerNumber { id number kind name address { line1 line2 postalCode city countryCode } }
    userErrors { field code }
  }
}
"""
DECIDE = """
mutation($id: ID!, $approve: Boolean!) {
  customerNumberRequestDecide(id: $id, approve: $approve) {
    request { id status customerNumber { number kind name address { line1 postalCode city countryCode } } }
    userErrors { field code }
  }
}
"""
MY_NUMBERS = "query { viewer { company { customerNumbers(kind: SHIP_TO) { number name } } } }"
ADDRESS = {"line1": " Kerkstraat 1 ", "postalCode": "9000", "city": "Gent", "countryCode": "be"}
UNKNOWN = "00000000-0000-0000-0000-000000000000"


def create_input(world, **changes) -> dict:
    return {
        "input": {
            "companyId": world.gid(world.member.company),
            "kind": "SHIP_TO",
            "name": "Werf Gent",
            "address": ADDRESS,
        }
        | changes
    }


async def numbers_of(company) -> list[tuple[str, str]]:
    return sorted(await CustomerNumber.filter(company_id=company.id).values_list("kind", "number"))


# ---------------------------------------------------------------- customerNumberCreate


async def test_staff_create_a_ship_to_number_the_members_then_see(api, world):
    data = await api.ok(CREATE, create_input(world), token=world.token)
    created = data["customerNumberCreate"]
    assert created["userErrors"] == []
    assert created["customerNumber"]["number"] == "700001"
    assert created["customerNumber"]["kind"] == "SHIP_TO"
    assert created["customerNumber"]["name"] == "Werf Gent"
    assert created["customerNumber"]["address"] == {
        "line1": "Kerkstraat 1",
        "line2": None,
        "postalCode": "9000",
        "city": "Gent",
        "countryCode": "BE",
    }
    member_view = await api.ok(MY_NUMBERS, token=world.member.token)
    assert member_view["viewer"]["company"]["customerNumbers"] == [{"number": "700001", "name": "Werf Gent"}]
    event = await AuditEvent.get()
    assert (event.action, event.company_id, event.actor_id) == (  # type: ignore[attr-defined]
        "customer_number.created",
        world.member.company.id,
        world.staff.id,
    )
    assert event.target_id == created["customerNumber"]["id"]
    assert event.details == {
        "before": {},
        "after": {
            "number": "700001",
            "kind": "SHIP_TO",
            "name": "Werf Gent",
            "address": {
                "line1": "Kerkstraat 1",
                "line2": None,
                "postalCode": "9000",
                "city": "Gent",
                "countryCode": "BE",
            },
        },
    }


async def test_numbers_start_at_100001_and_are_never_reused(api):
    # No factory company here: their numbers (100000 + n) could meet the sequence.
    _, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    company = await Company.create(name="Fresh", vat_number="BE0202239951", customer_number="X-1")
    fields = {"companyId": ids.encode("Company", company.id), "kind": "BILL_TO", "name": "Compta", "address": ADDRESS}
    first = (await api.ok(CREATE, {"input": fields}, token=token))["customerNumberCreate"]["customerNumber"]
    bad = await api.ok(CREATE, {"input": fields | {"name": ""}}, token=token)
    assert bad["customerNumberCreate"]["userErrors"]
    second = (await api.ok(CREATE, {"input": fields}, token=token))["customerNumberCreate"]["customerNumber"]
    assert (first["number"], second["number"]) == ("100001", "100002")
    assert first["kind"] == "BILL_TO"


async def test_a_second_sold_to_number_is_invalid(api, world):
    before = await numbers_of(world.member.company)
    data = await api.ok(CREATE, create_input(world, kind="SOLD_TO"), token=world.token)
    assert data["customerNumberCreate"] == {
        "customerNumber": None,
        "userErrors": [{"field": ["input", "kind"], "code": "INVALID"}],
    }
    assert await numbers_of(world.member.company) == before
    assert await audit_actions() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": "  "}, [(["input", "name"], "REQUIRED")]),
        ({"name": "x" * 201}, [(["input", "name"], "TOO_LONG")]),
        ({"address": ADDRESS | {"postalCode": "90000"}}, [(["input", "address", "postalCode"], "INVALID_POSTAL_CODE")]),
        ({"address": ADDRESS | {"countryCode": "US"}}, [(["input", "address", "countryCode"], "INVALID")]),
        (
            {"address": ADDRESS | {"line1": "", "city": ""}},
            [(["input", "address", "line1"], "REQUIRED"), (["input", "address", "city"], "REQUIRED")],
        ),
        ({"companyId": ids.encode("Company", UNKNOWN)}, [(["input", "companyId"], "NOT_FOUND")]),
        ({"companyId": "rubbish"}, [(["input", "companyId"], "NOT_FOUND")]),
    ],
)
async def test_bad_input_creates_nothing(api, world, changes, expected):
    before = await CustomerNumber.all().count()
    data = await api.ok(CREATE, create_input(world, **changes), token=world.token)
    errors = data["customerNumberCreate"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == expected
    assert data["customerNumberCreate"]["customerNumber"] is None
    assert await CustomerNumber.all().count() == before
    assert (await Sequence.get(name="customer_number")).value == 700000
    assert await audit_actions() == []


# ---------------------------------------------------------------- customerNumberRequestDecide


async def test_approving_a_request_creates_its_customer_number(api, world):
    data = await api.ok(DECIDE, {"id": world.gid(world.number_request), "approve": True}, token=world.token)
    request = data["customerNumberRequestDecide"]["request"]
    assert data["customerNumberRequestDecide"]["userErrors"] == []
    assert request["status"] == "APPROVED"
    assert request["customerNumber"] == {
        "number": "700001",
        "kind": "SHIP_TO",
        "name": "Chantier Namur",
        "address": {"line1": "Rue de Fer 3", "postalCode": "5000", "city": "Namur", "countryCode": "BE"},
    }
    row = await CustomerNumberRequest.get(id=world.number_request.id)
    created = await CustomerNumber.get(number="700001")
    assert (row.status, row.customer_number_id) == (RequestStatus.APPROVED, created.id)  # type: ignore[attr-defined]
    assert created.company_id == world.member.company.id  # type: ignore[attr-defined]
    member_view = await api.ok(MY_NUMBERS, token=world.member.token)
    assert member_view["viewer"]["company"]["customerNumbers"] == [{"number": "700001", "name": "Chantier Namur"}]
    event = await AuditEvent.get()
    assert event.action == "customer_number_request.approved"
    assert event.target_id == world.gid(world.number_request)
    assert event.details == {
        "before": {"status": "PENDING"},
        "after": {"status": "APPROVED", "customerNumber": "700001"},
    }


async def test_approved_requests_take_the_next_numbers(api, world):
    other = await make_number_request(world.member, CustomerNumberKind.BILL_TO, "Facturation")
    for request in (world.number_request, other):
        await api.ok(DECIDE, {"id": world.gid(request), "approve": True}, token=world.token)
    assert await numbers_of(world.member.company) == sorted(
        [("SOLD_TO", world.sold_to.number), ("SHIP_TO", "700001"), ("BILL_TO", "700002")]
    )


async def test_rejecting_a_request_creates_no_number(api, world):
    before = await numbers_of(world.member.company)
    data = await api.ok(DECIDE, {"id": world.gid(world.number_request), "approve": False}, token=world.token)
    assert data["customerNumberRequestDecide"]["request"]["status"] == "REJECTED"
    assert data["customerNumberRequestDecide"]["request"]["customerNumber"] is None
    assert await numbers_of(world.member.company) == before
    assert await audit_actions() == ["customer_number_request.rejected"]


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("second", [True, False])
async def test_a_decided_request_cannot_be_decided_again(api, world, first, second):
    await api.ok(DECIDE, {"id": world.gid(world.number_request), "approve": first}, token=world.token)
    before = (await numbers_of(world.member.company), await CustomerNumberRequest.get(id=world.number_request.id))
    data = await api.ok(DECIDE, {"id": world.gid(world.number_request), "approve": second}, token=world.token)
    assert data["customerNumberRequestDecide"] == {
        "request": None,
        "userErrors": [{"field": None, "code": "INVALID_STATUS_TRANSITION"}],
    }
    after = (await numbers_of(world.member.company), await CustomerNumberRequest.get(id=world.number_request.id))
    assert after[0] == before[0]
    assert after[1].status == before[1].status
    assert len(await audit_actions()) == 1


async def test_deciding_an_unknown_request_is_not_found(api, world):
    for bad in (ids.encode("CustomerNumberRequest", UNKNOWN), world.gid(world.address_request)):
        data = await api.ok(DECIDE, {"id": bad, "approve": True}, token=world.token)
        assert data["customerNumberRequestDecide"]["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]
    assert await audit_actions() == []
