"""quoteRequest: a customer asks for a quote (REQUEST_QUOTES)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from models import CompanyArticleCode, CustomerNumberKind, MembershipCustomerNumber, Quote, QuoteLine, Role, Sequence
from resolvers.core.permissions import Permission
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member
from tests.quote.helpers import NUMBER_RE, counts, gid, make_product, roles_without

REQUEST = """
mutation($input: QuoteRequestInput!) {
  quoteRequest(input: $input) {
    quote { id number status reference note validUntil total { amount }
            customerNumber { number } requestedBy { email }
            lines { quantity note unitPrice { amount } lineTotal { amount } product { sku } } }
    userErrors { field code message }
  }
}
"""


def line(product=None, quantity="1", **kw):
    return {"productId": gid(product) if product else None, "quantity": quantity, **kw}


async def request(api, token, **input):
    body = await api(REQUEST, {"input": input}, token=token)
    return body


async def test_request_creates_a_requested_quote(api):
    member = await make_member(Role.VIEW_PRICES)
    pipe = await make_product("PVC-100", list_price="4.20", multiple="0.5")
    glue = await make_product("GLU-7", multiple="6", minimum="6")

    body = await request(
        api,
        member.token,
        reference="  Chantier Namur ",
        note="Livraison en mai",
        lines=[line(pipe, "12.5", note="coupé à 3 m"), line(glue, "18")],
    )

    payload = body["data"]["quoteRequest"]
    assert payload["userErrors"] == []
    quote = payload["quote"]
    assert re.match(NUMBER_RE, quote["number"]) and quote["number"].startswith(f"Q{datetime.now(UTC).year}-")
    assert quote["status"] == "REQUESTED"
    assert quote["reference"] == "Chantier Namur"
    assert quote["note"] == "Livraison en mai"
    assert quote["validUntil"] is None and quote["total"] is None
    assert quote["customerNumber"]["number"] == member.company.customer_number  # the SOLD_TO by default
    assert quote["requestedBy"]["email"] == member.user.email
    assert quote["lines"] == [
        {
            "quantity": "12.5",
            "note": "coupé à 3 m",
            "unitPrice": None,
            "lineTotal": None,
            "product": {"sku": "PVC-100"},
        },
        {"quantity": "18", "note": None, "unitPrice": None, "lineTotal": None, "product": {"sku": "GLU-7"}},
    ]


async def test_lines_may_name_products_by_sku_ean_or_own_article_code(api):
    member = await make_member(Role.ADMINISTRATOR)
    by_sku = await make_product("ALU-1")
    by_ean = await make_product("ALU-2", ean="5400000000011")
    by_own = await make_product("ALU-3")
    await CompanyArticleCode.create(company=member.company, code="MY-PROFILE", product=by_own)

    body = await request(
        api,
        member.token,
        lines=[
            {"code": " alu-1 ", "quantity": "1"},
            {"code": "5400000000011", "quantity": "2"},
            {"code": "MY-PROFILE", "quantity": "3"},
        ],
    )

    skus = [ln["product"]["sku"] for ln in body["data"]["quoteRequest"]["quote"]["lines"]]
    assert skus == [by_sku.sku, by_ean.sku, by_own.sku]


async def test_request_for_another_of_the_company_numbers(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    ship = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    product = await make_product()

    body = await request(api, member.token, customerNumberId=gid(ship), lines=[line(product)])

    assert body["data"]["quoteRequest"]["quote"]["customerNumber"]["number"] == ship.number


async def test_numbers_are_sequential_per_year_and_never_reused(api):
    member = await make_member(Role.ADMINISTRATOR)
    product = await make_product()
    year = datetime.now(UTC).year
    await Sequence.create(name=f"quote-{year}", value=122)
    await Sequence.create(name=f"quote-{year - 1}", value=900)

    made = []
    for _ in range(3):
        body = await request(api, member.token, lines=[line(product)])
        made.append(body["data"]["quoteRequest"]["quote"]["number"])
    # A refused request takes no number.
    await request(api, member.token, lines=[line(product, "0")])
    body = await request(api, member.token, lines=[line(product)])
    made.append(body["data"]["quoteRequest"]["quote"]["number"])

    assert made == [f"Q{year}-000123", f"Q{year}-000124", f"Q{year}-000125", f"Q{year}-000126"]
    assert (await Sequence.get(name=f"quote-{year - 1}")).value == 900


async def test_a_member_limited_to_customer_numbers(api):
    member = await make_member(Role.VIEW_PRICES)
    ship_a = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    ship_b = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership_id=member.membership.id, customer_number_id=ship_a.id)
    product = await make_product()

    # Without a number: the SOLD_TO is not theirs, so their first allowed number.
    body = await request(api, member.token, lines=[line(product)])
    assert body["data"]["quoteRequest"]["quote"]["customerNumber"]["number"] == ship_a.number

    body = await request(api, member.token, customerNumberId=gid(ship_b), lines=[line(product)])
    assert body["data"]["quoteRequest"]["userErrors"] == [
        {"field": ["input", "customerNumberId"], "code": "NOT_FOUND", "message": "Not found."}
    ]


async def test_customer_number_of_another_company_is_not_found(api):
    member = await make_member(Role.ADMINISTRATOR)
    other = await make_member()
    foreign = await make_customer_number(other.company, CustomerNumberKind.SHIP_TO)
    product = await make_product()
    before = await counts()

    for cn_id in (gid(foreign), "garbage"):
        body = await request(api, member.token, customerNumberId=cn_id, lines=[line(product)])
        errors = body["data"]["quoteRequest"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [(["input", "customerNumberId"], "NOT_FOUND")]
    assert await counts() == before


@pytest.mark.parametrize(
    ("minimum", "multiple", "quantity", "code"),
    [
        ("1", "1", "0", "INVALID_QUANTITY"),
        ("1", "1", "-2", "INVALID_QUANTITY"),
        ("10", "1", "9", "BELOW_MINIMUM_QUANTITY"),
        ("6", "6", "8", "QUANTITY_NOT_MULTIPLE"),
        ("1", "0.5", "1.25", "QUANTITY_NOT_MULTIPLE"),
        ("1", "0.001", "1.0005", "INVALID_QUANTITY"),  # finer than the stored 3 decimals
        ("1", "1", "1000000000", "INVALID_QUANTITY"),
    ],
)
async def test_quantity_rules(api, minimum, multiple, quantity, code):
    member = await make_member(Role.ADMINISTRATOR)
    good = await make_product()
    product = await make_product(minimum=minimum, multiple=multiple)
    before = await counts()

    body = await request(api, member.token, lines=[line(good), line(product, quantity)])

    payload = body["data"]["quoteRequest"]
    assert payload["quote"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "lines", "1", "quantity"], code)]
    assert await counts() == before


async def test_unknown_products_and_codes(api):
    member = await make_member(Role.ADMINISTRATOR)
    good = await make_product()
    foreign_code_product = await make_product()
    other = await make_member()
    await CompanyArticleCode.create(company=other.company, code="THEIR-CODE", product=foreign_code_product)
    before = await counts()

    body = await request(
        api,
        member.token,
        lines=[
            line(good),
            {"productId": "UHJvZHVjdDpub3BlCg", "quantity": "1"},
            {"code": "NO-SUCH-SKU", "quantity": "1"},
            {"code": "THEIR-CODE", "quantity": "1"},
            {"quantity": "1"},
        ],
    )

    errors = [(e["field"], e["code"]) for e in body["data"]["quoteRequest"]["userErrors"]]
    assert errors == [
        (["input", "lines", "1", "productId"], "NOT_FOUND"),  # an unknown id, as for every LineInput
        (["input", "lines", "2", "code"], "UNKNOWN_PRODUCT_CODE"),
        (["input", "lines", "3", "code"], "UNKNOWN_PRODUCT_CODE"),  # another company's own code
        (["input", "lines", "4", "productId"], "REQUIRED"),
    ]
    assert await counts() == before


async def test_a_product_no_longer_orderable_is_refused(api):
    member = await make_member(Role.ADMINISTRATOR)
    old = await make_product(orderable=False)

    body = await request(api, member.token, lines=[line(old)])

    errors = [(e["field"], e["code"]) for e in body["data"]["quoteRequest"]["userErrors"]]
    assert errors == [(["input", "lines", "0", "productId"], "PRODUCT_NOT_ORDERABLE")]


async def test_at_least_one_line_and_text_limits(api):
    member = await make_member(Role.ADMINISTRATOR)
    before = await counts()

    body = await request(api, member.token, reference="x" * 201, lines=[])

    errors = [(e["field"], e["code"]) for e in body["data"]["quoteRequest"]["userErrors"]]
    assert errors == [(["input", "reference"], "TOO_LONG"), (["input", "lines"], "REQUIRED")]
    assert await counts() == before


@pytest.mark.parametrize("role", roles_without(Permission.REQUEST_QUOTES))
async def test_roles_without_request_quotes_are_forbidden(api, role):
    member = await make_member(role)
    product = await make_product()

    body = await request(api, member.token, lines=[line(product)])

    assert error_codes(body) == ["FORBIDDEN"]
    assert await Quote.all().count() == 0


async def test_without_a_session_it_is_unauthenticated(api):
    product = await make_product()
    body = await request(api, None, lines=[line(product)])
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await QuoteLine.all().count() == 0


async def test_the_number_is_taken_after_the_lines_are_written(api, sql):
    """Every request waits for the counter's row lock of the one before: it is held from the
    number to the commit only, with no line written in between."""
    member = await make_member(Role.VIEW_PRICES)
    products = [await make_product(f"P-{i}") for i in range(3)]
    await Sequence.create(name="event", value=0)  # as after the first event ever
    sql.statements.clear()
    body = await request(api, member.token, lines=[line(p, "1") for p in products])
    assert body["data"]["quoteRequest"]["userErrors"] == []
    taken = max(i for i, s in enumerate(sql.statements) if s.startswith('UPDATE "sequence"') and "'quote-" in s)
    writes = [s for s in sql.statements[taken + 1 :] if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    # Then its event, the last write (its counter locked till the commit too).
    assert [s.split(" SET")[0].split(" (")[0] for s in writes] == [
        'UPDATE "quote"',
        'UPDATE "sequence"',
        'INSERT INTO "event"',
    ]
