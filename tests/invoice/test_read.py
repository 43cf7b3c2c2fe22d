"""invoices / invoice / node: the member's invoices (VIEW_INVOICES), limited to their customer
numbers, with the status derived at read time and filtered in SQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import CustomerNumberKind, IntegrationScope, MembershipCustomerNumber, Role, StaffRole
from resolvers.core.clock import today
from resolvers.core.permissions import MATRIX, Permission
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_staff
from tests.invoice.helpers import INVOICE, INVOICES, gid, make_invoice
from tests.order.helpers import make_order, make_stock

NODE = "query($id: ID!) { node(id: $id) { __typename ... on Invoice { number status } } }"


def numbers(data: dict) -> list[str]:
    return [e["node"]["number"] for e in data["invoices"]["edges"]]


async def _three(member):
    """An OPEN, an OVERDUE (part paid) and a PAID invoice, issued in that order (newest first: paid)."""
    t = today()
    stock = await make_stock()
    order = await make_order(member, [(stock.a, "2", "12.50")], branch=stock.branch)
    opened = await make_invoice(member.company, "25.00", issued=t - timedelta(days=30), due=t, orders=(order,))
    overdue = await make_invoice(
        member.company, "80.00", paid=("30.00",), issued=t - timedelta(days=20), due=t - timedelta(days=1)
    )
    paid = await make_invoice(
        member.company, "10.00", paid=("4.00", "6.00"), issued=t - timedelta(days=10), due=t - timedelta(days=5)
    )
    return opened, overdue, paid, order


async def test_invoices_newest_first_with_their_status_orders_and_payments(api) -> None:
    member = await make_member(Role.VIEW_PRICES)
    opened, overdue, paid, order = await _three(member)
    data = await api.ok(INVOICES, {}, token=member.token)
    assert numbers(data) == [paid.number, overdue.number, opened.number]
    nodes = {e["node"]["number"]: e["node"] for e in data["invoices"]["edges"]}
    assert nodes[opened.number]["status"] == "OPEN"  # due today: not yet overdue
    assert nodes[opened.number]["orders"] == [{"number": order.number}]
    assert nodes[opened.number]["customerNumber"] == {"number": member.company.customer_number}
    assert nodes[overdue.number]["status"] == "OVERDUE"
    assert nodes[overdue.number]["openAmount"] == {"amount": "50.00", "currency": "EUR"}
    assert nodes[paid.number]["status"] == "PAID" and nodes[paid.number]["openAmount"]["amount"] == "0.00"
    assert [p["amount"]["amount"] for p in nodes[paid.number]["payments"]] == ["4.00", "6.00"]
    assert data["invoices"]["totalCount"] == 3
    one = (await api.ok(INVOICE, {"id": gid(overdue)}, token=member.token))["invoice"]
    assert one == nodes[overdue.number]
    assert (await api.ok(NODE, {"id": gid(paid)}, token=member.token))["node"] == {
        "__typename": "Invoice",
        "number": paid.number,
        "status": "PAID",
    }


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["OPEN"], ["opened"]),
        (["OVERDUE"], ["overdue"]),
        (["PAID"], ["paid"]),
        (["OPEN", "OVERDUE"], ["overdue", "opened"]),
    ],
)
async def test_the_status_filter_is_the_derived_status(api, statuses, expected) -> None:
    member = await make_member()
    opened, overdue, paid, _ = await _three(member)
    rows = {"opened": opened, "overdue": overdue, "paid": paid}
    data = await api.ok(INVOICES, {"filter": {"status": statuses}, "first": 1}, token=member.token)
    assert data["invoices"]["totalCount"] == len(expected)
    walked, after = [], None
    while True:
        page = await api.ok(INVOICES, {"filter": {"status": statuses}, "first": 1, "after": after}, token=member.token)
        walked += numbers(page)
        if not page["invoices"]["pageInfo"]["hasNextPage"]:
            break
        after = page["invoices"]["pageInfo"]["endCursor"]
    assert walked == [rows[name].number for name in expected]


async def test_year_and_customer_number_filters(api) -> None:
    member = await make_member()
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    old = await make_invoice(member.company, issued=date(2024, 12, 31), due=date(2025, 1, 30))
    new = await make_invoice(member.company, issued=date(2025, 1, 1), due=date(2025, 1, 31), customer_number=ship_to)
    assert numbers(await api.ok(INVOICES, {"filter": {"year": 2024}}, token=member.token)) == [old.number]
    assert numbers(await api.ok(INVOICES, {"filter": {"year": 2025}}, token=member.token)) == [new.number]
    for year in (0, -1, 10000, 2**31 - 1):
        assert numbers(await api.ok(INVOICES, {"filter": {"year": year}}, token=member.token)) == []
    by_number = await api.ok(INVOICES, {"filter": {"customerNumberId": gid(ship_to)}}, token=member.token)
    assert numbers(by_number) == [new.number]
    for unknown in ("x", gid(member.company)):
        assert numbers(await api.ok(INVOICES, {"filter": {"customerNumberId": unknown}}, token=member.token)) == []


async def test_a_member_limited_to_customer_numbers_sees_only_their_invoices(api) -> None:
    admin = await make_member()
    depot = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    limited = await make_member(Role.VIEW_PRICES_AND_ORDER, company=admin.company)
    await MembershipCustomerNumber.create(membership=limited.membership, customer_number=depot)
    theirs = await make_invoice(admin.company, customer_number=depot)
    other = await make_invoice(admin.company)
    assert numbers(await api.ok(INVOICES, {}, token=limited.token)) == [theirs.number]
    assert (await api.ok(INVOICE, {"id": gid(other)}, token=limited.token))["invoice"] is None
    assert (await api.ok(NODE, {"id": gid(other)}, token=limited.token))["node"] is None
    assert sorted(numbers(await api.ok(INVOICES, {}, token=admin.token))) == sorted([theirs.number, other.number])


async def test_an_invoice_shows_only_the_orders_the_member_may_read(api) -> None:
    admin = await make_member()
    depot = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    limited = await make_member(Role.VIEW_PRICES, company=admin.company)
    await MembershipCustomerNumber.create(membership=limited.membership, customer_number=depot)
    stock = await make_stock()
    seen = await make_order(admin, [(stock.a, "1", "1.00")], branch=stock.branch, customer_number=depot)
    unseen = await make_order(admin, [(stock.a, "1", "1.00")], branch=stock.branch)
    invoice = await make_invoice(admin.company, customer_number=depot, orders=(seen, unseen))
    one = (await api.ok(INVOICE, {"id": gid(invoice)}, token=limited.token))["invoice"]
    assert one["orders"] == [{"number": seen.number}]
    both = (await api.ok(INVOICE, {"id": gid(invoice)}, token=admin.token))["invoice"]
    assert sorted(o["number"] for o in both["orders"]) == sorted([seen.number, unseen.number])


async def test_another_company_s_invoice_is_not_found(api) -> None:
    member = await make_member()
    foreign = await make_invoice((await make_member()).company)
    assert (await api.ok(INVOICE, {"id": gid(foreign)}, token=member.token))["invoice"] is None
    assert (await api.ok(NODE, {"id": gid(foreign)}, token=member.token))["node"] is None
    assert numbers(await api.ok(INVOICES, {}, token=member.token)) == []
    for odd in ("", "x", gid(member.company)):
        assert (await api.ok(INVOICE, {"id": odd}, token=member.token))["invoice"] is None


@pytest.mark.parametrize("role", [r for r in Role if Permission.VIEW_INVOICES not in MATRIX[r]])
async def test_roles_without_view_invoices_are_refused(api, role) -> None:
    member = await make_member(role)
    invoice = await make_invoice(member.company)
    for document, variables in ((INVOICES, {}), (INVOICE, {"id": gid(invoice)})):
        body = await api(document, variables, token=member.token)
        assert error_codes(body) == ["FORBIDDEN"], body
    assert (await api.ok(NODE, {"id": gid(invoice)}, token=member.token))["node"] is None


async def test_staff_read_invoices_by_id_not_through_the_member_list(api) -> None:
    """As Query.orders: the lists are the member's; staff read any invoice through node(id)."""
    member = await make_member()
    invoice = await make_invoice(member.company)
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    assert error_codes(await api(INVOICES, {}, token=token)) == ["FORBIDDEN"]
    assert (await api.ok(NODE, {"id": gid(invoice)}, token=token))["node"]["number"] == invoice.number


async def test_bad_page_arguments(api) -> None:
    member = await make_member()
    for variables in ({"first": 0}, {"first": 101}):
        assert error_codes(await api(INVOICES, variables, token=member.token)) == ["LIMIT_EXCEEDED"]
    body = await api(INVOICES, {"after": "garbage"}, token=member.token)
    assert error_codes(body) == ["INVALID"]


async def test_distributor_clients_read_any_invoice_with_its_money(api, client) -> None:
    member = await make_member()
    stock = await make_stock()
    order = await make_order(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    invoice = await make_invoice(member.company, "42.00", orders=(order,))
    document = "query($id: ID!) { node(id: $id) { ... on Invoice { total { amount } orders { number } } } }"
    for scope in (IntegrationScope.READ_ALL, IntegrationScope.WRITE_ERP):
        data = await api.ok(document, {"id": gid(invoice)}, token=await client(scope))
        assert data["node"] == {"total": {"amount": "42.00"}, "orders": [{"number": order.number}]}
    data = await api.ok(document, {"id": gid(invoice)}, token=await client(IntegrationScope.MANAGE_WEBHOOKS))
    assert data["node"] is None
