"""Catalog rows for tests: categories, products (valid EANs), branches, stock, company prices."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from stdnum import ean as ean_check

from models import Branch, BranchStock, Category, Company, CompanyArticleCode, CompanyPrice, Product, SalesUnit
from resolvers.core import ids

_seq = itertools.count(1)


def valid_ean(n: int) -> str:
    base = f"5400{n:08d}"
    return base + ean_check.calc_check_digit(base)


def gid(row: Any) -> str:
    return ids.encode(type(row).__name__, row.id)


async def make_category(path: str, name_nl: str | None = None, name_en: str | None = None) -> Category:
    """The category at `path` (its parents made too), FR name = last segment."""
    parent = None
    parts = path.split("/")
    for i in range(len(parts)):
        sub = "/".join(parts[: i + 1])
        row = await Category.get_or_none(path=sub)
        if row is None:
            last = i == len(parts) - 1
            row = await Category.create(
                path=sub,
                name_fr=parts[i],
                name_nl=name_nl if last else None,
                name_en=name_en if last else None,
                parent_id=parent.id if parent else None,
            )
        parent = row
    assert parent is not None
    return parent


async def make_product(sku: str | None = None, **kw: Any) -> Product:
    n = next(_seq)
    values: dict[str, Any] = {
        "sku": sku or f"SKU-{n:05d}",
        "ean": valid_ean(n),
        "name_fr": f"Produit {n}",
        "name_nl": f"Product {n} NL",
        "name_en": f"Product {n} EN",
        "brand": "Acme",
        "unit": SalesUnit.PIECE,
        "list_price": Decimal("10.00"),
    }
    values.update(kw)
    return await Product.create(**values)


async def make_branch(code: str | None = None, name: str | None = None) -> Branch:
    n = next(_seq)
    return await Branch.create(
        code=code or f"B{n:03d}",
        name=name or f"Branch {n}",
        line1=f"Rue {n}",
        postal_code="1000",
        city="Bruxelles",
        country_code="BE",
        phone="+32 2 000 00 00",
        opening_hours="Mon-Fri 7:00-17:00, Sat 8:00-12:00",
    )


async def set_stock(product: Product, branch: Branch, quantity: str | int) -> BranchStock:
    return await BranchStock.create(product_id=product.id, branch_id=branch.id, quantity=Decimal(quantity))


async def set_price(company: Company, product: Product, unit_price: str, minimum: str | int = 1) -> CompanyPrice:
    return await CompanyPrice.create(
        company_id=company.id, product_id=product.id, minimum_quantity=Decimal(minimum), unit_price=Decimal(unit_price)
    )


async def set_article_code(company: Company, product: Product, code: str) -> CompanyArticleCode:
    return await CompanyArticleCode.create(company_id=company.id, product_id=product.id, code=code)
