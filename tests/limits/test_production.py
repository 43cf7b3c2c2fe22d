"""No suggestions in production, of any kind (item 11): they are enough to rebuild the schema
without introspection. Development keeps them."""

from __future__ import annotations

import pytest

from tests.conftest import error_codes

SUBMIT = "mutation M($i: SubmitInput!) { cartSubmit(input: $i) { userErrors { code } } }"

SUGGESTED = [
    pytest.param("{ productz { id } }", None, id="field"),
    pytest.param("{ products(frist: 1) { totalCount } }", None, id="argument"),
    pytest.param("{ products { totalCount @include(iff: true) } }", None, id="directive-argument"),
    pytest.param("query Q($x: Strin) { productLookup(codes: [$x]) { code } }", None, id="type-name"),
    pytest.param("{ ... on Querry { __typename } }", None, id="fragment-type"),
    pytest.param('{ node(id: "x") { sku } }', None, id="inline-fragment"),
    pytest.param("{ products { edges } }", None, id="subselection"),
    pytest.param(
        'mutation { cartSubmit(input: {idempotencyKey: "k", delivery: {method: PICKUPP}}) { userErrors { code } } }',
        None,
        id="enum-literal",
    ),
    pytest.param(SUBMIT, {"i": {"idempotencyKey": "k", "delivery": {"method": "PICKUPP"}}}, id="enum-variable"),
    pytest.param(
        'mutation { cartSubmit(input: {idempotencyKey: "k", deliveryy: null}) { userErrors { code } } }',
        None,
        id="input-field-literal",
    ),
    pytest.param(SUBMIT, {"i": {"idempotencyKey": "k", "deliveryy": None}}, id="input-field-variable"),
]


@pytest.mark.parametrize(("document", "variables"), SUGGESTED)
async def test_production_gives_no_suggestions(prod_api, document, variables):
    body = await prod_api(document, variables)

    assert body["errors"] and set(error_codes(body)) == {"BAD_USER_INPUT"}
    assert not [e["message"] for e in body["errors"] if "Did you mean" in e["message"]]


@pytest.mark.parametrize(("document", "variables"), SUGGESTED)
async def test_development_keeps_suggestions(api, document, variables):
    body = await api(document, variables)

    assert any("Did you mean" in e["message"] for e in body["errors"])
