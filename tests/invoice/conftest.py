"""`client`: the key of a distributor API client with given scopes; `erp`: the ERP's (WRITE_ERP)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio

from models import IntegrationScope
from tests.api_client.helpers import distributor_client

Client = Callable[..., Awaitable[str]]


@pytest.fixture
def client(api: Any) -> Client:
    """`await client(IntegrationScope.WRITE_ERP)`: a real key, made by a staff ADMINISTRATOR."""

    async def make(*scopes: IntegrationScope) -> str:
        key, _ = await distributor_client(api, *(s.value for s in scopes))
        return key

    return make


@pytest_asyncio.fixture
async def erp(client: Client) -> str:
    return await client(IntegrationScope.WRITE_ERP)
