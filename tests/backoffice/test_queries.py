"""Query.backoffice: companies (filter, search, pages), requests, tickets and the audit trail."""

from __future__ import annotations

import json

import pytest

from models import AddressChangeRequest, CompanyStatus, CustomerNumberKind, CustomerNumberRequest, RequestStatus
from resolvers.core import ids
from tests.backoffice.conftest import make_address_request, make_number_request, make_ticket
from tests.conftest import error_codes
from tests.factories import make_company, make_customer_number

COMPANIES = """
query($filter: CompanyFilter, $first: Int, $after: String) {
  backoffice {
    companies(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id name status vatNumber customerNumber contact { email } } }
    }
  }
}
"""
REQUESTS = """
query($status: RequestStatus, $resolved: Boolean) {
  backoffice {
    addressChangeRequests(status: $status) { id status address { city } customerNumber { number } }
    customerNumberRequests(status: $status) { id status name kind }
    helpdeskTickets(resolved: $resolved) { id number subject resolved }
  }
}
"""
AUDIT = """
query($companyId: ID, $first: Int, $after: String) {
  backoffice {
    auditEvents(companyId: $companyId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id at action actor { email } targetId details } }
    }
  }
}
"""
APPROVE = "mutation($id: ID!) { companyApprove(id: $id) { userErrors { code } } }"
FAST_ENTRY = "mutation($id: ID!, $on: Boolean!) { companyFastEntrySet(id: $id, enabled: $on) { userErrors { code } } }"


async def names(api, world, **variables) -> list[str]:
    data = await api.ok(COMPANIES, variables, token=world.token)
    return [e["node"]["name"] for e in data["backoffice"]["companies"]["edges"]]


# ---------------------------------------------------------------- companies


async def test_staff_see_every_company_newest_first(api, world):
    data = await api.ok(COMPANIES, token=world.token)
    companies = data["backoffice"]["companies"]
    assert companies["totalCount"] == 2
    assert [e["node"]["name"] for e in companies["edges"]] == ["Pending Ltd", world.member.company.name]
    node = companies["edges"][1]["node"]
    assert node["id"] == world.gid(world.member.company)
    assert node["contact"]["email"] == world.member.company.contact_email
    assert companies["pageInfo"]["hasNextPage"] is False


async def test_companies_filtered_by_status(api, world):
    await make_company("Rejected SA", status=CompanyStatus.REJECTED)
    assert await names(api, world, filter={"status": ["PENDING_REVIEW"]}) == ["Pending Ltd"]
    assert await names(api, world, filter={"status": ["REJECTED", "PENDING_REVIEW"]}) == ["Rejected SA", "Pending Ltd"]
    data = await api.ok(COMPANIES, {"filter": {"status": ["SUSPENDED"]}}, token=world.token)
    assert data["backoffice"]["companies"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
    }


@pytest.mark.parametrize("search", ["alu", "ALU", "  Alu Brussels  ", "brussels"])
async def test_search_by_name_ignores_case(api, world, search):
    await make_company("Alu Brussels", vat="BE0876543270")
    await make_company("Bois Liège", vat="BE0451234595")
    assert await names(api, world, filter={"search": search}) == ["Alu Brussels"]


@pytest.mark.parametrize("search", ["BE0876543270", "be 0876.543.270", "0876 543 270", "be0876-543-270"])
async def test_search_by_vat_number_ignores_spaces_and_dots(api, world, search):
    await make_company("Alu Brussels", vat="BE0876543270")
    await make_company("Bois Liège", vat="BE0451234595")
    assert await names(api, world, filter={"search": search}) == ["Alu Brussels"]


async def test_a_search_longer_than_any_name_or_number_finds_nothing(api, world):
    assert await names(api, world, filter={"search": "x" * 50_000}) == []
    assert await names(api, world, filter={"search": "1" * 201}) == []


async def test_search_by_any_customer_number(api, world):
    alu = await make_company("Alu Brussels", vat="BE0876543270")
    ship_to = await make_customer_number(alu, CustomerNumberKind.SHIP_TO, "555123")
    await make_company("Bois Liège", vat="BE0451234595")
    assert await names(api, world, filter={"search": alu.customer_number}) == ["Alu Brussels"]
    assert await names(api, world, filter={"search": f" {ship_to.number} "}) == ["Alu Brussels"]
    assert await names(api, world, filter={"search": "999999"}) == []


async def test_search_and_status_combine_and_count(api, world):
    await make_company("Alu Pending", status=CompanyStatus.PENDING_REVIEW, vat="BE0876543270")
    await make_company("Alu Active", vat="BE0451234595")
    data = await api.ok(COMPANIES, {"filter": {"search": "alu", "status": ["PENDING_REVIEW"]}}, token=world.token)
    companies = data["backoffice"]["companies"]
    assert [e["node"]["name"] for e in companies["edges"]] == ["Alu Pending"]
    assert companies["totalCount"] == 1


async def test_companies_page_by_cursor(api, world):
    for i in range(5):
        await make_company(f"Page {i}")
    variables = {"filter": {"search": "page"}, "first": 2}
    seen: list[str] = []
    pages = []
    after = None
    while True:
        data = await api.ok(COMPANIES, variables | {"after": after}, token=world.token)
        companies = data["backoffice"]["companies"]
        assert companies["totalCount"] == 5
        pages.append(companies["pageInfo"])
        seen += [e["node"]["name"] for e in companies["edges"]]
        assert companies["pageInfo"]["endCursor"] == companies["edges"][-1]["cursor"]
        if not companies["pageInfo"]["hasNextPage"]:
            break
        after = companies["pageInfo"]["endCursor"]
    assert seen == ["Page 4", "Page 3", "Page 2", "Page 1", "Page 0"]
    assert [p["hasPreviousPage"] for p in pages] == [False, True, True]
    assert [p["hasNextPage"] for p in pages] == [True, True, False]


