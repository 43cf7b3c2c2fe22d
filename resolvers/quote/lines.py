"""Quote lines: checking what customers ask for and what staff price, and saving the lines."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from models import Product, Quote, QuoteLine
from resolvers.catalog.pricing import line_total
from resolvers.core.context import Context
from resolvers.core.errors import ErrorCode, Problems
from resolvers.core.i18n import tr
from resolvers.lines import LineLike, all_problems, check_lines, check_quantity, products_by_id

#: Column limit of unit prices (12 digits, 4 decimals); quantities: resolvers.lines.check_quantity.
MAX_UNIT_PRICE = Decimal("99999999")


class IssueLine(Protocol):
    @property
    def product_id(self) -> str: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def unit_price(self) -> Decimal: ...


@dataclass
class LineDraft:
    product: Product
    quantity: Decimal
    unit_price: Decimal | None = None
    note: str | None = None


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


async def request_lines(ctx: Context, problems: Problems, lines: Sequence[LineLike]) -> list[LineDraft]:
    """At least one line, each checked as every LineInput is (resolvers.lines.check_lines: an
    unknown productId is NOT_FOUND, an unknown code UNKNOWN_PRODUCT_CODE, orderable products,
    quantity rules), with its problems under ["input", "lines", i, ...]."""
    if not lines:
        problems.add(ErrorCode.REQUIRED, tr("Add at least one line."), "input", "lines")
        return []
    checked = await check_lines(ctx, lines, "input", "lines")
    problems.items.extend(all_problems(checked))
    return [LineDraft(line.product, line.quantity, note=line.note) for line in checked if line.product is not None]


async def issue_lines(ctx: Context, problems: Problems, lines: Sequence[IssueLine]) -> list[LineDraft]:
    """Each line a known product (by id: NOT_FOUND otherwise, as for every LineInput), a valid
    quantity and a unit price of at least 0."""
    if not lines:
        problems.add(ErrorCode.REQUIRED, tr("Add at least one line."), "input", "lines")
        return []
    by_id = await products_by_id(ctx, [line.product_id for line in lines])
    result: list[LineDraft] = []
    for i, line in enumerate(lines):
        at = ("input", "lines", str(i))
        product = by_id.get(line.product_id)
        if product is None:
            problems.add(ErrorCode.NOT_FOUND, tr("No product has this id."), *at, "productId")
            continue
        check_quantity(problems, product, line.quantity, *at, "quantity")
        price = line.unit_price
        if not price.is_finite() or price < 0 or price > MAX_UNIT_PRICE or _decimals(price) > 4:
            problems.add(
                ErrorCode.INVALID, tr("A unit price from 0 to 99999999, at most 4 decimals."), *at, "unitPrice"
            )
        result.append(LineDraft(product, line.quantity, unit_price=line.unit_price))
    return result


async def save_lines(quote_row: Quote, lines: list[LineDraft]) -> None:
    await QuoteLine.bulk_create(
        [
            QuoteLine(
                id=uuid.uuid4(),
                quote_id=quote_row.id,
                product_id=line.product.id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                note=line.note,
                position=i,
            )
            for i, line in enumerate(lines)
        ]
    )


def total_of(lines: list[LineDraft]) -> Decimal:
    """The sum of the line totals (each rounded half-up to cents)."""
    return sum(
        (line_total(line.unit_price, line.quantity) for line in lines if line.unit_price is not None), Decimal(0)
    )
