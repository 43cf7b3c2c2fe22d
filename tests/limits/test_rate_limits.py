"""Request and cost budgets per minute (in-process, limits' memory storage): HTTP 429 with
Retry-After and RATE_LIMITED over either, nothing executed; per session, client or address; a
store that fails lets requests through."""

from __future__ import annotations

import logging

import httpx
import pytest

from app import create_app
from models import User
from resolvers.core import ratelimit
from resolvers.core.ratelimit import COST_BITS, Budgets, ProcessStorage
from settings import Settings
from tests.api_client.helpers import distributor_client
from tests.factories import make_member

CHEAP = "{ viewer { user { email } } }"  # costs 2
PAGE = "{ products(first: 20) { edges { node { name } } } }"  # costs 41


def limited(**budgets: object) -> Settings:
    return Settings(app_env="development", deliver_mail_in_web=False, **budgets)  # type: ignore[arg-type]


@pytest.fixture
async def post(db):
    """post(settings) -> a function sending one document with a token to an app with those settings."""
    clients: list[httpx.AsyncClient] = []

    def make(settings: Settings):
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://test")
        clients.append(client)

        async def send(query: str, token: str | None = None, language: str = "en") -> httpx.Response:
            headers = {"Accept-Language": language, **({"Authorization": f"Bearer {token}"} if token else {})}
            return await client.post("/graphql", json={"query": query}, headers=headers)

        return send

    yield make
    for client in clients:
        await client.aclose()


def refused(response: httpx.Response) -> bool:
    if response.status_code != 429:
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        return False
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    body = response.json()
    assert body["data"] is None and [e["extensions"]["code"] for e in body["errors"]] == ["RATE_LIMITED"]
    return True


async def test_a_session_gets_its_request_budget_then_429(post):
    send = post(limited(rate_limit_requests=3))
    member = await make_member()
    outcomes = [refused(await send(CHEAP, member.token)) for _ in range(5)]
    assert outcomes == [False, False, False, True, True]
    other = await make_member()
    assert not refused(await send(CHEAP, other.token))  # each session has its own budget


async def test_nothing_of_a_refused_request_is_executed(post):
    send = post(limited(rate_limit_requests=1))
    member = await make_member()
    rename = 'mutation { profileUpdate(input: {firstName: "Renamed"}) { user { firstName } } }'
    assert not refused(await send(rename.replace("Renamed", "First"), member.token))
    assert refused(await send(rename, member.token))
    assert (await User.get(id=member.user.id)).first_name == "First"


async def test_anonymous_requests_are_budgeted_per_address(post):
    send = post(limited(rate_limit_requests=2))
    assert [refused(await send("{ branches { id } }")) for _ in range(3)] == [False, False, True]
    member = await make_member()
    assert not refused(await send(CHEAP, member.token))


async def test_an_api_client_has_its_own_budget(api, post):
    key, _ = await distributor_client(api, "READ_ALL")
    send = post(limited(rate_limit_requests=2))
    assert [refused(await send(CHEAP, key)) for _ in range(3)] == [False, False, True]


async def test_the_cost_budget_counts_the_documents_costs(post):
    send = post(limited(rate_limit_cost=100))
    member = await make_member()
    assert not refused(await send(PAGE, member.token))  # 41
    assert not refused(await send(PAGE, member.token))  # 82
    response = await send(PAGE, member.token)  # 123: over, refused, not counted
    assert refused(response) and "cost" in response.json()["errors"][0]["message"]
    assert not refused(await send(CHEAP, member.token))  # 84 still fits


async def test_the_message_follows_the_language(post):
    send = post(limited(rate_limit_requests=1))
    await send(CHEAP)
    response = await send(CHEAP, language="fr")
    assert response.status_code == 429
    assert response.json()["errors"][0]["message"].startswith("Trop de requêtes cette minute")


async def test_a_store_that_fails_lets_requests_through(post, caplog):
    """Redis unreachable (nothing listens on that port): fail open, with a warning."""
    send = post(limited(rate_limit_requests=1, rate_limit_storage_url="redis://127.0.0.1:18198/0"))
    with caplog.at_level(logging.WARNING, logger="ratelimit"):
        assert [refused(await send(CHEAP)) for _ in range(3)] == [False, False, False]
    assert [r.getMessage() for r in caplog.records if r.name == "ratelimit"][0].startswith(
        "rate-limit store unavailable"
    )


async def test_one_counter_holds_both_budgets():
    budgets = Budgets("memory://", requests=2, cost=10)
    assert await budgets.spend("a", 4) is None
    assert await budgets.spend("a", 4) is None
    refusal = await budgets.spend("a", 1)
    assert refusal is not None and refusal.requests and 1 <= refusal.retry_after <= 60
    over = await budgets.spend("b", 11)
    assert over is not None and not over.requests  # the cost budget ran out
    assert await budgets.spend("b", 10) is None  # the refused request took nothing from either budget
    assert await budgets.spend("b", 1) is not None


def test_the_requests_sit_above_the_costs():
    assert ((3 << COST_BITS) + 5000) >> COST_BITS == 3


async def test_the_process_storage_expires_each_window(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    storage = ProcessStorage()
    assert await storage.incr("a", 60, 5) == 5 and await storage.incr("a", 60, 2) == 7
    await storage.incr("b", 60)
    assert await storage.get_expiry("a") == 1060.0
    clock[0] = 1059.0
    assert await storage.get("a") == 7
    clock[0] = 1060.0
    assert await storage.get("a") == 0 and await storage.incr("a", 60) == 1  # a new window
    assert "b" not in storage.counters  # swept with the window
