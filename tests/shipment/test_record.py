"""shipmentRecord: delivery notes per order line, never past what a line has open, the order's
status following by itself, idempotent on the delivery-note number."""

from __future__ import annotations

import pytest

from models import AuditEvent, Event, EventType, Order, OrderLine, Shipment
from resolvers.core import ids
from tests.conftest import error_codes
from tests.factories import make_member
from tests.order.helpers import make_order
from tests.shipment.helpers import (
    ALLOWED,
    RECORD,
    REFUSED,
    caller,
    codes,
    events,
    make_shop,
    note,
    state,
)


async def record(api, shop, variables: dict, token: str | None = None) -> dict:
    return (await api.ok(RECORD, variables, token=token or shop.erp))["shipmentRecord"]


async def test_a_partial_shipment_then_the_rest(api, scoped) -> None:
    shop = await make_shop(scoped)
    data = await record(api, shop, note(shop, (0, "1.5"), number="DN-1", trackingUrl="https://track.example/DN-1"))
    assert data["userErrors"] == []
    shipment, order = data["shipment"], data["order"]
    assert shipment["number"] == "DN-1" and shipment["deliveredAt"] is None
    assert shipment["trackingUrl"] == "https://track.example/DN-1"
    assert shipment["lines"] == [
        {"quantity": "1.5", "orderLine": {"id": shop.line_id(0), "quantity": "4", "quantityShipped": "1.5",
                                          "quantityOpen": "2.5", "product": {"sku": shop.stock.a.sku}}}
    ]  # fmt: skip
    assert order["status"] == "PARTIALLY_SHIPPED" and order["version"] == 2
    assert [(ln["quantityShipped"], ln["quantityOpen"]) for ln in order["lines"]] == [("1.5", "2.5"), ("0", "2")]
    recorded = await events(EventType.SHIPMENT_RECORDED)
    assert len(recorded) == 1 and recorded[0].subject_id == shipment["id"]
    assert recorded[0].data["number"] == "DN-1" and recorded[0].data["lines"] == [
        {"orderLine": shop.line_id(0), "quantity": "1.5"}
    ]
    assert recorded[0].data["order"]["status"] == "PARTIALLY_SHIPPED"
    assert recorded[0].data["order"]["lines"][0]["quantityShipped"] == "1.5"
    changed = await events(EventType.ORDER_STATUS_CHANGED)
    assert [(e.data["previousStatus"], e.data["status"]) for e in changed] == [("PROCESSING", "PARTIALLY_SHIPPED")]
    assert changed[0].sequence > recorded[0].sequence
    assert (await AuditEvent.get(action="shipment.recorded")).target_id == shipment["id"]

    # Another partial note: still PARTIALLY_SHIPPED, no status event.
    data = await record(api, shop, note(shop, (1, "1")))
    assert data["order"]["status"] == "PARTIALLY_SHIPPED" and data["order"]["version"] == 3
    assert len(await events(EventType.ORDER_STATUS_CHANGED)) == 1
    # The rest: SHIPPED.
    data = await record(api, shop, note(shop, (0, "2.5"), (1, "1")))
    assert data["order"]["status"] == "SHIPPED" and data["order"]["version"] == 4
    assert [(ln["quantityShipped"], ln["quantityOpen"]) for ln in data["order"]["lines"]] == [("4", "0"), ("2", "0")]
    assert [e.data["status"] for e in await events(EventType.ORDER_STATUS_CHANGED)] == ["PARTIALLY_SHIPPED", "SHIPPED"]
    assert len(await events(EventType.SHIPMENT_RECORDED)) == 3


@pytest.mark.parametrize("start", ["CONFIRMED", "READY_FOR_PICKUP"])
async def test_one_note_for_everything_ships_the_order(api, scoped, start) -> None:
    shop = await make_shop(scoped, status=start)
    data = await record(api, shop, note(shop, (0, "4"), (1, "2")))
    assert data["order"]["status"] == "SHIPPED"


