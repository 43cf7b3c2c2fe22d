"""Back-office lists cost the same number of SQL statements for 1 or 20 items (DataLoaders)."""

from __future__ import annotations

import pytest

from models import Company, CustomerNumberKind, StaffRole
from resolvers.core import audit, ids
from tests.factories import make_company, make_customer_number, make_staff

COMPANIES = """
query($first: Int!) {
  backoffice {
    companies(first: $first) {
      totalCount
      edges { node { name customerNumbers { number kind address { city } } representative { name email } } }
    }
  }
}
"""
AUDIT = """
query($first: Int!) {
  backoffice {
    auditEvents(first: $first) { totalCount edges { node { action actor { email firstName } details } } }
  }
}
"""
COMPANY_STATEMENTS = 5  # session, count, page, customer numbers, representatives
AUDIT_STATEMENTS = 4  # session, count, page, actors


@pytest.fixture
async def busy(api):
    """20 companies, each with a representative and a ship-to; 20 audit events by 20 actors."""
    _, token = await make_staff(StaffRole.ADMINISTRATOR)
    for i in range(20):
        rep, _ = await make_staff(StaffRole.REPRESENTATIVE)
        company = await make_company(f"Busy {i}")
        await Company.filter(id=company.id).update(representative_id=rep.id)
        await make_customer_number(company, CustomerNumberKind.SHIP_TO)
        await audit.record(
            rep,
            "company.fast_entry_changed",
            company_id=company.id,
            target_id=ids.encode("Company", company.id),
            before={"on": False},
            after={"on": True},
        )
    return token


@pytest.mark.parametrize("first", [1, 20])
async def test_companies_cost_the_same_for_1_or_20(api, busy, sql, first):
    sql.statements.clear()
    data = await api.ok(COMPANIES, {"first": first}, token=busy)
    edges = data["backoffice"]["companies"]["edges"]
    assert len(edges) == first
    assert all(e["node"]["representative"] and len(e["node"]["customerNumbers"]) == 2 for e in edges)
    assert len(sql.statements) == COMPANY_STATEMENTS, sql.statements


@pytest.mark.parametrize("first", [1, 20])
async def test_audit_events_cost_the_same_for_1_or_20(api, busy, sql, first):
    sql.statements.clear()
    data = await api.ok(AUDIT, {"first": first}, token=busy)
    edges = data["backoffice"]["auditEvents"]["edges"]
    assert len(edges) == first
    assert all(e["node"]["actor"]["email"] for e in edges)
    assert len({e["node"]["actor"]["email"] for e in edges}) == first
    assert len(sql.statements) == AUDIT_STATEMENTS, sql.statements
