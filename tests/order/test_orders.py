"""orders / order / node and orderReorder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models import CartLine, CustomerNumberKind, MembershipCustomerNumber, MembershipStatus, Product, Role
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_staff
from tests.order.helpers import (
    NODE,
    ORDER,
    ORDERS,
    REORDER,
    fill_cart,
    make_order,
    make_stock,
    roles_without,
    snapshot,
)


def numbers(data: dict) -> list[str]:
    return [e["node"]["number"] for e in data["orders"]["edges"]]


async def test_orders_newest_first_with_their_fields(api) -> None:
    member = await make_member()
    stock = await make_stock()
    t = datetime.now(UTC)
    old = await make_order(
        member, [(stock.a, "2", "12.50")], branch=stock.branch, created_at=t - timedelta(days=2), reference="Old job"
    )
    new = await make_order(
        member,
        [(stock.a, "1", "12.50"), (stock.b, "2", "3.3333")],
        branch=stock.branch,
        created_at=t - timedelta(days=1),
    )
    data = await api.ok(ORDERS, {}, token=member.token)
    assert numbers(data) == [new.number, old.number]
    node = data["orders"]["edges"][0]["node"]
    assert node["status"] == "CONFIRMED" and node["source"] == "CART"
    assert node["placedBy"]["email"] == member.user.email
    assert node["customerNumber"]["number"] == member.company.customer_number
    assert node["delivery"]["method"] == "PICKUP" and node["delivery"]["branch"]["name"] == stock.branch.name
    assert [(ln["quantity"], ln["unitPrice"]["amount"], ln["lineTotal"]["amount"]) for ln in node["lines"]] == [
        ("1", "12.50", "12.50"),
        ("2", "3.33", "6.67"),
    ]
    assert node["total"]["amount"] == "19.17"
    assert node["validationList"]["status"] == "APPROVED"
    one = (await api.ok(ORDER, {"id": gid(old)}, token=member.token))["order"]
    assert one["reference"] == "Old job"
    assert (await api.ok(NODE, {"id": gid(old)}, token=member.token))["node"]["number"] == old.number


async def test_filters(api) -> None:
    member = await make_member()
    stock = await make_stock()
    line = [(stock.a, "1", "1.00")]
    shipped = await make_order(member, line, branch=stock.branch, status="SHIPPED", reference="Maison Dupont")
    last_year = await make_order(member, line, branch=stock.branch, year=datetime.now(UTC).year - 1)
    data = await api.ok(ORDERS, {"filter": {"status": ["SHIPPED"]}}, token=member.token)
    assert numbers(data) == [shipped.number]
    data = await api.ok(ORDERS, {"filter": {"year": datetime.now(UTC).year - 1}}, token=member.token)
    assert numbers(data) == [last_year.number]
    data = await api.ok(ORDERS, {"filter": {"search": "dupont"}}, token=member.token)
    assert numbers(data) == [shipped.number]
    data = await api.ok(ORDERS, {"filter": {"search": last_year.number[-6:]}}, token=member.token)
    assert numbers(data) == [last_year.number]
    data = await api.ok(ORDERS, {"first": 1}, token=member.token)
    assert data["orders"]["totalCount"] == 2 and data["orders"]["pageInfo"]["hasNextPage"] is True


async def test_foreign_orders_are_invisible(api) -> None:
    member = await make_member()
    other = await make_member()
    stock = await make_stock()
    foreign = await make_order(other, [(stock.a, "1", "1.00")], branch=stock.branch)
    assert numbers(await api.ok(ORDERS, {}, token=member.token)) == []
    assert (await api.ok(ORDER, {"id": gid(foreign)}, token=member.token))["order"] is None
    assert (await api.ok(NODE, {"id": gid(foreign)}, token=member.token))["node"] is None


async def test_own_orders_and_customer_number_limits(api) -> None:
    admin = await make_member()
    orderer = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company)
    viewer = await make_member(Role.VIEW_PRICES, company=admin.company)
    stock = await make_stock()
    ship_to = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership=viewer.membership, customer_number=ship_to)
    mine = await make_order(orderer, [(stock.a, "1", "1.00")], branch=stock.branch)
    there = await make_order(admin, [(stock.a, "1", "1.00")], branch=stock.branch, customer_number=ship_to)
    assert numbers(await api.ok(ORDERS, {}, token=orderer.token)) == [mine.number]
    assert (await api.ok(ORDER, {"id": gid(there)}, token=orderer.token))["order"] is None
    assert numbers(await api.ok(ORDERS, {}, token=viewer.token)) == [there.number]
    assert set(numbers(await api.ok(ORDERS, {}, token=admin.token))) == {mine.number, there.number}


@pytest.mark.parametrize("role", list(MATRIX))
async def test_money_is_null_without_view_prices(api, role: Role) -> None:
    member = await make_member(role)
    stock = await make_stock()
    await make_order(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    node = (await api.ok(ORDERS, {}, token=member.token))["orders"]["edges"][0]["node"]
    sees = Permission.VIEW_PRICES in MATRIX[role]
    assert (node["total"] is not None) == sees
    assert (node["lines"][0]["unitPrice"] is not None) == sees and (node["lines"][0]["lineTotal"] is not None) == sees


async def test_reading_orders_needs_an_active_membership(api) -> None:
    pending = await make_member(status=MembershipStatus.PENDING)
    assert error_codes(await api(ORDERS, {}, token=pending.token)) == ["FORBIDDEN"]
    assert error_codes(await api(ORDER, {"id": "x"}, token=pending.token)) == ["FORBIDDEN"]
    assert error_codes(await api(ORDERS, {})) == ["UNAUTHENTICATED"]
    _, staff = await make_staff()
    assert error_codes(await api(ORDERS, {}, token=staff)) == ["FORBIDDEN"]


async def test_staff_reach_any_order_by_node(api) -> None:
    member = await make_member()
    stock = await make_stock()
    order = await make_order(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    _, staff = await make_staff()
    assert (await api.ok(NODE, {"id": gid(order)}, token=staff))["node"]["__typename"] == "Order"


async def _statements(api, sql, token: str, first: int) -> int:
    sql.statements.clear()
    data = await api.ok(ORDERS, {"first": first}, token=token)
    assert len(data["orders"]["edges"]) == first
    return len(sql.statements)


async def test_query_count_does_not_grow_with_the_page(api, sql) -> None:
    member = await make_member()
    stock = await make_stock()
    t = datetime.now(UTC)
    for i in range(50):
        await make_order(
            member,
            [(stock.a, "1", "1.00"), (stock.b, "2", "2.00")],
            branch=stock.branch,
            created_at=t - timedelta(minutes=i),
        )
    counts = [await _statements(api, sql, member.token, n) for n in (1, 20, 50)]
    # session (with the limited numbers), page (with its count), users, customer numbers, lines
    # (their products joined), validation lists, branches (no company prices: no price selected)
    assert counts == [counts[0]] * 3, counts
    assert counts[0] == 7, sql.statements


# ---------------------------------------------------------------------- reorder


async def test_reorder_adds_to_the_cart_at_todays_prices(api) -> None:
    member = await make_member()
    stock = await make_stock()
    order = await make_order(member, [(stock.a, "2", "9.00"), (stock.b, "4", "3.00")], branch=stock.branch)
    await fill_cart(member, (stock.a, "1"))
    data = (await api.ok(REORDER, {"id": gid(order)}, token=member.token))["orderReorder"]
    assert data["userErrors"] == []
    assert sorted(
        (ln["product"]["sku"], ln["quantity"], ln["unitPrice"]["amount"]) for ln in data["cart"]["lines"]
    ) == sorted(
        [
            (stock.a.sku, "3", "12.50"),
            (stock.b.sku, "4", "3.33"),
        ]
    )


async def test_reorder_reports_lines_that_cannot_be_ordered(api) -> None:
    member = await make_member()
    stock = await make_stock()
    gone = await make_stock()
    order = await make_order(
        member, [(gone.a, "1", "1.00"), (stock.a, "2", "1.00"), (stock.b, "4", "1.00")], branch=stock.branch
    )
    await Product.filter(id=gone.a.id).update(orderable=False)
    await Product.filter(id=stock.b.id).update(order_multiple=Decimal(3), minimum_quantity=Decimal(3))
    data = (await api.ok(REORDER, {"id": gid(order)}, token=member.token))["orderReorder"]
    assert [(e["code"], e["field"]) for e in data["userErrors"]] == [
        ("PRODUCT_NOT_ORDERABLE", ["lines", "0"]),
        ("QUANTITY_NOT_MULTIPLE", ["lines", "2"]),
    ]
    assert [(ln["product"]["sku"], ln["quantity"]) for ln in data["cart"]["lines"]] == [(stock.a.sku, "2")]


async def test_reorder_foreign_order_is_not_found(api) -> None:
    member = await make_member()
    other = await make_member()
    stock = await make_stock()
    order = await make_order(other, [(stock.a, "1", "1.00")], branch=stock.branch)
    before = await snapshot()
    data = (await api.ok(REORDER, {"id": gid(order)}, token=member.token))["orderReorder"]
    assert [e["code"] for e in data["userErrors"]] == ["NOT_FOUND"] and data["cart"] is None
    assert await snapshot() == before


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS))
async def test_reorder_forbidden_without_place_orders(api, role: Role) -> None:
    member = await make_member(role)
    stock = await make_stock()
    order = await make_order(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    assert error_codes(await api(REORDER, {"id": gid(order)}, token=member.token)) == ["FORBIDDEN"]
    assert await CartLine.all().count() == 0


async def test_reorder_unauthenticated(api) -> None:
    assert error_codes(await api(REORDER, {"id": "x"})) == ["UNAUTHENTICATED"]
