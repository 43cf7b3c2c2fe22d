"""quoteAccept: an ACTIVE quote is submitted at its quoted prices as a validation list (source
QUOTE) and becomes ACCEPTED, in one transaction, once per idempotency key."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from models import (
    AuditEvent,
    CustomerNumberKind,
    IdempotencyRecord,
    MembershipCustomerNumber,
    Product,
    Quote,
    QuoteState,
    Role,
    ValidationList,
    ValidationListLine,
)
from resolvers.core.clock import today
from resolvers.core.permissions import Permission
from tests.catalog.factories import make_branch
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member
from tests.quote.helpers import counts, gid, make_product, make_quote, roles_with, roles_without

ACCEPT = """
mutation($id: ID!, $input: SubmitInput!) {
  quoteAccept(id: $id, input: $input) {
    validationList {
      id number status source reference note total { amount }
      delivery { method shipTo { number } branch { name } oneTimeAddress { line1 postalCode city countryCode } }
      lines { quantity note unitPrice { amount } lineTotal { amount } product { sku } }
    }
    userErrors { field code message }
  }
}
"""
QUOTE = "query($id: ID!) { quote(id: $id) { status } }"
ADDRESS = {"line1": "Chantier, Rue Neuve 5", "postalCode": "4000", "city": "Liège", "countryCode": "BE"}


async def state() -> tuple:
    """What a refused accept must leave as it was."""
    return (
        await counts(),
        await ValidationList.all().count(),
        await ValidationListLine.all().count(),
        await IdempotencyRecord.all().count(),
        await AuditEvent.all().count(),
        sorted((q.number, q.status) for q in await Quote.all()),
    )


async def accept(api, token, quote, key="k-1", **input):
    quote_id = quote if isinstance(quote, str) else gid(quote)
    return await api(ACCEPT, {"id": quote_id, "input": {"idempotencyKey": key, **input}}, token=token)


def pickup(branch) -> dict:
    return {"method": "PICKUP", "branchId": gid(branch)}


@pytest.fixture
async def offer(db):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    a = await make_product(list_price="20.00")
    b = await make_product(list_price="5.00", multiple="2", minimum="2")
    quote = await make_quote(member.company, reference="Villa Dupont", lines=[(a, "3", "14.3333"), (b, "4", "3.10")])
    return member, quote, a, b


@pytest.mark.parametrize("role", roles_with(Permission.ACCEPT_QUOTES))
async def test_accept_at_the_quoted_prices(api, offer, role):
    owner, quote, a, b = offer
    member = await make_member(role, company=owner.company)
    branch = await make_branch()
    await Product.filter(id=a.id).update(list_price=Decimal("99.00"))  # the list price changed since

    body = await accept(api, member.token, quote, delivery=pickup(branch), note="Livrer le matin")

    payload = body["data"]["quoteAccept"]
    assert payload["userErrors"] == []
    vl = payload["validationList"]
    assert vl["status"] == "SUBMITTED" and vl["source"] == "QUOTE"
    assert vl["reference"] == "Villa Dupont" and vl["note"] == "Livrer le matin"
    assert [
        (ln["product"]["sku"], ln["quantity"], ln["unitPrice"]["amount"], ln["lineTotal"]["amount"])
        for ln in vl["lines"]
    ] == [(a.sku, "3", "14.33", "43.00"), (b.sku, "4", "3.10", "12.40")]
    assert vl["total"]["amount"] == "55.40"
    assert vl["delivery"]["method"] == "PICKUP" and vl["delivery"]["branch"]["name"] == branch.name
    row = await ValidationList.get()
    assert row.quote_id == quote.id and row.customer_number_id == quote.customer_number_id
    assert row.membership_id == member.membership.id

    read = await api.ok(QUOTE, {"id": gid(quote)}, token=member.token)
    assert read["quote"]["status"] == "ACCEPTED"
    stored = await Quote.get(id=quote.id)
    assert stored.status == QuoteState.ACCEPTED and stored.decided_by_id == member.user.id
    event = await AuditEvent.get(action="quote.accepted")
    assert event.target_id == gid(quote) and event.details["after"] == {
        "status": "ACCEPTED",
        "validationList": vl["number"],
    }


async def test_a_reference_given_replaces_the_quotes(api, offer):
    member, quote, _, _ = offer
    body = await accept(api, member.token, quote, reference=" PO-77 ", delivery=pickup(await make_branch()))
    assert body["data"]["quoteAccept"]["validationList"]["reference"] == "PO-77"


async def test_without_delivery_a_ship_to_quote_is_delivered_there(api, db):
    member = await make_member(Role.ADMINISTRATOR)
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    quote = await make_quote(member.company, customer_number=ship_to, lines=[(await make_product(), "1", "2.00")])

    body = await accept(api, member.token, quote)

    delivery = body["data"]["quoteAccept"]["validationList"]["delivery"]
    assert delivery == {
        "method": "DELIVERY",
        "shipTo": {"number": ship_to.number},
        "branch": None,
        "oneTimeAddress": None,
    }


async def test_without_delivery_a_sold_to_quote_goes_to_its_address(api, offer):
    member, quote, _, _ = offer
    body = await accept(api, member.token, quote)
    delivery = body["data"]["quoteAccept"]["validationList"]["delivery"]
    sold_to = await quote.customer_number
    assert delivery["method"] == "DELIVERY" and delivery["shipTo"] is None
    assert delivery["oneTimeAddress"] == {
        "line1": sold_to.line1,
        "postalCode": sold_to.postal_code,
        "city": sold_to.city,
        "countryCode": sold_to.country_code,
    }


async def test_delivery_to_a_one_time_address_or_own_ship_to(api, offer):
    member, quote, _, _ = offer
    body = await accept(api, member.token, quote, delivery={"method": "DELIVERY", "oneTimeAddress": ADDRESS})
    assert body["data"]["quoteAccept"]["validationList"]["delivery"]["oneTimeAddress"]["city"] == "Liège"


async def test_a_quote_on_its_last_day_can_be_accepted(api, db):
    member = await make_member()
    quote = await make_quote(member.company, valid_until=today(), lines=[(await make_product(), "1", "1.00")])
    body = await accept(api, member.token, quote)
    assert body["data"]["quoteAccept"]["validationList"]["status"] == "SUBMITTED"


@pytest.mark.parametrize(
    ("status", "days"),
    [(QuoteState.ISSUED, -1), (QuoteState.REQUESTED, None), (QuoteState.DECLINED, 5), (QuoteState.ACCEPTED, 5)],
    ids=["expired", "requested", "declined", "accepted"],
)
async def test_only_an_active_quote_can_be_accepted(api, db, status, days):
    member = await make_member()
    valid_until = today() + timedelta(days=days) if days is not None else None
    price = None if status == QuoteState.REQUESTED else "3.00"
    quote = await make_quote(
        member.company, status=status, valid_until=valid_until, lines=[(await make_product(), "1", price)]
    )
    before = await state()

    body = await accept(api, member.token, quote)

    payload = body["data"]["quoteAccept"]
    assert payload["validationList"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("QUOTE_NOT_ACTIVE", ["id"])]
    assert await state() == before


async def test_the_same_key_returns_the_first_validation_list(api, offer):
    member, quote, _, _ = offer
    first = (await accept(api, member.token, quote, key="same"))["data"]["quoteAccept"]["validationList"]
    again = (await accept(api, member.token, quote, key="same"))["data"]["quoteAccept"]
    assert again["userErrors"] == [] and again["validationList"]["id"] == first["id"]
    assert await ValidationList.all().count() == 1

    other_key = (await accept(api, member.token, quote, key="other"))["data"]["quoteAccept"]
    assert other_key["userErrors"][0]["code"] == "QUOTE_NOT_ACTIVE"


async def test_the_same_key_with_other_input_is_refused(api, offer):
    member, quote, _, _ = offer
    other = await make_quote(member.company, lines=[(await make_product(), "1", "1.00")])
    await accept(api, member.token, quote, key="same")
    before = await state()

    changed = (await accept(api, member.token, quote, key="same", note="other"))["data"]["quoteAccept"]
    assert changed["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    for_other = (await accept(api, member.token, other, key="same"))["data"]["quoteAccept"]
    assert for_other["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await state() == before
    assert (await Quote.get(id=other.id)).status == QuoteState.ISSUED


@pytest.mark.parametrize(
    ("delivery", "code"),
    [
        ({"method": "DELIVERY"}, "INVALID_DELIVERY"),
        ({"method": "PICKUP"}, "INVALID_DELIVERY"),
        ({"method": "DELIVERY", "oneTimeAddress": {**ADDRESS, "city": ""}}, "REQUIRED"),
    ],
    ids=["nothing", "no-branch", "bad-address"],
)
async def test_delivery_errors_change_nothing(api, offer, delivery, code):
    member, quote, _, _ = offer
    before = await state()
    body = await accept(api, member.token, quote, delivery=delivery)
    assert code in [e["code"] for e in body["data"]["quoteAccept"]["userErrors"]]
    assert await state() == before


async def test_another_companys_ship_to_is_not_found(api, offer):
    member, quote, _, _ = offer
    foreign = await make_customer_number((await make_member()).company, CustomerNumberKind.SHIP_TO)
    before = await state()
    body = await accept(api, member.token, quote, delivery={"method": "DELIVERY", "shipToId": gid(foreign)})
    error = body["data"]["quoteAccept"]["userErrors"][0]
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["input", "delivery", "shipToId"])
    assert await state() == before


async def test_another_companys_quote_is_not_found(api, offer):
    _, quote, _, _ = offer
    stranger = await make_member(Role.ADMINISTRATOR)
    before = await state()
    for quote_id in (gid(quote), gid(stranger.company), "nonsense"):
        body = await accept(api, stranger.token, quote_id)
        assert [(e["code"], e["field"]) for e in body["data"]["quoteAccept"]["userErrors"]] == [("NOT_FOUND", ["id"])]
    assert await state() == before


async def test_a_quote_of_a_customer_number_the_member_may_not_use_is_not_found(api, offer):
    owner, quote, _, _ = offer
    limited = await make_member(Role.ADMINISTRATOR, company=owner.company)
    ship_to = await make_customer_number(owner.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership=limited.membership, customer_number=ship_to)
    body = await accept(api, limited.token, quote)
    assert body["data"]["quoteAccept"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await Quote.get(id=quote.id)).status == QuoteState.ISSUED


@pytest.mark.parametrize("role", roles_without(Permission.ACCEPT_QUOTES))
async def test_roles_without_accept_quotes_are_refused(api, offer, role):
    owner, quote, _, _ = offer
    member = await make_member(role, company=owner.company)
    before = await state()
    body = await accept(api, member.token, quote)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await state() == before


async def test_without_a_session(api, offer):
    _, quote, _, _ = offer
    before = await state()
    assert error_codes(await accept(api, None, quote)) == ["UNAUTHENTICATED"]
    assert await state() == before
