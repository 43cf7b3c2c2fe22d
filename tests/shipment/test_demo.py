"""seed_shipments: delivery notes on the demo orders, consistent with the shipped quantities,
shown to the customer, idempotent."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from demo import seed_accounts, seed_catalog, seed_ordering, seed_shipments
from models import Order, OrderLine, OrderStatus, Shipment, ShipmentLine
from tests.order.test_demo import _login

ORDERS = """query { orders(first: 20, filter: {status: [PARTIALLY_SHIPPED, SHIPPED, DELIVERED]}) { edges { node {
  status erpReference lines { quantityOpen } shipments { number deliveredAt signedBy lines { quantity } } } } } }"""


async def _counts() -> dict[str, int]:
    return {"shipments": await Shipment.all().count(), "lines": await ShipmentLine.all().count()}


async def test_seed_shipments_matches_the_orders_and_runs_once(api) -> None:
    companies = [c.id for c in await seed_accounts()]
    await seed_catalog(companies)
    await seed_ordering(companies)
    await seed_shipments(companies)
    counts = await _counts()
    assert counts["shipments"] > 0

    shipped: dict = defaultdict(Decimal)
    for line_id, quantity in await ShipmentLine.all().values_list("order_line_id", "quantity"):
        shipped[line_id] += Decimal(quantity)
    for company_id in companies:
        orders = {o.status: o for o in await Order.filter(company_id=company_id)}
        assert {OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED} <= set(orders)
    for order in await Order.all():
        lines = await OrderLine.filter(order_id=order.id)
        notes = await Shipment.filter(order_id=order.id)
        assert all(Decimal(ln.quantity_shipped) == shipped[ln.id] for ln in lines)
        open_ = [Decimal(ln.quantity) - Decimal(ln.quantity_shipped) for ln in lines]
        assert all(q >= 0 for q in open_)
        assert (order.erp_reference is None) == (order.status == OrderStatus.CONFIRMED)
        if order.status == OrderStatus.PARTIALLY_SHIPPED:
            assert (
                notes
                and any(q > 0 for q in open_)
                and any(q < Decimal(ln.quantity) for q, ln in zip(open_, lines, strict=True))
            )
        elif order.status == OrderStatus.SHIPPED:
            assert len(notes) == 2 and not any(open_)
            assert sorted(n.delivered_at is None for n in notes) == [False, True]
        elif order.status == OrderStatus.DELIVERED:
            assert notes and not any(open_) and all(n.delivered_at and n.signed_by for n in notes)
        else:
            assert not notes

    await seed_shipments(companies)  # a second run changes nothing
    assert await _counts() == counts

    buyer = await _login(api, "buyer@peeters-bouw.be")
    edges = (await api.ok(ORDERS, token=buyer))["orders"]["edges"]
    statuses = {e["node"]["status"] for e in edges}
    assert statuses == {"PARTIALLY_SHIPPED", "SHIPPED", "DELIVERED"}
    assert all(e["node"]["shipments"] and e["node"]["erpReference"] for e in edges)
    delivered = [s for e in edges if e["node"]["status"] == "DELIVERED" for s in e["node"]["shipments"]]
    assert all(s["deliveredAt"] and s["signedBy"] for s in delivered)
