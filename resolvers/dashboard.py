"""The staff dashboard: figures over a period of Europe/Brussels days, each group computed by one
SQL aggregate in the database (GROUP BY, scalar subqueries: no order row reaches Python).

Rules the spec leaves open, decided here:
- An order counts on the Brussels day it was placed (created); CANCELLED orders are left out of
  every figure (orders, revenue, branches, work domains, products, active companies): nothing
  was sold.
- Revenue is `Order.total`: the sum of its line totals excluding VAT, each rounded to cents.
- byDay has a row for every day of the period (zeros included): a chart needs no gaps filled.
- A company with several work domains counts each of its orders in every one of them: the
  byWorkDomain rows overlap and may add up to more than the period's revenue.
- activeCompanies: companies with at least one (not cancelled) order in the period.
- The validation queue's `submitted` and `oldestSubmittedAt`, companies awaiting review and the
  outbox are as they are now; approved, rejected and the median are decisions taken in the
  period. The quote funnel counts what happened in the period: requested (created), issued,
  accepted, and expired (still unaccepted, validity ended in the period before today).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections

from resolvers.core.clock import today
from resolvers.core.context import Context
from resolvers.core.errors import AccessError, limit_exceeded
from resolvers.core.i18n import tr
from resolvers.core.pagination import check_first

BRUSSELS = ZoneInfo("Europe/Brussels")
#: The longest period, in days: three years, one of them a leap year.
MAX_DAYS = 3 * 365 + 1
TOP_PRODUCTS = 10

#: The period's sold orders (parameters: since, until).
SOLD = 'o."created_at" >= ? AND o."created_at" < ? AND o."status" <> \'CANCELLED\''
#: Validation lists decided in the period (parameters: since, until).
DECIDED = 'v."decided_at" >= ? AND v."decided_at" < ? AND v."status" IN (\'APPROVED\', \'REJECTED\')'


@dataclass(frozen=True)
class Sales:
    key: Any  # a date, a branch id (None: deliveries), a work domain or a product id
    orders: int
    revenue: Decimal
    quantity: Decimal = Decimal(0)


@dataclass(frozen=True)
class Figures:
    start: date
    end: date
    by_day: list[Sales]
    by_branch: list[Sales]
    by_work_domain: list[Sales]
    active_companies: int
    companies_awaiting_review: int
    submitted: int
    oldest_submitted_at: datetime | None
    median_decision_minutes: float | None
    approved: int
    rejected: int
    quotes_requested: int
    quotes_issued: int
    quotes_accepted: int
    quotes_expired: int
    outbox_pending: int
    outbox_failed: int

    @property
    def orders(self) -> int:
        return sum(d.orders for d in self.by_day)

    @property
    def revenue(self) -> Decimal:
        return sum((d.revenue for d in self.by_day), Decimal(0))


class Period:
    """[start, end] in Brussels days as UTC instants [since, until), with the SQL of the dialect."""

    def __init__(self, start: date, end: date) -> None:
        if start > end:
            raise AccessError("INVALID", tr("The period's start (from) must not be after its end (to)."))
        if (end - start).days + 1 > MAX_DAYS:
            raise limit_exceeded(tr("A period is at most {days} days.", days=MAX_DAYS))
        self.start, self.end = start, end
        self.since, self.until = _utc(start), _utc(end + timedelta(days=1))
        self.db = connections.get("default")
        self.postgres = self.db.capabilities.dialect == "postgres"

    async def rows(self, text: str, params: list[Any]) -> list[dict[str, Any]]:
        if self.postgres:  # asyncpg numbers its placeholders
            parts = text.split("?")
            text = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))
        return await self.db.execute_query_dict(text, params)

    def day(self, column: str) -> str:
        """The Brussels date of a UTC timestamp column. SQLite has no time zones: each stretch
        between the period's DST changes (known to zoneinfo) adds its own offset to the UTC time."""
        if self.postgres:
            return f"({column} AT TIME ZONE 'Europe/Brussels')::date"
        *earlier, (_, last) = self._stretches()
        if not earlier:
            return f"date({column}, '{last}')"
        cases = " ".join(f"WHEN {column} < '{until}' THEN '{shift}'" for until, shift in earlier)
        return f"date({column}, CASE {cases} ELSE '{last}' END)"

    def _stretches(self) -> list[tuple[str, str]]:
        """(the UTC instant a stretch ends, its offset as an SQLite modifier), in time order.
        Brussels changes offset on the hour, at most twice a year: a daily walk finds each day
        with a change, an hourly one within it the hour."""
        stretches: list[tuple[str, str]] = []
        moment = self.since
        offset = _offset(moment)
        while moment < self.until:
            step = min(moment + timedelta(days=1), self.until)
            if _offset(step) != offset:
                step = moment + timedelta(hours=1)
                while _offset(step) == offset:
                    step += timedelta(hours=1)
                stretches.append((step.isoformat(sep=" "), _modifier(offset)))
                offset = _offset(step)
            moment = step
        return [*stretches, (self.until.isoformat(sep=" "), _modifier(offset))]