@pytest.mark.parametrize("first", [0, -1, 101, 1000])
async def test_a_page_of_more_than_100_companies_is_refused(api, world, first):
    body = await api(COMPANIES, {"first": first}, token=world.token)
    assert error_codes(body) == ["LIMIT_EXCEEDED"]


async def test_a_page_of_100_companies_is_allowed(api, world):
    data = await api.ok(COMPANIES, {"first": 100}, token=world.token)
    assert data["backoffice"]["companies"]["totalCount"] == 2


# ---------------------------------------------------------------- requests and tickets


async def test_requests_and_tickets_newest_first_and_filtered(api, world):
    newer_request = await make_number_request(world.member, CustomerNumberKind.BILL_TO, "Compta")
    newer_change = await make_address_request(world.member, world.sold_to)
    await AddressChangeRequest.filter(id=newer_change.id).update(status=RequestStatus.APPROVED)
    await CustomerNumberRequest.filter(id=newer_request.id).update(status=RequestStatus.REJECTED)
    newer_ticket = await make_ticket("HD-2", "Login")
    newer_ticket.resolved = True
    await newer_ticket.save(update_fields=["resolved"])

    data = (await api.ok(REQUESTS, token=world.token))["backoffice"]
    assert [r["id"] for r in data["addressChangeRequests"]] == [
        world.gid(newer_change),
        world.gid(world.address_request),
    ]
    assert data["addressChangeRequests"][1] == {
        "id": world.gid(world.address_request),
        "status": "PENDING",
        "address": {"city": "Antwerpen"},
        "customerNumber": {"number": world.sold_to.number},
    }
    assert [r["name"] for r in data["customerNumberRequests"]] == ["Compta", "Chantier Namur"]
    assert [t["number"] for t in data["helpdeskTickets"]] == ["HD-2", "HD-1"]

    pending = (await api.ok(REQUESTS, {"status": "PENDING", "resolved": False}, token=world.token))["backoffice"]
    assert [r["id"] for r in pending["addressChangeRequests"]] == [world.gid(world.address_request)]
    assert [r["id"] for r in pending["customerNumberRequests"]] == [world.gid(world.number_request)]
    assert [t["number"] for t in pending["helpdeskTickets"]] == ["HD-1"]

    decided = (await api.ok(REQUESTS, {"status": "REJECTED", "resolved": True}, token=world.token))["backoffice"]
    assert decided["addressChangeRequests"] == []
    assert [r["kind"] for r in decided["customerNumberRequests"]] == ["BILL_TO"]
    assert [t["subject"] for t in decided["helpdeskTickets"]] == ["Login"]


# ---------------------------------------------------------------- audit events


async def test_the_audit_trail_shows_who_changed_what(api, world):
    await api.ok(APPROVE, {"id": world.gid(world.pending)}, token=world.token)
    await api.ok(FAST_ENTRY, {"id": world.gid(world.member.company), "on": True}, token=world.token)
    data = await api.ok(AUDIT, token=world.token)
    events = data["backoffice"]["auditEvents"]
    assert events["totalCount"] == 2
    newest, oldest = (e["node"] for e in events["edges"])
    assert [newest["action"], oldest["action"]] == ["company.fast_entry_changed", "company.approved"]
    assert oldest["actor"] == {"email": world.staff.email}
    assert oldest["targetId"] == world.gid(world.pending)
    assert json.loads(oldest["details"]) == {"before": {"status": "PENDING_REVIEW"}, "after": {"status": "ACTIVE"}}
    assert newest["at"] >= oldest["at"]
    assert ids.parse(newest["id"])[0] == "AuditEvent"


async def test_the_audit_trail_of_one_company(api, world):
    await api.ok(APPROVE, {"id": world.gid(world.pending)}, token=world.token)
    await api.ok(FAST_ENTRY, {"id": world.gid(world.member.company), "on": True}, token=world.token)
    data = await api.ok(AUDIT, {"companyId": world.gid(world.pending)}, token=world.token)
    events = data["backoffice"]["auditEvents"]
    assert [e["node"]["action"] for e in events["edges"]] == ["company.approved"]
    assert events["totalCount"] == 1
    for unknown in (ids.encode("Company", "00000000-0000-0000-0000-000000000000"), "junk", world.member.user_id):
        data = await api.ok(AUDIT, {"companyId": unknown}, token=world.token)
        assert data["backoffice"]["auditEvents"]["totalCount"] == 0
        assert data["backoffice"]["auditEvents"]["edges"] == []


async def test_audit_events_page_by_cursor(api, world):
    for on in (True, False, True):
        await api.ok(FAST_ENTRY, {"id": world.gid(world.member.company), "on": on}, token=world.token)
    first = (await api.ok(AUDIT, {"first": 2}, token=world.token))["backoffice"]["auditEvents"]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await api.ok(AUDIT, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token=world.token)
    second = rest["backoffice"]["auditEvents"]
    end = second["edges"][0]["cursor"]
    assert second["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True, "endCursor": end}
    details = [json.loads(e["node"]["details"])["after"] for e in first["edges"] + second["edges"]]
    assert details == [{"fastEntryEnabled": True}, {"fastEntryEnabled": False}, {"fastEntryEnabled": True}]


@pytest.mark.parametrize("first", [0, 101])
async def test_a_page_of_more_than_100_audit_events_is_refused(api, world, first):
    body = await api(AUDIT, {"first": first}, token=world.token)
    assert error_codes(body) == ["LIMIT_EXCEEDED"]