@pytest.mark.parametrize("who", ALLOWED)
async def test_each_allowed_caller(api, scoped, who) -> None:
    shop = await make_shop(scoped)
    data = await record(api, shop, note(shop, (1, "2")), token=await caller(scoped, who))
    assert data["userErrors"] == [] and data["order"]["status"] == "PARTIALLY_SHIPPED"


async def test_the_same_number_again_returns_the_first_shipment_and_changes_nothing(api, scoped) -> None:
    shop = await make_shop(scoped)
    variables = note(shop, (0, "1"), (1, "2"), number="DN-7", trackingUrl="https://t.example/7")
    first = await record(api, shop, variables)
    before = await state()
    again = await record(api, shop, variables)
    assert again == first
    variables["input"]["lines"].reverse()  # the same lines in another order: the same note
    variables["input"]["lines"][0]["quantity"] = "2.000"
    assert await record(api, shop, variables) == first
    assert await state() == before


@pytest.mark.parametrize(
    "change",
    [{"trackingUrl": None}, {"shippedAt": "2026-11-30T09:00:00+00:00"}, {"lines": "other quantity"},
     {"lines": "fewer"}, {"orderId": "another order"}],
)  # fmt: skip
async def test_the_same_number_with_other_data_is_a_duplicate(api, scoped, change) -> None:
    shop = await make_shop(scoped)
    variables = note(shop, (0, "1"), (1, "2"), number="DN-8", trackingUrl="https://t.example/8")
    await record(api, shop, variables)
    other = await make_order(shop.member, [(shop.stock.a, "1", "1.00")], branch=shop.stock.branch)
    await Order.filter(id=other.id).update(status="PROCESSING")
    before = await state()
    changed = dict(variables["input"])
    if change.get("lines") == "other quantity":
        changed["lines"] = [{**changed["lines"][0], "quantity": "0.5"}, changed["lines"][1]]
    elif change.get("lines") == "fewer":
        changed["lines"] = changed["lines"][:1]
    elif "orderId" in change:
        other_line = await OrderLine.get(order_id=other.id)
        changed["orderId"] = ids.encode("Order", other.id)
        changed["lines"] = [{"orderLineId": ids.encode("OrderLine", other_line.id), "quantity": "1"}]
    else:
        changed.update(change)
    data = await record(api, shop, {"input": changed})
    assert codes(data) == [("DUPLICATE_REFERENCE", ["input", "number"])] and data["shipment"] is None
    assert await state() == before


async def test_a_line_never_ships_more_than_it_has_open(api, scoped) -> None:
    shop = await make_shop(scoped)
    await record(api, shop, note(shop, (1, "1.5")))
    before = await state()
    data = await record(api, shop, note(shop, (0, "4"), (1, "0.501")))
    assert codes(data) == [("QUANTITY_EXCEEDS_OPEN", ["input", "lines", "1", "quantity"])]
    assert "0.5" in data["userErrors"][0]["message"]
    assert await state() == before


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([(0, "0")], ("INVALID_QUANTITY", ["input", "lines", "0", "quantity"])),
        ([(0, "-1")], ("INVALID_QUANTITY", ["input", "lines", "0", "quantity"])),
        ([(0, "1.0001")], ("INVALID_QUANTITY", ["input", "lines", "0", "quantity"])),
        ([(0, "NaN")], ("INVALID_QUANTITY", ["input", "lines", "0", "quantity"])),
        ([(0, "Infinity")], ("INVALID_QUANTITY", ["input", "lines", "0", "quantity"])),
        ([(0, "1e12")], ("INVALID_QUANTITY", ["input", "lines", "0", "quantity"])),
        ([(0, "1"), (0, "1")], ("INVALID", ["input", "lines", "1", "orderLineId"])),
        ([], ("REQUIRED", ["input", "lines"])),
    ],
)
async def test_bad_lines(api, scoped, lines, expected) -> None:
    shop = await make_shop(scoped)
    before = await state()
    data = await record(api, shop, note(shop, *lines))
    assert codes(data) == [expected]
    assert await state() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"number": "  "}, ("REQUIRED", ["input", "number"])),
        ({"number": "N" * 61}, ("TOO_LONG", ["input", "number"])),
        ({"trackingUrl": "javascript:alert(1)"}, ("UNSAFE_URL", ["input", "trackingUrl"])),
        ({"trackingUrl": "ftp://files.example/x"}, ("UNSAFE_URL", ["input", "trackingUrl"])),
        ({"trackingUrl": "https://"}, ("INVALID", ["input", "trackingUrl"])),
        ({"trackingUrl": "https://a b.example/"}, ("INVALID", ["input", "trackingUrl"])),
        ({"trackingUrl": "http://[::1"}, ("INVALID", ["input", "trackingUrl"])),
        ({"trackingUrl": "https://t.example/" + "x" * 2000}, ("TOO_LONG", ["input", "trackingUrl"])),
        ({"orderId": "nope"}, ("NOT_FOUND", ["input", "orderId"])),
        ({"shippedAt": "9999-12-31T23:00:00-14:00"}, ("INVALID", ["input", "shippedAt"])),
    ],
)
async def test_bad_input(api, scoped, change, expected) -> None:
    shop = await make_shop(scoped)
    before = await state()
    variables = note(shop, (0, "1"))
    variables["input"].update(change)
    data = await record(api, shop, variables)
    assert codes(data) == [expected]
    assert await state() == before


