"""backoffice.dashboard: exact figures on a small world (tests/dashboard/conftest.py), on SQLite and
PostgreSQL alike; Brussels days; who may read it; bad periods; at most 10 statements."""

from __future__ import annotations

import pytest

from models import Role, StaffRole
from resolvers.dashboard import MAX_DAYS
from tests.conftest import error_codes
from tests.dashboard.conftest import FROM, TO
from tests.factories import make_member, make_staff

M = "{ amount currency }"
DASHBOARD = f"""
query($from: Date!, $to: Date!, $first: Int) {{
  backoffice {{
    dashboard(from: $from, to: $to) {{
      from to orders revenue {M} averageOrderValue {M} activeCompanies companiesAwaitingReview
      byDay {{ date orders revenue {M} }}
      byBranch {{ branch {{ code name }} orders revenue {M} }}
      byWorkDomain {{ workDomain orders revenue {M} }}
      topProducts(first: $first) {{ product {{ sku }} quantity revenue {M} orders }}
      validationQueue {{ submitted oldestSubmittedAt medianDecisionMinutes approved rejected }}
      quotes {{ requested issued accepted expired }}
      outboxPending outboxFailed
    }}
  }}
}}
"""
PERIOD = {"from": FROM.isoformat(), "to": TO.isoformat()}


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


async def test_every_figure_of_the_period(api, world):
    d = (await api.ok(DASHBOARD, PERIOD, token=world.token))["backoffice"]["dashboard"]
    assert (d["from"], d["to"]) == ("2026-07-01", "2026-07-03")
    assert d["orders"] == 3  # the cancelled one and those outside Brussels' July 1-3 left out
    assert d["revenue"] == eur("55.50")
    assert d["averageOrderValue"] == eur("18.50")
    assert d["activeCompanies"] == 2
    assert d["companiesAwaitingReview"] == 1
    assert d["byDay"] == [
        {"date": "2026-07-01", "orders": 2, "revenue": eur("25.50")},  # 00:30 and 23:59 in Brussels
        {"date": "2026-07-02", "orders": 0, "revenue": eur("0.00")},
        {"date": "2026-07-03", "orders": 1, "revenue": eur("30.00")},  # 23:30 UTC on July 2
    ]
    assert d["byBranch"] == [
        {"branch": {"code": "ANT", "name": "Antwerpen"}, "orders": 2, "revenue": eur("50.00")},
        {"branch": None, "orders": 1, "revenue": eur("5.50")},
    ]
    assert d["byWorkDomain"] == [  # a company's orders count in each of its domains
        {"workDomain": "WOOD", "orders": 1, "revenue": eur("30.00")},
        {"workDomain": "ALUMINIUM", "orders": 2, "revenue": eur("25.50")},
        {"workDomain": "PVC", "orders": 2, "revenue": eur("25.50")},
    ]
    assert d["topProducts"] == [
        {"product": {"sku": "P-ONE"}, "quantity": "5", "revenue": eur("50.00"), "orders": 2},
        {"product": {"sku": "P-TWO"}, "quantity": "1", "revenue": eur("5.50"), "orders": 1},
    ]
    queue = d["validationQueue"]
    assert queue["submitted"] == 2
    assert queue["oldestSubmittedAt"].startswith("2026-06-20T07:00:00")
    assert queue["medianDecisionMinutes"] == 75.0
    assert (queue["approved"], queue["rejected"]) == (2, 2)
    assert d["quotes"] == {"requested": 1, "issued": 1, "accepted": 1, "expired": 1}
    assert (d["outboxPending"], d["outboxFailed"]) == (2, 2)  # a mail and a retrying delivery; one of each failed


