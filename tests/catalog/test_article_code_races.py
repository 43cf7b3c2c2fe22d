"""articleCodeSet racing itself on PostgreSQL (each request's transaction on its own connection):
the same code set at once is one row, whichever product it ends on."""

from __future__ import annotations

import asyncio

import pytest

from models import CompanyArticleCode
from tests.catalog.factories import gid, make_product
from tests.catalog.test_article_codes import SET
from tests.factories import make_member

pytestmark = pytest.mark.postgres


async def test_the_same_code_set_at_once_is_one_row(api) -> None:
    admin = await make_member()
    products = [await make_product(f"RC-{n}") for n in range(2)]
    calls = [api(SET, {"productId": gid(products[n % 2]), "code": "RACE"}, token=admin.token) for n in range(6)]
    results = await asyncio.gather(*calls)
    payloads = [r["data"]["articleCodeSet"] for r in results]
    assert all(p["userErrors"] == [] for p in payloads), results
    rows = await CompanyArticleCode.filter(code="RACE").values_list("product_id", flat=True)
    assert len(rows) == 1 and rows[0] in {p.id for p in products}
