"""Demo quotes: three years of requested, active, expired and declined quotes per company.

Call after the catalog is seeded. Idempotent: a company that has any quote is left alone.
Deterministic per company (seeded random), so two demo databases look alike.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tortoise.transactions import in_transaction

from models import (
    CustomerNumber,
    CustomerNumberKind,
    Membership,
    MembershipStatus,
    Product,
    Quote,
    QuoteLine,
    QuoteState,
    User,
)
from resolvers.catalog.pricing import line_total
from resolvers.core.clock import now
from resolvers.quote.quotes import new_number

REFERENCES = [
    "Chantier rue de la Loi",
    "Renovation Gent Zuid",
    "Villa Waterloo",
    "Projet école Namur",
    "Appartements Liège centre",
    "Bureaux Mechelen",
    "Veranda Knokke",
    None,
]
DISCOUNTS = [Decimal("0.80"), Decimal("0.85"), Decimal("0.90"), Decimal("0.95")]


@dataclass
class _Plan:
    company_id: uuid.UUID
    customer_number_id: uuid.UUID
    requested_by_id: uuid.UUID | None
    created_at: datetime
    status: QuoteState
    valid_until: date | None
    reference: str | None
    lines: list[tuple[Product, Decimal, Decimal | None]]


def _quantity(rng: random.Random, product: Product) -> Decimal:
    step = Decimal(product.order_multiple) or Decimal(1)
    least = math.ceil(Decimal(product.minimum_quantity) / step)
    return step * max(1, least + rng.randint(0, 9))


def _plans_for(
    rng: random.Random,
    company_id: uuid.UUID,
    numbers: list[uuid.UUID],
    members: list[uuid.UUID],
    products: list[Product],
) -> list[_Plan]:
    """Past years: expired or declined. This year: one fresh request, one active quote, then
    quotes valid 30 days from their creation (active or expired by now), a few declined."""
    current = now()
    today = current.date()
    start_of_year = datetime(today.year, 1, 1, tzinfo=UTC)
    plans: list[_Plan] = []
    valid_until: date | None
    for back in (2, 1, 0):
        year = today.year - back
        for i in range(rng.randint(4, 7)):
            if back:
                created = datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(7, 17), tzinfo=UTC)
            elif i == 0:
                created = current - timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 8))
            else:
                created = current - timedelta(days=rng.randint(0, 150), hours=rng.randint(0, 8))
            created = min(max(created, start_of_year), current) if not back else created
            status, valid_until = QuoteState.ISSUED, created.date() + timedelta(days=30)
            if back == 0 and i == 0:
                status, valid_until = QuoteState.REQUESTED, None
            elif back == 0 and i == 1:
                valid_until = today + timedelta(days=rng.randint(0, 60))
            elif rng.random() < 0.2:
                status = QuoteState.DECLINED
            discount = rng.choice(DISCOUNTS)
            lines: list[tuple[Product, Decimal, Decimal | None]] = []
            for product in rng.sample(products, min(len(products), rng.randint(3, 15))):
                price = None
                if status != QuoteState.REQUESTED:
                    price = (Decimal(product.list_price) * discount).quantize(Decimal("0.0001"), ROUND_HALF_UP)
                lines.append((product, _quantity(rng, product), price))
            plans.append(
                _Plan(
                    company_id=company_id,
                    customer_number_id=rng.choice(numbers),
                    requested_by_id=rng.choice(members) if members else None,
                    created_at=created,
                    status=status,
                    valid_until=valid_until,
                    reference=rng.choice(REFERENCES),
                    lines=lines,
                )
            )
    return plans


async def seed_quotes(company_ids: Sequence[uuid.UUID]) -> None:
    """Quotes across the current year and the two before for each company that has none yet."""
    products = await Product.filter(orderable=True).order_by("sku").limit(300)
    if not products:
        return
    staff = await User.filter(staff_role__not_isnull=True).order_by("created_at").first()
    plans: list[_Plan] = []
    for company_id in company_ids:
        if await Quote.filter(company_id=company_id).exists():
            continue
        numbers = await CustomerNumber.filter(company_id=company_id).order_by("number")
        if not numbers:
            continue
        wanted = [n.id for n in numbers if n.kind != CustomerNumberKind.BILL_TO] or [numbers[0].id]
        members: list[Any] = await Membership.filter(company_id=company_id, status=MembershipStatus.ACTIVE).values_list(
            "user_id", flat=True
        )
        rng = random.Random(str(company_id))
        plans += _plans_for(rng, company_id, wanted, list(members), products)
    # Numbered in creation order, so numbers rise with dates within each year.
    plans.sort(key=lambda p: p.created_at)
    async with in_transaction():
        for plan in plans:
            priced = plan.status != QuoteState.REQUESTED
            total = sum((line_total(price, qty) for _, qty, price in plan.lines if price is not None), Decimal(0))
            quote = await Quote.create(
                company_id=plan.company_id,
                customer_number_id=plan.customer_number_id,
                number=await new_number(plan.created_at.year),
                reference=plan.reference,
                status=plan.status,
                valid_until=plan.valid_until,
                year=plan.created_at.year,
                total=total if priced else None,
                requested_by_id=plan.requested_by_id,
                issued_by_id=staff.id if staff and priced else None,
                issued_at=plan.created_at + timedelta(days=1) if priced else None,
                decline_reason="Budget du client revu" if plan.status == QuoteState.DECLINED else None,
                created_at=plan.created_at,
            )
            await QuoteLine.bulk_create(
                [
                    QuoteLine(
                        id=uuid.uuid4(),
                        quote_id=quote.id,
                        product_id=product.id,
                        quantity=qty,
                        unit_price=price,
                        position=i,
                    )
                    for i, (product, qty, price) in enumerate(plan.lines)
                ]
            )
