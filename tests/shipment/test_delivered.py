"""shipmentDelivered: the proof of delivery, and a SHIPPED order DELIVERED once every note is."""

from __future__ import annotations

import pytest

from models import AuditEvent, EventType, Order
from resolvers.core import ids
from tests.conftest import error_codes
from tests.shipment.helpers import (
    ALLOWED,
    DELIVERED,
    RECORD,
    REFUSED,
    caller,
    codes,
    events,
    later,
    make_shop,
    note,
    state,
)


async def ship(api, shop, *lines) -> str:
    data = (await api.ok(RECORD, note(shop, *lines), token=shop.erp))["shipmentRecord"]
    assert data["userErrors"] == [], data
    return data["shipment"]["id"]


async def deliver(api, shop, shipment_id: str, token: str | None = None, **kw) -> dict:
    variables = {"input": {"shipmentId": shipment_id, "deliveredAt": later(30), "signedBy": "J. Peeters", **kw}}
    return (await api.ok(DELIVERED, variables, token=token or shop.erp))["shipmentDelivered"]


async def test_the_last_proof_of_delivery_delivers_a_shipped_order(api, scoped) -> None:
    shop = await make_shop(scoped)
    first = await ship(api, shop, (0, "4"))
    second = await ship(api, shop, (1, "2"))
    status_events = len(await events(EventType.ORDER_STATUS_CHANGED))
    data = await deliver(api, shop, first)
    assert data["userErrors"] == []
    assert data["shipment"]["deliveredAt"] == later(30) and data["shipment"]["signedBy"] == "J. Peeters"
    assert data["order"]["status"] == "SHIPPED" and data["order"]["version"] == 4
    assert len(await events(EventType.ORDER_STATUS_CHANGED)) == status_events
    data = await deliver(api, shop, second, signedBy=None, deliveredAt="2026-12-01T10:00:00")  # no zone: UTC
    assert data["shipment"]["deliveredAt"] == "2026-12-01T10:00:00+00:00" and data["shipment"]["signedBy"] is None
    assert data["order"]["status"] == "DELIVERED" and data["order"]["version"] == 5
    changed = await events(EventType.ORDER_STATUS_CHANGED)
    assert (changed[-1].data["previousStatus"], changed[-1].data["status"]) == ("SHIPPED", "DELIVERED")
    audit = await AuditEvent.filter(action="shipment.delivered").order_by("created_at")
    assert [a.details["after"]["orderStatus"] for a in audit] == ["SHIPPED", "DELIVERED"]


async def test_a_partially_shipped_order_stays_so(api, scoped) -> None:
    shop = await make_shop(scoped)
    shipment = await ship(api, shop, (0, "1"))
    assert (await deliver(api, shop, shipment))["order"]["status"] == "PARTIALLY_SHIPPED"


@pytest.mark.parametrize("who", ALLOWED)
async def test_each_allowed_caller(api, scoped, who) -> None:
    shop = await make_shop(scoped)
    shipment = await ship(api, shop, (0, "4"), (1, "2"))
    data = await deliver(api, shop, shipment, token=await caller(scoped, who))
    assert data["order"]["status"] == "DELIVERED"


async def test_the_same_proof_again_is_a_replay_and_another_a_duplicate(api, scoped) -> None:
    shop = await make_shop(scoped)
    shipment = await ship(api, shop, (0, "4"), (1, "2"))
    first = await deliver(api, shop, shipment)
    before = await state()
    assert await deliver(api, shop, shipment) == first
    for other in ({"signedBy": "Someone else"}, {"deliveredAt": later(31)}, {"signedBy": None}):
        data = await deliver(api, shop, shipment, **other)
        assert codes(data) == [("DUPLICATE_REFERENCE", ["input", "shipmentId"])]
    assert await state() == before


async def test_bad_input(api, scoped) -> None:
    shop = await make_shop(scoped)
    shipment = await ship(api, shop, (0, "4"))
    before = await state()
    data = await deliver(api, shop, shipment, deliveredAt=later(-1))
    assert codes(data) == [("INVALID", ["input", "deliveredAt"])]
    data = await deliver(api, shop, shipment, deliveredAt="9999-12-31T23:00:00-14:00")
    assert codes(data) == [("INVALID", ["input", "deliveredAt"])]
    data = await deliver(api, shop, shipment, signedBy="x" * 201)
    assert codes(data) == [("TOO_LONG", ["input", "signedBy"])]
    for unknown in ("nope", shop.order_id, ids.encode("Shipment", "00000000-0000-4000-8000-000000000000")):
        assert codes(await deliver(api, shop, unknown)) == [("NOT_FOUND", ["input", "shipmentId"])]
    body = await api(DELIVERED, {"input": {"shipmentId": shipment, "deliveredAt": "yesterday"}}, token=shop.erp)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert await state() == before
    assert (await Order.get(id=shop.order.id)).status == "PARTIALLY_SHIPPED"


@pytest.mark.parametrize("who", sorted(REFUSED))
async def test_callers_that_may_not_record_a_delivery(api, scoped, who) -> None:
    shop = await make_shop(scoped)
    shipment = await ship(api, shop, (0, "4"), (1, "2"))
    before = await state()
    body = await api(
        DELIVERED, {"input": {"shipmentId": shipment, "deliveredAt": later(3)}}, token=await caller(scoped, who)
    )
    assert error_codes(body) == [REFUSED[who]] and body["data"] is None
    assert await state() == before
