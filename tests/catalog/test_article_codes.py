"""The company's own article codes: Company.articleCodes, articleCodeSet, articleCodesRemove."""

from __future__ import annotations

import pytest

from models import AuditEvent, CompanyArticleCode, Role, StaffRole
from resolvers.core import ids
from tests.cart.helpers import FAST_ENTRY
from tests.catalog.factories import gid, make_product, set_article_code
from tests.conftest import error_codes
from tests.factories import make_company, make_member, make_staff

SET = """
mutation($productId: ID!, $code: String!) {
  articleCodeSet(productId: $productId, code: $code) {
    articleCode { code product { sku netPrice { amount } } }
    userErrors { field code message }
  }
}"""
REMOVE = "mutation($codes: [String!]!) { articleCodesRemove(codes: $codes) { ok userErrors { code } } }"
CODES = """
query($first: Int, $after: String) {
  viewer { company { articleCodes(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { code product { sku } } }
  } } }
}"""
COMPANY_CODES = """
query($id: ID!) { node(id: $id) { ... on Company { articleCodes { edges { node { code product { sku } } } } } } }"""
LOOKUP = "query($codes: [String!]!) { productLookup(codes: $codes) { code status product { sku } } }"
NOT_ADMIN = [r for r in Role if r != Role.ADMINISTRATOR]


async def stored() -> list[tuple[str, str]]:
    rows = await CompanyArticleCode.all().select_related("product").order_by("code")
    return [(r.code, r.product.sku) for r in rows]


def codes_of(data: dict) -> list[tuple[str, str]]:
    connection = data["viewer"]["company"]["articleCodes"]
    return [(e["node"]["code"], e["node"]["product"]["sku"]) for e in connection["edges"]]


async def test_set_creates_then_moves_a_code_and_audits_it(api):
    admin = await make_member()
    first, second = await make_product("AC-1"), await make_product("AC-2")
    data = await api.ok(SET, {"productId": gid(first), "code": "  MINE-1 "}, token=admin.token)
    assert data["articleCodeSet"] == {
        "articleCode": {"code": "MINE-1", "product": {"sku": "AC-1", "netPrice": {"amount": "10.00"}}},
        "userErrors": [],
    }
    moved = (await api.ok(SET, {"productId": gid(second), "code": "MINE-1"}, token=admin.token))["articleCodeSet"]
    assert moved["articleCode"]["product"]["sku"] == "AC-2"
    again = (await api.ok(SET, {"productId": gid(second), "code": "MINE-1"}, token=admin.token))["articleCodeSet"]
    assert again["userErrors"] == []
    assert await stored() == [("MINE-1", "AC-2")]
    audits = await AuditEvent.filter(action="article_code.set").order_by("created_at")
    assert [a.details for a in audits] == [
        {"before": {}, "after": {"code": "MINE-1", "sku": "AC-1"}},
        {"before": {"code": "MINE-1", "sku": "AC-1"}, "after": {"code": "MINE-1", "sku": "AC-2"}},
    ]
    assert {a.company_id for a in audits} == {admin.company.id}


async def test_a_product_may_have_several_codes_and_its_own_sku(api):
    admin = await make_member()
    product = await make_product("AC-3", orderable=False)
    for code in ("OLD-3", "NEW-3", "AC-3", product.ean):
        body = (await api.ok(SET, {"productId": gid(product), "code": code}, token=admin.token))["articleCodeSet"]
        assert body["userErrors"] == [], code
    assert sorted(c for c, _ in await stored()) == sorted(["OLD-3", "NEW-3", "AC-3", product.ean])


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "REQUIRED"),
        ("   ", "REQUIRED"),
        ("X" * 61, "TOO_LONG"),
        ("TWO WORDS", "INVALID"),
        ("A;B", "INVALID"),
        ("A,B", "INVALID"),
        ("A\u00a0B", "INVALID"),
        ('"A"', "INVALID"),
    ],
)
async def test_bad_codes_are_refused_and_change_nothing(api, code, error):
    admin = await make_member()
    product = await make_product()
    await set_article_code(admin.company, product, "KEEP")
    body = (await api.ok(SET, {"productId": gid(product), "code": code}, token=admin.token))["articleCodeSet"]
    assert body["articleCode"] is None
    assert [(e["field"], e["code"]) for e in body["userErrors"]] == [(["code"], error)]
    assert await stored() == [("KEEP", product.sku)]
    assert not await AuditEvent.filter(action="article_code.set").exists()


