"""Fan-out: which events become deliveries of which subscription, exactly once each."""

from __future__ import annotations

import asyncio

import pytest

from models import EventType, Role, Sequence, StaffRole, WebhookDelivery, WebhookSubscription
from resolvers.webhook import fanout
from tests.factories import make_member, make_staff
from tests.webhook.conftest import CREATE, make_event


async def subscribe(
    api, token: str, events: list[str], url: str = "https://hooks.example.com/in"
) -> WebhookSubscription:
    data = await api.ok(CREATE, {"input": {"url": url, "events": events}}, token=token)
    assert data["webhookSubscriptionCreate"]["userErrors"] == []
    return await WebhookSubscription.all().order_by("-created_at").first()  # type: ignore[return-value]


async def delivered_to(sub: WebhookSubscription) -> list[str]:
    rows = await WebhookDelivery.filter(subscription_id=sub.id).order_by("sequence").prefetch_related("event")
    return [r.event.subject_id for r in rows]


async def test_company_subscriptions_get_their_company_s_events_and_the_distributor_every_one(api):
    a = await make_member(Role.ADMINISTRATOR)
    b = await make_member(Role.ADMINISTRATOR)
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    await make_event(a.company.id, number="before")  # before any subscription: nobody's
    sub_a = await subscribe(api, a.token, ["ORDER_CREATED"])
    sub_b = await subscribe(api, b.token, ["ORDER_CREATED", "INVOICE_RECORDED"])
    distributor = await subscribe(api, staff, ["ORDER_CREATED", "COMPANY_REGISTERED"])
    await make_event(a.company.id, number="a1")
    await make_event(b.company.id, number="b1")
    await make_event(b.company.id, EventType.INVOICE_RECORDED, number="b2")
    await make_event(None, EventType.COMPANY_REGISTERED, number="c1")  # no company
    await make_event(a.company.id, EventType.PAYMENT_RECORDED, number="a2")  # nobody's type
    assert await fanout.fan_out() == 6
    assert await delivered_to(sub_a) == ["T3JkZXI6YTE"]
    assert [s for s in await delivered_to(sub_b)] == ["T3JkZXI6YjE", "T3JkZXI6YjI"]
    assert await delivered_to(distributor) == ["T3JkZXI6YTE", "T3JkZXI6YjE", "T3JkZXI6YzE"]
    assert await fanout.fan_out() == 0  # the cursor moved past them: nothing twice
    assert await WebhookDelivery.all().count() == 6
    assert (await Sequence.get(name=fanout.CURSOR)).value == (await fanout.latest_sequence())


async def test_inactive_subscriptions_get_nothing(api):
    admin = await make_member(Role.ADMINISTRATOR)
    sub = await subscribe(api, admin.token, ["ORDER_CREATED"])
    await WebhookSubscription.filter(id=sub.id).update(active=False)
    await make_event(admin.company.id)
    await fanout.fan_out()
    assert await WebhookDelivery.all().count() == 0


async def test_the_feed_is_walked_in_batches_to_its_end(api, monkeypatch):
    monkeypatch.setattr(fanout, "BATCH", 3)
    admin = await make_member(Role.ADMINISTRATOR)
    sub = await subscribe(api, admin.token, ["ORDER_CREATED"])
    for i in range(7):
        await make_event(admin.company.id, number=f"n{i}")
    await fanout.fan_out_all()
    assert len(await delivered_to(sub)) == 7


@pytest.mark.postgres
async def test_workers_fanning_out_at_once_write_each_delivery_once(api):
    """Four workers on the same batch: the cursor's conditional UPDATE lets one of them write it."""
    admin = await make_member(Role.ADMINISTRATOR)
    sub = await subscribe(api, admin.token, ["ORDER_CREATED"])
    for i in range(40):
        await make_event(admin.company.id, number=f"n{i}")
    await asyncio.gather(*(fanout.fan_out_all() for _ in range(4)))
    assert len(await delivered_to(sub)) == 40
