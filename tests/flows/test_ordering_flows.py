"""Ordering flows end to end: HTTP through the ASGI app (lifespan, outbox worker), e-mail
through a real SMTP server. Each flow uses only the public API after the rows a registration
would have made (companies, members, catalog)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from models import CustomerNumberKind, Role, StaffRole
from resolvers.core.clock import today
from tests.catalog.factories import gid, make_branch, make_product, set_price
from tests.factories import make_customer_number, make_member, make_staff

pytestmark = pytest.mark.real_db  # the app's lifespan runs the outbox worker beside the requests

ERRORS = "userErrors { field code message }"
VL = "id number status source version total { amount } lines { quantity unitPrice { amount } product { sku } }"
DELIVERY = "delivery { method shipTo { number } branch { name } oneTimeAddress { line1 city } }"

FAST_ENTRY_SET = f"mutation($id: ID!) {{ companyFastEntrySet(id: $id, enabled: true) {{ company {{ fastEntryEnabled }} {ERRORS} }} }}"
FAST_ENTRY = f"""
mutation($text: String!) {{
  fastEntry(text: $text) {{ lines {{ lineNumber status }} cart {{ lineCount lines {{ quantity product {{ sku }} }} }} {ERRORS} }}
}}"""
DELIVERY_SET = (
    f"mutation($input: DeliveryInput!) {{ cartDeliverySet(input: $input) {{ cart {{ {DELIVERY} }} {ERRORS} }} }}"
)
CART_SUBMIT = f"mutation($input: SubmitInput!) {{ cartSubmit(input: $input) {{ validationList {{ {VL} {DELIVERY} }} {ERRORS} }} }}"
CART = "{ cart { lineCount lines { quantity product { sku } } } }"
APPROVE = f"""
mutation($input: ApproveInput!) {{
  validationListApprove(input: $input) {{ validationList {{ status order {{ id number status }} }} {ERRORS} }}
}}"""
REJECT = f"""
mutation($input: RejectInput!) {{
  validationListReject(input: $input) {{ validationList {{ status rejectionReason }} {ERRORS} }}
}}"""
ORDERS = f"""
{{ orders {{ totalCount edges {{ node {{ id number status source total {{ amount }} {DELIVERY}
  lines {{ quantity unitPrice {{ amount }} product {{ sku }} }} }} }} }} }}"""
REORDER = f"mutation($id: ID!) {{ orderReorder(id: $id) {{ cart {{ lineCount lines {{ quantity product {{ sku }} }} }} {ERRORS} }} }}"
QUICK_LIST_CREATE = (
    f"mutation($input: QuickListInput!) {{ quickListCreate(input: $input) {{ quickList {{ id shared }} {ERRORS} }} }}"
)
QUICK_LIST_SUBMIT = f"""
mutation($id: ID!, $input: QuickListSubmitInput!) {{
  quickListSubmit(id: $id, input: $input) {{ validationList {{ {VL} }} {ERRORS} }}
}}"""
QUOTE_REQUEST = (
    f"mutation($input: QuoteRequestInput!) {{ quoteRequest(input: $input) {{ quote {{ id status }} {ERRORS} }} }}"
)
QUOTE_ISSUE = f"mutation($input: QuoteIssueInput!) {{ quoteIssue(input: $input) {{ quote {{ id status total {{ amount }} }} {ERRORS} }} }}"
QUOTE_ACCEPT = f"""
mutation($id: ID!, $input: SubmitInput!) {{ quoteAccept(id: $id, input: $input) {{ validationList {{ {VL} }} {ERRORS} }} }}"""
QUOTE = "query($id: ID!) { quote(id: $id) { status } }"
SCAN_LIST_CREATE = (
    f"mutation($input: ScanListInput!) {{ scanListCreate(input: $input) {{ scanList {{ id }} {ERRORS} }} }}"
)
SCAN_LIST_APPROVE = f"mutation($id: ID!) {{ scanListApprove(id: $id) {{ scanList {{ approved printUrl }} {ERRORS} }} }}"
SCAN_LISTS = "{ scanLists { id printUrl lines { barcode defaultQuantity product { sku } } } }"
SCAN_SUBMIT = f"""
mutation($input: ScanSubmitInput!) {{
  scanSubmit(input: $input) {{ order {{ id status source total {{ amount }} }} validationList {{ id }} {ERRORS} }}
}}"""

ADDRESS = {"line1": "Chantier, Rue Neuve 5", "postalCode": "4000", "city": "Liège", "countryCode": "BE"}


def ok(data: dict, name: str) -> dict:
    payload = data[name]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def approve(live, staff_token: str, vl: dict) -> dict:
    data = await live.ok(APPROVE, {"input": {"id": vl["id"], "expectedVersion": vl["version"]}}, token=staff_token)
    return ok(data, "validationListApprove")["validationList"]


@pytest.mark.parametrize("variant", ["ship-to", "one-time-address", "pickup"])
async def test_fast_entry_cart_submit_approve_order_reorder(live, smtp, variant):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    _, staff = await make_staff(StaffRole.CUSTOMER_SERVICE)
    a = await make_product(list_price=Decimal("12.50"))
    b = await make_product(list_price=Decimal("3.00"), order_multiple=Decimal(2), minimum_quantity=Decimal(2))
    await set_price(member.company, a, "11.00")
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    branch = await make_branch(name="Liège Nord")

    ok(await live.ok(FAST_ENTRY_SET, {"id": member.company_id}, token=staff), "companyFastEntrySet")
    entered = ok(
        await live.ok(FAST_ENTRY, {"text": f"{a.sku} 3\n\n{b.ean};4\n{a.sku}\t1"}, token=member.token), "fastEntry"
    )
    assert [ln["status"] for ln in entered["lines"]] == ["OK", "OK", "MERGED"]
    assert {(ln["product"]["sku"], ln["quantity"]) for ln in entered["cart"]["lines"]} == {(a.sku, "4"), (b.sku, "4")}

    delivery = {
        "ship-to": {"method": "DELIVERY", "shipToId": gid(ship_to)},
        "one-time-address": {"method": "DELIVERY", "oneTimeAddress": ADDRESS},
        "pickup": {"method": "PICKUP", "branchId": gid(branch)},
    }[variant]
    ok(await live.ok(DELIVERY_SET, {"input": delivery}, token=member.token), "cartDeliverySet")
    vl = ok(
        await live.ok(CART_SUBMIT, {"input": {"idempotencyKey": "cart-1", "reference": "Villa"}}, token=member.token),
        "cartSubmit",
    )["validationList"]
    assert vl["status"] == "SUBMITTED" and vl["source"] == "CART"
    assert vl["total"]["amount"] == "56.00"  # 4 x 11.00 + 4 x 3.00
    assert (await live.ok(CART, token=member.token))["cart"]["lineCount"] == 0

    decided = await approve(live, staff, vl)
    assert decided["status"] == "APPROVED" and decided["order"]["status"] == "CONFIRMED"
    mail = (await smtp.inbox.wait_for(member.user.email))[0]
    assert vl["number"] in mail["Subject"]

    orders = (await live.ok(ORDERS, token=member.token))["orders"]
    assert orders["totalCount"] == 1
    order = orders["edges"][0]["node"]
    assert order["number"] == decided["order"]["number"] and order["total"]["amount"] == "56.00"
    expected = {
        "ship-to": {"method": "DELIVERY", "shipTo": {"number": ship_to.number}, "branch": None, "oneTimeAddress": None},
        "one-time-address": {
            "method": "DELIVERY",
            "shipTo": None,
            "branch": None,
            "oneTimeAddress": {"line1": ADDRESS["line1"], "city": "Liège"},
        },
        "pickup": {"method": "PICKUP", "shipTo": None, "branch": {"name": "Liège Nord"}, "oneTimeAddress": None},
    }[variant]
    assert order["delivery"] == expected

    cart = ok(await live.ok(REORDER, {"id": order["id"]}, token=member.token), "orderReorder")["cart"]
    assert {(ln["product"]["sku"], ln["quantity"]) for ln in cart["lines"]} == {(a.sku, "4"), (b.sku, "4")}


async def test_quick_list_submit_then_rejection_mail_with_the_reason(live, smtp):
    admin = await make_member(Role.ADMINISTRATOR)
    orderer = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company)
    _, staff = await make_staff(StaffRole.CUSTOMER_SERVICE)
    a, b = await make_product(), await make_product()
    branch = await make_branch()

    quick_list = ok(
        await live.ok(
            QUICK_LIST_CREATE,
            {
                "input": {
                    "name": "Chantier",
                    "shared": True,
                    "lines": [{"code": a.sku, "quantity": "2"}, {"code": b.sku, "quantity": "5"}],
                }
            },
            token=admin.token,
        ),
        "quickListCreate",
    )["quickList"]
    vl = ok(
        await live.ok(
            QUICK_LIST_SUBMIT,
            {
                "id": quick_list["id"],
                "input": {
                    "delivery": {"method": "PICKUP", "branchId": gid(branch)},
                    "idempotencyKey": "ql-1",
                },
            },
            token=orderer.token,
        ),
        "quickListSubmit",
    )["validationList"]
    assert vl["status"] == "SUBMITTED" and vl["source"] == "QUICK_LIST"
    assert vl["total"] is None  # QUICK_LISTS_ONLY sees no prices
    assert {(ln["product"]["sku"], ln["quantity"]) for ln in vl["lines"]} == {(a.sku, "2"), (b.sku, "5")}

    reason = "Article b en rupture jusqu'au 15."
    rejected = ok(
        await live.ok(
            REJECT, {"input": {"id": vl["id"], "expectedVersion": vl["version"], "reason": reason}}, token=staff
        ),
        "validationListReject",
    )["validationList"]
    assert rejected == {"status": "REJECTED", "rejectionReason": reason}

    mail = (await smtp.inbox.wait_for(orderer.user.email))[0]
    assert vl["number"] in mail["Subject"]
    assert reason in mail.get_payload(decode=True).decode()


async def test_quote_request_issue_accept_approve(live, smtp):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    _, staff = await make_staff(StaffRole.CUSTOMER_SERVICE)
    a = await make_product(list_price=Decimal("20.00"))
    branch = await make_branch()

    quote = ok(
        await live.ok(
            QUOTE_REQUEST,
            {"input": {"reference": "Villa", "lines": [{"code": a.sku, "quantity": "10"}]}},
            token=member.token,
        ),
        "quoteRequest",
    )["quote"]
    assert quote["status"] == "REQUESTED"
    issued = ok(
        await live.ok(
            QUOTE_ISSUE,
            {
                "input": {
                    "quoteId": quote["id"],
                    "validUntil": (today() + timedelta(days=30)).isoformat(),
                    "lines": [{"productId": gid(a), "quantity": "10", "unitPrice": "15.50"}],
                }
            },
            token=staff,
        ),
        "quoteIssue",
    )["quote"]
    assert issued["status"] == "ACTIVE" and issued["total"]["amount"] == "155.00"

    vl = ok(
        await live.ok(
            QUOTE_ACCEPT,
            {
                "id": quote["id"],
                "input": {
                    "idempotencyKey": "accept-1",
                    "delivery": {"method": "PICKUP", "branchId": gid(branch)},
                },
            },
            token=member.token,
        ),
        "quoteAccept",
    )["validationList"]
    assert vl["source"] == "QUOTE" and vl["total"]["amount"] == "155.00"
    assert (await live.ok(QUOTE, {"id": quote["id"]}, token=member.token))["quote"]["status"] == "ACCEPTED"

    decided = await approve(live, staff, vl)
    assert decided["order"]["status"] == "CONFIRMED"
    order = (await live.ok(ORDERS, token=member.token))["orders"]["edges"][0]["node"]
    assert order["source"] == "QUOTE"
    assert [(ln["product"]["sku"], ln["quantity"], ln["unitPrice"]["amount"]) for ln in order["lines"]] == [
        (a.sku, "10", "15.50")
    ]


async def test_scan_on_an_approved_scan_list_is_an_order_at_once(live, smtp):
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    _, representative = await make_staff(StaffRole.REPRESENTATIVE)
    _, staff = await make_staff(StaffRole.CUSTOMER_SERVICE)
    a = await make_product()
    b = await make_product(ean=None)
    branch = await make_branch()

    created = ok(
        await live.ok(
            SCAN_LIST_CREATE,
            {
                "input": {
                    "companyId": member.company_id,
                    "name": "Atelier",
                    "lines": [{"code": a.sku, "quantity": "1"}, {"code": b.sku, "quantity": "2"}],
                }
            },
            token=representative,
        ),
        "scanListCreate",
    )["scanList"]
    approved = ok(await live.ok(SCAN_LIST_APPROVE, {"id": created["id"]}, token=staff), "scanListApprove")["scanList"]
    assert approved["approved"] is True

    scan_list = (await live.ok(SCAN_LISTS, token=member.token))["scanLists"][0]
    assert scan_list["printUrl"] == approved["printUrl"]
    page = await live.client.get(scan_list["printUrl"].removeprefix("https://shop.test"))
    assert page.status_code == 200 and page.text.count("<svg") == 2 and a.ean in page.text

    scanned = [{"code": line["barcode"], "quantity": line["defaultQuantity"]} for line in scan_list["lines"]]
    result = ok(
        await live.ok(
            SCAN_SUBMIT,
            {
                "input": {
                    "lines": scanned,
                    "delivery": {"method": "PICKUP", "branchId": gid(branch)},
                    "deviceId": "tablet-1",
                    "idempotencyKey": "scan-1",
                }
            },
            token=member.token,
        ),
        "scanSubmit",
    )
    assert result["validationList"] is None
    assert result["order"]["status"] == "CONFIRMED" and result["order"]["source"] == "SCAN"
    assert result["order"]["total"] is None  # ORDER_WITHOUT_PRICES

    orders = (await live.ok(ORDERS, token=member.token))["orders"]
    assert [e["node"]["id"] for e in orders["edges"]] == [result["order"]["id"]]
