"""seed_quotes: three years of demo quotes per company, idempotent."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from demo.quotes import seed_quotes
from models import Quote, QuoteLine, QuoteState, Role
from tests.factories import make_member
from tests.quote.helpers import NUMBER_RE, make_product

QUOTES = "query { quotes(first: 100) { totalCount edges { node { status lines { product { sku } } } } } quoteYears }"


async def test_seed_quotes_makes_three_years_of_quotes_once(api):
    a = await make_member(Role.VIEW_PRICES)
    b = await make_member(Role.ADMINISTRATOR)
    for i in range(20):
        await make_product(f"DEMO-{i:02d}", minimum="2", multiple="2" if i % 2 else "1")

    await seed_quotes([a.company.id, b.company.id])
    made = await Quote.all().count()
    await seed_quotes([a.company.id, b.company.id])

    assert await Quote.all().count() == made
    year = datetime.now(UTC).year
    for member in (a, b):
        data = await api.ok(QUOTES, token=member.token)
        assert data["quoteYears"] == [year, year - 1, year - 2]
        statuses = Counter(e["node"]["status"] for e in data["quotes"]["edges"])
        assert statuses["REQUESTED"] >= 1 and statuses["ACTIVE"] >= 1 and statuses["EXPIRED"] >= 1
        assert all(3 <= len(e["node"]["lines"]) <= 15 for e in data["quotes"]["edges"])
    quotes = await Quote.all()
    assert all(re.match(NUMBER_RE, q.number) and q.number.startswith(f"Q{q.year}-") for q in quotes)
    assert all(q.created_at.year == q.year for q in quotes)
    issued = [q for q in quotes if q.status == QuoteState.ISSUED]
    assert all(q.total is not None and q.valid_until is not None for q in issued)
    for line in await QuoteLine.all().prefetch_related("product"):
        assert line.quantity >= line.product.minimum_quantity
        assert line.quantity % line.product.order_multiple == 0
    # Numbers rise with creation dates within each year.
    for y in (year, year - 1, year - 2):
        in_year = sorted((q for q in quotes if q.year == y), key=lambda q: q.created_at)
        assert [q.number for q in in_year] == sorted(q.number for q in in_year)


async def test_seed_quotes_without_products_does_nothing(db):
    member = await make_member()
    await seed_quotes([member.company.id])
    assert await Quote.all().count() == 0
