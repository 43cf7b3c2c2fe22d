"""quoteDecline: ACCEPT_QUOTES turns an ACTIVE (or REQUESTED) quote into DECLINED."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import AuditEvent, CustomerNumberKind, MembershipCustomerNumber, Quote, QuoteState, Role
from resolvers.core.clock import today
from resolvers.core.permissions import Permission
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_staff
from tests.quote.helpers import gid, make_quote, roles_without

DECLINE = """
mutation($id: ID!, $reason: String) {
  quoteDecline(id: $id, reason: $reason) {
    quote { id number status }
    userErrors { field code }
  }
}
"""


async def decline(api, token, quote, reason=None):
    return await api(
        DECLINE, {"id": gid(quote) if not isinstance(quote, str) else quote, "reason": reason}, token=token
    )


@pytest.mark.parametrize("status", [QuoteState.ISSUED, QuoteState.REQUESTED])
async def test_an_active_or_requested_quote_is_declined(api, status):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    quote = await make_quote(member.company, status=status)

    body = await decline(api, member.token, quote, " Trop cher ")

    payload = body["data"]["quoteDecline"]
    assert payload == {"quote": {"id": gid(quote), "number": quote.number, "status": "DECLINED"}, "userErrors": []}
    row = await Quote.get(id=quote.id)
    assert row.status == QuoteState.DECLINED and row.decline_reason == "Trop cher"
    assert row.decided_by_id == member.user.id
    event = await AuditEvent.get(action="quote.declined")
    assert event.company_id == member.company.id and event.target_id == gid(quote)


async def test_a_quote_on_its_last_day_can_still_be_declined(api):
    member = await make_member(Role.ADMINISTRATOR)
    quote = await make_quote(member.company, valid_until=today())
    body = await decline(api, member.token, quote)
    assert body["data"]["quoteDecline"]["quote"]["status"] == "DECLINED"


@pytest.mark.parametrize(
    ("status", "days"),
    [(QuoteState.ISSUED, -1), (QuoteState.DECLINED, 5), (QuoteState.ACCEPTED, 5)],
    ids=["expired", "declined", "accepted"],
)
async def test_other_statuses_cannot_be_declined(api, status, days):
    member = await make_member(Role.ADMINISTRATOR)
    quote = await make_quote(member.company, status=status, valid_until=today() + timedelta(days=days))

    body = await decline(api, member.token, quote, "no")

    assert body["data"]["quoteDecline"] == {
        "quote": None,
        "userErrors": [{"field": ["id"], "code": "INVALID_STATUS_TRANSITION"}],
    }
    row = await Quote.get(id=quote.id)
    assert row.status == status and row.decline_reason is None
    assert await AuditEvent.all().count() == 0


async def test_a_reason_too_long_is_refused(api):
    member = await make_member(Role.ADMINISTRATOR)
    quote = await make_quote(member.company)
    body = await decline(api, member.token, quote, "x" * 1001)
    assert body["data"]["quoteDecline"]["userErrors"] == [{"field": ["reason"], "code": "TOO_LONG"}]
    assert (await Quote.get(id=quote.id)).status == QuoteState.ISSUED


async def test_another_company_quote_or_unknown_id_is_not_found(api):
    member = await make_member(Role.ADMINISTRATOR)
    foreign = await make_quote((await make_member()).company)

    for target in (foreign, "UXVvdGU6bm90LWEtdXVpZA"):
        body = await decline(api, member.token, target)
        assert body["data"]["quoteDecline"] == {"quote": None, "userErrors": [{"field": ["id"], "code": "NOT_FOUND"}]}
    assert (await Quote.get(id=foreign.id)).status == QuoteState.ISSUED


async def test_a_quote_of_a_customer_number_the_member_may_not_use_is_not_found(api):
    member = await make_member(Role.ADMINISTRATOR)
    ship = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership_id=member.membership.id, customer_number_id=ship.id)
    hidden = await make_quote(member.company)  # made for the SOLD_TO

    body = await decline(api, member.token, hidden)

    assert body["data"]["quoteDecline"]["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]
    assert (await Quote.get(id=hidden.id)).status == QuoteState.ISSUED


@pytest.mark.parametrize("role", roles_without(Permission.ACCEPT_QUOTES))
async def test_roles_without_accept_quotes_are_forbidden(api, role):
    member = await make_member(role)
    quote = await make_quote(member.company)

    assert error_codes(await decline(api, member.token, quote)) == ["FORBIDDEN"]
    assert (await Quote.get(id=quote.id)).status == QuoteState.ISSUED


async def test_staff_and_anonymous_callers_cannot_decline(api):
    quote = await make_quote((await make_member()).company)
    _, staff_token = await make_staff()

    assert error_codes(await decline(api, staff_token, quote)) == ["FORBIDDEN"]
    assert error_codes(await decline(api, None, quote)) == ["UNAUTHENTICATED"]
    assert (await Quote.get(id=quote.id)).status == QuoteState.ISSUED
