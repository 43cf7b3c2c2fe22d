"""Backoffice.scanLists: staff find the scan lists of every company, those awaiting approval
first of all, oldest first, in pages of 1 to 100."""

from __future__ import annotations

import pytest

from models import Role, StaffRole
from resolvers.core import ids
from tests.catalog.factories import make_product
from tests.conftest import error_codes
from tests.factories import make_member, make_staff
from tests.scan_list.helpers import make_scan_list

SCAN_LISTS = """
query($approved: Boolean, $companyId: ID, $first: Int, $after: String) {
  backoffice {
    scanLists(approved: $approved, companyId: $companyId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id name approved printUrl company { name } lines { barcode product { sku } } } }
    }
  }
}
"""


async def names(api, token, **variables) -> list[str]:
    data = await api.ok(SCAN_LISTS, variables, token=token)
    return [e["node"]["name"] for e in data["backoffice"]["scanLists"]["edges"]]


@pytest.fixture
async def lists(db):
    """Two companies: an approved and a waiting list, and another company's waiting list."""
    first = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.ADMINISTRATOR)
    product = await make_product("BO-1")
    await make_scan_list(first.company, (product, "1"), name="A approved")
    await make_scan_list(first.company, (product, "2"), name="B waiting", approved=False)
    await make_scan_list(other.company, (product, "3"), name="C waiting elsewhere", approved=False)
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    return first, other, token


async def test_staff_see_every_list_oldest_first(api, lists):
    first, _, token = lists
    data = await api.ok(SCAN_LISTS, {}, token=token)
    connection = data["backoffice"]["scanLists"]
    assert connection["totalCount"] == 3
    assert [e["node"]["name"] for e in connection["edges"]] == ["A approved", "B waiting", "C waiting elsewhere"]
    waiting = connection["edges"][1]["node"]
    assert waiting["approved"] is False and waiting["printUrl"] is None
    assert waiting["company"] == {"name": first.company.name}
    assert waiting["lines"] == [{"barcode": waiting["lines"][0]["barcode"], "product": {"sku": "BO-1"}}]


async def test_filtered_by_approval_and_company(api, lists):
    first, other, token = lists
    assert await names(api, token, approved=False) == ["B waiting", "C waiting elsewhere"]
    assert await names(api, token, approved=True) == ["A approved"]
    assert await names(api, token, companyId=first.company_id) == ["A approved", "B waiting"]
    assert await names(api, token, approved=False, companyId=other.company_id) == ["C waiting elsewhere"]
    # An unknown or malformed company holds no lists.
    assert await names(api, token, companyId=ids.encode("Company", first.user.id)) == []
    assert await names(api, token, companyId="garbage") == []


async def test_pages_follow_the_cursor(api, lists):
    _, _, token = lists
    page = (await api.ok(SCAN_LISTS, {"first": 2}, token=token))["backoffice"]["scanLists"]
    assert [e["node"]["name"] for e in page["edges"]] == ["A approved", "B waiting"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await names(api, token, first=2, after=page["pageInfo"]["endCursor"])
    assert rest == ["C waiting elsewhere"]


@pytest.mark.parametrize("first", [0, 101])
async def test_page_size_is_1_to_100(api, lists, first):
    _, _, token = lists
    assert error_codes(await api(SCAN_LISTS, {"first": first}, token=token)) == ["LIMIT_EXCEEDED"]


@pytest.mark.parametrize("count", [1, 10])
async def test_the_query_count_does_not_grow_with_the_page(api, sql, count):
    _, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    for i in range(count):
        member = await make_member(Role.ADMINISTRATOR)
        await make_scan_list(member.company, (await make_product(), "1"), (await make_product(), "2"), name=f"L{i}")
    sql.statements.clear()
    assert len(await names(api, token, first=count)) == count
    # session, count, page, lines, companies, products (with their stock, prices and categories)
    assert len(sql.statements) == STATEMENTS, sql.statements


STATEMENTS = 6
