"""SPEC's "Limits every deployment has", and what production hides."""

from __future__ import annotations

import httpx
import pytest

from app import create_app
from schema.core.limits import MAX_ALIASES, MAX_DEPTH, MAX_MUTATIONS
from settings import Settings
from tests.conftest import error_codes, production_settings


def _nested(depth: int) -> str:
    # viewer { user { id } } is depth 3; memberships/company/memberships nest further.
    inner = "id"
    for _ in range(depth):
        inner = f"memberships {{ company {{ {inner} }} }}"
    return "query { viewer { " + inner + " } }"


async def test_depth_over_the_limit_is_refused(api):
    body = await api(_nested(MAX_DEPTH))
    assert body["errors"] and "exceeds maximum operation depth" in body["errors"][0]["message"]
    ok = await api(_nested(2))
    assert "errors" not in ok


async def test_more_aliases_than_allowed_are_refused(api):
    fields = " ".join(f"a{i}: viewer {{ __typename }}" for i in range(MAX_ALIASES + 1))
    body = await api("query { " + fields + " }")
    assert body["errors"] and "aliases" in body["errors"][0]["message"].lower()
    fine = " ".join(f"a{i}: viewer {{ __typename }}" for i in range(MAX_ALIASES))
    assert "errors" not in await api("query { " + fine + " }")


async def test_at_most_five_mutations_per_document(api):
    many = " ".join(f'm{i}: passwordResetRequest(email: "x{i}@example.com") {{ ok }}' for i in range(MAX_MUTATIONS + 1))
    body = await api("mutation { " + many + " }")
    assert error_codes(body) == ["LIMIT_EXCEEDED"]
    assert body.get("data") is None


async def test_long_input_lists_are_refused_as_literals_and_variables(api):
    codes = ", ".join(f'"C{i}"' for i in range(501))
    body = await api("query { productLookup(codes: [" + codes + "]) { code } }")
    assert "LIMIT_EXCEEDED" in error_codes(body)
    body = await api(
        "query Q($codes: [String!]!) { productLookup(codes: $codes) { code } }",
        {"codes": [f"C{i}" for i in range(501)]},
    )
    assert "LIMIT_EXCEEDED" in error_codes(body)


async def test_batched_requests_are_refused(api):
    response = await api.client.post("/graphql", json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}])
    assert response.status_code == 400


async def test_a_body_over_one_mib_is_refused(api):
    big = "x" * (1024 * 1024 + 10)
    response = await api.client.post(
        "/graphql",
        content=b'{"query": "{ __typename }", "extra": "' + big.encode() + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


async def test_unexpected_errors_are_masked(api, monkeypatch):
    from resolvers.core import context

    def explode(self):
        raise RuntimeError("secret SQL: SELECT password_hash FROM user")

    monkeypatch.setattr(context.Context, "user", property(explode))
    body = await api("query { viewer { user { email } } }")
    assert body["errors"][0]["message"] == "Unexpected error."
    assert "SELECT" not in str(body)


async def test_healthz_checks_the_database(api):
    response = await api.client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_graphiql_is_served_in_development(api):
    response = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


@pytest.fixture
async def prod_client(db):
    settings = production_settings()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://t") as c:
        yield c


async def test_production_has_no_introspection_graphiql_or_suggestions(prod_client):
    body = (await prod_client.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
    assert body["errors"] and "introspection" in body["errors"][0]["message"].lower()
    body = (await prod_client.post("/graphql", json={"query": "{ viewr { user { id } } }"})).json()
    assert "Did you mean" not in body["errors"][0]["message"]
    response = await prod_client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code != 200 or "graphiql" not in response.text.lower()


def test_production_refuses_debug_or_an_implicit_database():
    with pytest.raises(ValueError):
        Settings(app_env="production", debug=True, database_url="postgres://x/y")
    with pytest.raises(ValueError):
        Settings(app_env="production")
    with pytest.raises(ValueError):
        Settings(app_env="production", database_url="postgres://x/y", secret_key="too-short")
    assert production_settings(database_url="postgres://x/y").production
