"""The delivery worker against a real HTTP receiver on loopback: signed bodies, retries while the
receiver is down, exactly one acknowledged delivery per event, 410, redirects, timeouts, FAILED
after 24 hours, and Money left out for a creator who cannot see prices."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from standardwebhooks import Webhook

from models import (
    EventType,
    Membership,
    Role,
    StaffRole,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSubscription,
)
from resolvers.core import ids
from resolvers.core.clock import now
from resolvers.webhook import delivery
from settings import Settings
from tests.factories import make_member, make_staff
from tests.webhook.conftest import CREATE, make_event

S = WebhookDeliveryStatus


@pytest.fixture
def settings() -> Settings:
    return Settings(
        app_env="development",
        public_url="https://shop.test",
        deliver_mail_in_web=False,
        webhook_retry_seconds=60.0,  # a failed delivery is not due again within the test
        webhook_timeout=2.0,
    )


async def subscribe(api, token: str, url: str, events: tuple[str, ...] = ("ORDER_CREATED",)) -> tuple[str, str]:
    """(subscription id, secret)."""
    data = await api.ok(CREATE, {"input": {"url": url, "events": list(events)}}, token=token)
    made = data["webhookSubscriptionCreate"]
    assert made["userErrors"] == [], made
    return made["subscription"]["id"], made["secret"]


async def statuses() -> list[S]:
    return [S(s) for s in await WebhookDelivery.all().order_by("sequence").values_list("status", flat=True)]


async def wait_until_done(count: int, seconds: float = 60.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if await WebhookDelivery.filter(status__in=[S.DELIVERED, S.FAILED]).count() >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not done after {seconds}s: {await statuses()}")


@pytest.mark.real_db
async def test_200_events_arrive_once_each_signed_though_the_receiver_was_down(api, settings, receiver):
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    _, secret = await subscribe(api, staff, receiver.url)
    events = [await make_event(None, number=f"N{i}") for i in range(200)]
    expected = {ids.encode("Event", e.id) for e in events}

    receiver.answer = lambda request: 503 if len(receiver.received) < 60 else 200
    eager = settings.model_copy(update={"webhook_retry_seconds": 0.05})
    worker = asyncio.create_task(delivery.deliver_forever(eager, interval=0.02))
    try:
        for _ in range(400):  # down with 503 for the first 60 POSTs, then refusing connections
            if len(receiver.received) >= 60:
                break
            await asyncio.sleep(0.01)
        await receiver.stop()
        await asyncio.sleep(0.5)
        refused = await WebhookDelivery.filter(status=S.RETRYING, last_response_status=None).count()
        await receiver.start()
        await wait_until_done(200)
    finally:
        worker.cancel()
    assert await statuses() == [S.DELIVERED] * 200
    assert refused > 0  # some attempts met a closed port
    acknowledged = receiver.acknowledged()
    assert sorted(acknowledged) == sorted(expected)  # every event, none twice
    assert any(status == 503 for _, _, status in receiver.received)
    hook = Webhook(secret)
    for headers, body, _ in receiver.received:
        message = hook.verify(body, headers)
        assert headers["webhook-id"] == message["id"] and headers["content-type"] == "application/json"
        assert message["type"] == "ORDER_CREATED" and message["data"]["total"] == {"amount": "12.50", "currency": "EUR"}
    assert await WebhookDelivery.filter(attempts__gt=1).count() > 0


async def test_a_410_deactivates_the_subscription(api, settings, receiver):
    admin = await make_member(Role.ADMINISTRATOR)
    sub_id, _ = await subscribe(api, admin.token, receiver.url)
    receiver.answer = lambda request: 410
    await make_event(admin.company.id)
    assert await delivery.deliver_due(settings) == 0
    sub = await WebhookSubscription.get(id=ids.decode(sub_id, "WebhookSubscription"))
    assert sub.active is False
    row = await WebhookDelivery.get()
    assert (row.status, row.last_response_status, row.next_attempt_at) == (S.FAILED, 410, None)
    await make_event(admin.company.id)  # after it stopped: never sent
    await delivery.deliver_due(settings)
    assert len(receiver.received) == 1 and await WebhookDelivery.all().count() == 1


async def test_deactivating_ends_the_deliveries_not_yet_made(api, settings):
    admin = await make_member(Role.ADMINISTRATOR)
    sub_id, _ = await subscribe(api, admin.token, "http://127.0.0.1:9/nobody")
    await make_event(admin.company.id)
    await delivery.deliver_due(settings)  # connection refused: RETRYING
    assert await statuses() == [S.RETRYING]
    update = "mutation($id: ID!) { webhookSubscriptionUpdate(id: $id, input: {active: false}) { userErrors { code } } }"
    await api.ok(update, {"id": sub_id}, token=admin.token)
    assert await statuses() == [S.FAILED]


async def test_a_redirect_is_not_followed_and_counts_as_a_failure(api, settings, receiver):
    admin = await make_member(Role.ADMINISTRATOR)
    await subscribe(api, admin.token, receiver.url)
    receiver.answer = lambda request: 302
    await make_event(admin.company.id)
    assert await delivery.deliver_due(settings) == 0
    row = await WebhookDelivery.get()
    assert (row.status, row.last_response_status, row.attempts) == (S.RETRYING, 302, 1)
    assert row.next_attempt_at is not None and row.next_attempt_at > row.last_attempt_at
    assert len(receiver.received) == 1


async def test_a_receiver_that_does_not_answer_in_time_is_retried(api, settings, receiver):
    admin = await make_member(Role.ADMINISTRATOR)
    await subscribe(api, admin.token, receiver.url)

    async def slow(request):
        await asyncio.sleep(1.0)
        return 200

    receiver.answer = slow
    await make_event(admin.company.id)
    quick = settings.model_copy(update={"webhook_timeout": 0.2})
    started = now()
    assert await delivery.deliver_due(quick) == 0
    assert now() - started < timedelta(seconds=0.9)
    row = await WebhookDelivery.get()
    assert row.status == S.RETRYING and row.last_response_status is None and "Timeout" in (row.last_error or "")


async def test_failed_once_the_next_attempt_would_be_over_24_hours_after_the_first(api, settings, receiver):
    admin = await make_member(Role.ADMINISTRATOR)
    await subscribe(api, admin.token, receiver.url)
    receiver.answer = lambda request: 500
    await make_event(admin.company.id)
    await delivery.deliver_due(settings)
    first = (await WebhookDelivery.get()).first_attempt_at
    assert first is not None
    await WebhookDelivery.all().update(first_attempt_at=first - timedelta(hours=24), next_attempt_at=now())
    await delivery.deliver_due(settings)
    row = await WebhookDelivery.get()
    assert (row.status, row.attempts, row.last_response_status, row.next_attempt_at) == (S.FAILED, 2, 500, None)
    assert await delivery.deliver_due(settings) == 0 and len(receiver.received) == 2


async def test_a_receiver_that_times_out_holds_up_only_its_own_deliveries(api, settings, receiver):
    """At most half of the places go to one subscription, and outcomes are recorded as they come:
    the prompt receiver's events are all delivered while the slow one's are still waiting."""
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    slow_id, _ = await subscribe(api, staff, receiver.url + "?slow")
    await subscribe(api, staff, receiver.url + "?prompt")

    async def answer(request):
        if "slow" in request.url.query:
            await asyncio.sleep(1.5)
        return 200

    receiver.answer = answer
    for i in range(6):
        await make_event(None, number=f"N{i}")
    worker = asyncio.create_task(delivery.deliver_due(settings.model_copy(update={"webhook_timeout": 1.0}), limit=4))
    await asyncio.sleep(0.8)  # before the first slow POST times out
    slow = ids.decode(slow_id, "WebhookSubscription")
    assert await WebhookDelivery.filter(status=S.DELIVERED).exclude(subscription_id=slow).count() == 6
    assert await WebhookDelivery.filter(subscription_id=slow, status=S.PENDING).count() == 6
    assert await worker == 6
    assert await WebhookDelivery.filter(subscription_id=slow, status=S.RETRYING).count() == 6


def test_the_pause_doubles_up_to_an_hour_with_jitter(settings):
    base = settings.model_copy(update={"webhook_retry_seconds": 5.0})
    for attempts, ceiling in ((1, 5), (2, 10), (3, 20), (12, 3600), (200, 3600)):
        pauses = [delivery.pause(base, attempts).total_seconds() for _ in range(50)]
        assert all(ceiling / 2 <= p <= ceiling for p in pauses) and len(set(pauses)) > 1


async def test_money_is_left_out_when_the_creator_cannot_see_prices_now(api, settings, receiver):
    admin = await make_member(Role.ADMINISTRATOR)
    colleague = await make_member(Role.ADMINISTRATOR, company=admin.company)
    other = await make_member(Role.ADMINISTRATOR)
    await subscribe(api, admin.token, receiver.url + "?by=demoted")
    await subscribe(api, colleague.token, receiver.url + "?by=admin")
    await subscribe(api, other.token, receiver.url + "?by=other")
    await Membership.filter(id=admin.membership.id).update(role=Role.ORDER_WITHOUT_PRICES)  # after subscribing
    await make_event(admin.company.id, total="99.99")
    assert await delivery.deliver_due(settings) == 2
    bodies = {headers["webhook-id"] + "@" + b: json.loads(b) for headers, b, _ in receiver.received}
    totals = sorted(str(message["data"]["total"]) for message in bodies.values())
    assert totals == ["None", "{'amount': '99.99', 'currency': 'EUR'}"]
    assert len(receiver.received) == 2  # the other company's subscription got nothing


async def test_deliveries_read_as_the_contract_says(api, settings, receiver):
    admin = await make_member(Role.ADMINISTRATOR)
    sub_id, _ = await subscribe(api, admin.token, receiver.url, ("ORDER_CREATED", "INVOICE_RECORDED"))
    first = await make_event(admin.company.id, number="A")
    await delivery.deliver_due(settings)
    receiver.answer = lambda request: 500
    await make_event(admin.company.id, EventType.INVOICE_RECORDED, number="B")
    await delivery.deliver_due(settings)
    query = """query($id: ID!) { node(id: $id) { ... on WebhookSubscription { deliveries(first: 5) {
      status attempts lastAttemptAt lastResponseStatus nextAttemptAt
      event { id type subjectId data company { id } } } } } }"""
    data = await api.ok(query, {"id": sub_id}, token=admin.token)
    newest, oldest = data["node"]["deliveries"]
    assert (newest["status"], newest["lastResponseStatus"], newest["event"]["type"]) == (
        "RETRYING",
        500,
        "INVOICE_RECORDED",
    )
    assert newest["nextAttemptAt"] and newest["lastAttemptAt"]
    assert oldest["status"] == "DELIVERED" and oldest["nextAttemptAt"] is None and oldest["attempts"] == 1
    assert oldest["event"]["id"] == ids.encode("Event", first.id) and oldest["event"]["company"] == {
        "id": admin.company_id
    }
    assert json.loads(oldest["event"]["data"])["total"] == {"amount": "12.50", "currency": "EUR"}
    one = await api.ok(query.replace("first: 5", "first: 1"), {"id": sub_id}, token=admin.token)
    assert [d["event"]["type"] for d in one["node"]["deliveries"]] == ["INVOICE_RECORDED"]
    body = await api(query.replace("first: 5", "first: 101"), {"id": sub_id}, token=admin.token)
    assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


@pytest.mark.postgres
async def test_two_workers_never_send_a_delivery_twice(api, settings, receiver):
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    await subscribe(api, staff, receiver.url)
    for i in range(100):
        await make_event(None, number=f"N{i}")
    delivered = await asyncio.gather(*(delivery.deliver_due(settings, limit=10) for _ in range(2)))
    assert sum(delivered) == 100
    assert len(receiver.received) == 100 and len(set(receiver.acknowledged())) == 100
