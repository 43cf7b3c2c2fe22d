"""orderStatusSet: the ERP's statuses, its reference recorded once, replays, versions, who may call."""

from __future__ import annotations

import pytest

from models import AuditEvent, Event, EventType, Order, StaffRole
from resolvers.core import ids
from tests.conftest import error_codes
from tests.factories import make_staff
from tests.order.helpers import make_order
from tests.shipment.helpers import (
    ALLOWED,
    REFUSED,
    STATUS_SET,
    caller,
    codes,
    make_shop,
    state,
)


def status_input(shop, status: str, **kw) -> dict:
    return {"input": {"orderId": shop.order_id, "status": status, **kw}}


async def set_status(api, shop, status: str, token: str | None = None, **kw) -> dict:
    data = await api.ok(STATUS_SET, status_input(shop, status, **kw), token=token or shop.erp)
    return data["orderStatusSet"]


async def test_the_erp_moves_an_order_on_records_its_reference_audits_and_emits(api, scoped) -> None:
    shop = await make_shop(scoped, status="CONFIRMED")
    before = await Event.all().count()
    data = await set_status(api, shop, "PROCESSING", erpReference=" SO-4711 ")
    assert data["userErrors"] == []
    assert data["order"]["status"] == "PROCESSING" and data["order"]["version"] == 2
    assert data["order"]["erpReference"] == "SO-4711"
    audit = await AuditEvent.get(action="order.status_set")
    assert audit.target_id == shop.order_id and audit.company_id == shop.member.company.id
    assert audit.details == {
        "before": {"status": "CONFIRMED", "version": 1},
        "after": {"status": "PROCESSING", "version": 2, "erpReference": "SO-4711"},
    }
    assert await Event.all().count() == before + 1
    event = await Event.get(type=EventType.ORDER_STATUS_CHANGED)
    assert event.subject_id == shop.order_id and event.company_id == shop.member.company.id
    assert event.data["status"] == "PROCESSING" and event.data["previousStatus"] == "CONFIRMED"
    assert event.data["erpReference"] == "SO-4711" and event.data["version"] == 2
    assert event.data["total"] == {"amount": "56.67", "currency": "EUR"}
    assert [(ln["product"]["sku"], ln["quantity"], ln["quantityOpen"]) for ln in event.data["lines"]] == [
        (shop.stock.a.sku, "4", "4"),
        (shop.stock.b.sku, "2", "2"),
    ]
    assert event.data["lines"][1]["unitPrice"] == {"amount": "3.33", "currency": "EUR"}
    assert event.data["customerNumber"]["number"] == shop.member.company.customer_number


@pytest.mark.parametrize("who", ALLOWED)
async def test_the_whole_way_to_delivered_for_each_allowed_caller(api, scoped, who) -> None:
    shop = await make_shop(scoped, status="CONFIRMED")
    token = await caller(scoped, who)
    for status in ("PROCESSING", "SHIPPED", "DELIVERED"):
        assert (await set_status(api, shop, status, token=token))["order"]["status"] == status
    assert (await Order.get(id=shop.order.id)).version == 4
    assert await Event.filter(type=EventType.ORDER_STATUS_CHANGED).count() == 3


@pytest.mark.parametrize(
    ("start", "to"),
    [("CONFIRMED", "CANCELLED"), ("PROCESSING", "READY_FOR_PICKUP"), ("READY_FOR_PICKUP", "DELIVERED"),
     ("READY_FOR_PICKUP", "CANCELLED"), ("PROCESSING", "PARTIALLY_SHIPPED"), ("PARTIALLY_SHIPPED", "SHIPPED")],
)  # fmt: skip
async def test_allowed_transitions(api, scoped, start, to) -> None:
    shop = await make_shop(scoped, status=start)
    assert (await set_status(api, shop, to))["order"]["status"] == to


@pytest.mark.parametrize(
    ("start", "to"),
    [("CONFIRMED", "SHIPPED"), ("CONFIRMED", "DELIVERED"), ("PROCESSING", "CONFIRMED"), ("SHIPPED", "CANCELLED"),
     ("PARTIALLY_SHIPPED", "CANCELLED"), ("PARTIALLY_SHIPPED", "DELIVERED"), ("DELIVERED", "PROCESSING"),
     ("CANCELLED", "PROCESSING"), ("READY_FOR_PICKUP", "SHIPPED")],
)  # fmt: skip
async def test_any_other_transition_is_refused_and_changes_nothing(api, scoped, start, to) -> None:
    shop = await make_shop(scoped, status=start)
    before = await state()
    data = await set_status(api, shop, to)
    assert codes(data) == [("INVALID_STATUS_TRANSITION", ["input", "status"])] and data["order"] is None
    assert await state() == before


