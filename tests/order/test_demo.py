"""seed_ordering: quick lists, carts, validation lists in every status, orders and scan lists
for the demo companies, priced by the real rule, numbered by the real counters, idempotent."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from demo import DEMO_PASSWORD, seed_accounts, seed_catalog, seed_ordering, seed_quotes
from models import (
    Cart,
    CartLine,
    Company,
    DeliveryMethod,
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    QuickList,
    QuickListLine,
    ScanList,
    ScanListLine,
    ValidationList,
    ValidationListLine,
    ValidationStatus,
)
from resolvers.catalog.pricing import company_breaks, line_total, unit_price

LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  session { token } viewer { permissions } userErrors { code } } }"""
QUICK_LISTS = "query { quickLists { name shared owner { email } lineCount } }"
CART = "query { cart { lineCount subtotal { amount } delivery { method shipTo { name } oneTimeAddress { city } } } }"
ORDERS = """query { orders(first: 100) { totalCount edges { node {
  number status total { amount } lines { quantity unitPrice { amount } lineTotal { amount } } } } } }"""

TABLES = (QuickList, QuickListLine, Cart, CartLine, ValidationList, ValidationListLine, Order, OrderLine,
          ScanList, ScanListLine)  # fmt: skip


async def _seed() -> list:
    companies = await seed_accounts()
    ids = [c.id for c in companies]
    await seed_catalog(ids)
    await seed_quotes(ids)
    await seed_ordering(ids)
    return ids


async def _counts() -> dict[str, int]:
    return {m.__name__: await m.all().count() for m in TABLES}


async def _login(api, email: str) -> str:
    data = await api.ok(LOGIN, {"input": {"email": email, "password": DEMO_PASSWORD}})
    assert data["login"]["userErrors"] == []
    return data["login"]["session"]["token"]


async def test_seed_ordering_shows_every_status_with_right_prices_once(api):
    company_ids = await _seed()
    before = await _counts()
    assert all(before.values()), before

    # Validation lists in each status for every company; decided ones say who and when.
    for company_id in company_ids:
        rows = await ValidationList.filter(company_id=company_id)
        assert {r.status for r in rows} == set(ValidationStatus)
        for r in rows:
            assert re.fullmatch(rf"V{r.created_at.year}-\d{{6}}", r.number)
            if r.status == ValidationStatus.SUBMITTED:
                assert r.decided_at is None and r.version == 1
            else:
                assert r.decided_at is not None and r.decided_by_id is not None and r.version == 2
        assert all(r.rejection_reason for r in rows if r.status == ValidationStatus.REJECTED)
        orders = await Order.filter(company_id=company_id)
        assert 6 <= len(orders) <= 11
        assert {OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.DELIVERED,
                OrderStatus.READY_FOR_PICKUP} <= {o.status for o in orders}  # fmt: skip
        assert len({o.year for o in orders}) >= 2
        # Every approved list has its order; the scan order needs none.
        approved = {r.id for r in rows if r.status == ValidationStatus.APPROVED}
        assert {o.validation_list_id for o in orders if o.validation_list_id} == approved
        assert all(o.source == OrderSource.SCAN for o in orders if o.validation_list_id is None)
        assert await ScanList.filter(company_id=company_id, approved_at__isnull=False).count() == 1
        assert await ScanList.filter(company_id=company_id, approved_at__isnull=True).count() == 1

    pickups = await Order.filter(status=OrderStatus.READY_FOR_PICKUP)
    assert pickups and all(o.delivery_method == DeliveryMethod.PICKUP and o.branch_id for o in pickups)

    # Totals are the sums of half-up line totals; unit prices follow the company's breaks.
    orders = {o.id: o for o in await Order.all()}
    lines = await OrderLine.all().prefetch_related("product")
    by_order: dict = defaultdict(list)
    for line in lines:
        by_order[line.order_id].append(line)
    for order_id, order in orders.items():
        own = by_order[order_id]
        assert 3 <= len(own) <= 20
        assert Decimal(order.total) == sum((line_total(Decimal(x.unit_price), Decimal(x.quantity)) for x in own),
                                           Decimal(0))  # fmt: skip
        assert re.fullmatch(rf"O{order.year}-\d{{6}}", order.number) and order.created_at.year == order.year
        breaks = await company_breaks(order.company_id, [x.product_id for x in own])
        for x in own:
            assert Decimal(x.unit_price) == unit_price(Decimal(x.product.list_price), breaks.get(x.product_id, []),
                                                       Decimal(x.quantity))  # fmt: skip
            assert Decimal(x.quantity) >= Decimal(x.product.minimum_quantity)
            assert Decimal(x.quantity) % Decimal(x.product.order_multiple) == 0
    # Within a year, order numbers rise with the dates.
    for year in {o.year for o in orders.values()}:
        in_year = sorted((o for o in orders.values() if o.year == year), key=lambda o: o.created_at)
        assert [o.number for o in in_year] == sorted(o.number for o in in_year)
    validation_totals = {r.id: r.total for r in await ValidationList.all()}
    for order in orders.values():
        if order.validation_list_id:
            assert validation_totals[order.validation_list_id] == order.total

    # A second run changes nothing.
    await seed_ordering(company_ids)
    assert await _counts() == before

    # The QUICK_LISTS_ONLY member orders from a shared list of the company.
    site = await _login(api, "site@peeters-bouw.be")
    lists = (await api.ok(QUICK_LISTS, token=site))["quickLists"]
    assert any(q["shared"] and q["lineCount"] > 0 for q in lists)
    assert all(q["shared"] for q in lists)
    assert "ORDER_FROM_QUICK_LISTS" in (await api.ok("{ viewer { permissions } }", token=site))["viewer"]["permissions"]

    # The buyer: a shared list of ~30 lines, their own private list, a cart ready to submit, orders.
    buyer = await _login(api, "buyer@peeters-bouw.be")
    lists = (await api.ok(QUICK_LISTS, token=buyer))["quickLists"]
    assert any(q["shared"] and q["lineCount"] >= 30 for q in lists)
    assert any(not q["shared"] and q["owner"]["email"] == "buyer@peeters-bouw.be" for q in lists)
    cart = (await api.ok(CART, token=buyer))["cart"]
    assert 3 <= cart["lineCount"] <= 5 and cart["delivery"]["method"] == "DELIVERY"
    history = (await api.ok(ORDERS, token=buyer))["orders"]
    assert history["totalCount"] == await Order.filter(company__name__startswith="Bouwbedrijf").count()
    for edge in history["edges"]:
        node = edge["node"]
        assert Decimal(node["total"]["amount"]) == sum(Decimal(x["lineTotal"]["amount"]) for x in node["lines"])


async def test_seed_ordering_leaves_a_company_with_quick_lists_alone(db):
    company_ids = await _seed()
    late = await Company.get(name="Dubois Châssis Aluminium")
    await Order.filter(company_id=late.id).delete()
    await ValidationList.filter(company_id=late.id).delete()
    counts = await _counts()
    await seed_ordering(company_ids)  # still has its quick lists: nothing is added
    assert await _counts() == counts
