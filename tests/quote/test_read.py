"""quotes, quote, quoteYears and Query.node for quotes: scoping, filters, derived status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import CustomerNumberKind, MembershipCustomerNumber, QuoteState, Role
from resolvers.core.clock import today
from resolvers.core.permissions import MATRIX, Permission
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_staff
from tests.quote.helpers import gid, make_product, make_quote, roles_with, roles_without

QUOTES = """
query($filter: QuoteFilter, $first: Int, $after: String) {
  quotes(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id number reference status validUntil total { amount currency }
                   customerNumber { number } lines { quantity unitPrice { amount } lineTotal { amount } } } }
  }
}
"""
QUOTE = "query($id: ID!) { quote(id: $id) { id number status total { amount } } }"
YEARS = "query { quoteYears }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Quote { number total { amount } } } }"


def numbers(data: dict) -> list[str]:
    return [e["node"]["number"] for e in data["quotes"]["edges"]]


async def test_quotes_lists_the_company_quotes_newest_first(api):
    member = await make_member(Role.VIEW_PRICES)
    product = await make_product(list_price="3.00")
    now = datetime.now(UTC)
    old = await make_quote(member.company, created_at=now - timedelta(days=3), lines=[(product, "3", "1.005")])
    new = await make_quote(
        member.company, status=QuoteState.REQUESTED, created_at=now - timedelta(days=1), lines=[(product, "2", None)]
    )
    other = await make_member()
    await make_quote(other.company)

    data = await api.ok(QUOTES, token=member.token)

    assert data["quotes"]["totalCount"] == 2
    assert numbers(data) == [new.number, old.number]
    requested, issued = (e["node"] for e in data["quotes"]["edges"])
    assert requested["status"] == "REQUESTED"
    assert requested["total"] is None
    assert requested["lines"] == [{"quantity": "2", "unitPrice": None, "lineTotal": None}]
    assert issued["status"] == "ACTIVE"
    # 3 x 1.005 = 3.015 -> 3.02 (half-up to cents); the total is the sum of line totals.
    assert issued["lines"] == [{"quantity": "3", "unitPrice": {"amount": "1.01"}, "lineTotal": {"amount": "3.02"}}]
    assert issued["total"] == {"amount": "3.02", "currency": "EUR"}
    assert issued["customerNumber"]["number"] == member.company.customer_number


async def test_quotes_pages_with_cursors(api):
    member = await make_member(Role.ADMINISTRATOR)
    made = [await make_quote(member.company) for _ in range(5)]
    expected = [q.number for q in sorted(made, key=lambda q: q.created_at, reverse=True)]

    first = await api.ok(QUOTES, {"first": 2}, token=member.token)
    assert first["quotes"]["pageInfo"]["hasNextPage"] is True
    rest = await api.ok(QUOTES, {"first": 3, "after": first["quotes"]["pageInfo"]["endCursor"]}, token=member.token)

    assert numbers(first) + numbers(rest) == expected
    assert rest["quotes"]["pageInfo"]["hasNextPage"] is False


async def test_page_size_outside_1_to_100_is_limit_exceeded(api):
    member = await make_member(Role.ADMINISTRATOR)
    body = await api(QUOTES, {"first": 101}, token=member.token)
    assert error_codes(body) == ["LIMIT_EXCEEDED"]


async def test_status_is_derived_from_valid_until(api):
    member = await make_member(Role.ADMINISTRATOR)
    expired = await make_quote(member.company, valid_until=today() - timedelta(days=1))
    last_day = await make_quote(member.company, valid_until=today())

    for quote, status in ((expired, "EXPIRED"), (last_day, "ACTIVE")):
        data = await api.ok(QUOTE, {"id": gid(quote)}, token=member.token)
        assert data["quote"]["status"] == status


async def test_filter_by_status_list(api):
    member = await make_member(Role.ADMINISTRATOR)
    c = member.company
    active = await make_quote(c)
    expired = await make_quote(c, valid_until=today() - timedelta(days=1))
    requested = await make_quote(c, status=QuoteState.REQUESTED)
    declined = await make_quote(c, status=QuoteState.DECLINED)
    accepted = await make_quote(c, status=QuoteState.ACCEPTED)

    async def having(*statuses: str) -> set[str]:
        data = await api.ok(QUOTES, {"filter": {"status": list(statuses)}}, token=member.token)
        return set(numbers(data))

    assert await having("ACTIVE") == {active.number}
    assert await having("EXPIRED") == {expired.number}
    assert await having("REQUESTED", "DECLINED") == {requested.number, declined.number}
    assert await having("ACCEPTED", "ACTIVE") == {accepted.number, active.number}
    assert len(await having()) == 5  # an empty list filters nothing


async def test_filter_by_year_and_quote_years(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    year = datetime.now(UTC).year
    this_year = await make_quote(member.company)
    two_back = await make_quote(member.company, created_at=datetime(year - 2, 6, 1, tzinfo=UTC))
    await make_quote(member.company, created_at=datetime(year - 2, 3, 1, tzinfo=UTC))
    await make_quote((await make_member()).company, created_at=datetime(year - 5, 3, 1, tzinfo=UTC))

    data = await api.ok(QUOTES, {"filter": {"year": year}}, token=member.token)
    assert numbers(data) == [this_year.number]
    data = await api.ok(QUOTES, {"filter": {"year": year - 2, "status": ["EXPIRED", "ACTIVE"]}}, token=member.token)
    assert two_back.number in numbers(data) and len(numbers(data)) == 2
    data = await api.ok(QUOTES, {"filter": {"year": year - 1}}, token=member.token)
    assert numbers(data) == []

    assert (await api.ok(YEARS, token=member.token))["quoteYears"] == [year, year - 2]


async def test_quote_years_is_empty_without_quotes(api):
    member = await make_member(Role.VIEW_PRICES)
    assert (await api.ok(YEARS, token=member.token))["quoteYears"] == []


async def test_search_matches_number_and_reference(api):
    member = await make_member(Role.ADMINISTRATOR)
    site = await make_quote(member.company, reference="Chantier Rue Haute")
    other = await make_quote(member.company, reference="Villa Uccle")

    data = await api.ok(QUOTES, {"filter": {"search": "  rue haute "}}, token=member.token)
    assert numbers(data) == [site.number]
    data = await api.ok(QUOTES, {"filter": {"search": other.number[-6:]}}, token=member.token)
    assert numbers(data) == [other.number]
    data = await api.ok(QUOTES, {"filter": {"search": "nothing like it"}}, token=member.token)
    assert numbers(data) == []


async def test_quote_of_another_company_or_unknown_is_null(api):
    member = await make_member(Role.ADMINISTRATOR)
    foreign = await make_quote((await make_member()).company)

    assert (await api.ok(QUOTE, {"id": gid(foreign)}, token=member.token))["quote"] is None
    assert (await api.ok(QUOTE, {"id": "bm90LWEtcXVvdGU"}, token=member.token))["quote"] is None
    assert (await api.ok(NODE, {"id": gid(foreign)}, token=member.token))["node"] is None


async def test_node_fetches_a_quote_for_members_and_staff(api):
    member = await make_member(Role.VIEW_PRICES)
    quote = await make_quote(member.company)
    _, staff_token = await make_staff()

    for token in (member.token, staff_token):
        data = await api.ok(NODE, {"id": gid(quote)}, token=token)
        assert data["node"]["number"] == quote.number


async def test_member_limited_to_customer_numbers_sees_only_their_quotes(api):
    member = await make_member(Role.VIEW_PRICES)
    ship_a = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    ship_b = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    mine = await make_quote(member.company, customer_number=ship_a, created_at=datetime(2021, 5, 1, tzinfo=UTC))
    hidden = await make_quote(member.company, customer_number=ship_b)
    hidden_sold_to = await make_quote(member.company)
    await MembershipCustomerNumber.create(membership_id=member.membership.id, customer_number_id=ship_a.id)

    data = await api.ok(QUOTES, token=member.token)
    assert numbers(data) == [mine.number]
    assert (await api.ok(YEARS, token=member.token))["quoteYears"] == [2021]
    for quote in (hidden, hidden_sold_to):
        assert (await api.ok(QUOTE, {"id": gid(quote)}, token=member.token))["quote"] is None
        assert (await api.ok(NODE, {"id": gid(quote)}, token=member.token))["node"] is None
    # A colleague without limits sees all three.
    colleague = await make_member(Role.VIEW_PRICES, company=member.company)
    assert (await api.ok(QUOTES, token=colleague.token))["quotes"]["totalCount"] == 3


@pytest.mark.parametrize("role", roles_without(Permission.VIEW_QUOTES))
async def test_roles_without_view_quotes_are_forbidden(api, role):
    member = await make_member(role)
    quote = await make_quote(member.company)
    for doc, variables in ((QUOTES, {}), (QUOTE, {"id": gid(quote)}), (YEARS, {})):
        body = await api(doc, variables, token=member.token)
        assert error_codes(body) == ["FORBIDDEN"]
    assert (await api.ok(NODE, {"id": gid(quote)}, token=member.token))["node"] is None


async def test_staff_without_a_membership_are_forbidden_on_customer_queries(api):
    _, token = await make_staff()
    assert error_codes(await api(QUOTES, token=token)) == ["FORBIDDEN"]


async def test_without_a_session_it_is_unauthenticated(api):
    for doc, variables in ((QUOTES, {}), (QUOTE, {"id": "x"}), (YEARS, {})):
        assert error_codes(await api(doc, variables)) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("role", roles_with(Permission.VIEW_QUOTES))
async def test_money_fields_follow_view_prices(api, role):
    member = await make_member(role)
    product = await make_product()
    await make_quote(member.company, lines=[(product, "4", "2.50")])

    node = (await api.ok(QUOTES, token=member.token))["quotes"]["edges"][0]["node"]

    if Permission.VIEW_PRICES in MATRIX[role]:
        assert node["total"] == {"amount": "10.00", "currency": "EUR"}
        assert node["lines"][0]["unitPrice"] == {"amount": "2.50"}
        assert node["lines"][0]["lineTotal"] == {"amount": "10.00"}
    else:
        assert node["total"] is None
        assert node["lines"][0]["unitPrice"] is None and node["lines"][0]["lineTotal"] is None
