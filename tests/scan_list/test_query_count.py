"""scanLists with lines, products and barcodes: the same SQL statements for 1 and 10 lists of 20 lines."""

from __future__ import annotations

from models import Role, ScanList
from tests.catalog.factories import make_product
from tests.factories import make_member
from tests.scan_list.helpers import make_scan_list

SCAN_LISTS = """
{ scanLists { id name printUrl lines { barcode defaultQuantity product { name sku netPrice { amount } } } } }
"""

# session, scan lists, lines, products, company prices.
EXPECTED_STATEMENTS = 5


async def test_scan_lists_cost_the_same_for_1_and_10_lists(api, sql):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    products = [await make_product() for _ in range(40)]
    counted = {}
    for count in (1, 10):
        await ScanList.all().delete()
        for i in range(count):
            await make_scan_list(member.company, *((products[(i + k) % 40], "1") for k in range(20)), name=f"L{i:02d}")
        sql.statements.clear()
        data = await api.ok(SCAN_LISTS, token=member.token)
        counted[count] = len(sql.statements)
        assert len(data["scanLists"]) == count
        assert all(len(s["lines"]) == 20 and s["lines"][0]["product"]["name"] for s in data["scanLists"])

    assert counted == {1: EXPECTED_STATEMENTS, 10: EXPECTED_STATEMENTS}
