"""`erp`: the key of the distributor's ERP (an API client with the WRITE_ERP scope)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest_asyncio

from models import IntegrationScope


@pytest_asyncio.fixture
async def erp(scoped: Callable[..., Awaitable[str]]) -> str:
    return await scoped(IntegrationScope.WRITE_ERP)
