"""`quickLists` issues the same number of SQL statements for 1 list or 20 lists of 50 lines."""

from __future__ import annotations

import uuid
from decimal import Decimal

from models import Product, QuickList, QuickListLine, Role, StaffRole
from tests.catalog.factories import set_price
from tests.factories import Member, make_member, make_staff

QUERY = """
query {
  quickLists {
    id name lineCount owner { email }
    lines { id quantity note unitPrice { amount } product { name sku netPrice { amount } } }
  }
}
"""
#: session, lists, lines, line counts, owners, products, company prices.
STATEMENTS = 7


async def fill(member: Member, lists: int, lines: int) -> None:
    """`lists` shared lists of `lines` lines each, made by members of the company (several owners)."""
    owners = [member.user, (await make_member(Role.ADMINISTRATOR, company=member.company)).user]
    products = [
        Product(id=uuid.uuid4(), sku=f"QC{lists}-{i:04d}", name_fr=f"P{i}", list_price=Decimal("2.00"))
        for i in range(lines)
    ]
    await Product.bulk_create(products)
    for p in products[:3]:
        await set_price(member.company, p, "1.50")
    for n in range(lists):
        row = await QuickList.create(company=member.company, owner=owners[n % 2], name=f"List {n:02d}", shared=True)
        await QuickListLine.bulk_create(
            [
                QuickListLine(id=uuid.uuid4(), quick_list_id=row.id, product_id=p.id, quantity=Decimal(2), position=i)
                for i, p in enumerate(products)
            ]
        )


async def test_quick_lists_read_in_a_fixed_number_of_statements(api, sql):
    counts = []
    for lists, lines in ((1, 1), (20, 50)):
        member = await make_member(Role.VIEW_PRICES)
        await fill(member, lists, lines)
        sql.statements.clear()
        data = (await api.ok(QUERY, token=member.token))["quickLists"]
        counts.append(len(sql.statements))
        assert len(data) == lists and all(q["lineCount"] == lines and len(q["lines"]) == lines for q in data)
        assert data[0]["lines"][0]["unitPrice"] == {"amount": "1.50"}
        assert data[0]["lines"][-1]["unitPrice"] == ({"amount": "2.00"} if lines > 3 else {"amount": "1.50"})
    print(f"quickLists with 1x1 / 20x50 lines: {counts} statements")
    assert counts == [STATEMENTS, STATEMENTS]


async def test_staff_read_a_companys_lists_in_a_fixed_number_of_statements(api, sql):
    counts = []
    for lists, lines in ((1, 1), (20, 50)):
        staff, token = await make_staff(StaffRole.REPRESENTATIVE)
        member = await make_member(Role.ADMINISTRATOR)
        await fill(member, lists, lines)
        await QuickList.filter(company_id=member.company.id).update(owner_id=staff.id)
        sql.statements.clear()
        data = (await api.ok(QUERY, token=token))["quickLists"]
        counts.append(len(sql.statements))
        assert len(data) == lists and all(q["lineCount"] == lines for q in data)
        assert data[-1]["lines"][0]["unitPrice"] == {"amount": "1.50"}
    print(f"staff quickLists with 1x1 / 20x50 lines: {counts} statements")
    assert counts[0] == counts[1]