def _offset(moment: datetime) -> timedelta:
    return moment.astimezone(BRUSSELS).utcoffset() or timedelta()


def _modifier(offset: timedelta) -> str:
    return f"{int(offset.total_seconds() // 3600):+d} hours"


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), BRUSSELS).astimezone(UTC)


def _cents(expression: str) -> str:
    """A SUM in whole cents, rounded half-up per row: exact on SQLite too, whose decimals are
    text that arithmetic turns into REAL."""
    return f"COALESCE(SUM(CAST(ROUND(({expression}) * 100) AS BIGINT)), 0)"


def _money(cents: Any) -> Decimal:
    return Decimal(cents) / 100


def _sales(rows: list[dict[str, Any]], key: Any = lambda k: k) -> list[Sales]:
    """Highest revenue first, then by key; a null key (deliveries) last among equals."""
    sales = [Sales(None if r["key"] is None else key(r["key"]), r["orders"], _money(r["revenue"])) for r in rows]
    return sorted(sales, key=lambda s: (-s.revenue, s.key is None, str(s.key)))


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _as_datetime(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def dashboard(ctx: Context, start: date, end: date) -> Figures:
    """The period's figures in four statements (days, branches, work domains, the single numbers),
    for staff. INVALID when from is after to, LIMIT_EXCEEDED over MAX_DAYS days."""
    ctx.require_staff()
    p = Period(start, end)
    period = [p.since, p.until]
    day = p.day('o."created_at"')
    days = await p.rows(
        f'SELECT {day} AS "key", COUNT(*) AS "orders", {_cents("o.total")} AS "revenue" '
        f'FROM "customer_order" o WHERE {SOLD} GROUP BY {day}',
        period,
    )
    by_date = {_as_date(r["key"]): r for r in days}
    branches = await p.rows(
        f'SELECT o."branch_id" AS "key", COUNT(*) AS "orders", {_cents("o.total")} AS "revenue" '
        f'FROM "customer_order" o WHERE {SOLD} GROUP BY o."branch_id"',
        period,
    )
    elements = (
        'jsonb_array_elements_text(c."work_domains"::jsonb) AS d("value")'
        if p.postgres
        else 'json_each(c."work_domains") AS d'
    )
    # Orders summed per company first: each company's domains are then expanded once, not per order.
    domains = await p.rows(
        f'SELECT d."value" AS "key", SUM(per."orders") AS "orders", SUM(per."revenue") AS "revenue" FROM '
        f'(SELECT o."company_id", COUNT(*) AS "orders", {_cents("o.total")} AS "revenue" FROM "customer_order" o '
        f'WHERE {SOLD} GROUP BY o."company_id") AS per JOIN "company" c ON c."id" = per."company_id" '
        f'CROSS JOIN {elements} GROUP BY d."value"',
        period,
    )
    one = (await p.rows(*_single_numbers(p)))[0]
    every_day = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return Figures(
        start=start,
        end=end,
        by_day=[
            Sales(d, by_date[d]["orders"], _money(by_date[d]["revenue"])) if d in by_date else Sales(d, 0, Decimal(0))
            for d in every_day
        ],
        by_branch=_sales(branches, _as_uuid),
        by_work_domain=_sales(domains),
        active_companies=one["active_companies"],
        companies_awaiting_review=one["awaiting_review"],
        submitted=one["submitted"],
        oldest_submitted_at=_as_datetime(one["oldest_submitted"]),
        median_decision_minutes=None if one["median"] is None else round(float(one["median"]), 1),
        approved=one["approved"],
        rejected=one["rejected"],
        quotes_requested=one["q_requested"],
        quotes_issued=one["q_issued"],
        quotes_accepted=one["q_accepted"],
        quotes_expired=one["q_expired"],
        outbox_pending=one["mail_pending"] + one["hooks_pending"],
        outbox_failed=one["mail_failed"] + one["hooks_failed"],
    )


def _single_numbers(p: Period) -> tuple[str, list[Any]]:
    """Every single-number figure as a scalar subquery of one statement, with its parameters."""
    if p.postgres:
        minutes = 'EXTRACT(EPOCH FROM (v."decided_at" - v."created_at"))::float8 / 60'
        median = (
            f'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {minutes}) FROM "validation_list" v WHERE {DECIDED}'
        )
    else:  # no percentile_cont: the mean of the middle one or two of the ordered durations
        minutes = '(julianday(v."decided_at") - julianday(v."created_at")) * 1440'
        median = (
            'SELECT AVG("m") FROM (SELECT "m", ROW_NUMBER() OVER (ORDER BY "m") AS "rn", COUNT(*) OVER () AS "n" '
            f'FROM (SELECT {minutes} AS "m" FROM "validation_list" v WHERE {DECIDED})) '
            'WHERE "rn" IN (("n" + 1) / 2, ("n" + 2) / 2)'
        )
    period = [p.since, p.until]
    figures: list[tuple[str, str, list[Any]]] = [
        ("active_companies", f'SELECT COUNT(DISTINCT o."company_id") FROM "customer_order" o WHERE {SOLD}', period),
        ("awaiting_review", 'SELECT COUNT(*) FROM "company" WHERE "status" = \'PENDING_REVIEW\'', []),
        ("submitted", 'SELECT COUNT(*) FROM "validation_list" WHERE "status" = \'SUBMITTED\'', []),
        ("oldest_submitted", 'SELECT MIN("created_at") FROM "validation_list" WHERE "status" = \'SUBMITTED\'', []),
        ("approved", f'SELECT COUNT(*) FROM "validation_list" v WHERE {DECIDED} AND v."status" = \'APPROVED\'', period),
        ("rejected", f'SELECT COUNT(*) FROM "validation_list" v WHERE {DECIDED} AND v."status" = \'REJECTED\'', period),
        ("median", median, period),
        ("q_requested", 'SELECT COUNT(*) FROM "quote" q WHERE q."created_at" >= ? AND q."created_at" < ?', period),
        ("q_issued", 'SELECT COUNT(*) FROM "quote" q WHERE q."issued_at" >= ? AND q."issued_at" < ?', period),
        (
            "q_accepted",
            'SELECT COUNT(*) FROM "quote" q WHERE q."status" = \'ACCEPTED\' '
            'AND q."decided_at" >= ? AND q."decided_at" < ?',
            period,
        ),
        (
            "q_expired",
            'SELECT COUNT(*) FROM "quote" q WHERE q."status" = \'ISSUED\' '
            'AND q."valid_until" >= ? AND q."valid_until" <= ? AND q."valid_until" < ?',
            [p.start, p.end, today()],
        ),
        ("mail_pending", 'SELECT COUNT(*) FROM "outbox_mail" WHERE "sent_at" IS NULL AND "failed_at" IS NULL', []),
        ("mail_failed", 'SELECT COUNT(*) FROM "outbox_mail" WHERE "failed_at" IS NOT NULL', []),
        ("hooks_pending", "SELECT COUNT(*) FROM \"webhook_delivery\" WHERE \"status\" IN ('PENDING', 'RETRYING')", []),
        ("hooks_failed", 'SELECT COUNT(*) FROM "webhook_delivery" WHERE "status" = \'FAILED\'', []),
    ]
    sql = "SELECT " + ", ".join(f'({query}) AS "{name}"' for name, query, _ in figures)
    return sql, [value for _, _, params in figures for value in params]


async def top_products(ctx: Context, start: date, end: date, first: int | None) -> list[Sales]:
    """The period's best-selling products by revenue excluding VAT, at most `first` (1-100):
    one statement."""
    ctx.require_staff()
    p = Period(start, end)
    size = check_first(TOP_PRODUCTS if first is None else first)
    # Ranked by a hash aggregate of the period's lines; the orders are counted (distinct: nothing
    # makes a product appear once per order) for the top ones only, through order_line(product_id, order_id).
    rows = await p.rows(
        'WITH "top" AS (SELECT l."product_id" AS "key", '
        f'{_cents("l.quantity * l.unit_price")} AS "revenue", '
        'COALESCE(SUM(CAST(ROUND(l."quantity" * 1000) AS BIGINT)), 0) AS "milli" '
        f'FROM "order_line" l JOIN "customer_order" o ON o."id" = l."order_id" WHERE {SOLD} '
        'GROUP BY l."product_id" ORDER BY "revenue" DESC, l."product_id" LIMIT ?) '
        'SELECT t."key", t."revenue", t."milli", (SELECT COUNT(DISTINCT l."order_id") FROM "order_line" l '
        f'JOIN "customer_order" o ON o."id" = l."order_id" WHERE l."product_id" = t."key" AND {SOLD}) AS "orders" '
        'FROM "top" t ORDER BY t."revenue" DESC, t."key"',
        [p.since, p.until, size, p.since, p.until],
    )
    return [Sales(_as_uuid(r["key"]), r["orders"], _money(r["revenue"]), Decimal(r["milli"]) / 1000) for r in rows]