async def test_another_products_sku_or_ean_is_invalid(api):
    admin = await make_member()
    mine, other = await make_product("AC-4"), await make_product("AC-5")
    gtin14 = "0" + other.ean
    for code in ("AC-5", "ac-5", other.ean, gtin14):
        body = (await api.ok(SET, {"productId": gid(mine), "code": code}, token=admin.token))["articleCodeSet"]
        assert [(e["field"], e["code"]) for e in body["userErrors"]] == [(["code"], "INVALID")], code
        assert "AC-5" in body["userErrors"][0]["message"]
    assert await stored() == []


async def test_unknown_products_are_not_found(api):
    admin = await make_member()
    company = await make_company()
    for product_id in ("garbage", ids.encode("Product", company.id), ids.encode("Company", company.id)):
        body = (await api.ok(SET, {"productId": product_id, "code": "C-1"}, token=admin.token))["articleCodeSet"]
        assert [(e["field"], e["code"]) for e in body["userErrors"]] == [(["productId"], "NOT_FOUND")]
    assert await stored() == []


@pytest.mark.parametrize("role", NOT_ADMIN)
async def test_only_administrators_manage_codes(api, role):
    member = await make_member(role)
    product = await make_product()
    await set_article_code(member.company, product, "KEEP")
    assert error_codes(await api(SET, {"productId": gid(product), "code": "X"}, token=member.token)) == ["FORBIDDEN"]
    assert error_codes(await api(REMOVE, {"codes": ["KEEP"]}, token=member.token)) == ["FORBIDDEN"]
    assert await stored() == [("KEEP", product.sku)]


@pytest.mark.parametrize("role", [StaffRole.REPRESENTATIVE, StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR])
async def test_staff_do_not_set_codes_through_the_api(api, role):
    _, token = await make_staff(role)
    product = await make_product()
    assert error_codes(await api(SET, {"productId": gid(product), "code": "X"}, token=token)) == ["FORBIDDEN"]
    assert error_codes(await api(REMOVE, {"codes": ["X"]}, token=token)) == ["FORBIDDEN"]


async def test_without_a_session_it_is_unauthenticated(api):
    product = await make_product()
    assert error_codes(await api(SET, {"productId": gid(product), "code": "X"})) == ["UNAUTHENTICATED"]
    assert error_codes(await api(REMOVE, {"codes": ["X"]})) == ["UNAUTHENTICATED"]


async def test_remove_deletes_the_companys_codes_only(api):
    admin = await make_member()
    other = await make_company()
    product = await make_product("AC-6")
    for code in ("R-1", "R-2", "R-3"):
        await set_article_code(admin.company, product, code)
    await set_article_code(other, product, "R-1")
    data = await api.ok(REMOVE, {"codes": [" R-1 ", "R-2", "NOT-MINE", "X" * 200, ""]}, token=admin.token)
    assert data["articleCodesRemove"] == {"ok": True, "userErrors": []}
    rows = await CompanyArticleCode.all().order_by("code").values_list("company_id", "code")
    assert rows == [(other.id, "R-1"), (admin.company.id, "R-3")]
    audit = await AuditEvent.get(action="article_codes.removed")
    assert audit.company_id == admin.company.id
    assert audit.details["before"] == {"codes": [{"code": c, "product": gid(product)} for c in ("R-1", "R-2")]}
    nothing = await api.ok(REMOVE, {"codes": ["NOT-MINE"]}, token=admin.token)
    assert nothing["articleCodesRemove"]["ok"] is True
    assert await AuditEvent.filter(action="article_codes.removed").count() == 1


async def test_remove_takes_at_most_500_codes(api):
    admin = await make_member()
    body = await api(REMOVE, {"codes": [f"C{n}" for n in range(501)]}, token=admin.token)
    assert error_codes(body) == ["LIMIT_EXCEEDED"]