async def test_the_current_status_again_is_a_replay(api, scoped) -> None:
    shop = await make_shop(scoped, status="CONFIRMED")
    first = await set_status(api, shop, "PROCESSING", erpReference="SO-1")
    before = await state()
    for again in ({"erpReference": "SO-1"}, {}, {"erpReference": "SO-1", "expectedVersion": 1}):
        data = await set_status(api, shop, "PROCESSING", **again)
        assert data["userErrors"] == [] and data["order"] == first["order"]
    assert await state() == before


async def test_the_reference_is_recorded_once(api, scoped) -> None:
    shop = await make_shop(scoped, status="CONFIRMED")
    await set_status(api, shop, "PROCESSING")  # no reference yet
    events = await Event.all().count()
    data = await set_status(api, shop, "PROCESSING", erpReference="SO-7")  # the same status, with a reference
    assert data["order"]["erpReference"] == "SO-7" and data["order"]["version"] == 3
    assert await Event.all().count() == events  # no status changed: no ORDER_STATUS_CHANGED
    assert await AuditEvent.filter(action="order.status_set").count() == 2
    before = await state()
    data = await set_status(api, shop, "SHIPPED", erpReference="SO-8")
    assert codes(data) == [("DUPLICATE_REFERENCE", ["input", "erpReference"])]
    assert await state() == before
    assert (await set_status(api, shop, "SHIPPED"))["order"]["erpReference"] == "SO-7"  # kept


async def test_a_reference_another_order_holds_is_a_duplicate(api, scoped) -> None:
    shop = await make_shop(scoped, status="CONFIRMED")
    other = await make_order(shop.member, [(shop.stock.a, "1", "1.00")], branch=shop.stock.branch)
    await Order.filter(id=other.id).update(erp_reference="SO-9")
    before = await state()
    data = await set_status(api, shop, "PROCESSING", erpReference="SO-9")
    assert codes(data) == [("DUPLICATE_REFERENCE", ["input", "erpReference"])]
    assert await state() == before


async def test_bad_input(api, scoped) -> None:
    shop = await make_shop(scoped, status="CONFIRMED")
    before = await state()
    data = await set_status(api, shop, "PROCESSING", erpReference="x" * 61)
    assert codes(data) == [("TOO_LONG", ["input", "erpReference"])]
    for order_id in ("nope", ids.encode("Order", "00000000-0000-4000-8000-000000000000"), shop.line_id(0)):
        data = (await api.ok(STATUS_SET, {"input": {"orderId": order_id, "status": "PROCESSING"}}, token=shop.erp))[
            "orderStatusSet"
        ]
        assert codes(data) == [("NOT_FOUND", ["input", "orderId"])]
    body = await api(STATUS_SET, status_input(shop, "LOST"), token=shop.erp)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert await state() == before


async def test_a_stale_expected_version_is_a_conflict(api, scoped) -> None:
    shop = await make_shop(scoped, status="CONFIRMED")
    await set_status(api, shop, "PROCESSING", expectedVersion=1)
    before = await state()
    data = await set_status(api, shop, "SHIPPED", expectedVersion=1)
    assert codes(data) == [("VERSION_CONFLICT", ["input", "expectedVersion"])]
    assert await state() == before
    assert (await set_status(api, shop, "SHIPPED", expectedVersion=2))["order"]["version"] == 3


@pytest.mark.parametrize("who", sorted(REFUSED))
async def test_callers_that_may_not_write_for_the_erp(api, scoped, who) -> None:
    shop = await make_shop(scoped, status="CONFIRMED")
    before = await state()
    body = await api(STATUS_SET, status_input(shop, "PROCESSING"), token=await caller(scoped, who))
    assert error_codes(body) == [REFUSED[who]] and body["data"] is None
    assert await state() == before


async def test_staff_may_read_the_new_fields_and_money_follows_the_one_rule(api, scoped) -> None:
    shop = await make_shop(scoped, status="CONFIRMED")
    _, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    doc = "mutation($input: OrderStatusSetInput!) { orderStatusSet(input: $input) { order { total { amount } } } }"
    data = await api.ok(doc, status_input(shop, "PROCESSING"), token=token)
    assert data["orderStatusSet"]["order"]["total"] == {"amount": "56.67"}
