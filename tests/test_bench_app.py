"""The benchmark twin (bench/app.py) starts: the production app with the hand-written routes
added, served by `uvicorn bench.app:app`; on PostgreSQL its twins answer what /graphql answers."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.routing import Route
from uvicorn.importer import import_from_string

from app import create_app
from bench.app import create_bench_app
from bench.run import ORDERS, PRODUCTS, QUOTES, first_difference, without_extensions
from settings import Settings
from tests.catalog.factories import make_branch, make_product, set_price, set_stock
from tests.conftest import production_settings
from tests.factories import make_member

TWINS = {"/bench/products", "/bench/quotes", "/bench/orders"}


def paths(app: Starlette) -> set[str]:
    return {getattr(route, "path", "") for route in app.routes}


def test_the_twin_app_is_the_production_app_plus_the_hand_written_routes(settings: Settings) -> None:
    production = paths(create_app(settings))
    twin = create_bench_app(settings)
    assert {"/graphql", "/healthz"} <= production
    assert not production & TWINS
    assert paths(twin) == production | TWINS
    assert all({"POST"} <= (r.methods or set()) for r in twin.routes if isinstance(r, Route) and r.path in TWINS)


def test_uvicorn_finds_the_app_bench_run_starts() -> None:
    app = import_from_string("bench.app:app")
    assert TWINS | {"/graphql"} <= paths(app)


@pytest.mark.postgres
async def test_the_twins_answer_the_same_json_as_graphql(db: str) -> None:
    member = await make_member()
    branch = await make_branch()
    for n in range(3):
        product = await make_product(list_price=Decimal("12.50") + n)
        await set_stock(product, branch, 5 * n)
    await set_price(member.company, product, "9.99")
    app = create_bench_app(production_settings(database_url=db))
    headers = {"Authorization": f"Bearer {member.token}", "Accept-Language": "nl"}
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as client,
    ):
        for document, root, path, count in [
            (PRODUCTS, "products", "/bench/products", 3),
            (QUOTES, "quotes", "/bench/quotes", 0),
            (ORDERS, "orders", "/bench/orders", 0),
        ]:
            variables = {"first": 20, "after": None}
            graphql = (
                await client.post("/graphql", json={"query": document, "variables": variables}, headers=headers)
            ).json()
            hand = (await client.post(path, json=variables, headers=headers)).json()
            assert "errors" not in graphql, graphql
            assert graphql["data"][root]["totalCount"] == count
            assert first_difference(without_extensions(graphql), hand) is None
        refused = (await client.post("/bench/products", json={})).json()
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
