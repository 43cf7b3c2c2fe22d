"""creditLimitSet, Company.credit and ValidationList.exceedsCreditLimit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from models import AuditEvent, Company, IntegrationScope, Role, StaffRole
from resolvers.core.clock import today
from resolvers.core.permissions import MATRIX, Permission
from tests.conftest import error_codes
from tests.factories import make_company, make_member, make_staff
from tests.invoice.helpers import CREDIT, LIMIT, gid, make_invoice
from tests.order.helpers import make_order, make_stock, make_validation_list

VALIDATION_LIST = "query($id: ID!) { node(id: $id) { ... on ValidationList { number exceedsCreditLimit } } }"
QUEUE = """
query($first: Int!) { backoffice { validationLists(first: $first) { edges { node { number exceedsCreditLimit } } } } }
"""


async def _limit(company: Company, limit: str | None) -> None:
    await Company.filter(id=company.id).update(credit_limit=None if limit is None else Decimal(limit))


async def _exposure(member):
    """Open 25 + overdue 50 (outstanding 75), a paid invoice, a SUBMITTED list of 40, an order of
    20 not yet invoiced, an invoiced order and a cancelled one (neither counts)."""
    stock = await make_stock()
    t = today()
    invoiced = await make_order(member, [(stock.a, "1", "99.00")], branch=stock.branch)
    await make_order(member, [(stock.a, "1", "500.00")], branch=stock.branch, status="CANCELLED")
    await make_order(member, [(stock.a, "2", "10.00")], branch=stock.branch)
    await make_invoice(member.company, "25.00", due=t, orders=(invoiced,))
    await make_invoice(member.company, "80.00", paid=("30.00",), due=t - timedelta(days=1))
    await make_invoice(member.company, "60.00", paid=("60.00",), due=t - timedelta(days=9))
    return await make_validation_list(member, [(stock.a, "4", "10.00")], branch=stock.branch), stock


async def test_the_credit_summary(api) -> None:
    member = await make_member(Role.VIEW_PRICES)
    await _exposure(member)
    await _limit(member.company, "1000")
    credit = (await api.ok(CREDIT, token=member.token))["viewer"]["company"]["credit"]
    assert credit == {
        "limit": {"amount": "1000.00"},
        "outstanding": {"amount": "75.00"},
        "overdue": {"amount": "50.00"},
        "available": {"amount": "865.00"},  # 1000 - 75 - 40 - 20
    }
    await _limit(member.company, None)
    credit = (await api.ok(CREDIT, token=member.token))["viewer"]["company"]["credit"]
    assert credit == {
        "limit": None,
        "outstanding": {"amount": "75.00"},
        "overdue": {"amount": "50.00"},
        "available": None,
    }


async def test_a_company_with_nothing_open(api) -> None:
    member = await make_member()
    await _limit(member.company, "0")
    credit = (await api.ok(CREDIT, token=member.token))["viewer"]["company"]["credit"]
    assert credit == {
        "limit": {"amount": "0.00"},
        "outstanding": {"amount": "0.00"},
        "overdue": {"amount": "0.00"},
        "available": {"amount": "0.00"},
    }


@pytest.mark.parametrize("role", [r for r in Role if Permission.VIEW_INVOICES not in MATRIX[r]])
async def test_roles_without_view_invoices_are_refused_the_credit(api, role) -> None:
    member = await make_member(role)
    body = await api(CREDIT, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"], body


async def test_staff_read_any_company_s_credit_and_members_not_another_s(api) -> None:
    member = await make_member()
    await _limit(member.company, "10")
    document = "query($id: ID!) { node(id: $id) { ... on Company { credit { limit { amount } } } } }"
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    data = await api.ok(document, {"id": member.company_id}, token=token)
    assert data["node"]["credit"] == {"limit": {"amount": "10.00"}}
    other = await make_member()
    assert (await api.ok(document, {"id": member.company_id}, token=other.token))["node"] is None


# ---------------------------------------------------------------------- creditLimitSet


async def test_the_erp_sets_and_removes_a_limit_audited(api, erp) -> None:
    company = await make_company()
    payload = (await api.ok(LIMIT, {"company": gid(company), "limit": "2500.5"}, token=erp))["creditLimitSet"]
    assert payload["userErrors"] == []
    assert payload["company"]["credit"]["limit"] == {"amount": "2500.50"}
    assert payload["company"]["credit"]["available"] == {"amount": "2500.50"}
    again = (await api.ok(LIMIT, {"company": gid(company), "limit": "2500.50"}, token=erp))["creditLimitSet"]
    assert again["userErrors"] == [] and await AuditEvent.filter(action="company.credit_limit_changed").count() == 1
    removed = (await api.ok(LIMIT, {"company": gid(company), "limit": None}, token=erp))["creditLimitSet"]
    assert removed["company"]["credit"]["limit"] is None and removed["company"]["credit"]["available"] is None
    audits = await AuditEvent.filter(action="company.credit_limit_changed").order_by("created_at")
    assert [a.details for a in audits] == [
        {"before": {"creditLimit": None}, "after": {"creditLimit": {"amount": "2500.50", "currency": "EUR"}}},
        {"before": {"creditLimit": {"amount": "2500.50", "currency": "EUR"}}, "after": {"creditLimit": None}},
    ]
    assert all(a.company_id == company.id for a in audits)


async def test_a_left_out_limit_removes_it(api, erp) -> None:
    company = await make_company()
    await _limit(company, "5")
    document = "mutation($company: ID!) { creditLimitSet(companyId: $company) { company { id } userErrors { code } } }"
    assert (await api.ok(document, {"company": gid(company)}, token=erp))["creditLimitSet"]["userErrors"] == []
    assert (await Company.get(id=company.id)).credit_limit is None


@pytest.mark.parametrize(
    ("limit", "code"), [("-1", "INVALID"), ("0.001", "INVALID"), ("NaN", "INVALID"), ("1e15", "INVALID")]
)
async def test_bad_limits_change_nothing(api, erp, limit, code) -> None:
    company = await make_company()
    await _limit(company, "5")
    payload = (await api.ok(LIMIT, {"company": gid(company), "limit": limit}, token=erp))["creditLimitSet"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["limit"])]
    assert (await Company.get(id=company.id)).credit_limit == 5
    assert await AuditEvent.exclude(action__startswith="api_client.").count() == 0


async def test_an_unknown_company_is_not_found(api, erp) -> None:
    member = await make_member()
    for company_id in ("x", member.membership_id):
        payload = (await api.ok(LIMIT, {"company": company_id, "limit": "1"}, token=erp))["creditLimitSet"]
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["companyId"])]


@pytest.mark.parametrize("role", [StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR])
async def test_staff_who_decide_may_set_a_limit(api, role) -> None:
    company = await make_company()
    _, token = await make_staff(role)
    assert (await api.ok(LIMIT, {"company": gid(company), "limit": "1"}, token=token))["creditLimitSet"][
        "userErrors"
    ] == []


@pytest.mark.parametrize("caller", [*[f"member {r.value}" for r in Role], "staff REPRESENTATIVE", "client READ_ALL"])
async def test_others_may_not_set_a_limit(api, client, caller) -> None:
    member = await make_member()
    if caller.startswith("member "):
        token = (await make_member(Role(caller[7:]), company=member.company)).token
    elif caller.startswith("staff "):
        token = (await make_staff(StaffRole(caller[6:])))[1]
    else:
        token = await client(IntegrationScope(caller[7:]))
    body = await api(LIMIT, {"company": member.company_id, "limit": "1"}, token=token)
    assert error_codes(body) == ["FORBIDDEN"], body
    assert (await Company.get(id=member.company.id)).credit_limit is None


# ---------------------------------------------------------------------- exceedsCreditLimit


@pytest.mark.parametrize(("limit", "exceeds"), [("134.99", True), ("135", False), (None, False)])
async def test_staff_see_whether_approving_would_exceed_the_limit(api, limit, exceeds) -> None:
    """Outstanding 75 + not yet invoiced 20 + this list's 40 = 135 (other SUBMITTED lists do not count)."""
    member = await make_member()
    submitted, stock = await _exposure(member)
    await make_validation_list(member, [(stock.a, "1", "500.00")], branch=stock.branch)
    await _limit(member.company, limit)
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    data = await api.ok(VALIDATION_LIST, {"id": gid(submitted)}, token=token)
    assert data["node"]["exceedsCreditLimit"] is exceeds


