"""The app in development and in production mode: the GraphQL layer's answers must hold in both."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from app import create_app
from tests.conftest import Api, production_settings


@pytest.fixture
def prod_api_factory(db: None):
    async def make() -> AsyncIterator[Api]:
        app = create_app(production_settings())
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            yield Api(client)

    return make


@pytest_asyncio.fixture(params=["development", "production"])
async def any_api(request: pytest.FixtureRequest, api: Api, prod_api_factory) -> AsyncIterator[Api]:
    """The `api` of the tests, once in development and once in production mode."""
    if request.param == "development":
        yield api
        return
    async for prod in prod_api_factory():
        yield prod


@pytest_asyncio.fixture
async def prod_api(prod_api_factory) -> AsyncIterator[Api]:
    async for prod in prod_api_factory():
        yield prod
