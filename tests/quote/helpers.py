"""Rows for the quote tests: products and quotes made directly, as the API would have made them."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from models import (
    Company,
    CustomerNumber,
    CustomerNumberKind,
    Product,
    Quote,
    QuoteLine,
    QuoteState,
    Role,
    Sequence,
)
from resolvers.core import ids
from resolvers.core.clock import today
from resolvers.core.permissions import MATRIX, Permission

_seq = itertools.count(1)

NUMBER_RE = r"^Q\d{4}-\d{6}$"


def roles_with(permission: Permission) -> list[Role]:
    return [r for r, granted in MATRIX.items() if permission in granted]


def roles_without(permission: Permission) -> list[Role]:
    return [r for r, granted in MATRIX.items() if permission not in granted]


def gid(row: object) -> str:
    return ids.encode(type(row).__name__, row.id)  # type: ignore[attr-defined]


async def make_product(
    sku: str | None = None,
    *,
    list_price: str = "10.00",
    minimum: str = "1",
    multiple: str = "1",
    orderable: bool = True,
    ean: str | None = None,
) -> Product:
    n = next(_seq)
    sku = sku or f"QT-{n:04d}"
    return await Product.create(
        sku=sku,
        ean=ean,
        name_fr=f"Produit {sku}",
        name_en=f"Product {sku}",
        list_price=Decimal(list_price),
        minimum_quantity=Decimal(minimum),
        order_multiple=Decimal(multiple),
        orderable=orderable,
        search_text=sku.lower(),
    )


async def sold_to(company: Company) -> CustomerNumber:
    return await CustomerNumber.get(company_id=company.id, kind=CustomerNumberKind.SOLD_TO)


async def make_quote(
    company: Company,
    *,
    status: QuoteState = QuoteState.ISSUED,
    valid_until: date | None = None,
    customer_number: CustomerNumber | None = None,
    created_at: datetime | None = None,
    reference: str | None = None,
    lines: list[tuple[Product, str, str | None]] | None = None,
    requested_by_id: object = None,
) -> Quote:
    """A quote; ISSUED ones default to valid for ten more days (ACTIVE)."""
    created_at = created_at or datetime.now(UTC) - timedelta(minutes=next(_seq))
    if status == QuoteState.ISSUED and valid_until is None:
        valid_until = today() + timedelta(days=10)
    number = f"Q{created_at.year}-{900000 + next(_seq):06d}"
    total = None
    if status != QuoteState.REQUESTED and lines:
        total = sum((Decimal(q) * Decimal(p or 0) for _, q, p in lines), Decimal(0)).quantize(Decimal("0.01"))
    quote = await Quote.create(
        company_id=company.id,
        customer_number_id=(customer_number or await sold_to(company)).id,
        number=number,
        reference=reference,
        status=status,
        valid_until=valid_until,
        year=created_at.year,
        total=total,
        created_at=created_at,
        requested_by_id=requested_by_id,
    )
    for i, (product, quantity, price) in enumerate(lines or []):
        await QuoteLine.create(
            quote=quote,
            product=product,
            quantity=Decimal(quantity),
            unit_price=Decimal(price) if price is not None else None,
            position=i,
        )
    return quote


async def counts() -> tuple[int, int, int]:
    """Quotes, quote lines and the sum of every counter: what a refused mutation must not change."""
    total = sum(s.value for s in await Sequence.all())
    return await Quote.all().count(), await QuoteLine.all().count(), total
