"""`cart` issues the same number of SQL statements for 1, 50 or 200 lines."""

from __future__ import annotations

import uuid
from decimal import Decimal

from models import Cart, CartLine, CustomerNumberKind, Product, Role
from resolvers.cart import cart_id_of
from tests.catalog.factories import make_branch, set_price
from tests.factories import make_customer_number, make_member

QUERY = """
query {
  cart {
    lineCount subtotal { amount }
    lines { id quantity product { name sku netPrice { amount } } unitPrice { amount } lineTotal { amount } }
    delivery { method shipTo { number } branch { name } }
  }
}
"""


async def fill(member, count: int, **delivery) -> None:
    cart = await Cart.create(
        id=cart_id_of(member.membership), membership_id=member.membership.id, company_id=member.company.id, **delivery
    )
    products = [
        Product(id=uuid.uuid4(), sku=f"Q{count}-{i:04d}", name_fr=f"P{i}", list_price=Decimal("2.00"))
        for i in range(count)
    ]
    await Product.bulk_create(products)
    for p in products[:3]:
        await set_price(member.company, p, "1.50")
    await CartLine.bulk_create(
        [
            CartLine(id=uuid.uuid4(), cart_id=cart.id, product_id=p.id, quantity=Decimal(2), position=i)
            for i, p in enumerate(products)
        ]
    )


async def test_cart_reads_in_a_fixed_number_of_statements(api, sql):
    counts = []
    for n in (1, 50, 200):
        member = await make_member(Role.ADMINISTRATOR)
        ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
        await fill(member, n, delivery_method="DELIVERY", ship_to_id=ship_to.id)
        sql.statements.clear()
        cart = (await api.ok(QUERY, token=member.token))["cart"]
        counts.append(len(sql.statements))
        assert cart["lineCount"] == n and cart["delivery"]["shipTo"]["number"] == ship_to.number
        assert Decimal(cart["subtotal"]["amount"]) == Decimal("3.00") * min(n, 3) + Decimal("4.00") * max(n - 3, 0)
    print(f"cart with 1/50/200 lines: {counts} statements")
    assert counts[0] == counts[1] == counts[2]


async def test_cart_with_a_pickup_branch_reads_in_a_fixed_number_of_statements(api, sql):
    counts = []
    branch = await make_branch(name="Gent")
    for n in (1, 200):
        member = await make_member(Role.ORDER_WITHOUT_PRICES)
        await fill(member, n, delivery_method="PICKUP", branch_id=branch.id)
        sql.statements.clear()
        cart = (await api.ok(QUERY, token=member.token))["cart"]
        counts.append(len(sql.statements))
        assert cart["delivery"]["branch"] == {"name": "Gent"} and cart["subtotal"] is None
    assert counts[0] == counts[1]
