"""Every /graphql answer carries X-Request-Id; a masked error names it, and so does its logged traceback."""

from __future__ import annotations

import logging
import re

import pytest

from resolvers.catalog import products as catalog

BRANCHES = "{ branches { id } }"


async def post(api, query: str, headers: dict | None = None):
    return await api.client.post("/graphql", json={"query": query}, headers=headers or {})


@pytest.fixture
def broken_branches(monkeypatch: pytest.MonkeyPatch) -> None:
    async def boom(ctx):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(catalog, "branches", boom)


async def test_an_unexpected_error_names_the_request_id_of_its_logged_traceback(api, broken_branches, caplog):
    caplog.set_level(logging.ERROR)

    response = await post(api, BRANCHES, {"X-Request-Id": "edge-7f3a.2_b"})

    assert response.headers["X-Request-Id"] == "edge-7f3a.2_b"
    [error] = response.json()["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "edge-7f3a.2_b"}
    tracebacks = [r for r in caplog.records if r.exc_info and "database on fire" in str(r.exc_info[1])]
    assert tracebacks and {r.request_id for r in tracebacks} == {"edge-7f3a.2_b"}


@pytest.mark.parametrize("sent", [None, "x" * 65, "two words", "a\nb", "<script>"])
async def test_a_missing_or_insane_request_id_is_replaced_by_a_new_one(api, broken_branches, sent):
    response = await post(api, BRANCHES, {"X-Request-Id": sent} if sent else {})

    request_id = response.headers["X-Request-Id"]
    assert request_id != sent and re.fullmatch(r"[0-9a-f]{16}", request_id)
    assert response.json()["errors"][0]["extensions"]["requestId"] == request_id


async def test_every_graphql_answer_carries_a_request_id(api):
    first = await post(api, BRANCHES)
    second = await post(api, "{ nope }")  # a validation error

    assert first.status_code == 200 and first.headers["X-Request-Id"]
    assert second.headers["X-Request-Id"] and second.headers["X-Request-Id"] != first.headers["X-Request-Id"]
