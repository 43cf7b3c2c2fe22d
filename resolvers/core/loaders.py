"""Every DataLoader. Each batch runs one query and answers in key order."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import aiodataloader
from tortoise.models import Model

M = TypeVar("M", bound=Model)


class DataLoader(aiodataloader.DataLoader):
    """aiodataloader's DataLoader, but every `load` returns its caller's own awaitable.

    aiodataloader hands every caller of a key the one cached Future. When graphql-core cancels
    a field (a sibling failed, e.g. FORBIDDEN on a non-null field), the cancelled task cancels
    the Future it awaits, and every other field sharing that key then gets CancelledError
    (HTTP 500). A shield lets one caller be cancelled without cancelling the shared Future.
    """

    def load(self, key: Any) -> asyncio.Future[Any]:
        return asyncio.shield(super().load(key))


def by_key(model: type[M], key: str = "id") -> DataLoader:
    """One row per key (None where missing)."""

    async def batch(keys: list[Hashable]) -> list[M | None]:
        rows = await model.filter(**{f"{key}__in": list(set(keys))})
        found = {getattr(r, key): r for r in rows}
        return [found.get(k) for k in keys]

    return DataLoader(batch)


def many_by(model: type[M], key: str, order_by: Iterable[str] = ("created_at",), **filters: Any) -> DataLoader:
    """All rows whose `key` column is one of the keys, grouped per key ([] when none)."""

    async def batch(keys: list[Hashable]) -> list[list[M]]:
        rows = await model.filter(**{f"{key}__in": list(set(keys))}, **filters).order_by(*order_by)
        grouped: dict[Hashable, list[M]] = defaultdict(list)
        for r in rows:
            grouped[getattr(r, key)].append(r)
        return [grouped.get(k, []) for k in keys]

    return DataLoader(batch)


def mapped(fetch: Callable[[list[Any]], Any]) -> DataLoader:
    """A loader from a function that fetches a {key: value} dict for a list of keys."""

    async def batch(keys: list[Hashable]) -> list[Any]:
        found = await fetch(list(set(keys)))
        return [found.get(k) for k in keys]

    return DataLoader(batch)


def prime(loader: DataLoader, rows: Iterable[Model], key: str = "id") -> None:
    for row in rows:
        loader.prime(getattr(row, key), row)