async def test_members_and_decided_lists_read_false(api) -> None:
    member = await make_member()
    submitted, stock = await _exposure(member)
    await _limit(member.company, "1")
    data = await api.ok(VALIDATION_LIST, {"id": gid(submitted)}, token=member.token)
    assert data["node"]["exceedsCreditLimit"] is False
    decided = await make_validation_list(member, [(stock.a, "1", "900.00")], branch=stock.branch, status="REJECTED")
    _, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    assert (await api.ok(VALIDATION_LIST, {"id": gid(decided)}, token=token))["node"]["exceedsCreditLimit"] is False
    assert (await api.ok(VALIDATION_LIST, {"id": gid(submitted)}, token=token))["node"]["exceedsCreditLimit"] is True


@pytest.mark.parametrize("first", [1, 12])
async def test_the_queue_costs_the_same_for_1_or_12_lists(api, sql, first) -> None:
    """The staff queue with exceedsCreditLimit: one company row and three aggregates for every list."""
    stock = await make_stock()
    for i in range(12):
        member = await make_member()
        await _limit(member.company, str(10 * i))
        await make_invoice(member.company, "25.00")
        await make_order(member, [(stock.a, "1", "5.00")], branch=stock.branch)
        await make_validation_list(member, [(stock.a, "1", "10.00")], branch=stock.branch)
    _, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    sql.statements.clear()
    data = await api.ok(QUEUE, {"first": first}, token=token)
    edges = data["backoffice"]["validationLists"]["edges"]
    assert len(edges) == first
    assert len(sql.statements) == 6, sql.statements  # session, page, companies, invoices, lists, orders


COMPANIES = """
query($first: Int!) { backoffice { companies(first: $first) { edges { node {
  name credit { limit { amount } outstanding { amount } overdue { amount } available { amount } } } } } } }
"""


@pytest.mark.parametrize("first", [1, 12])
async def test_every_company_s_credit_costs_the_same_for_1_or_12(api, sql, first) -> None:
    """Staff reading a page of companies with their credit: three aggregates for the whole page."""
    for i in range(12):
        member = await make_member()
        await _limit(member.company, str(100 + i))
        await make_invoice(member.company, "25.00")
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    sql.statements.clear()
    edges = (await api.ok(COMPANIES, {"first": first}, token=token))["backoffice"]["companies"]["edges"]
    assert len(edges) == first
    assert all(e["node"]["credit"]["outstanding"] == {"amount": "25.00"} for e in edges)
    assert len(sql.statements) == 5, sql.statements  # session, page, invoices, lists, orders