async def test_a_line_of_another_order_or_company_is_not_found(api, scoped) -> None:
    shop = await make_shop(scoped)
    other = await make_member()
    foreign = await make_order(other, [(shop.stock.a, "9", "1.00")], branch=shop.stock.branch)
    foreign_line = await OrderLine.get(order_id=foreign.id)
    before = await state()
    variables = note(shop, (0, "1"), (1, "1"))
    variables["input"]["lines"][1]["orderLineId"] = ids.encode("OrderLine", foreign_line.id)
    variables["input"]["lines"].append({"orderLineId": "garbage", "quantity": "1"})
    data = await record(api, shop, variables)
    assert codes(data) == [
        ("NOT_FOUND", ["input", "lines", "2", "orderLineId"]),  # seen before any row is read
    ]
    variables["input"]["lines"].pop()
    data = await record(api, shop, variables)
    assert codes(data) == [("NOT_FOUND", ["input", "lines", "1", "orderLineId"])]
    assert await state() == before


@pytest.mark.parametrize("status", ["CANCELLED", "DELIVERED"])
async def test_cancelled_and_delivered_orders_ship_nothing(api, scoped, status) -> None:
    shop = await make_shop(scoped, status=status)
    before = await state()
    data = await record(api, shop, note(shop, (0, "1")))
    assert codes(data) == [("INVALID_STATUS_TRANSITION", ["input", "orderId"])]
    assert await state() == before


async def test_a_shipped_order_has_nothing_open(api, scoped) -> None:
    shop = await make_shop(scoped, status="SHIPPED")  # set by orderStatusSet, without notes
    data = await record(api, shop, note(shop, (0, "4"), (1, "2")))
    assert data["order"]["status"] == "SHIPPED"  # never back to PARTIALLY_SHIPPED
    data = await record(api, shop, note(shop, (0, "1")))
    assert codes(data) == [("QUANTITY_EXCEEDS_OPEN", ["input", "lines", "0", "quantity"])]


@pytest.mark.parametrize("who", sorted(REFUSED))
async def test_callers_that_may_not_record(api, scoped, who) -> None:
    shop = await make_shop(scoped)
    before = await state()
    body = await api(RECORD, note(shop, (0, "1")), token=await caller(scoped, who))
    assert error_codes(body) == [REFUSED[who]] and body["data"] is None
    assert await state() == before
    assert await Shipment.all().count() == 0 and await Event.filter(type=EventType.SHIPMENT_RECORDED).count() == 0
