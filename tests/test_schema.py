"""The served schema: committed as schema.graphql, within the contract, every Money field guarded."""

from __future__ import annotations

import asyncio
from pathlib import Path

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    extend_schema,
    find_breaking_changes,
    parse,
)

from schema import schema

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "contract"
#: The contract's files this service has built: the base, then the extensions of the issues done.
CONTRACT_FILES = ("schema.graphql", "integration.graphql")


def served_sdl() -> str:
    return schema.as_str() + "\n"


def test_committed_schema_matches_the_served_one():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == served_sdl(), "schema.graphql drifted: run `make schema` and commit it"


def contract_sdl(name: str) -> str:
    """One file of the public contract: ../shared's copy where the repository sits beside it (CI,
    developers), else the copy kept in tests/, which must then equal ../shared's wherever both are
    present (schema.graphql is kept as tests/contract.graphql)."""
    vendored = (ROOT / "tests" / ("contract.graphql" if name == "schema.graphql" else name)).read_text()
    shared = CONTRACT / name
    if shared.exists():
        assert vendored == shared.read_text(), f"tests/' copy of {name} is stale: copy ../shared/contract/{name}"
    return vendored


def contract() -> GraphQLSchema:
    """The base contract and the extensions built so far (integration.graphql: issue 10)."""
    base, *extensions = CONTRACT_FILES
    built = build_schema(contract_sdl(base))
    for name in extensions:
        built = extend_schema(built, parse(contract_sdl(name)))
    return built


def test_served_schema_keeps_the_contract():
    changes = find_breaking_changes(contract(), build_schema(served_sdl()))
    assert [c.description for c in changes] == []


def _unwrap(t):
    while isinstance(t, (GraphQLNonNull, GraphQLList)):
        t = t.of_type
    return t


def test_every_money_field_reads_null_without_view_prices():
    """Every field of type Money (or a list of it) is declared with schema.core.base.money_field, whose
    value the type's constructor computes with schema.core.base.money() (null without VIEW_PRICES);
    tests/test_price_visibility.py reads each of them without and with VIEW_PRICES."""
    uncovered = []
    checked = 0
    for type_name, gql_type in schema._schema.type_map.items():
        if not isinstance(gql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in gql_type.fields.items():
            if _unwrap(field.type).name != "Money":
                continue
            checked += 1
            definition = field.extensions.get("strawberry-definition")
            if not (definition and definition.metadata.get("money")):
                uncovered.append(f"{type_name}.{field_name}")
    assert checked > 0
    assert uncovered == []


def test_migrations_match_the_models():
    """`tortoise makemigrations` would write nothing: the committed migrations are complete."""
    from tortoise.context import TortoiseContext
    from tortoise.migrations.autodetector import MigrationAutodetector

    from settings import tortoise_config

    async def pending() -> list:
        config = tortoise_config("sqlite://:memory:")
        async with TortoiseContext() as ctx:
            await ctx.init(config=config)
            detector = MigrationAutodetector(ctx.apps, config["apps"])
            return await detector.changes()

    assert asyncio.run(pending()) == []


def _descriptions(schema: GraphQLSchema) -> dict[str, str | None]:
    """Every type, field, argument, input field and enum value of `schema` -> its description."""
    found: dict[str, str | None] = {}
    for name, t in schema.type_map.items():
        if name.startswith("__"):
            continue
        found[name] = t.description
        for value_name, value in (getattr(t, "values", None) or {}).items():
            found[f"{name}.{value_name}"] = value.description
        for field_name, field in (getattr(t, "fields", None) or {}).items():
            found[f"{name}.{field_name}"] = field.description
            for arg_name, arg in (getattr(field, "args", None) or {}).items():
                found[f"{name}.{field_name}({arg_name})"] = arg.description
    return found


def test_served_schema_keeps_every_description_of_the_contract():
    """The contract's text, word for word; the served one may only add sentences after it."""
    served = _descriptions(build_schema(served_sdl()))
    differing = {
        where: (wanted, served.get(where))
        for where, wanted in _descriptions(contract()).items()
        if wanted and not (served.get(where) or "").startswith(wanted)
    }
    assert differing == {}
