"""The HTTP side of /graphql: bodies that are not a GraphQL request get a JSON 400 with a code
(item 10), every answer carries no-store and nosniff, and expected errors are logged without a
traceback (item 15)."""

from __future__ import annotations

import logging

import pytest

from models import Role
from tests.conftest import error_codes
from tests.factories import make_member

NOT_A_REQUEST = [
    pytest.param(b'"x"', id="string"),
    pytest.param(b"1", id="number"),
    pytest.param(b"null", id="null"),
    pytest.param(b"[]", id="empty-batch"),
    pytest.param(b"x", id="not-json"),
    pytest.param(b'{"query": "\xff{ __typename }"}', id="not-utf-8"),
    pytest.param(b'{"query": 1}', id="query-not-a-string"),
    pytest.param(b'{"query": "{ __typename }", "variables": "x"}', id="variables-not-an-object"),
    pytest.param(b"{}", id="no-query"),
]


@pytest.mark.parametrize("body", NOT_A_REQUEST)
async def test_a_body_that_is_not_a_graphql_request_is_a_400_with_a_code(any_api, body):
    response = await any_api.client.post("/graphql", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]


async def test_graphql_answers_are_never_cached_or_sniffed(any_api):
    for response in [
        await any_api.client.post("/graphql", json={"query": "{ __typename }"}),
        await any_api.client.post("/graphql", json={"query": "{ nope }"}),
        await any_api.client.post("/graphql", content=b"1", headers={"content-type": "application/json"}),
        await any_api.client.get("/graphql", headers={"accept": "text/html"}),
    ]:
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info]


async def test_expected_errors_are_logged_without_a_traceback(any_api, caplog):
    caplog.set_level(logging.INFO)
    member = await make_member(Role.QUICK_LISTS_ONLY)
    forbidden = await any_api("{ products { totalCount } }", token=member.token)
    unauthenticated = await any_api("{ cart { id } }")
    limited = await any_api("{ products(first: 1000) { totalCount } }", token=(await make_member()).token)
    bad_input = await any_api("query Q($f: Int) { products(first: $f) { totalCount } }", {"f": "x"})

    assert error_codes(forbidden) == ["FORBIDDEN"] and error_codes(unauthenticated) == ["UNAUTHENTICATED"]
    assert error_codes(limited) == ["LIMIT_EXCEEDED"] and error_codes(bad_input) == ["BAD_USER_INPUT"]
    assert caplog.records and tracebacks(caplog) == []


async def test_unexpected_errors_are_logged_with_their_traceback(any_api, caplog, monkeypatch):
    from resolvers.core import context

    def explode(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(context.Context, "user", property(explode))
    body = await any_api("query { viewer { user { email } } }", token=(await make_member()).token)

    assert body["errors"][0]["message"] == "Unexpected error."
    assert any("boom" in str(r.exc_info[1]) for r in tracebacks(caplog))
