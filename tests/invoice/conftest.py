"""`erp`: a token acting as the distributor's ERP (an API client with the WRITE_ERP scope)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable

import pytest
import pytest_asyncio

from models import IntegrationScope
from resolvers.auth.tokens import create_session
from resolvers.core.context import SessionRow
from tests.factories import make_user

Client = Callable[..., Awaitable[str]]


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Client:
    """`await client(IntegrationScope.WRITE_ERP)`: the token of a distributor API client with these
    scopes, as its key authenticates: a user with no staff role and no membership whose Viewer
    carries the scopes (the session stands in for the client's key)."""
    granted: dict[uuid.UUID, frozenset[IntegrationScope]] = {}
    original = SessionRow.__init__

    def init(self: SessionRow, row: dict) -> None:
        original(self, row)
        if self.user_id in granted:
            self.viewer = dataclasses.replace(self.viewer, scopes=granted[self.user_id])

    monkeypatch.setattr(SessionRow, "__init__", init)

    async def make(*scopes: IntegrationScope) -> str:
        user = await make_user()
        granted[user.id] = frozenset(scopes)
        _, token = await create_session(user, None, hours=1)
        return token

    return make


@pytest_asyncio.fixture
async def erp(api: object, client: Client) -> str:
    return await client(IntegrationScope.WRITE_ERP)
