"""The fast execution context answers exactly what graphql-core answers, data and errors, for the
odd values too, compiles each selection shape once, and builds no resolve info for plain fields."""

from __future__ import annotations

import asyncio
import enum
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from graphql.execution import Executor
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.core import executor as fast
from schema.core.base import SCALARS, preloaded_field
from schema.core.executor import MISMATCHES, DifferentialExecutor, FastExecutor


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Leaf(Named):
    count: int
    ratio: float | None
    colour: Colour | None
    amount: Decimal | None
    flag: bool
    tags: list[str | None]


@strawberry.type
class Other(Named):
    pass


@strawberry.type
class Holder:
    label: str
    leaf: Leaf | None
    leaves: list[Leaf]
    must: Leaf
    ready: strawberry.Private[list[Leaf] | None] = None

    @preloaded_field("ready")
    def loaded(self) -> list[Leaf]:
        RESOLVED.append(self.label)
        return self.ready if self.ready is not None else self.leaves[:1]

    @strawberry.field
    async def later(self) -> list[Leaf]:
        await asyncio.sleep(0)
        return self.leaves


def leaf(**overrides: Any) -> Leaf:
    values: dict[str, Any] = {
        "name": "a",
        "count": 1,
        "ratio": 0.5,
        "colour": Colour.RED,
        "amount": Decimal("1.50"),
        "flag": True,
        "tags": ["x", None],
    }
    return Leaf(**{**values, **overrides})


class Odd:
    """Not a Leaf: a plain object with the same attributes (graphql-core reads it all the same for
    types without is_type_of; Leaf implements an interface, so graphql-core refuses it)."""

    name = "odd"
    count = 3
    ratio = None
    colour = None
    amount = None
    flag = False
    tags: list = []


