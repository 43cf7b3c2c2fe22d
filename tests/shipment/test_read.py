"""What customers and staff read: Order.shipments, shipped and open quantities (on the orders
page's fast path too), Shipment nodes scoped like their orders, Backoffice.orders; batched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import IntegrationScope, Order, OrderLine, Role, StaffRole
from resolvers.core import ids
from tests.factories import make_member, make_staff
from tests.order.helpers import make_order, make_stock
from tests.shipment.helpers import (
    DELIVERED,
    RECORD,
    later,
    make_shop,
    note,
)

FIELDS = """
fragment Fields on Order {
  id number status version erpReference
  lines { id quantity quantityShipped quantityOpen product { sku } }
  shipments { id number shippedAt deliveredAt signedBy trackingUrl
              lines { quantity orderLine { id quantityShipped quantityOpen product { sku } } } }
}
"""
PAGE = "query($f: Int) { orders(first: $f) { edges { node { ...Fields } } } }" + FIELDS
ONE = "query($id: ID!) { order(id: $id) { ...Fields } }" + FIELDS
NODE = "query($id: ID!) { node(id: $id) { id ... on Shipment { number lines { quantity } } } }"
BACKOFFICE = """
query($filter: OrderFilter, $companyId: ID, $first: Int, $after: String) {
  backoffice { orders(filter: $filter, companyId: $companyId, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { number status total { amount } lines { quantityOpen } shipments { number } } }
  } }
}
"""


async def ship(api, shop, *lines, deliver: bool = False) -> None:
    data = (await api.ok(RECORD, note(shop, *lines), token=shop.erp))["shipmentRecord"]
    assert data["userErrors"] == [], data
    if deliver:
        variables = {"input": {"shipmentId": data["shipment"]["id"], "deliveredAt": later(5), "signedBy": "Ann"}}
        assert (await api.ok(DELIVERED, variables, token=shop.erp))["shipmentDelivered"]["userErrors"] == []


async def test_the_customer_sees_shipments_and_open_quantities_alike_on_the_page_and_by_id(api, scoped) -> None:
    shop = await make_shop(scoped)
    await ship(api, shop, (0, "1"), deliver=True)
    await ship(api, shop, (0, "2"), (1, "2"))
    page = (await api.ok(PAGE, {"f": 10}, token=shop.member.token))["orders"]["edges"]
    order = page[0]["node"]
    assert order == (await api.ok(ONE, {"id": shop.order_id}, token=shop.member.token))["order"]
    assert order["status"] == "PARTIALLY_SHIPPED" and order["version"] == 4  # two notes, one delivery
    assert [(ln["quantityShipped"], ln["quantityOpen"]) for ln in order["lines"]] == [("3", "1"), ("2", "0")]
    first, second = order["shipments"]
    assert first["deliveredAt"] == later(5) and first["signedBy"] == "Ann" and second["deliveredAt"] is None
    assert [(ln["quantity"], ln["orderLine"]["product"]["sku"]) for ln in second["lines"]] == [
        ("2", shop.stock.a.sku),
        ("2", shop.stock.b.sku),
    ]
    assert (await api.ok(NODE, {"id": first["id"]}, token=shop.member.token))["node"]["number"] == first["number"]


async def test_another_company_never_sees_a_shipment(api, scoped) -> None:
    shop = await make_shop(scoped)
    await ship(api, shop, (0, "1"))
    shipment_id = (await api.ok(ONE, {"id": shop.order_id}, token=shop.member.token))["order"]["shipments"][0]["id"]
    other = await make_member()
    assert (await api.ok(NODE, {"id": shipment_id}, token=other.token))["node"] is None
    own_only = await make_member(Role.QUICK_LISTS_ONLY, company=shop.member.company)  # VIEW_OWN_ORDERS only
    assert (await api.ok(NODE, {"id": shipment_id}, token=own_only.token))["node"] is None
    _, staff = await make_staff(StaffRole.REPRESENTATIVE)
    assert (await api.ok(NODE, {"id": shipment_id}, token=staff))["node"]["id"] == shipment_id


async def _orders_with_shipments(api, scoped, count: int):
    shop = await make_shop(scoped)
    t = datetime.now(UTC)
    for i in range(count - 1):
        order = await make_order(
            shop.member,
            [(shop.stock.a, "4", "12.50"), (shop.stock.b, "2", "3.3333")],
            branch=shop.stock.branch,
            created_at=t - timedelta(minutes=i + 1),
        )
        await Order.filter(id=order.id).update(status="PROCESSING")
    for order in await Order.filter(company_id=shop.member.company.id):
        shop.order = order
        shop.lines = await OrderLine.filter(order_id=order.id).order_by("position")
        await ship(api, shop, (0, "1"), deliver=True)
        await ship(api, shop, (0, "1"), (1, "1"))
    return shop


@pytest.mark.parametrize("page", ["orders", "backoffice"])
async def test_the_query_count_does_not_grow_with_the_page(api, scoped, sql, page) -> None:
    counted = {}
    for count in (1, 4):
        shop = await _orders_with_shipments(api, scoped, count)
        _, staff = await make_staff()
        token = shop.member.token if page == "orders" else staff
        document = PAGE if page == "orders" else BACKOFFICE
        variables = {"f": 5} if page == "orders" else {"companyId": ids.encode("Company", shop.member.company.id)}
        sql.statements.clear()
        data = await api.ok(document, variables, token=token)
        edges = data["orders"]["edges"] if page == "orders" else data["backoffice"]["orders"]["edges"]
        assert len(edges) == count and all(len(e["node"]["shipments"]) == 2 for e in edges)
        counted[count] = len(sql.statements)
    assert counted[1] == counted[4], counted


async def test_the_page_reads_the_new_line_columns_with_its_lines(api, scoped, sql) -> None:
    """quantityShipped/quantityOpen come in the lines' own statement (no statement more)."""
    shop = await make_shop(scoped)
    await ship(api, shop, (0, "1"))
    document = "query { orders(first: 5) { edges { node { lines { quantity quantityShipped quantityOpen } } } } }"
    sql.statements.clear()
    data = await api.ok(document, token=shop.member.token)
    assert data["orders"]["edges"][0]["node"]["lines"][0] == {
        "quantity": "4",
        "quantityShipped": "1",
        "quantityOpen": "3",
    }
    assert len(sql.statements) == 3  # session (with the customer-number limits), page, lines