async def test_brussels_days_in_winter_too(api, world):
    """Around the end of summer time (October 25, 2026), each order keeps its own offset."""
    from tests.dashboard.conftest import utc
    from tests.factories import make_member as member
    from tests.order.helpers import make_order

    buyer = await member(Role.ADMINISTRATOR)
    # 23:30 UTC on October 24 is 01:30 (summer) on the 25th; 23:30 UTC on the 25th is 00:30 (winter) on the 26th.
    for moment in (utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 23, 30), utc(2026, 10, 26, 22, 59)):
        await make_order(buyer, [(world.p1, "1", "10.00")], branch=world.branch, created_at=moment)
    period = {"from": "2026-10-24", "to": "2026-10-26", "first": 1}
    d = (await api.ok(DASHBOARD, period, token=world.token))["backoffice"]["dashboard"]
    assert [(r["date"], r["orders"]) for r in d["byDay"]] == [("2026-10-24", 0), ("2026-10-25", 1), ("2026-10-26", 2)]
    assert len(d["topProducts"]) == 1


async def test_an_empty_period(api, world):
    d = (await api.ok(DASHBOARD, {"from": "2020-01-01", "to": "2020-01-01"}, token=world.token))["backoffice"][
        "dashboard"
    ]
    assert (d["orders"], d["revenue"], d["averageOrderValue"]) == (0, eur("0.00"), None)
    assert d["byDay"] == [{"date": "2020-01-01", "orders": 0, "revenue": eur("0.00")}]
    assert d["byBranch"] == d["byWorkDomain"] == d["topProducts"] == []
    assert d["validationQueue"]["medianDecisionMinutes"] is None


@pytest.mark.parametrize("staff_role", list(StaffRole))
async def test_every_staff_role_reads_it(api, world, staff_role):
    _, token = await make_staff(staff_role)
    assert (await api.ok(DASHBOARD, PERIOD, token=token))["backoffice"]["dashboard"]["orders"] == 3


@pytest.mark.parametrize("role", list(Role))
async def test_members_of_every_role_read_nothing(api, world, role):
    member = await make_member(role)
    body = await api(DASHBOARD, PERIOD, token=member.token)
    assert body["data"] == {"backoffice": None}


async def test_anonymous_callers_read_nothing(api, world):
    body = await api(DASHBOARD, PERIOD)
    assert body.get("data") in (None, {"backoffice": None})
    assert "dashboard" not in str(body.get("data"))


async def test_a_read_all_client_is_refused(api, world, scoped):
    """Like the other staff figures (requires(STAFF)): the ERP's READ_ALL reads orders and events, not this."""
    from models import IntegrationScope

    key = await scoped(IntegrationScope.READ_ALL)
    body = await api(DASHBOARD, PERIOD, token=key)
    assert error_codes(body) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("period", "code"),
    [
        ({"from": "2026-07-03", "to": "2026-07-01"}, "INVALID"),
        ({"from": "2024-01-01", "to": "2027-01-01"}, "LIMIT_EXCEEDED"),  # one day too many
        ({**PERIOD, "first": 0}, "LIMIT_EXCEEDED"),
        ({**PERIOD, "first": 101}, "LIMIT_EXCEEDED"),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "BAD_USER_INPUT"),
    ],
)
async def test_bad_periods(api, world, period, code):
    body = await api(DASHBOARD, period, token=world.token)
    assert error_codes(body) == [code], body
    assert "Unexpected" not in str(body)


async def test_three_years_is_the_longest_period(api, world):
    period = {"from": "2024-01-01", "to": "2026-12-31"}
    d = (await api.ok(DASHBOARD, period, token=world.token))["backoffice"]["dashboard"]
    assert len(d["byDay"]) == MAX_DAYS
    assert d["orders"] == 5  # every sold order of the world


@pytest.mark.parametrize("period", [PERIOD, {"from": "2024-01-01", "to": "2026-12-31"}])
async def test_at_most_ten_statements_for_any_period(api, world, sql, period):
    sql.statements.clear()
    d = (await api.ok(DASHBOARD, period, token=world.token))["backoffice"]["dashboard"]
    assert d["byBranch"][0]["branch"] and d["topProducts"]
    # session, days, branches, work domains, single numbers, branch list, top products, products
    assert len(sql.statements) == 8, sql.statements
