"""validationLists / validationList / node: who sees which lists, filters, order, query counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import CustomerNumberKind, MembershipCustomerNumber, MembershipStatus, Role
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_staff
from tests.order.helpers import (
    NODE,
    VALIDATION_LIST,
    VALIDATION_LISTS,
    make_stock,
    make_validation_list,
    roles_with,
)


def numbers(data: dict) -> list[str]:
    return [e["node"]["number"] for e in data["validationLists"]["edges"]]


async def test_lists_newest_first_with_pages(api) -> None:
    member = await make_member()
    stock = await make_stock()
    t = datetime.now(UTC)
    rows = [
        await make_validation_list(
            member, [(stock.a, "1", "12.50")], branch=stock.branch, created_at=t - timedelta(minutes=i)
        )
        for i in range(3)
    ]
    data = await api.ok(VALIDATION_LISTS, {"first": 2}, token=member.token)
    assert numbers(data) == [rows[0].number, rows[1].number]
    assert data["validationLists"]["totalCount"] == 3
    page = data["validationLists"]["pageInfo"]
    assert page["hasNextPage"] is True
    data = await api.ok(VALIDATION_LISTS, {"first": 2, "after": page["endCursor"]}, token=member.token)
    assert numbers(data) == [rows[2].number]


async def test_filter_by_status_and_source(api) -> None:
    member = await make_member()
    stock = await make_stock()
    line = [(stock.a, "1", "1.00")]
    submitted = await make_validation_list(member, line, branch=stock.branch)
    await make_validation_list(member, line, branch=stock.branch, status="CANCELLED")
    quote = await make_validation_list(member, line, branch=stock.branch, source="QUOTE")
    data = await api.ok(VALIDATION_LISTS, {"filter": {"status": ["SUBMITTED"], "source": ["CART"]}}, token=member.token)
    assert numbers(data) == [submitted.number]
    data = await api.ok(VALIDATION_LISTS, {"filter": {"source": ["QUOTE"]}}, token=member.token)
    assert numbers(data) == [quote.number]
    data = await api.ok(VALIDATION_LISTS, {"filter": {"status": [], "source": []}}, token=member.token)
    assert len(numbers(data)) == 3


async def test_one_list_and_its_fields(api) -> None:
    member = await make_member()
    stock = await make_stock()
    row = await make_validation_list(
        member, [(stock.a, "3", "2.345"), (stock.b, "2", "1.10")], branch=stock.branch, reference="Job 7"
    )
    vl = (await api.ok(VALIDATION_LIST, {"id": gid(row)}, token=member.token))["validationList"]
    assert vl["number"] == row.number and vl["reference"] == "Job 7" and vl["version"] == 1
    assert [(ln["unitPrice"]["amount"], ln["lineTotal"]["amount"]) for ln in vl["lines"]] == [
        ("2.35", "7.04"),
        ("1.10", "2.20"),
    ]
    assert vl["total"]["amount"] == "9.24"
    assert vl["delivery"]["branch"]["name"] == stock.branch.name


async def test_another_companys_list_is_not_found(api) -> None:
    member = await make_member()
    other = await make_member()
    stock = await make_stock()
    foreign = await make_validation_list(other, [(stock.a, "1", "1.00")], branch=stock.branch)
    assert (await api.ok(VALIDATION_LIST, {"id": gid(foreign)}, token=member.token))["validationList"] is None
    assert (await api.ok(NODE, {"id": gid(foreign)}, token=member.token))["node"] is None
    assert numbers(await api.ok(VALIDATION_LISTS, {}, token=member.token)) == []
    assert (await api.ok(VALIDATION_LIST, {"id": "garbage"}, token=member.token))["validationList"] is None


async def test_own_orders_only_sees_own_submissions(api) -> None:
    admin = await make_member()
    orderer = await make_member(Role.ORDER_WITHOUT_PRICES, company=admin.company)
    stock = await make_stock()
    mine = await make_validation_list(orderer, [(stock.a, "1", "1.00")], branch=stock.branch)
    theirs = await make_validation_list(admin, [(stock.a, "1", "1.00")], branch=stock.branch)
    assert numbers(await api.ok(VALIDATION_LISTS, {}, token=orderer.token)) == [mine.number]
    assert (await api.ok(VALIDATION_LIST, {"id": gid(theirs)}, token=orderer.token))["validationList"] is None
    assert (await api.ok(NODE, {"id": gid(theirs)}, token=orderer.token))["node"] is None
    assert (await api.ok(NODE, {"id": gid(mine)}, token=orderer.token))["node"]["number"] == mine.number
    # the company view sees both
    assert set(numbers(await api.ok(VALIDATION_LISTS, {}, token=admin.token))) == {mine.number, theirs.number}


async def test_company_view_is_limited_to_the_members_customer_numbers(api) -> None:
    admin = await make_member()
    viewer = await make_member(Role.VIEW_PRICES, company=admin.company)
    stock = await make_stock()
    ship_to = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership=viewer.membership, customer_number=ship_to)
    there = await make_validation_list(admin, [(stock.a, "1", "1.00")], branch=stock.branch, customer_number=ship_to)
    elsewhere = await make_validation_list(admin, [(stock.a, "1", "1.00")], branch=stock.branch)
    assert numbers(await api.ok(VALIDATION_LISTS, {}, token=viewer.token)) == [there.number]
    assert (await api.ok(VALIDATION_LIST, {"id": gid(elsewhere)}, token=viewer.token))["validationList"] is None


@pytest.mark.parametrize("role", list(MATRIX))
async def test_money_is_null_without_view_prices(api, role: Role) -> None:
    member = await make_member(role)
    stock = await make_stock()
    await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    vl = (await api.ok(VALIDATION_LISTS, {}, token=member.token))["validationLists"]["edges"][0]["node"]
    sees = Permission.VIEW_PRICES in MATRIX[role]
    assert (vl["total"] is not None) == sees
    assert (vl["lines"][0]["unitPrice"] is not None) == sees and (vl["lines"][0]["lineTotal"] is not None) == sees


@pytest.mark.parametrize("role", roles_with(Permission.VIEW_OWN_ORDERS))
async def test_every_role_reads_its_own(api, role: Role) -> None:
    member = await make_member(role)
    stock = await make_stock()
    row = await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    assert numbers(await api.ok(VALIDATION_LISTS, {}, token=member.token)) == [row.number]


async def test_pending_member_is_forbidden_and_anonymous_unauthenticated(api) -> None:
    pending = await make_member(status=MembershipStatus.PENDING)
    assert error_codes(await api(VALIDATION_LISTS, {}, token=pending.token)) == ["FORBIDDEN"]
    assert error_codes(await api(VALIDATION_LIST, {"id": "x"}, token=pending.token)) == ["FORBIDDEN"]
    assert error_codes(await api(VALIDATION_LISTS, {})) == ["UNAUTHENTICATED"]


async def test_staff_reach_any_list_by_node(api) -> None:
    member = await make_member()
    stock = await make_stock()
    row = await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    _, token = await make_staff()
    node = (await api.ok(NODE, {"id": gid(row)}, token=token))["node"]
    assert node == {"__typename": "ValidationList", "id": gid(row), "number": row.number}


async def test_page_size_limits(api) -> None:
    member = await make_member()
    assert error_codes(await api(VALIDATION_LISTS, {"first": 0}, token=member.token)) == ["LIMIT_EXCEEDED"]
    assert error_codes(await api(VALIDATION_LISTS, {"first": 101}, token=member.token)) == ["LIMIT_EXCEEDED"]


async def _statements(api, sql, token: str, first: int) -> int:
    sql.statements.clear()
    data = await api.ok(VALIDATION_LISTS, {"first": first}, token=token)
    assert len(data["validationLists"]["edges"]) == first
    return len(sql.statements)


async def test_query_count_does_not_grow_with_the_page(api, sql) -> None:
    member = await make_member()
    stock = await make_stock()
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    t = datetime.now(UTC)
    for i in range(50):
        row = await make_validation_list(
            member,
            [(stock.a, "1", "1.00"), (stock.b, "2", "2.00")],
            branch=stock.branch,
            created_at=t - timedelta(minutes=i),
            status="APPROVED" if i % 2 else "SUBMITTED",
        )
        await row.__class__.filter(id=row.id).update(delivery_method="DELIVERY", branch_id=None, ship_to_id=ship_to.id)
    from models import ValidationList
    from resolvers.order import create_order

    for row in await ValidationList.filter(status="APPROVED"):
        await create_order(row)
    counts = [await _statements(api, sql, member.token, n) for n in (1, 20, 50)]
    # session (with the limited numbers), count, page, lines, products, company prices, users,
    # ship-to customer numbers, orders of the approved lists, branches (none here: all delivered)
    assert counts == [counts[0]] * 3, counts
    assert counts[0] == 9, sql.statements
