"""stockUpdate: the ERP's stock per product and branch, in bulk, all or nothing, audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import AuditEvent, BranchStock, IntegrationScope
from tests.catalog.factories import make_branch, make_product
from tests.conftest import error_codes
from tests.shipment.helpers import (
    ALLOWED,
    REFUSED,
    caller,
)

STOCK = "mutation($levels: [StockLevelInput!]!) { stockUpdate(levels: $levels) { updated userErrors { field code } } }"


async def stored() -> dict:
    rows = await BranchStock.all().values_list("product__sku", "branch__code", "quantity")
    return {(sku, code): Decimal(q) for sku, code, q in rows}


async def update(api, token, *levels: tuple[str, str, str]) -> dict:
    variables = {"levels": [{"sku": s, "branchCode": b, "quantity": q} for s, b, q in levels]}
    return (await api.ok(STOCK, variables, token=token))["stockUpdate"]


@pytest.fixture
async def catalog(db):
    a, b = await make_product(sku="A-1"), await make_product(sku="B-2")
    north, south = await make_branch(code="NORTH"), await make_branch(code="SOUTH")
    await BranchStock.create(product=a, branch=north, quantity=Decimal(5))
    await BranchStock.create(product=b, branch=north, quantity=Decimal(7))
    return a, b, north, south


async def test_levels_are_set_and_only_changed_rows_count(api, scoped, catalog) -> None:
    token = await scoped(IntegrationScope.WRITE_ERP)
    data = await update(api, token, ("A-1", "NORTH", "12"), ("B-2", "NORTH", "7.000"), (" A-1 ", "SOUTH", "0.5"))
    assert data == {"updated": 2, "userErrors": []}
    assert await stored() == {("A-1", "NORTH"): 12, ("B-2", "NORTH"): 7, ("A-1", "SOUTH"): Decimal("0.5")}
    audit = await AuditEvent.get(action="stock.updated")
    assert audit.details["after"] == {
        "updated": 2,
        "levels": [
            {"sku": "A-1", "branchCode": "NORTH", "before": "5", "after": "12"},
            {"sku": "A-1", "branchCode": "SOUTH", "before": None, "after": "0.5"},
        ],
    }
    # The same levels again change nothing: no row, no audit.
    again = await update(api, token, ("A-1", "NORTH", "12"), ("A-1", "SOUTH", "0.500"))
    assert again == {"updated": 0, "userErrors": []}
    assert await AuditEvent.filter(action="stock.updated").count() == 1
    assert await update(api, token) == {"updated": 0, "userErrors": []}


@pytest.mark.parametrize("who", ALLOWED)
async def test_each_allowed_caller(api, scoped, catalog, who) -> None:
    assert (await update(api, await caller(scoped, who), ("A-1", "NORTH", "1")))["updated"] == 1


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (("NOPE", "NORTH", "1"), ("UNKNOWN_PRODUCT_CODE", ["levels", "1", "sku"])),
        (("X" * 500, "NORTH", "1"), ("UNKNOWN_PRODUCT_CODE", ["levels", "1", "sku"])),
        (("B-2", "WEST", "1"), ("NOT_FOUND", ["levels", "1", "branchCode"])),
        (("B-2", "NORTH", "-1"), ("INVALID_QUANTITY", ["levels", "1", "quantity"])),
        (("B-2", "NORTH", "0.0001"), ("INVALID_QUANTITY", ["levels", "1", "quantity"])),
        (("B-2", "NORTH", "NaN"), ("INVALID_QUANTITY", ["levels", "1", "quantity"])),
        (("B-2", "NORTH", "1e10"), ("INVALID_QUANTITY", ["levels", "1", "quantity"])),
        (("A-1", "NORTH", "3"), ("INVALID", ["levels", "1"])),  # the first row's product and branch again
    ],
)
async def test_one_bad_row_refuses_them_all(api, scoped, catalog, row, expected) -> None:
    token = await scoped(IntegrationScope.WRITE_ERP)
    before = await stored()
    data = await update(api, token, ("A-1", "NORTH", "9"), row)
    assert data["updated"] == 0 and [(e["code"], e["field"]) for e in data["userErrors"]] == [expected]
    assert await stored() == before
    assert not await AuditEvent.filter(action="stock.updated").exists()


async def test_every_bad_row_is_named(api, scoped, catalog) -> None:
    data = await update(api, await scoped(IntegrationScope.WRITE_ERP), ("NOPE", "WEST", "-2"), ("A-1", "NORTH", "0"))
    assert [(e["code"], e["field"]) for e in data["userErrors"]] == [
        ("UNKNOWN_PRODUCT_CODE", ["levels", "0", "sku"]),
        ("NOT_FOUND", ["levels", "0", "branchCode"]),
        ("INVALID_QUANTITY", ["levels", "0", "quantity"]),
    ]
    assert await stored() == {("A-1", "NORTH"): 5, ("B-2", "NORTH"): 7}


async def test_at_most_500_rows(api, scoped, catalog) -> None:
    token = await scoped(IntegrationScope.WRITE_ERP)
    levels = [{"sku": "A-1", "branchCode": "NORTH", "quantity": "1"}] * 501
    body = await api(STOCK, {"levels": levels}, token=token)
    assert error_codes(body) == ["LIMIT_EXCEEDED"]
    assert await stored() == {("A-1", "NORTH"): 5, ("B-2", "NORTH"): 7}


async def test_a_few_statements_whatever_the_row_count(api, scoped, sql) -> None:
    token = await scoped(IntegrationScope.WRITE_ERP)
    await api("{ viewer { permissions } }", token=token)  # the key's first use records lastUsedAt
    products = [await make_product() for _ in range(50)]
    branches = [await make_branch() for _ in range(10)]
    for product in products[:25]:
        for branch in branches:
            await BranchStock.create(product=product, branch=branch, quantity=Decimal(1))
    every = [(p.sku, b.code) for p in products for b in branches]  # the first 250 stored, the rest new
    counted = {}
    for levels in ([every[0], every[-1]], every):  # each call changes some rows and adds others
        sql.statements.clear()
        assert (await update(api, token, *((s, b, str(len(levels))) for s, b in levels)))["updated"] == len(levels)
        counted[len(levels)] = len(sql.statements)
    # the key, products, branches, stored rows, insert, update, audit, the client's WRITE_ERP audit
    assert counted == {2: 8, 500: 8}, counted


@pytest.mark.parametrize("who", sorted(REFUSED))
async def test_callers_that_may_not_set_stock(api, scoped, catalog, who) -> None:
    body = await api(
        STOCK, {"levels": [{"sku": "A-1", "branchCode": "NORTH", "quantity": "1"}]}, token=await caller(scoped, who)
    )
    assert error_codes(body) == [REFUSED[who]] and body["data"] is None
    assert await stored() == {("A-1", "NORTH"): 5, ("B-2", "NORTH"): 7}
