"""A page of products costs the same number of SQL statements for 1, 20 or 100 products."""

from __future__ import annotations

from decimal import Decimal

from models import BranchStock, Product, SalesUnit
from tests.catalog.factories import make_branch, make_category, set_price, valid_ean
from tests.factories import make_member

PAGE = """
query($first: Int) {
  products(first: $first) {
    totalCount
    edges { node {
      sku name description
      category { name parent { name } }
      listPrice { amount } netPrice { amount } priceBreaks { minimumQuantity unitPrice { amount } }
      availability { branch { name } quantity status }
    } }
  }
}
"""
#: session, page (with its count), category, parent category, company prices, stock rows, branches.
STATEMENTS = 7


async def test_a_page_costs_the_same_statements_for_1_20_and_100_products(api, sql):
    member = await make_member()
    categories = [await make_category(f"Trade {n}/Family {n}") for n in range(3)]
    branches = [await make_branch() for _ in range(4)]
    products = [
        Product(sku=f"QC-{n:04d}", ean=valid_ean(9000 + n), name_fr=f"Produit {n}", unit=SalesUnit.PIECE,
                list_price=Decimal("10"), category_id=categories[n % 3].id)
        for n in range(120)
    ]  # fmt: skip
    await Product.bulk_create(products)
    stock = [(p, b, Decimal(n % 30)) for n, p in enumerate(products) for b in branches[:3]]
    await BranchStock.bulk_create([BranchStock(product_id=p.id, branch_id=b.id, quantity=q) for p, b, q in stock])
    for p in products[::2]:
        await set_price(member.company, p, "9")
        await set_price(member.company, p, "8", minimum=10)

    counts = {}
    for first in (1, 20, 100):
        sql.statements.clear()
        data = await api.ok(PAGE, {"first": first}, token=member.token)
        edges = data["products"]["edges"]
        assert len(edges) == first
        assert all(len(e["node"]["availability"]) == 4 for e in edges)
        assert edges[0]["node"]["priceBreaks"][1]["unitPrice"] == {"amount": "8.00"}
        assert edges[0]["node"]["category"]["parent"]["name"] == "Trade 0"
        counts[first] = len(sql.statements)
    print(f"SQL statements per products page: {counts}")
    assert counts == {1: STATEMENTS, 20: STATEMENTS, 100: STATEMENTS}
