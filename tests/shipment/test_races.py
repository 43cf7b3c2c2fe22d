"""The ERP's writes racing each other on PostgreSQL (real concurrent transactions: asyncio.gather
runs the requests at once in-process, each on its own pooled connection)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models import BranchStock, Event, EventType, IntegrationScope, Order, OrderLine, Shipment, ShipmentLine
from tests.catalog.factories import make_branch, make_product
from tests.shipment.helpers import DELIVERED, RECORD, STATUS_SET, codes, later, make_shop, note

pytestmark = pytest.mark.postgres

ROUNDS = 4


def payloads(results: list[dict], name: str) -> list[dict]:
    assert all("errors" not in r for r in results), [r.get("errors") for r in results]
    return [r["data"][name] for r in results]


async def test_shipments_of_one_line_at_once_never_pass_what_it_has_open(api, scoped) -> None:
    for _ in range(ROUNDS):
        shop = await make_shop(scoped)
        results = await asyncio.gather(*(api(RECORD, note(shop, (0, "1.5")), token=shop.erp) for _ in range(4)))
        done = payloads(results, "shipmentRecord")
        won = [p for p in done if not p["userErrors"]]
        assert len(won) == 2  # 2 x 1.5 of 4
        assert all(
            codes(p) == [("QUANTITY_EXCEEDS_OPEN", ["input", "lines", "0", "quantity"])] for p in done if p not in won
        )
        line = await OrderLine.get(id=shop.lines[0].id)
        assert line.quantity_shipped == Decimal(3)
        shipped = await ShipmentLine.filter(order_line_id=line.id).values_list("quantity", flat=True)
        assert sum(Decimal(q) for q in shipped) == Decimal(3)
        order = await Order.get(id=shop.order.id)
        assert order.status == "PARTIALLY_SHIPPED" and order.version == 3
        assert (
            await Event.filter(
                type=EventType.SHIPMENT_RECORDED, subject_id__in=[p["shipment"]["id"] for p in won]
            ).count()
            == 2
        )


async def test_the_same_delivery_note_sent_twice_at_once_is_one_shipment(api, scoped) -> None:
    for round_ in range(ROUNDS):
        shop = await make_shop(scoped)
        variables = note(shop, (0, "1"), (1, "2"), number=f"DN-RACE-{round_}")
        done = payloads(
            await asyncio.gather(*(api(RECORD, variables, token=shop.erp) for _ in range(3))), "shipmentRecord"
        )
        assert all(p["userErrors"] == [] for p in done), [p["userErrors"] for p in done]
        assert len({p["shipment"]["id"] for p in done}) == 1
        assert await Shipment.filter(number=f"DN-RACE-{round_}").count() == 1
        assert (await OrderLine.get(id=shop.lines[0].id)).quantity_shipped == Decimal(1)
        assert await Event.filter(type=EventType.SHIPMENT_RECORDED, subject_id=done[0]["shipment"]["id"]).count() == 1


async def test_two_statuses_at_once_one_wins(api, scoped) -> None:
    for expected_version in (None, 1):
        for _ in range(ROUNDS):
            shop = await make_shop(scoped)
            extra = {"expectedVersion": expected_version} if expected_version else {}
            requests = [
                api(STATUS_SET, {"input": {"orderId": shop.order_id, "status": status, **extra}}, token=shop.erp)
                for status in ("READY_FOR_PICKUP", "SHIPPED")  # neither may follow the other
            ]
            done = payloads(await asyncio.gather(*requests), "orderStatusSet")
            won = [p for p in done if not p["userErrors"]]
            assert len(won) == 1, done
            lost = [p["userErrors"][0]["code"] for p in done if p["userErrors"]]
            assert lost[0] in ("VERSION_CONFLICT", "INVALID_STATUS_TRANSITION"), done
            order = await Order.get(id=shop.order.id)
            assert order.status == won[0]["order"]["status"] and order.version == 2
            assert await Event.filter(type=EventType.ORDER_STATUS_CHANGED, subject_id=shop.order_id).count() == 1


async def test_the_last_two_deliveries_at_once_deliver_the_order(api, scoped) -> None:
    for _ in range(ROUNDS):
        shop = await make_shop(scoped)
        first = (await api.ok(RECORD, note(shop, (0, "4")), token=shop.erp))["shipmentRecord"]["shipment"]["id"]
        second = (await api.ok(RECORD, note(shop, (1, "2")), token=shop.erp))["shipmentRecord"]["shipment"]["id"]
        requests = [
            api(DELIVERED, {"input": {"shipmentId": s, "deliveredAt": later(9), "signedBy": "Ann"}}, token=shop.erp)
            for s in (first, second)
        ]
        done = payloads(await asyncio.gather(*requests), "shipmentDelivered")
        assert all(p["userErrors"] == [] for p in done), done
        order = await Order.get(id=shop.order.id)
        assert order.status == "DELIVERED" and order.version == 5
        changed = await Event.filter(type=EventType.ORDER_STATUS_CHANGED, subject_id=shop.order_id).order_by("sequence")
        assert [e.data["status"] for e in changed] == ["PARTIALLY_SHIPPED", "SHIPPED", "DELIVERED"]


async def test_two_stock_updates_adding_the_same_row_at_once(api, scoped) -> None:
    token = await scoped(IntegrationScope.WRITE_ERP)
    products = [await make_product() for _ in range(ROUNDS)]
    branch = await make_branch()
    doc = "mutation($levels: [StockLevelInput!]!) { stockUpdate(levels: $levels) { updated userErrors { code } } }"
    for product in products:
        requests = [
            api(doc, {"levels": [{"sku": product.sku, "branchCode": branch.code, "quantity": "5"}]}, token=token)
            for _ in range(2)
        ]
        done = payloads(await asyncio.gather(*requests), "stockUpdate")
        assert sorted(p["updated"] for p in done) in ([0, 1], [1, 1]) and all(p["userErrors"] == [] for p in done)
        assert [
            Decimal(q) for q in await BranchStock.filter(product_id=product.id).values_list("quantity", flat=True)
        ] == [5]
