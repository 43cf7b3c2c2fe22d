from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest_asyncio

from app import create_app
from settings import Settings
from tests.conftest import Api


@pytest_asyncio.fixture
async def client_at(db: None, settings: Settings) -> AsyncIterator[Callable[[str], Api]]:
    """`client_at("10.0.0.7")`: the app called from that client address (the ASGI scope's client)."""
    app = create_app(settings)
    clients: dict[str, httpx.AsyncClient] = {}

    def at(address: str) -> Api:
        if address not in clients:
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            clients[address] = httpx.AsyncClient(transport=transport, base_url="http://test")
        return Api(clients[address])

    yield at
    for client in clients.values():
        await client.aclose()