class Later:
    """An awaitable held by a plain attribute: graphql-core awaits it, as it awaits a resolver's."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        yield from asyncio.sleep(0).__await__()
        return self.value


class Leaves:
    """An iterable that is neither a list nor a tuple."""

    def __iter__(self) -> Any:
        return iter([leaf(), leaf(name="c")])


RESOLVED: list[str] = []

HOLDERS: dict[str, Any] = {
    "plain": Holder(label="p", leaf=leaf(), leaves=[leaf(), leaf(name="b")], must=leaf()),
    "null in a non-null field": Holder(label="n", leaf=leaf(name=None), leaves=[leaf(count=None)], must=leaf()),  # type: ignore[arg-type]
    "Int out of range": Holder(label="i", leaf=leaf(count=2**40), leaves=[], must=leaf()),
    "not an enum value": Holder(label="e", leaf=leaf(colour="green"), leaves=[], must=leaf()),
    "a str subclass and a number for String": Holder(
        label="s", leaf=leaf(name=type("S", (str,), {})("sub")), leaves=[leaf(name=12)], must=leaf()
    ),  # type: ignore[arg-type]
    "a float that is not finite": Holder(label="f", leaf=leaf(ratio=float("nan")), leaves=[], must=leaf()),
    "an exception as value": Holder(label="x", leaf=leaf(amount=ValueError("boom")), leaves=[], must=leaf()),
    "a non-null object missing": Holder(label="m", leaf=None, leaves=[], must=None),  # type: ignore[arg-type]
    "another Python class": Holder(label="o", leaf=Odd(), leaves=[Odd()], must=leaf()),  # type: ignore[list-item]
    "a tuple and an iterable as lists": Holder(label="t", leaf=leaf(tags=("a", "b")), leaves=Leaves(), must=leaf()),  # type: ignore[arg-type]
    "cast to another type": Holder(label="c", leaf=strawberry.cast(Other, leaf()), leaves=[], must=leaf()),
    "awaitables in plain fields": Holder(label=Later("later"), leaf=Later(leaf()), leaves=[], must=leaf()),  # type: ignore[arg-type]
    "a list that is a string": Holder(label="l", leaf=leaf(tags="ab"), leaves=[], must=leaf()),  # type: ignore[arg-type]
}


@strawberry.type
class Query:
    @strawberry.field
    def holder(self, kind: str) -> Holder:
        return HOLDERS[kind]

    @strawberry.field
    def holders(self) -> list[Holder | None]:
        return [HOLDERS["plain"], None, HOLDERS["plain"]]


DOCUMENTS = [
    "query Q($kind: String!) { holder(kind: $kind) { label leaf { name count ratio colour amount flag tags } } }",
    "query Q($kind: String!) { holder(kind: $kind) { leaves { __typename n: name count tags } must { name } } }",
    "query Q($kind: String!) { holder(kind: $kind) { ...H later { name count } } } fragment H on Holder { leaf { ... on Leaf { name } colour } }",
    "query Q($kind: String!, $yes: Boolean!) { holder(kind: $kind) { leaf { name @include(if: $yes) count @skip(if: $yes) } } }",
    "query Q($kind: String!) { holder(kind: $kind) { leaf { name ...N } } } fragment N on Named { name }",
    "query Q { holders { label leaves { name } } }",
]


def toy_schema(execution_context_class: type) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        types=[Other],
        config=StrawberryConfig(scalar_map=SCALARS),
        execution_context_class=execution_context_class,
    )


def answers(schema: strawberry.Schema, document: str, variables: dict) -> tuple[Any, Any]:
    result = asyncio.run(schema.execute(document, variable_values=variables))
    return result.data, [(e.message, e.path, e.locations) for e in result.errors or []]


FAST, PLAIN = toy_schema(FastExecutor), toy_schema(StrawberryGraphQLCoreExecutionContext)


@pytest.mark.parametrize("kind", list(HOLDERS))
@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_fast_executor_answers_what_graphql_core_answers(document: str, kind: str) -> None:
    variables = {"kind": kind, "yes": kind == "plain"}
    assert answers(FAST, document, variables) == answers(PLAIN, document, variables)


def test_odd_values_give_graphql_cores_own_errors() -> None:
    data, errors = answers(FAST, DOCUMENTS[0], {"kind": "null in a non-null field"})
    assert data == {"holder": {"label": "n", "leaf": None}}
    assert errors == [("Cannot return null for non-nullable field Leaf.name.", ["holder", "leaf", "name"], [(1, 62)])]


def test_each_selection_shape_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = toy_schema(FastExecutor)
    compiled: list[Any] = []
    function = fast.Generator.function
    monkeypatch.setattr(fast.Generator, "function", lambda self, spec: compiled.append(spec) or function(self, spec))
    first = answers(schema, DOCUMENTS[1], {"kind": "plain"})
    assert compiled, "the pure subtrees were not compiled"
    count = len(compiled)
    assert answers(schema, DOCUMENTS[1], {"kind": "plain"}) == first
    assert answers(schema, DOCUMENTS[1].replace("query Q", "query Other"), {"kind": "plain"}) == first
    assert len(compiled) == count


def test_plain_fields_build_no_resolve_info(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the fields with a resolver (holder, later) cost a GraphQLResolveInfo, however many
    leaves their lists hold."""
    built: list[str] = []
    build = Executor.build_resolve_info

    def counting(self: Any, field_def: Any, field_nodes: Any, parent_type: Any, path: Any) -> Any:
        built.append(field_nodes[0].name.value)
        return build(self, field_def, field_nodes, parent_type, path)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "build_resolve_info", counting)
    HOLDERS["wide"] = Holder(label="w", leaf=leaf(), leaves=[leaf() for _ in range(200)], must=leaf())
    try:
        document = '{ holder(kind: "wide") { label leaves { name count tags } later { name colour } } }'
        data, errors = answers(FAST, document, {})
        assert not errors and len(data["holder"]["leaves"]) == 200
        assert sorted(built) == ["holder", "later"]
        built.clear()
        assert answers(PLAIN, document, {}) == (data, errors)
        assert len(built) > 1000
    finally:
        del HOLDERS["wide"]


def test_a_preloaded_field_is_read_where_its_page_set_it_and_resolved_where_not() -> None:
    document = '{ holder(kind: "preloaded") { loaded { name } } other: holder(kind: "plain") { loaded { name } } }'
    HOLDERS["preloaded"] = Holder(
        label="pre", leaf=None, leaves=[], must=leaf(), ready=[leaf(name="x"), leaf(name="y")]
    )
    try:
        RESOLVED.clear()
        data, errors = answers(FAST, document, {})
        assert not errors
        assert data == {"holder": {"loaded": [{"name": "x"}, {"name": "y"}]}, "other": {"loaded": [{"name": "a"}]}}
        assert RESOLVED == ["p"]  # the plain holder's resolver ran; the preloaded one's did not
        assert answers(PLAIN, document, {}) == (data, errors)
    finally:
        del HOLDERS["preloaded"]


def test_the_differential_mode_reports_a_fast_path_that_answers_differently(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = toy_schema(DifferentialExecutor)
    assert answers(schema, DOCUMENTS[0], {"kind": "plain"})[0]["holder"]["leaf"]["name"] == "a"
    assert not MISMATCHES
    monkeypatch.setattr(fast.Compiled, "get", lambda self, spec: lambda value: "wrong")
    try:
        answers(schema, DOCUMENTS[0], {"kind": "plain"})
        assert len(MISMATCHES) == 1 and "wrong" in MISMATCHES[0]
    finally:
        MISMATCHES.clear()