async def test_members_who_browse_read_the_codes_page_by_page(api):
    admin = await make_member()
    reader = await make_member(Role.ORDER_WITHOUT_PRICES, company=admin.company)
    other = await make_company()
    products = [await make_product(f"PG-{n}") for n in range(3)]
    for n, product in enumerate(products):
        await set_article_code(admin.company, product, f"CODE-{n}")
    await set_article_code(other, products[0], "FOREIGN")
    page = await api.ok(CODES, {"first": 2}, token=reader.token)
    connection = page["viewer"]["company"]["articleCodes"]
    assert codes_of(page) == [("CODE-0", "PG-0"), ("CODE-1", "PG-1")]
    assert connection["totalCount"] == 3 and connection["pageInfo"]["hasNextPage"] is True
    rest = await api.ok(CODES, {"first": 2, "after": connection["pageInfo"]["endCursor"]}, token=reader.token)
    assert codes_of(rest) == [("CODE-2", "PG-2")]


async def test_staff_read_any_companys_codes(api):
    member = await make_member()
    await set_article_code(member.company, await make_product("ST-1"), "S-1")
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    data = await api.ok(COMPANY_CODES, {"id": member.company_id}, token=token)
    assert data["node"]["articleCodes"]["edges"] == [{"node": {"code": "S-1", "product": {"sku": "ST-1"}}}]


async def test_quick_lists_only_members_may_not_read_codes(api):
    member = await make_member(Role.QUICK_LISTS_ONLY)
    body = await api(CODES, {}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_the_codes_page_runs_a_fixed_number_of_queries(api, sql):
    admin = await make_member()
    counts = []
    for n in range(1, 51):
        await set_article_code(admin.company, await make_product(f"QC-{n:02d}"), f"Q-{n:02d}")
        if n in (1, 50):
            sql.statements.clear()
            data = await api.ok(CODES, {"first": 50}, token=admin.token)
            assert len(codes_of(data)) == n
            counts.append(len(sql.statements))
    assert counts[0] == counts[1], counts


async def test_fast_entry_and_lookup_find_a_code_set_through_the_api_for_that_company_only(api):
    admin = await make_member(fast_entry=True)
    stranger = await make_member(fast_entry=True)
    product = await make_product("FE-1")
    body = await api.ok(SET, {"productId": gid(product), "code": "OUR-FE"}, token=admin.token)
    assert body["articleCodeSet"]["userErrors"] == []
    mine = await api.ok(FAST_ENTRY, {"text": "OUR-FE 2", "addToCart": False}, token=admin.token)
    assert [(ln["status"], ln["product"]["sku"]) for ln in mine["fastEntry"]["lines"]] == [("OK", "FE-1")]
    theirs = await api.ok(FAST_ENTRY, {"text": "OUR-FE 2", "addToCart": False}, token=stranger.token)
    assert [ln["status"] for ln in theirs["fastEntry"]["lines"]] == ["UNKNOWN_CODE"]
    looked = await api.ok(LOOKUP, {"codes": ["OUR-FE"]}, token=stranger.token)
    assert looked["productLookup"][0]["status"] == "UNKNOWN_CODE"
    await api.ok(REMOVE, {"codes": ["OUR-FE"]}, token=admin.token)
    gone = await api.ok(FAST_ENTRY, {"text": "OUR-FE 2", "addToCart": False}, token=admin.token)
    assert [ln["status"] for ln in gone["fastEntry"]["lines"]] == ["UNKNOWN_CODE"]


async def test_a_foreign_companys_codes_are_not_found(api):
    member = await make_member()
    other = await make_member()
    await set_article_code(other.company, await make_product("FC-1"), "THEIRS")
    data = await api.ok(COMPANY_CODES, {"id": other.company_id}, token=member.token)
    assert data["node"] is None


async def test_odd_paging_arguments_are_refused_plainly(api):
    admin = await make_member()
    assert error_codes(await api(CODES, {"first": 0}, token=admin.token)) == ["LIMIT_EXCEEDED"]
    assert error_codes(await api(CODES, {"first": 101}, token=admin.token)) == ["LIMIT_EXCEEDED"]
    assert error_codes(await api(CODES, {"after": "garbage"}, token=admin.token)) == ["INVALID"]
