"""Where the worker runs: `manage.py worker` (alias deliver-mail) and the web process's lifespan;
and Event.data read through the API follows the one Money rule."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager

import manage
from app import create_app
from models import StaffRole
from resolvers.core.context import Context
from schema.event import Event
from settings import Settings
from tests.conftest import Api
from tests.factories import make_staff
from tests.webhook.conftest import CREATE, make_event


def test_worker_and_deliver_mail_are_one_command():
    assert manage.COMMANDS["worker"] is manage.COMMANDS["deliver-mail"]


@pytest.mark.real_db
async def test_the_web_process_delivers_webhooks_in_the_background(db, receiver):
    settings = Settings(app_env="development", public_url="https://shop.test", mail_poll_seconds=0.05)
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            _, staff = await make_staff(StaffRole.ADMINISTRATOR)
            made = await Api(client).ok(
                CREATE, {"input": {"url": receiver.url, "events": ["ORDER_CREATED"]}}, token=staff
            )
            assert made["webhookSubscriptionCreate"]["userErrors"] == []
            await make_event(None)
            for _ in range(200):
                if receiver.received:
                    break
                await asyncio.sleep(0.05)
    assert len(receiver.acknowledged()) == 1


async def test_event_data_has_no_money_for_a_viewer_without_prices(db):
    row = await make_event(None, total="7.00")
    seeing = Context(settings=None, session=None)  # type: ignore[arg-type]
    seeing.__dict__["can_see_prices"] = True
    blind = Context(settings=None, session=SimpleNamespace(user=SimpleNamespace(staff_role=None), membership=None))  # type: ignore[arg-type]
    assert orjson.loads(Event.of(row, seeing).data)["total"] == {"amount": "7.00", "currency": "EUR"}
    assert orjson.loads(Event.of(row, blind).data)["total"] is None
