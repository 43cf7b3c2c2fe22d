"""quoteIssue (staff prices a request or issues a new quote) and backoffice.quoteRequests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from models import AuditEvent, CustomerNumberKind, Quote, QuoteLine, QuoteState, Role, StaffRole
from resolvers.core.clock import today
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_staff
from tests.quote.helpers import NUMBER_RE, counts, gid, make_product, make_quote

ISSUE = """
mutation($input: QuoteIssueInput!) {
  quoteIssue(input: $input) {
    quote { id number status reference validUntil total { amount } customerNumber { number }
            lines { quantity unitPrice { amount } lineTotal { amount } product { sku } } }
    userErrors { field code }
  }
}
"""
REQUESTS = """
query($first: Int, $after: String) {
  backoffice { quoteRequests(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { number status } } } }
}
"""


def days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


def issue_line(product, quantity="1", price="1.00"):
    return {"productId": gid(product), "quantity": quantity, "unitPrice": price}


async def issue(api, token, **input):
    return await api(ISSUE, {"input": {"validUntil": days(30), **input}}, token=token)


def errors(body: dict) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in body["data"]["quoteIssue"]["userErrors"]]


@pytest.mark.parametrize("staff_role", list(StaffRole))
async def test_staff_price_a_requested_quote(api, staff_role):
    member = await make_member(Role.VIEW_PRICES)
    asked, kept = await make_product("ASKED"), await make_product("KEPT")
    quote = await make_quote(
        member.company, status=QuoteState.REQUESTED, reference="Werf Gent", lines=[(asked, "5", None)]
    )
    staff, token = await make_staff(staff_role)

    body = await issue(
        api,
        token,
        quoteId=gid(quote),
        validUntil=days(0),
        lines=[issue_line(kept, "3", "1.005"), issue_line(asked, "10", "0")],
    )

    payload = body["data"]["quoteIssue"]
    assert payload["userErrors"] == []
    issued = payload["quote"]
    assert issued["number"] == quote.number and issued["status"] == "ACTIVE"
    assert issued["validUntil"] == days(0) and issued["reference"] == "Werf Gent"
    assert issued["lines"] == [
        {"quantity": "3", "unitPrice": {"amount": "1.01"}, "lineTotal": {"amount": "3.02"}, "product": {"sku": "KEPT"}},
        {
            "quantity": "10",
            "unitPrice": {"amount": "0.00"},
            "lineTotal": {"amount": "0.00"},
            "product": {"sku": "ASKED"},
        },
    ]
    assert issued["total"] == {"amount": "3.02"}
    row = await Quote.get(id=quote.id)
    assert row.issued_by_id == staff.id and row.status == QuoteState.ISSUED
    assert await QuoteLine.filter(quote_id=quote.id).count() == 2
    assert await AuditEvent.filter(action="quote.issued", company_id=member.company.id).count() == 1

    # The customer now sees it ACTIVE with its prices.
    seen = await api.ok(
        "query($id: ID!) { quote(id: $id) { status total { amount } } }", {"id": gid(quote)}, token=member.token
    )
    assert seen["quote"] == {"status": "ACTIVE", "total": {"amount": "3.02"}}


async def test_staff_issue_a_new_quote_for_a_company(api):
    member = await make_member(Role.VIEW_PRICES)
    product = await make_product()
    _, token = await make_staff(StaffRole.REPRESENTATIVE)

    body = await issue(
        api, token, companyId=member.company_id, reference="Promo", lines=[issue_line(product, "4", "2.50")]
    )

    quote = body["data"]["quoteIssue"]["quote"]
    assert re.match(NUMBER_RE, quote["number"]) and quote["number"].startswith(f"Q{datetime.now(UTC).year}-")
    assert quote["status"] == "ACTIVE" and quote["total"] == {"amount": "10.00"}
    assert quote["customerNumber"]["number"] == member.company.customer_number
    row = await Quote.get(number=quote["number"])
    assert row.company_id == member.company.id and row.requested_by_id is None


async def test_a_new_quote_for_another_number_of_the_company(api):
    member = await make_member()
    ship = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    other_ship = await make_customer_number((await make_member()).company, CustomerNumberKind.SHIP_TO)
    product = await make_product()
    _, token = await make_staff()

    body = await issue(api, token, companyId=member.company_id, customerNumberId=gid(ship), lines=[issue_line(product)])
    assert body["data"]["quoteIssue"]["quote"]["customerNumber"]["number"] == ship.number

    before = await counts()
    body = await issue(
        api, token, companyId=member.company_id, customerNumberId=gid(other_ship), lines=[issue_line(product)]
    )
    assert errors(body) == [(["input", "customerNumberId"], "NOT_FOUND")]
    assert await counts() == before


async def test_refused_input_changes_nothing(api):
    member = await make_member()
    product = await make_product(minimum="2", multiple="2")
    quote = await make_quote(member.company, status=QuoteState.REQUESTED, lines=[(product, "2", None)])
    _, token = await make_staff()
    before = await counts()

    body = await issue(
        api,
        token,
        quoteId=gid(quote),
        validUntil=days(-1),
        reference="r" * 201,
        lines=[
            issue_line(product, "2", "-0.01"),
            {"productId": "UHJvZHVjdDp4", "quantity": "1", "unitPrice": "1"},
            issue_line(product, "0"),
            issue_line(product, "1"),
            issue_line(product, "3"),
            issue_line(product, "2", "1.00001"),
            issue_line(product, "2", "100000000"),
        ],
    )

    assert errors(body) == [
        (["input", "validUntil"], "INVALID"),
        (["input", "reference"], "TOO_LONG"),
        (["input", "lines", "0", "unitPrice"], "INVALID"),
        (["input", "lines", "1", "productId"], "NOT_FOUND"),
        (["input", "lines", "2", "quantity"], "INVALID_QUANTITY"),
        (["input", "lines", "3", "quantity"], "BELOW_MINIMUM_QUANTITY"),
        (["input", "lines", "4", "quantity"], "QUANTITY_NOT_MULTIPLE"),
        (["input", "lines", "5", "unitPrice"], "INVALID"),
        (["input", "lines", "6", "unitPrice"], "INVALID"),
    ]
    assert await counts() == before
    row = await Quote.get(id=quote.id)
    assert row.status == QuoteState.REQUESTED and row.valid_until is None
    assert await AuditEvent.all().count() == 0


async def test_lines_are_required(api):
    member = await make_member()
    _, token = await make_staff()
    body = await issue(api, token, companyId=member.company_id, lines=[])
    assert errors(body) == [(["input", "lines"], "REQUIRED")]
    assert await Quote.all().count() == 0


async def test_a_quote_or_a_company_is_required(api):
    product = await make_product()
    _, token = await make_staff()
    body = await issue(api, token, lines=[issue_line(product)])
    assert errors(body) == [(["input", "companyId"], "REQUIRED")]


async def test_unknown_quote_or_company_is_not_found(api):
    product = await make_product()
    _, token = await make_staff()
    body = await issue(api, token, quoteId="UXVvdGU6eA", lines=[issue_line(product)])
    assert errors(body) == [(["input", "quoteId"], "NOT_FOUND")]
    body = await issue(api, token, companyId="Q29tcGFueTp4", lines=[issue_line(product)])
    assert errors(body) == [(["input", "companyId"], "NOT_FOUND")]
    assert await Quote.all().count() == 0


async def test_company_id_must_be_the_quote_company(api):
    member, other = await make_member(), await make_member()
    product = await make_product()
    quote = await make_quote(member.company, status=QuoteState.REQUESTED, lines=[(product, "1", None)])
    _, token = await make_staff()

    body = await issue(api, token, quoteId=gid(quote), companyId=other.company_id, lines=[issue_line(product)])

    assert errors(body) == [(["input", "companyId"], "INVALID")]
    assert (await Quote.get(id=quote.id)).status == QuoteState.REQUESTED


@pytest.mark.parametrize("status", [QuoteState.ISSUED, QuoteState.DECLINED, QuoteState.ACCEPTED])
async def test_only_requested_quotes_can_be_priced(api, status):
    member = await make_member()
    product = await make_product()
    quote = await make_quote(member.company, status=status, lines=[(product, "1", "5")])
    _, token = await make_staff()

    body = await issue(api, token, quoteId=gid(quote), lines=[issue_line(product, "1", "1")])

    assert errors(body) == [(["input", "quoteId"], "INVALID_STATUS_TRANSITION")]
    assert [ln.unit_price for ln in await QuoteLine.filter(quote_id=quote.id)] == [5]


@pytest.mark.parametrize("role", list(Role))
async def test_company_members_are_forbidden(api, role):
    member = await make_member(role)
    product = await make_product()
    quote = await make_quote(member.company, status=QuoteState.REQUESTED, lines=[(product, "1", None)])

    body = await issue(api, member.token, quoteId=gid(quote), lines=[issue_line(product)])

    assert error_codes(body) == ["FORBIDDEN"]
    assert (await Quote.get(id=quote.id)).status == QuoteState.REQUESTED


async def test_without_a_session_it_is_unauthenticated(api):
    member = await make_member()
    product = await make_product()
    body = await issue(api, None, companyId=member.company_id, lines=[issue_line(product)])
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await Quote.all().count() == 0


# ---------------------------------------------------------------------- backoffice.quoteRequests


async def test_quote_requests_lists_every_company_requests_oldest_first(api):
    a, b = await make_member(), await make_member()
    now = datetime.now(UTC)
    newest = await make_quote(a.company, status=QuoteState.REQUESTED, created_at=now - timedelta(hours=1))
    oldest = await make_quote(b.company, status=QuoteState.REQUESTED, created_at=now - timedelta(days=3))
    middle = await make_quote(a.company, status=QuoteState.REQUESTED, created_at=now - timedelta(days=1))
    await make_quote(a.company, status=QuoteState.ISSUED)
    await make_quote(b.company, status=QuoteState.DECLINED)
    _, token = await make_staff(StaffRole.REPRESENTATIVE)

    first = (await api.ok(REQUESTS, {"first": 2}, token=token))["backoffice"]["quoteRequests"]
    rest = (await api.ok(REQUESTS, {"after": first["pageInfo"]["endCursor"]}, token=token))["backoffice"][
        "quoteRequests"
    ]

    assert first["totalCount"] == 3
    got = [e["node"]["number"] for e in first["edges"] + rest["edges"]]
    assert got == [oldest.number, middle.number, newest.number]
    assert {e["node"]["status"] for e in first["edges"] + rest["edges"]} == {"REQUESTED"}


async def test_quote_requests_are_not_for_customers(api):
    member = await make_member(Role.ADMINISTRATOR)
    await make_quote(member.company, status=QuoteState.REQUESTED)
    assert (await api.ok(REQUESTS, token=member.token))["backoffice"] is None
    assert (await api.ok(REQUESTS))["backoffice"] is None
