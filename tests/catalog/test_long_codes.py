"""Codes longer than any code column (SKU 40, EAN 13, own article code 60 characters), up to
kilobytes, are unknown codes like any other, wherever codes are read; a GTIN-14 with a leading
zero is the EAN-13 it pads."""

from __future__ import annotations

import pytest

from models import CartLine, QuickList, QuickListLine, Role
from tests.cart.helpers import ADD, FAST_ENTRY
from tests.catalog.factories import gid, make_branch, make_product, set_article_code
from tests.factories import make_member
from tests.quick_list.helpers import CREATE, TEXT_ADD
from tests.scan_list.helpers import SUBMIT, make_scan_list, new_key

PRODUCT = "query($sku: String) { product(sku: $sku) { sku } }"
LOOKUP = "query($codes: [String!]!) { productLookup(codes: $codes) { code status product { sku } } }"

#: Longer than the EAN, SKU and own-code columns, and far longer.
TOO_LONG = ["05410000000927", "1" * 14, "S" * 41, "C" * 61, "x" * 5000]


@pytest.fixture
async def shop(db):
    """A member with fast entry, a product known by its SKU and EAN, one by its own long code."""
    member = await make_member(Role.ADMINISTRATOR, fast_entry=True)
    product = await make_product("LONG-1")
    own = await make_product("LONG-2")
    await set_article_code(member.company, own, "O" * 60)
    return member, product, own


def errors(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def test_lookup_answers_unknown_for_long_codes_and_reads_gtin_14(api, shop):
    member, product, own = shop
    codes = [*TOO_LONG, f"0{product.ean}", "O" * 60, product.sku]

    found = (await api.ok(LOOKUP, {"codes": codes}, token=member.token))["productLookup"]

    assert [(x["status"], x["product"]) for x in found] == [
        *[("UNKNOWN_CODE", None)] * len(TOO_LONG),
        ("OK", {"sku": "LONG-1"}),
        ("OK", {"sku": "LONG-2"}),
        ("OK", {"sku": "LONG-1"}),
    ]
    # Too long for a SKU or an EAN, not for an own code.
    alone = (await api.ok(LOOKUP, {"codes": ["O" * 60]}, token=member.token))["productLookup"]
    assert alone == [{"code": "O" * 60, "status": "OK", "product": {"sku": "LONG-2"}}]


async def test_a_gtin_14_is_read_only_with_its_leading_zero(api, shop):
    member, product, _ = shop
    codes = [f"1{product.ean}", f"00{product.ean}", f"0{product.ean}"]
    found = (await api.ok(LOOKUP, {"codes": codes}, token=member.token))["productLookup"]
    assert [x["status"] for x in found] == ["UNKNOWN_CODE", "UNKNOWN_CODE", "OK"]


async def test_a_product_by_a_long_sku_is_null(api, shop):
    member, _, _ = shop
    assert (await api.ok(PRODUCT, {"sku": "S" * 5000}, token=member.token))["product"] is None


async def test_fast_entry_reports_long_codes_and_adds_the_rest(api, shop):
    member, product, _ = shop
    text = "\n".join([*(f"{code} 1" for code in TOO_LONG), f"0{product.ean} 2"])

    data = (await api.ok(FAST_ENTRY, {"text": text}, token=member.token))["fastEntry"]

    assert [x["status"] for x in data["lines"]] == ["UNKNOWN_CODE"] * len(TOO_LONG) + ["OK"]
    assert data["cart"]["lines"] == [{"quantity": "2", "product": {"sku": "LONG-1"}}]
    # The message names the code, cut short: a pasted 5,000-character code is not said back in full.
    assert data["lines"][4]["message"].startswith("Unknown product code 'xxxx")
    assert all(len(x["message"] or "") < 100 for x in data["lines"])


async def test_partial_cart_add_reports_long_codes_and_adds_the_rest(api, shop):
    member, product, _ = shop
    lines = [*({"code": code, "quantity": "1"} for code in TOO_LONG), {"code": f"0{product.ean}", "quantity": "3"}]

    payload = (await api.ok(ADD, {"lines": lines, "partial": True}, token=member.token))["cartLinesAdd"]

    assert errors(payload) == [(["lines", str(i), "code"], "UNKNOWN_PRODUCT_CODE") for i in range(len(TOO_LONG))]
    assert [(x["product"]["sku"], x["quantity"]) for x in payload["cart"]["lines"]] == [("LONG-1", "3")]
    assert all(len(e["message"]) < 100 for e in payload["userErrors"])
    assert await CartLine.all().count() == 1


async def test_quick_list_create_refuses_long_codes_as_unknown(api, shop):
    member, product, _ = shop
    lines = [{"code": f"0{product.ean}", "quantity": "1"}, *({"code": code, "quantity": "1"} for code in TOO_LONG)]

    payload = (await api.ok(CREATE, {"input": {"name": "Long", "lines": lines}}, token=member.token))["quickListCreate"]

    assert errors(payload) == [
        (["input", "lines", str(i), "code"], "UNKNOWN_PRODUCT_CODE") for i in range(1, len(TOO_LONG) + 1)
    ]
    assert await QuickList.all().count() == 0
    ok = await api.ok(CREATE, {"input": {"name": "GTIN", "lines": lines[:1]}}, token=member.token)
    assert ok["quickListCreate"]["quickList"]["lines"][0]["product"]["sku"] == "LONG-1"


async def test_quick_list_text_refuses_long_codes_as_unknown(api, shop):
    member, product, _ = shop
    row = await QuickList.create(company_id=member.company.id, owner_id=member.user.id, name="Text")
    text = "\n".join([f"0{product.ean} 1", *(f"{code} 1" for code in TOO_LONG)])

    payload = (await api.ok(TEXT_ADD, {"id": gid(row), "text": text}, token=member.token))["quickListLinesAdd"]

    assert errors(payload) == [(["text", str(n)], "UNKNOWN_PRODUCT_CODE") for n in range(2, len(TOO_LONG) + 2)]
    assert await QuickListLine.all().count() == 0


async def test_scan_submit_refuses_long_codes_as_unknown_and_reads_gtin_14(api, shop):
    member, product, _ = shop
    await make_scan_list(member.company, (product, "1"))
    branch = await make_branch()

    def scan(*codes: str) -> dict:
        lines = [{"code": code, "quantity": "1"} for code in codes]
        return {
            "input": {
                "lines": lines,
                "delivery": {"method": "PICKUP", "branchId": gid(branch)},
                "idempotencyKey": new_key(),
            }
        }

    refused = (await api.ok(SUBMIT, scan(f"0{product.ean}", *TOO_LONG), token=member.token))["scanSubmit"]
    assert errors(refused) == [
        (["input", "lines", str(i), "code"], "UNKNOWN_PRODUCT_CODE") for i in range(1, len(TOO_LONG) + 1)
    ]
    placed = (await api.ok(SUBMIT, scan(f"0{product.ean}"), token=member.token))["scanSubmit"]
    assert placed["userErrors"] == [] and placed["order"]["lines"][0]["product"] == {"sku": "LONG-1"}
