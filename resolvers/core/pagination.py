"""Keyset pagination shared by every connection: stable cursors, page size 1-100."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar, cast

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from resolvers.core.errors import AccessError, limit_exceeded
from resolvers.core.i18n import tr

M = TypeVar("M", bound=Model)
MAX_PAGE = 100


@dataclass
class Page(Generic[M]):
    rows: list[M]
    cursors: list[str]
    has_next: bool
    has_previous: bool
    #: Counts the rows of every page (the filtered query without keyset or limit).
    count: Callable[[], Awaitable[int]] = field(repr=False)
    _total: int | None = field(default=None, repr=False)

    async def total(self) -> int:
        """How many rows all pages hold: counted only when asked for (totalCount), at most once."""
        if self._total is None:
            self._total = await self.count()
        return self._total


def _encode(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, model: type[Model], fields: list[str]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise ValueError
        values: list[Any] = []
        for name, value in zip(fields, raw, strict=True):
            kind = type(model._meta.fields_map[name]).__name__
            if kind == "DatetimeField":
                values.append(datetime.fromisoformat(value))
            elif kind == "DateField":
                values.append(date.fromisoformat(value))
            elif kind == "UUIDField":
                values.append(uuid.UUID(value))
            elif kind in ("IntField", "BigIntField"):
                # Written as text by _encode; beyond a 64-bit column the database would refuse it.
                if not isinstance(value, str) or not -(2**63) <= (number := int(value)) < 2**63:
                    raise ValueError
                values.append(number)
            else:
                values.append(value)
        return values
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise AccessError("INVALID", tr("Invalid cursor.")) from None


def check_first(first: int | None) -> int:
    size = 20 if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise limit_exceeded(tr("first must be between 1 and {maximum}.", maximum=MAX_PAGE))
    return size


async def paginate(
    qs: QuerySet[M],
    first: int | None,
    after: str | None,
    order: tuple[str, ...] = ("-created_at", "-id"),
    *,
    with_total: bool = False,
) -> Page[M]:
    """One page of `qs` in `order` (the last key must be unique), after the given cursor.

    The total is not counted here unless `with_total` (a client selected totalCount): then the
    page's statement counts it too (`_rows_and_total`); otherwise `await page.total()` counts it
    when asked (a count(*) reads every matching row, which grows with the table, not the page)."""
    size = check_first(first)
    model = qs.model
    fields = [o.lstrip("-") for o in order]
    page_qs = qs
    if after:
        values = _decode(after, model, fields)
        cond: Q | None = None
        # (a, b) after (x, y) in that order: a beyond x, or a == x and b beyond y.
        for i in range(len(fields) - 1, -1, -1):
            op = "lt" if order[i].startswith("-") else "gt"
            step = Q(**{f"{fields[i]}__{op}": values[i]})
            if cond is not None:
                step = step | (Q(**{fields[i]: values[i]}) & cond)
            cond = step
        page_qs = page_qs.filter(cast(Q, cond))
    page_qs = page_qs.order_by(*order).limit(size + 1)
    total = None
    if with_total and _rows_only(page_qs):
        rows, total = await _rows_and_total(page_qs, qs)
        if total is None and not after:
            total = 0  # no row at all
    else:
        rows = await page_qs
    has_next = len(rows) > size
    rows = rows[:size]
    cursors = [_encode([getattr(r, f) for f in fields]) for r in rows]
    return Page(rows, cursors, has_next, bool(after), count=qs.count, _total=total)


_TOTAL = "__total"


def _rows_only(qs: QuerySet[Any]) -> bool:
    """A query set whose rows Tortoise hydrates with `_init_from_db` alone (no related rows,
    prefetches or annotations to set on them): `_rows_and_total` can read it."""
    return not (qs._select_related or qs._prefetch_map or qs._prefetch_queries or qs._annotations)


def _sql(query: Any) -> tuple[str, list[Any]]:
    query._choose_db_if_not_chosen()
    query._make_query()
    sql, params = query.query.get_parameterized_sql()
    return sql, list(params)


async def _rows_and_total(page_qs: QuerySet[M], qs: QuerySet[M]) -> tuple[list[M], int | None]:
    """The page's rows and the count of `qs` in one statement (one round trip fewer): Tortoise's
    own statements for both, the count as a scalar subquery column of the page's; the rows
    hydrated as Tortoise does (`_init_from_db`). The count is None when the page has no row."""
    page_sql, page_params = _sql(page_qs)
    count_sql, count_params = _sql(qs.count())
    db = page_qs._choose_db()
    if db.capabilities.dialect == "postgres":  # numbered parameters: the count's come first
        shift = len(count_params)
        page_sql = re.sub(r"\$(\d+)", lambda m: f"${int(m[1]) + shift}", page_sql)
    select, found, rest = page_sql.partition(" FROM ")
    if not found:  # pragma: no cover - pypika spelled the statement differently
        raise AssertionError(f"paginate: no FROM in {page_sql}")
    sql = f'{select}, ({count_sql}) AS "{_TOTAL}" FROM {rest}'
    _, records = await db.execute_query(sql, [*count_params, *page_params])
    rows = [page_qs.model._init_from_db(**record) for record in records]
    return rows, (int(records[0][_TOTAL]) if records else None)


#: The order of every "newest first" list: creation time, then id to break ties.
NEWEST_FIRST = ("-created_at", "-id")
