"""Bad variables, bad text and hostile documents get a clear error with a code before anything
runs, in development and in production (issue 7, items 8, 10 and 14)."""

from __future__ import annotations

import json

import pytest

from models import HelpdeskTicket, OutboxMail
from schema.core.limits import MAX_ALIASES, MAX_DEPTH
from tests.conftest import error_codes

HELPDESK = """
mutation Helpdesk($input: HelpdeskRequestInput!) {
  helpdeskRequest(input: $input) { ticket { id } userErrors { code } }
}
"""
CART_LINE = 'mutation M($q: Decimal!) { cartLineUpdate(lineId: "x", quantity: $q) { userErrors { code } } }'
SUBMIT = "mutation M($i: SubmitInput!) { cartSubmit(input: $i) { userErrors { code } } }"
PRODUCTS = "query Q($f: Int) { products(first: $f) { totalCount } }"
LOOKUP = "query Q($c: [String!]!) { productLookup(codes: $c) { code } }"


def ticket(**kw: str) -> dict:
    return {"kind": "QUESTION", "subject": "Hello", "message": "A question.", "email": "a@b.test", **kw}


async def post_raw(api, body: bytes):
    return await api.client.post("/graphql", content=body, headers={"content-type": "application/json"})


async def nothing_written() -> bool:
    return await HelpdeskTicket.all().count() == 0 and await OutboxMail.all().count() == 0


BAD_VARIABLES = [
    pytest.param(PRODUCTS, {"f": "abc"}, "Int cannot represent non-integer value", id="string-for-int"),
    pytest.param(LOOKUP, {}, "Expected a value of non-null type", id="missing-required"),
    pytest.param(CART_LINE, {"q": "abc"}, "Decimal", id="bad-decimal"),
    pytest.param(CART_LINE, {"q": {"a": 1}}, "Decimal", id="object-for-decimal"),
    pytest.param(
        SUBMIT,
        {"i": {"idempotencyKey": "k", "delivery": {"method": "PICKUP", "requestedDate": "2020-13-45"}}},
        "Date",
        id="bad-date",
    ),
    pytest.param(SUBMIT, {"i": {"idempotencyKey": "k", "delivery": {"method": "BY_AIR"}}}, "BY_AIR", id="bad-enum"),
    pytest.param(SUBMIT, {"i": {"idempotencyKey": "k", "deliveryy": 1}}, "deliveryy", id="unknown-input-field"),
    pytest.param(SUBMIT, {"i": "text"}, "SubmitInput", id="string-for-input"),
]


@pytest.mark.parametrize(("document", "variables", "mentions"), BAD_VARIABLES)
async def test_bad_variables_get_graphql_cores_message_and_bad_user_input(any_api, document, variables, mentions):
    body = await any_api(document, variables)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    message = body["errors"][0]["message"]
    assert message.startswith("Variable '$") and mentions in message


async def test_depth_and_alias_limits_carry_limit_exceeded(any_api):
    inner = "id"
    for _ in range(MAX_DEPTH):
        inner = f"memberships {{ company {{ {inner} }} }}"
    assert error_codes(await any_api("query { viewer { " + inner + " } }")) == ["LIMIT_EXCEEDED"]
    aliases = " ".join(f"a{i}: viewer {{ __typename }}" for i in range(MAX_ALIASES + 1))
    assert error_codes(await any_api("query { " + aliases + " }")) == ["LIMIT_EXCEEDED"]


async def test_nul_in_a_variable_is_refused_and_nothing_is_written(any_api):
    body = await any_api(HELPDESK, {"input": ticket(subject="Hel\x00lo")})

    assert error_codes(body) == ["BAD_USER_INPUT"] and body.get("data") is None
    assert "NUL character" in body["errors"][0]["message"]
    assert "$input.subject" in body["errors"][0]["message"]
    assert await nothing_written()


async def test_nul_in_a_literal_is_refused_and_nothing_is_written(any_api):
    document = (
        'mutation { helpdeskRequest(input: {kind: QUESTION, subject: "Hel\\u0000lo", message: "m", '
        'email: "a@b.test"}) { ticket { id } } }'
    )
    body = await any_api(document)

    assert error_codes(body) == ["BAD_USER_INPUT"] and "NUL character" in body["errors"][0]["message"]
    assert await nothing_written()


async def test_a_lone_surrogate_in_variables_or_document_is_refused(any_api):
    variables = json.dumps({"input": ticket(message="x")}).replace('"x"', '"\\ud800"')
    raw = b'{"query": ' + json.dumps(HELPDESK).encode() + b', "variables": ' + variables.encode() + b"}"
    response = await post_raw(any_api, raw)

    assert response.status_code == 200
    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"] and "unpaired surrogate" in body["errors"][0]["message"]
    assert await nothing_written()

    in_document = b'{"query": "{ productLookup(codes: [\\"\\udc00\\"]) { code } }"}'
    body = (await post_raw(any_api, in_document)).json()
    assert error_codes(body) == ["BAD_USER_INPUT"] and "unpaired surrogate" in body["errors"][0]["message"]

    in_name = b'{"query": "query A { __typename }", "operationName": "A\\ud800"}'
    body = (await post_raw(any_api, in_name)).json()
    assert error_codes(body) == ["BAD_USER_INPUT"] and "unpaired surrogate" in body["errors"][0]["message"]


async def test_deeply_nested_variables_are_refused(any_api):
    deep = b"[" * 100_000 + b"]" * 100_000
    response = await post_raw(any_api, b'{"query": "{ __typename }", "variables": {"a": ' + deep + b"}}")
    assert response.status_code == 400
    assert error_codes(response.json()) == ["LIMIT_EXCEEDED"]
    assert "recursion" not in response.text

    # Deep, but within what the JSON parser accepts: refused before graphql-core walks it.
    body = await any_api(LOOKUP, {"c": json.loads("[" * 500 + "]" * 500)})
    assert error_codes(body) == ["LIMIT_EXCEEDED"]


async def test_a_long_chain_of_fragments_is_refused_without_recursion_errors(any_api):
    n = 2000
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(n))
    body = await any_api("{ ...F0 } " + chain + f" fragment F{n} on Query {{ __typename }}")

    assert error_codes(body) == ["LIMIT_EXCEEDED"]
    assert "recursion" not in json.dumps(body)


async def test_fragments_that_fan_out_are_refused_quickly(any_api):
    n = 40  # each fragment spreads the next twice: 2**40 fields once expanded
    fan = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} a{i}: __typename ...F{i + 1} }}" for i in range(n))
    body = await any_api("{ ...F0 } " + fan + f" fragment F{n} on Query {{ __typename }}")

    assert error_codes(body) == ["LIMIT_EXCEEDED"]


async def test_two_operations_without_an_operation_name_run_nothing(any_api):
    variables = {"input": ticket()}
    two = HELPDESK + HELPDESK.replace("mutation Helpdesk", "mutation Other")
    body = await any_api(two, variables)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "Must provide operation name if query contains multiple operations."
    assert await nothing_written()

    response = await any_api.client.post(
        "/graphql", json={"query": two, "variables": variables, "operationName": "Other"}
    )
    assert response.json()["data"]["helpdeskRequest"]["ticket"]["id"]
    assert await HelpdeskTicket.all().count() == 1
