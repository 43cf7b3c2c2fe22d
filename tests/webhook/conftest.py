"""Webhook tests: distributor API clients, events made with emit(), and a real HTTP
receiver on loopback (uvicorn + starlette, on this helper's ports 18300-18399)."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.transactions import in_transaction

from models import Event, EventType, IntegrationScope
from resolvers.core import ids
from resolvers.event import emit, money_json
from tests.api_client.helpers import distributor_client

CREATE = """
mutation($input: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(input: $input) {
    subscription { id url events active createdAt }
    secret
    userErrors { code field message }
  }
}
"""
#: This helper's loopback ports, split between the two xdist workers.
PORTS = range(18300, 18400)


def port() -> int:
    """A free port of ours: gw0 takes the lower half, gw1 the upper."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    half = len(PORTS) // 2
    for candidate in PORTS[(worker % 2) * half :][:half]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    raise RuntimeError("no free port in 18300-18399")


async def make_event(
    company_id: Any = None, type: EventType = EventType.ORDER_CREATED, total: str = "12.50", number: str = "C-1"
) -> Event:
    """An event as a mutation writes it, Money included."""
    async with in_transaction():
        return await emit(
            type,
            ids.encode("Order", number),
            {"number": number, "total": money_json(Decimal(total)), "lines": [{"sku": "A", "unitPrice": None}]},
            company_id,
        )


@pytest.fixture
def scoped(api: Any) -> Callable[..., Any]:
    """`await scoped(MANAGE_WEBHOOKS)`: the key of a distributor API client with those scopes."""

    async def make(*scopes: IntegrationScope) -> str:
        key, _ = await distributor_client(api, *(scope.value for scope in scopes))
        return key

    return make


class Receiver:
    """A webhook endpoint on loopback: records every request; `answer` chooses the status (or
    sleeps, for timeouts); `stop()` / `start()` make it refuse connections in between."""

    def __init__(self) -> None:
        self.port = port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        #: (headers, body, the status answered) of every POST, in order.
        self.received: list[tuple[dict[str, str], str, int]] = []
        self.answer: Callable[[Request], Any] = lambda request: 200
        self.server: uvicorn.Server | None = None
        self.task: asyncio.Task[None] | None = None

    async def _hook(self, request: Request) -> Response:
        body = (await request.body()).decode()
        status = self.answer(request)
        if asyncio.iscoroutine(status):
            status = await status
        self.received.append((dict(request.headers.items()), body, status))
        headers = {"location": "https://elsewhere.test/"} if 300 <= status < 400 else None
        return Response(status_code=status, headers=headers)

    def acknowledged(self) -> list[str]:
        """The webhook-id of every POST answered 2xx."""
        return [headers["webhook-id"] for headers, _, status in self.received if 200 <= status < 300]

    async def start(self) -> None:
        app = Starlette(routes=[Route("/hook", self._hook, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())
        for _ in range(500):
            if self.server.started:
                return
            await asyncio.sleep(0.01)
        raise RuntimeError(f"the receiver did not start on port {self.port}")

    async def stop(self) -> None:
        if self.server is not None and self.task is not None:
            self.server.should_exit = True
            await self.task
            self.server = self.task = None


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    try:
        yield r
    finally:
        await r.stop()
