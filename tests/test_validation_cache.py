"""A document is parsed and validated once per document text, across requests; every limit still
applies to it (tests/test_limits.py, tests/limits/)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from graphql import GraphQLError
from strawberry.schema import schema as strawberry_schema

from schema.core.limits import MAX_DEPTH, DocumentCache

PRODUCTS = "query Products($first: Int) { products(first: $first) { edges { node { code } } } }"


def _unique(document: str) -> str:
    """The schema is shared by every test of the session: a fresh text is a document never seen."""
    return f"# {uuid.uuid4()}\n{document}"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The documents graphql-core's `validate` is called on, as Strawberry calls it."""
    seen: list[Any] = []
    real = strawberry_schema.validate

    def counting(schema: Any, document: Any, *args: Any, **kwargs: Any) -> list[GraphQLError]:
        seen.append(document)
        return real(schema, document, *args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    return seen


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = strawberry_schema.parse

    def counting(source: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "parse", counting)
    return seen


async def test_the_second_identical_document_is_not_parsed_or_validated_again(
    api: Any, validations: list[Any], parses: list[str]
) -> None:
    document = _unique(PRODUCTS)
    first = await api(document, {"first": 1})
    second = await api(document, {"first": 2})  # other variables: the same document
    assert first.get("errors") == second.get("errors")
    assert len(validations) == 1
    assert len(parses) == 1


async def test_a_different_document_is_validated(api: Any, validations: list[Any]) -> None:
    await api(_unique(PRODUCTS), {"first": 1})
    await api(_unique(PRODUCTS), {"first": 1})
    assert len(validations) == 2


async def test_a_document_that_fails_validation_fails_again_with_the_same_error(
    api: Any, validations: list[Any]
) -> None:
    document = _unique("query { viewer { noSuchField } }")
    first = await api(document)
    second = await api(document)
    assert first["errors"][0]["message"].startswith("Cannot query field 'noSuchField'")
    assert second == first
    assert len(validations) == 1


async def test_a_cached_document_over_the_depth_limit_is_still_refused(api: Any) -> None:
    inner = "id"
    for _ in range(MAX_DEPTH):
        inner = f"memberships {{ company {{ {inner} }} }}"
    document = _unique("query { viewer { " + inner + " } }")
    for _ in range(2):
        body = await api(document)
        assert "exceeds maximum operation depth" in body["errors"][0]["message"]
        assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_several_operations_without_a_name_are_refused_each_time(api: Any) -> None:
    document = _unique("query A { __typename } query B { __typename }")
    for _ in range(2):
        body = await api(document)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    named = await api.client.post("/graphql", json={"query": document, "operationName": "B"})
    assert named.json()["data"] == {"__typename": "Query"}


def test_the_cache_is_bounded_in_entries_and_in_text() -> None:
    from graphql import parse

    cache = DocumentCache([], maxsize=3, max_document_chars=100, max_chars=150)
    for i in range(5):
        text = f"{{ a{i} }}"
        cache.put((text, ()), parse(text))
    assert len(cache) == 3
    assert cache.get(("{ a0 }", ())) is None
    long = "{ " + "b " * 60 + "}"
    cache.put((long, ()), parse(long))
    assert cache.get((long, ())) is None  # over max_document_chars: not kept
    for i in range(5):
        text = "{ " + f"c{i} " * 20 + "}"  # 63 characters each: two fit in 150
        cache.put((text, ()), parse(text))
    assert len(cache) == 2
