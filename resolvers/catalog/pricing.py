"""The price rule, shared by the catalog, quotes, carts and orders.

A company's price list holds, per product, unit prices from a minimum quantity on: the row
at minimum 1 is the company's net price, the others are quantity breaks. A line's unit price
is the best break whose minimum is at most the line's quantity, else the list price.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from models import CompanyPrice
from resolvers.core.access import of_company
from resolvers.core.rows import fetch

CENT = Decimal("0.01")
ONE = Decimal(1)


class Break(NamedTuple):
    """One row of a company's price list: `unit_price` from `minimum_quantity` units on."""

    minimum_quantity: Decimal
    unit_price: Decimal


def unit_price(list_price: Decimal, breaks: Iterable[Break], quantity: Decimal) -> Decimal:
    """The best (lowest) company price among the breaks whose minimum is <= quantity; else the list price."""
    eligible = [b.unit_price for b in breaks if b.minimum_quantity <= quantity]
    return min(eligible) if eligible else list_price


def net_price(list_price: Decimal, breaks: Iterable[Break]) -> Decimal:
    """The company's price for one unit (its break at 1), else the list price."""
    return unit_price(list_price, breaks, ONE)


def line_total(price: Decimal, quantity: Decimal) -> Decimal:
    """unit price x quantity, rounded half-up to cents."""
    return (price * quantity).quantize(CENT, ROUND_HALF_UP)


def sort_breaks(breaks: Iterable[Break]) -> list[Break]:
    # Sorted in Python: SQLite stores decimals as text, so ORDER BY would sort "10" before "2".
    return sorted(breaks, key=lambda b: b.minimum_quantity)


async def company_breaks(
    company_id: uuid.UUID | None, product_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Break]]:
    """One query (the ids as one array parameter on PostgreSQL): each product's price-list rows
    for the company, ascending minimum ({} for none)."""
    if company_id is None or not product_ids:
        return {}
    rows = await fetch(
        of_company(CompanyPrice, company_id), "product_id", product_ids, "product_id", "minimum_quantity", "unit_price"
    )
    found: dict[uuid.UUID, list[Break]] = defaultdict(list)
    for product_id, minimum, price in rows:
        found[product_id].append(Break(Decimal(minimum), Decimal(price)))
    return {k: sort_breaks(v) for k, v in found.items()}