async def test_backoffice_orders_of_every_company_or_one(api, scoped) -> None:
    stock = await make_stock()
    first, second = await make_member(), await make_member()
    t = datetime.now(UTC)
    a = await make_order(first, [(stock.a, "1", "2.00")], branch=stock.branch, created_at=t - timedelta(hours=2))
    b = await make_order(second, [(stock.a, "1", "2.00")], branch=stock.branch, created_at=t - timedelta(hours=1))
    await Order.filter(id=a.id).update(status="SHIPPED")
    _, staff = await make_staff(StaffRole.REPRESENTATIVE)

    async def numbers(token, **variables):
        data = await api.ok(BACKOFFICE, variables, token=token)
        return [e["node"]["number"] for e in data["backoffice"]["orders"]["edges"]]

    assert await numbers(staff) == [b.number, a.number]
    assert await numbers(staff, companyId=ids.encode("Company", first.company.id)) == [a.number]
    assert await numbers(staff, companyId="nope") == []
    assert await numbers(staff, filter={"status": ["SHIPPED"]}) == [a.number]
    assert await numbers(staff, filter={"search": b.number}) == [b.number]
    data = await api.ok(BACKOFFICE, {"first": 1}, token=staff)
    page = data["backoffice"]["orders"]
    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"] is True
    assert page["edges"][0]["node"]["total"] == {"amount": "2.00"}  # staff see prices
    assert await numbers(staff, after=page["pageInfo"]["endCursor"]) == [a.number]
    reader = await scoped(IntegrationScope.READ_ALL)
    assert await numbers(reader) == [b.number, a.number]


@pytest.mark.parametrize("who", ["member", "anonymous"])
async def test_backoffice_orders_are_null_for_anyone_else(api, who) -> None:
    member = await make_member()
    stock = await make_stock()
    await make_order(member, [(stock.a, "1", "2.00")], branch=stock.branch)
    body = await api(BACKOFFICE, {}, token=member.token if who == "member" else None)
    assert "errors" not in body and body["data"] == {"backoffice": None}, body


async def test_backoffice_orders_refuse_a_client_without_read_all(api, scoped) -> None:
    """A distributor client gets into the back office, where each field says what it needs."""
    body = await api(BACKOFFICE, {}, token=await scoped(IntegrationScope.WRITE_ERP))
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["backoffice", "orders"], "FORBIDDEN")]
