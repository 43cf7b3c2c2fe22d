"""Plain rows for the per-page read paths: one statement per list level, no model hydration.

`fetch(source, key, keys, *columns)` reads `columns` of the rows of a query set (its scope kept:
`readable`, `of_company`, ...), or of a model's table, whose `key` is one of `keys`. On PostgreSQL the keys go as one
array parameter (`key = ANY($n::uuid[])`), so neither pypika nor the server sees one term per
key, and the rows come back as asyncpg Records (indexable by position and by name). SQLite has
no arrays: there the query set runs as it is (`key__in`, its values converted by Tortoise).
Both answer tuples of the columns in order; values are the column's Python type (UUID, Decimal,
bool, str; a CharEnumField may come as its value or its member: convert with the enum).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any, cast

from tortoise.models import Model
from tortoise.queryset import QuerySet

#: Stands in for the keys while the statement is built: found again among its parameters.
_SENTINEL = uuid.UUID("00000000-0000-4000-8000-5e47e1000000")


def _on_postgres(qs: QuerySet[Any]) -> bool:
    return qs.model._meta.db.capabilities.dialect == "postgres"


#: The statement of each unscoped fetch (a model, not a query set): built once, by
#: (model, key, columns, order).
_STATEMENTS: dict[tuple[Any, ...], str] = {}


async def fetch(
    source: QuerySet[Any] | type[Model], key: str, keys: Sequence[uuid.UUID], *columns: str, order_by: str | None = None
) -> Sequence[Sequence[Any]]:
    """The `columns` of the rows of `source` whose UUID column `key` is one of `keys` (one
    statement; none for no keys), in `order_by` (or the query set's order). `source` is a query
    set to keep its scope (`of_company`, ...), or a model for all its rows: then the statement is
    built once for the process, not for every call."""
    if not keys:
        return []
    unique = list(dict.fromkeys(keys))
    qs = source.all() if isinstance(source, type) else source
    if order_by is not None:
        qs = qs.order_by(order_by)
    if not _on_postgres(qs):
        rows: list[tuple[Any, ...]] = await qs.filter(**{f"{key}__in": unique}).values_list(*columns)
        return rows
    statement = (source, key, columns, order_by) if isinstance(source, type) else None
    sql = _STATEMENTS.get(statement) if statement is not None else None
    if sql is None:
        query = qs.filter(**{f"{key}__in": [_SENTINEL]}).values_list(*columns)
        query._choose_db_if_not_chosen()
        query._make_query()
        sql, params = query.query.get_parameterized_sql()
        at = [i for i, p in enumerate(params) if str(p) == str(_SENTINEL)]  # Tortoise may send it as text
        if len(at) != 1:  # pragma: no cover - a query set that already names the sentinel
            raise AssertionError(f"rows.fetch: cannot place the keys of {key} in {sql}")
        n = at[0] + 1
        sql, replaced = re.subn(rf"\bIN \(\${n}\)", f"= ANY(${n}::uuid[])", sql)
        if replaced != 1:  # pragma: no cover - pypika spelled IN differently
            raise AssertionError(f"rows.fetch: cannot place the keys of {key} in {sql}")
        params[at[0]] = unique
        if statement is not None and len(params) == 1:
            _STATEMENTS[statement] = sql
    else:
        params = [unique]  # an unscoped statement's one parameter: the keys
    _, records = await qs._choose_db().execute_query(sql, params)  # asyncpg Records, typed there as dicts
    return cast("Sequence[Sequence[Any]]", records)


class LineRow:
    """One line of an order, quote or validation list as a plain row: the columns the GraphQL
    line types read, named as on the models, the line type's own columns (`own`, read as
    attributes too: `row.quantity_shipped`), and the columns of its product read with it."""

    __slots__ = ("id", "owner_id", "product_id", "quantity", "unit_price", "note", "own", "product")

    def __init__(self, values: Sequence[Any], own_columns: Sequence[str] = ()) -> None:
        # Decimals and UUIDs come typed from asyncpg and from Tortoise's values_list alike.
        self.id, self.owner_id, self.product_id, self.quantity, self.unit_price, self.note = values[:6]
        end = 6 + len(own_columns)
        self.own = dict(zip(own_columns, values[6:end], strict=True))
        self.product = values[end:]

    def __getattr__(self, name: str) -> Any:  # only for names that are not slots: the own columns
        try:
            return self.own[name]
        except KeyError:
            raise AttributeError(name) from None


async def lines_by_owner(
    model: type[Model],
    owner_key: str,
    owner_ids: Sequence[uuid.UUID],
    product_columns: Sequence[str] = (),
    own_columns: Sequence[str] = (),
) -> dict[uuid.UUID, list[LineRow]]:
    """The lines of these owners (`owner_key`: quote_id, order_id, ...) by position, grouped by
    owner (owners without lines are left out), in one statement, with the line's `own_columns`
    and these columns of their product joined (`LineRow.product`, in that order)."""
    columns = ("id", owner_key, "product_id", "quantity", "unit_price", "note", *own_columns)
    joined = tuple(f"product__{column}" for column in product_columns)
    rows = await fetch(model, owner_key, owner_ids, *columns, *joined, order_by="position")
    found: dict[uuid.UUID, list[LineRow]] = {}
    for line in (LineRow(values, own_columns) for values in rows):
        found.setdefault(line.owner_id, []).append(line)
    return found
