"""The demo catalog: realistic, valid, complete and idempotent."""

from __future__ import annotations

import time

from stdnum import ean

from demo.catalog import seed_catalog
from models import Branch, BranchStock, Category, CompanyArticleCode, CompanyPrice, Product
from tests.factories import make_company, make_member

SEARCH = """query($s: String) { products(filter: {search: $s}, first: 3) { totalCount
  edges { node { name netPrice { amount } availability { status } category { parent { name } } } } } }"""


async def test_the_demo_catalog_is_complete_and_idempotent(api):
    member = await make_member()
    other = await make_company()
    started = time.monotonic()
    await seed_catalog([member.company.id, other.id])
    assert time.monotonic() - started < 20

    products = await Product.all().values("ean", "name_fr", "name_nl", "name_en", "search_text", "category_id")
    assert 2900 <= len(products) <= 3100
    assert all(ean.is_valid(p["ean"]) and len(p["ean"]) == 13 for p in products)
    assert all(p["name_nl"] and p["name_en"] and p["search_text"] and p["category_id"] for p in products)
    assert len({p["name_fr"] for p in products}) == len(products)
    branches = await Branch.all()
    assert len(branches) == 8 and all(b.opening_hours and b.phone and b.country_code == "BE" for b in branches)
    assert await BranchStock.all().count() == len(products) * 8
    assert await Category.filter(parent_id=None).count() >= 6
    assert await Category.filter(path__contains="/").count() > 15
    for company in (member.company, other):
        assert await CompanyPrice.filter(company_id=company.id, minimum_quantity=10).exists()
        assert await CompanyArticleCode.filter(company_id=company.id).exists()

    tables = (Product, Branch, BranchStock, Category, CompanyPrice, CompanyArticleCode)
    counts = [await m.all().count() for m in tables]
    await seed_catalog([member.company.id, other.id])
    assert [await m.all().count() for m in tables] == counts

    data = await api.ok(SEARCH, {"s": "silicone blanc"}, token=member.token)
    assert data["products"]["totalCount"] > 0
    assert all("ilicone" in e["node"]["name"] for e in data["products"]["edges"])
    assert all(len(e["node"]["availability"]) == 8 for e in data["products"]["edges"])


async def test_a_later_company_gets_its_price_list(db):
    first = await make_company()
    await seed_catalog([first.id])
    late = await make_company()
    await seed_catalog([first.id, late.id])
    assert await CompanyPrice.filter(company_id=late.id).count() > 0
