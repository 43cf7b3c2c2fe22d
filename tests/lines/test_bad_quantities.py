"""Every Decimal quantity the API takes: NaN (quiet or signalling), infinities, -0 and exponents
far past any column are INVALID_QUANTITY in userErrors, never "Unexpected error.", and change
nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from models import CartLine, Order, QuickList, QuickListLine, Quote, Role, ScanList, StaffRole, ValidationList
from resolvers.core.clock import today
from tests.cart.helpers import ADD, UPDATE
from tests.catalog.factories import gid, make_branch, make_product
from tests.factories import make_member, make_staff
from tests.quick_list.helpers import CREATE, LINE_UPDATE, LINES_ADD
from tests.quick_list.helpers import SUBMIT as LIST_SUBMIT
from tests.scan_list.helpers import CREATE as SCAN_LIST_CREATE
from tests.scan_list.helpers import SUBMIT as SCAN_SUBMIT
from tests.scan_list.helpers import new_key

BAD = [
    "sNaN",
    "-sNaN",
    "NaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "-0",
    "0E-7",
    "1e999",
    "1E+999999999",
    "-1e999999999",
    "1e-999999999",
    "9" * 400,
]

QUOTE_REQUEST = """mutation($input: QuoteRequestInput!) {
  quoteRequest(input: $input) { quote { id } userErrors { field code } } }"""
QUOTE_ISSUE = """mutation($input: QuoteIssueInput!) {
  quoteIssue(input: $input) { quote { id } userErrors { field code } } }"""


async def counts() -> tuple[int, ...]:
    return tuple(
        [await m.all().count() for m in (CartLine, QuickList, QuickListLine, Quote, ScanList, ValidationList, Order)]
    )


@pytest.fixture
async def shop(db):
    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product("Q-1")
    _, staff = await make_staff(StaffRole.CUSTOMER_SERVICE)
    return member, product, staff


def codes(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@pytest.mark.parametrize("quantity", BAD)
async def test_lines_with_a_bad_quantity_are_refused(api, shop, quantity):
    member, product, staff = shop
    branch = await make_branch()
    lines = [{"productId": gid(product), "quantity": quantity}]
    by_code = [{"code": product.sku, "quantity": quantity}]
    pickup = {"method": "PICKUP", "branchId": gid(branch)}
    calls = [
        (ADD, {"lines": lines}, member.token, "cartLinesAdd", ["lines", "0", "quantity"]),
        (ADD, {"lines": lines, "partial": True}, member.token, "cartLinesAdd", ["lines", "0", "quantity"]),
        (
            CREATE,
            {"input": {"name": "L", "lines": lines}},
            member.token,
            "quickListCreate",
            ["input", "lines", "0", "quantity"],
        ),
        (QUOTE_REQUEST, {"input": {"lines": lines}}, member.token, "quoteRequest", ["input", "lines", "0", "quantity"]),
        (
            SCAN_SUBMIT,
            {"input": {"lines": by_code, "delivery": pickup, "idempotencyKey": new_key()}},
            member.token,
            "scanSubmit",
            ["input", "lines", "0", "quantity"],
        ),
        (
            SCAN_LIST_CREATE,
            {"input": {"companyId": member.company_id, "name": "S", "lines": lines}},
            staff,
            "scanListCreate",
            ["input", "lines", "0", "quantity"],
        ),
        (
            QUOTE_ISSUE,
            {
                "input": {
                    "companyId": member.company_id,
                    "validUntil": (today() + timedelta(days=9)).isoformat(),
                    "lines": [{**lines[0], "unitPrice": "1.00"}],
                }
            },
            staff,
            "quoteIssue",
            ["input", "lines", "0", "quantity"],
        ),
    ]
    before = await counts()
    for document, variables, token, name, field in calls:
        payload = (await api.ok(document, variables, token=token))[name]
        assert codes(payload) == [(field, "INVALID_QUANTITY")], name
    assert await counts() == before


@pytest.mark.parametrize("quantity", BAD)
async def test_existing_lines_keep_their_quantity(api, shop, quantity):
    member, product, _ = shop
    await api.ok(ADD, {"lines": [{"productId": gid(product), "quantity": "2"}]}, token=member.token)
    cart_line = await CartLine.get()
    row = await QuickList.create(company_id=member.company.id, owner_id=member.user.id, name="L")
    list_line = await QuickListLine.create(quick_list=row, product=product, quantity=Decimal(2), position=0)
    branch = await make_branch()
    calls = [
        (UPDATE, {"lineId": gid(cart_line), "quantity": quantity}, "cartLineUpdate", ["quantity"]),
        (LINE_UPDATE, {"lineId": gid(list_line), "quantity": quantity}, "quickListLineUpdate", ["quantity"]),
        (
            LINES_ADD,
            {"id": gid(row), "lines": [{"productId": gid(product), "quantity": quantity}]},
            "quickListLinesAdd",
            ["lines", "0", "quantity"],
        ),
        (
            LIST_SUBMIT,
            {
                "id": gid(row),
                "input": {
                    "lines": [{"lineId": gid(list_line), "quantity": quantity}],
                    "delivery": {"method": "PICKUP", "branchId": gid(branch)},
                    "idempotencyKey": new_key(),
                },
            },
            "quickListSubmit",
            ["input", "lines", "0", "quantity"],
        ),
    ]
    for document, variables, name, field in calls:
        payload = (await api.ok(document, variables, token=member.token))[name]
        assert codes(payload) == [(field, "INVALID_QUANTITY")], name
    assert [r.quantity for r in await CartLine.all()] == [2]
    assert [r.quantity for r in await QuickListLine.all()] == [2]
    assert await ValidationList.all().count() == 0


async def test_a_bad_unit_price_is_invalid(api, shop):
    member, product, staff = shop
    for price in ["sNaN", "NaN", "Infinity", "1e999999999"]:
        line = {"productId": gid(product), "quantity": "1", "unitPrice": price}
        variables = {
            "input": {
                "companyId": member.company_id,
                "validUntil": (today() + timedelta(days=9)).isoformat(),
                "lines": [line],
            }
        }
        payload = (await api.ok(QUOTE_ISSUE, variables, token=staff))["quoteIssue"]
        assert codes(payload) == [(["input", "lines", "0", "unitPrice"], "INVALID")], price
