"""Quotes and validation lists append their events, each after the events of the subjects it
names; a refused, replayed or failed change appends none."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Event, QuoteState, Role, StaffRole, ValidationList
from resolvers.core import ids
from resolvers.core.clock import today
from resolvers.quote import accept
from tests.catalog.factories import gid, make_product
from tests.event.helpers import staff_token, types, written
from tests.factories import make_member
from tests.order.helpers import (
    APPROVE,
    CANCEL,
    CART_SUBMIT,
    REJECT,
    fill_cart,
    make_stock,
    pickup,
    submit_cart,
    submit_input,
)
from tests.quick_list.helpers import SUBMIT as QUICK_LIST_SUBMIT
from tests.quick_list.helpers import make_list
from tests.quote.helpers import make_quote
from tests.quote.test_issue import ISSUE
from tests.quote.test_quote_accept import ACCEPT
from tests.quote.test_request import REQUEST

APPROVE_ONLY = """mutation($input: ApproveInput!) {
  validationListApprove(input: $input) { validationList { id } userErrors { code } } }"""


async def test_a_quote_request_then_its_issue_append_their_snapshots(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    stock = await make_stock()
    lines = [{"productId": gid(stock.a), "quantity": "3", "note": "cut"}]
    quote = (await api.ok(REQUEST, {"input": {"reference": "Site 4", "lines": lines}}, token=member.token))[
        "quoteRequest"
    ]["quote"]
    token = await staff_token(StaffRole.CUSTOMER_SERVICE)
    issue = {
        "quoteId": quote["id"],
        "validUntil": (today() + timedelta(days=5)).isoformat(),
        "lines": [{"productId": gid(stock.a), "quantity": "3", "unitPrice": "9.995"}],
    }
    assert (await api.ok(ISSUE, {"input": issue}, token=token))["quoteIssue"]["userErrors"] == []
    requested, issued = await written()
    assert (requested.type, requested.subject_id, requested.company_id) == (
        "QUOTE_REQUESTED",
        quote["id"],
        member.company_id,
    )
    assert (requested.data["number"], requested.data["status"], requested.data["total"]) == (
        quote["number"],
        "REQUESTED",
        None,
    )
    assert requested.data["lines"][0] | {"id": None} == {
        "id": None,
        "product": {"id": gid(stock.a), "sku": stock.a.sku},
        "quantity": "3",
        "unitPrice": None,
        "lineTotal": None,
        "note": "cut",
    }
    assert (issued.type, issued.data["status"], issued.data["validUntil"]) == (
        "QUOTE_ISSUED",
        "ACTIVE",
        issue["validUntil"],
    )
    assert issued.data["total"] == {"amount": "29.99", "currency": "EUR"}  # 3 x 9.995, half-up
    assert issued.data["lines"][0]["unitPrice"] == {"amount": "10.00", "currency": "EUR"}


async def test_accepting_a_quote_appends_the_list_then_the_accepted_quote(api):
    member = await make_member(Role.ADMINISTRATOR)
    stock = await make_stock()
    quote = await make_quote(member.company, lines=[(stock.a, "2", "7.50")])
    variables = {"id": gid(quote), "input": submit_input(pickup(stock.branch))}
    vl = (await api.ok(ACCEPT, variables, token=member.token))["quoteAccept"]["validationList"]
    await api.ok(ACCEPT, variables, token=member.token)  # the same key again: the first result, no event
    submitted, accepted = await written()
    assert (submitted.type, submitted.subject_id) == ("VALIDATION_LIST_SUBMITTED", vl["id"])
    assert (submitted.data["source"], submitted.data["quoteId"]) == ("QUOTE", gid(quote))
    assert (accepted.type, accepted.subject_id) == ("QUOTE_ACCEPTED", gid(quote))
    assert (accepted.data["status"], accepted.data["validationListId"]) == ("ACCEPTED", vl["id"])
    assert accepted.data["decidedAt"] is not None


async def test_a_cart_submit_appends_the_submitted_list_once_per_key(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    stock = await make_stock()
    await fill_cart(member, (stock.a, "2"), (stock.b, "4"))
    variables = {"input": submit_input(pickup(stock.branch), reference="PO-1")}
    vl = (await api.ok(CART_SUBMIT, variables, token=member.token))["cartSubmit"]["validationList"]
    replay = (await api.ok(CART_SUBMIT, variables, token=member.token))["cartSubmit"]["validationList"]
    assert replay["id"] == vl["id"]
    (event,) = await written()
    assert (event.type, event.subject_id, event.company_id) == (
        "VALIDATION_LIST_SUBMITTED",
        vl["id"],
        member.company_id,
    )
    data = event.data
    assert (data["number"], data["status"], data["source"], data["reference"], data["version"]) == (
        vl["number"],
        "SUBMITTED",
        "CART",
        "PO-1",
        1,
    )
    assert data["total"] == {"amount": vl["total"]["amount"], "currency": "EUR"}
    assert data["delivery"] == {
        "method": "PICKUP",
        "shipToId": None,
        "branchId": gid(stock.branch),
        "oneTimeAddress": None,
        "requestedDate": None,
    }
    assert [(x["product"]["sku"], x["quantity"], x["unitPrice"]["amount"]) for x in data["lines"]] == [
        (stock.a.sku, "2", "12.50"),
        (stock.b.sku, "4", "3.33"),
    ]
    assert [x["id"] for x in data["lines"]] == [x["id"] for x in vl["lines"]]
    assert data["submittedBy"] == member.user_id and data["order"] is None


async def test_a_refused_submit_appends_nothing(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    stock = await make_stock()
    body = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    assert [e["code"] for e in body["cartSubmit"]["userErrors"]] == ["CART_EMPTY"]
    forbidden = await make_member(Role.VIEW_PRICES)
    assert (await api(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=forbidden.token))["errors"]
    assert await types() == []


async def test_a_quick_list_submit_appends_the_submitted_list(api):
    admin = await make_member(Role.ADMINISTRATOR)
    me = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company)
    stock = await make_stock()
    row = await make_list(admin.user, admin.company, (stock.a, "5"), shared=True)
    variables = {"id": ids.encode("QuickList", row.id), "input": submit_input(pickup(stock.branch))}
    vl = (await api.ok(QUICK_LIST_SUBMIT, variables, token=me.token))["quickListSubmit"]["validationList"]
    (event,) = await written()
    assert (event.type, event.subject_id, event.data["source"]) == ("VALIDATION_LIST_SUBMITTED", vl["id"], "QUICK_LIST")
    # Prices are in the feed, whoever submitted (the feed is for the ERP and staff).
    assert event.data["total"] == {"amount": "62.50", "currency": "EUR"} and vl["total"] is None


async def test_decisions_append_approved_with_the_order_rejected_and_cancelled(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    stock = await make_stock()
    token = await staff_token(StaffRole.CUSTOMER_SERVICE)
    lists = [await submit_cart(api, member, stock) for _ in range(3)]
    stale = await api.ok(APPROVE, {"input": {"id": lists[0]["id"], "expectedVersion": 7}}, token=token)
    assert [e["code"] for e in stale["validationListApprove"]["userErrors"]] == ["VERSION_CONFLICT"]
    approved = await api.ok(APPROVE, {"input": {"id": lists[0]["id"], "expectedVersion": 1}}, token=token)
    order = approved["validationListApprove"]["validationList"]["order"]
    reject = {"id": lists[1]["id"], "expectedVersion": 1, "reason": "Out of stock"}
    assert (await api.ok(REJECT, {"input": reject}, token=token))["validationListReject"]["userErrors"] == []
    assert (await api.ok(CANCEL, {"id": lists[2]["id"]}, token=member.token))["validationListCancel"][
        "userErrors"
    ] == []
    again = await api.ok(CANCEL, {"id": lists[2]["id"]}, token=member.token)
    assert [e["code"] for e in again["validationListCancel"]["userErrors"]] == ["INVALID_STATUS_TRANSITION"]
    decided = [e for e in await written() if e.type != "VALIDATION_LIST_SUBMITTED"]
    assert [(e.type, e.subject_id) for e in decided if e.type != "ORDER_CREATED"] == [
        ("VALIDATION_LIST_APPROVED", lists[0]["id"]),
        ("VALIDATION_LIST_REJECTED", lists[1]["id"]),
        ("VALIDATION_LIST_CANCELLED", lists[2]["id"]),
    ]
    approval, rejection, cancel = [e for e in decided if e.type != "ORDER_CREATED"]
    assert (approval.data["status"], approval.data["version"], approval.data["order"]["id"]) == (
        "APPROVED",
        2,
        order["id"],
    )
    assert approval.data["order"]["number"] == order["number"] and approval.data["decidedBy"] is not None
    assert (rejection.data["status"], rejection.data["rejectionReason"]) == ("REJECTED", "Out of stock")
    assert (cancel.data["status"], cancel.data["decidedBy"]) == ("CANCELLED", member.user_id)


@pytest.mark.parametrize("role", [Role.VIEW_PRICES_AND_ORDER, Role.ADMINISTRATOR])
async def test_customers_cannot_decide_and_append_nothing(api, role):
    member = await make_member(role)
    stock = await make_stock()
    vl = await submit_cart(api, member, stock)
    body = await api(APPROVE, {"input": {"id": vl["id"], "expectedVersion": 1}}, token=member.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await types() == ["VALIDATION_LIST_SUBMITTED"]


async def test_a_change_failing_after_its_events_leaves_neither(api, monkeypatch):
    """The events are written inside the change's transaction: when anything fails after them,
    the change and its events are rolled back together."""
    member = await make_member(Role.ADMINISTRATOR)
    stock = await make_stock()
    quote = await make_quote(member.company, lines=[(stock.a, "2", "7.50")])
    real = accept.quote_event

    async def then_fail(*args, **kwargs):
        await real(*args, **kwargs)
        assert await Event.all().count() == 2  # both events were written, inside the transaction
        raise RuntimeError("the commit never comes")

    monkeypatch.setattr(accept, "quote_event", then_fail)
    body = await api(ACCEPT, {"id": gid(quote), "input": submit_input(pickup(stock.branch))}, token=member.token)
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert await written() == [] and await ValidationList.all().count() == 0
    await quote.refresh_from_db()
    assert quote.status == QuoteState.ISSUED


async def _submit_statements(api, sql, lines: int) -> int:
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    stock = await make_stock()
    await fill_cart(member, *[(await make_product(), "1") for _ in range(lines)])
    sql.statements.clear()
    await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    return len(sql.statements)


async def test_a_submits_event_costs_no_statement_per_line(api, sql):
    """The snapshot reads the lines with their products in one statement (and the submit itself
    costs the same for 1 line or 20)."""
    await _submit_statements(api, sql, 1)  # the first makes the counters' rows
    assert await _submit_statements(api, sql, 1) == await _submit_statements(api, sql, 20)


async def test_an_approvals_event_costs_no_statement_per_line(api, sql):
    token = await staff_token(StaffRole.CUSTOMER_SERVICE)
    counts = []
    for lines in (1, 1, 20):  # the first makes the counters' rows
        member = await make_member(Role.VIEW_PRICES_AND_ORDER)
        stock = await make_stock()
        vl = await submit_cart(api, member, stock, *[(await make_product(), "1") for _ in range(lines)])
        sql.statements.clear()
        data = await api.ok(APPROVE_ONLY, {"input": {"id": vl["id"], "expectedVersion": 1}}, token=token)
        assert data["validationListApprove"]["userErrors"] == []
        counts.append(len(sql.statements))
    assert counts[1] == counts[2], counts
