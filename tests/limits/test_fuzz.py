"""A bounded fuzzing run (issue 7, "Done when"): hypothesis-graphql generates valid and invalid
queries and mutations from the served schema and sends them to the in-process app as each
company role, anonymously and as staff. No input may end in an HTTP 5xx or a masked
"Unexpected error." Fixed seed (derandomize), a few hundred cases per role."""

from __future__ import annotations

from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries

from models import Role, StaffRole
from resolvers.auth.tokens import create_session
from schema import schema
from schema.core.limits import MASKED
from tests.catalog.factories import make_branch, make_product
from tests.factories import make_member, make_staff

SERVED = graphql.build_schema(schema.as_str())  # parsed once, so the strategies are built once
QUERY_FIELDS = sorted(SERVED.query_type.fields)  # type: ignore[union-attr]
MUTATION_FIELDS = sorted(SERVED.mutation_type.fields)  # type: ignore[union-attr]
EXAMPLES_PER_ROLE = 250


def _string(values: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.ValueNode]:
    return values.map(lambda v: graphql.StringValueNode(value=v))


# Mostly well-formed values, sometimes any text: both must answer cleanly.
SCALARS = {
    "Decimal": _string(
        st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str), st.text(max_size=8))
    ),
    "Date": _string(st.one_of(st.dates().map(lambda d: d.isoformat()), st.text(max_size=12))),
    "DateTime": _string(st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"), st.text(max_size=12))),
}


def _valid(build: Any, fields: list[str]) -> st.SearchStrategy[str]:
    """One root field per valid document, so that every field gets its turn."""
    return st.one_of(*(build(SERVED, fields=[field], custom_scalars=SCALARS) for field in fields))


DOCUMENTS = st.one_of(
    _valid(queries, QUERY_FIELDS),
    _valid(mutations, MUTATION_FIELDS),
    # One schema violation each (wrong argument type, missing required argument, bad enum value).
    queries(SERVED, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
    mutations(SERVED, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
)

ROLES = [*(r.value for r in Role), "anonymous", "staff"]


@pytest.fixture
async def world(db: None, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Rows for the fuzzed calls to meet: a company with fast entry, products, a branch; and who calls."""
    await make_product()
    await make_product(orderable=False)
    await make_branch()
    role = request.param
    if role == "anonymous":
        return {"session": None}
    if role == "staff":
        user, _ = await make_staff(StaffRole.ADMINISTRATOR)
        return {"session": (user, None)}
    member = await make_member(Role(role), fast_entry=True)
    return {"session": (member.user, member.membership)}


def _causes(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The unexpected exceptions logged (with their traceback) while the case ran."""
    return [f"{type(r.exc_info[1]).__name__}: {r.exc_info[1]}" for r in caplog.records if r.exc_info and r.exc_info[1]]


@pytest.mark.parametrize("world", ROLES, indirect=True)
@settings(
    max_examples=EXAMPLES_PER_ROLE,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=DOCUMENTS)
async def test_no_input_breaks_the_api(api, world, caplog, document):
    caplog.clear()
    headers = {}
    if world["session"] is not None:
        # A fresh session per case: fuzzed logout or password changes revoke the previous one.
        _, token = await create_session(*world["session"], hours=1)
        headers["Authorization"] = f"Bearer {token}"
    response = await api.client.post("/graphql", json={"query": document}, headers=headers)

    assert response.status_code < 500, (document, response.text)
    masked = [e for e in response.json().get("errors", []) if e.get("message") == MASKED]
    causes = _causes(caplog)
    assert not masked, (document, response.text, causes)
