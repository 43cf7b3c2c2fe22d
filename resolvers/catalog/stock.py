"""stockUpdate: the ERP's stock levels per product and branch, set in bulk, all or nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Branch, BranchStock, Product, User
from resolvers.catalog.products import plain
from resolvers.core import validate
from resolvers.core.audit import record
from resolvers.core.context import Context
from resolvers.core.errors import ErrorCode, Problems, limit_exceeded
from resolvers.core.i18n import tr
from resolvers.lines import storable_problem

MAX_ROWS = 500
#: Tries when a concurrent call inserted the same (product, branch) row first.
ATTEMPTS = 3

Key = tuple[uuid.UUID, uuid.UUID]


class StockLevelValues(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def branch_code(self) -> str: ...
    @property
    def quantity(self) -> Decimal: ...


async def _ids(model: type[Product] | type[Branch], column: str, values: set[str]) -> dict[str, uuid.UUID]:
    """{value: id} of the rows whose `column` is one of `values` (one query)."""
    fitting = [v for v in values if validate.fits(model, column, v)]
    return dict(await model.filter(**{f"{column}__in": fitting}).values_list(column, "id")) if fitting else {}


async def _checked(levels: Sequence[StockLevelValues]) -> dict[Key, tuple[str, str, Decimal]]:
    """{(product id, branch id): (sku, branch code, quantity)}, or every row's problem at
    ["levels", i, ...]: an unknown sku UNKNOWN_PRODUCT_CODE, an unknown branch NOT_FOUND, a
    negative or unstorable quantity INVALID_QUANTITY, a product and branch given twice INVALID."""
    skus = {level.sku.strip() for level in levels}
    codes = {level.branch_code.strip() for level in levels}
    products = await _ids(Product, "sku", skus)
    branches = await _ids(Branch, "code", codes)
    problems = Problems()
    wanted: dict[Key, tuple[str, str, Decimal]] = {}
    for i, level in enumerate(levels):
        at = ("levels", str(i))
        sku, code = level.sku.strip(), level.branch_code.strip()
        product, branch = products.get(sku), branches.get(code)
        if product is None:
            problems.add(
                ErrorCode.UNKNOWN_PRODUCT_CODE,
                tr("Unknown product code {code}.", code=validate.quoted(sku)),
                *at,
                "sku",
            )
        if branch is None:
            problems.add(ErrorCode.NOT_FOUND, tr("Not found."), *at, "branchCode")
        unstorable = storable_problem(level.quantity, zero=True)
        if unstorable is not None:
            problems.add(ErrorCode.INVALID_QUANTITY, unstorable, *at, "quantity")
        if product is not None and branch is not None:
            if (product, branch) in wanted:
                problems.add(ErrorCode.INVALID, tr("This product and branch are already in this call."), *at)
            wanted[(product, branch)] = (sku, code, level.quantity)
    problems.raise_any()
    return wanted


async def _write(actor: User, wanted: dict[Key, tuple[str, str, Decimal]]) -> int:
    rows = await BranchStock.filter(
        product_id__in=list({p for p, _ in wanted}), branch_id__in=list({b for _, b in wanted})
    ).values_list("id", "product_id", "branch_id", "quantity")
    stored = {(p, b): (pk, Decimal(q)) for pk, p, b, q in rows}
    new: list[BranchStock] = []
    changed: list[BranchStock] = []
    audited: list[dict[str, str | None]] = []
    for (product, branch), (sku, code, quantity) in wanted.items():
        before = stored.get((product, branch))
        if before is None:
            new.append(BranchStock(product_id=product, branch_id=branch, quantity=quantity))
        elif before[1] != quantity:
            changed.append(BranchStock(id=before[0], quantity=quantity))
        else:
            continue
        was = str(plain(before[1])) if before is not None else None
        audited.append({"sku": sku, "branchCode": code, "before": was, "after": str(plain(quantity))})
    if not audited:
        return 0
    async with in_transaction():
        if new:
            await BranchStock.bulk_create(new)
        if changed:
            await BranchStock.bulk_update(changed, ["quantity"])
        await record(actor, "stock.updated", after={"updated": len(audited), "levels": audited})
    return len(audited)


async def stock_update(ctx: Context, levels: Sequence[StockLevelValues]) -> int:
    """stockUpdate: set the stock of products (by SKU) at branches (by code), at most 500 rows
    a call (LIMIT_EXCEEDED), all or nothing: one bad row refuses the call with that row's
    problems and changes nothing. Written in a few statements whatever the row count (read,
    one insert, one update, the audit row); answers how many rows changed (same quantity: unchanged)."""
    actor = ctx.require_erp()
    if len(levels) > MAX_ROWS:
        raise limit_exceeded(tr("At most {count} rows per call.", count=MAX_ROWS))
    if not levels:
        return 0
    wanted = await _checked(levels)
    for _ in range(ATTEMPTS - 1):
        try:
            return await _write(actor, wanted)
        except IntegrityError:  # a concurrent call inserted one of these rows first: read them again
            continue
    return await _write(actor, wanted)
