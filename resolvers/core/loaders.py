"""Keyed DataLoaders, declared beside their domain and built once per request.

A domain declares its loaders at module level (`product_by_id = by_key(Product)`); the request's
loader is `product_by_id(ctx)`, built on first use and kept in `ctx.loaders` under the declaration
itself (Saleor's `context_key`), so the Context knows no domain. Loaders are never built at import:
aiodataloader binds the event loop when one is built. Each batch runs one query and answers in key
order.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import aiodataloader
from tortoise.models import Model

if TYPE_CHECKING:
    from resolvers.core.context import Context

M = TypeVar("M", bound=Model)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class DataLoader(aiodataloader.DataLoader[K, V]):
    """aiodataloader's DataLoader, but every `load` returns its caller's own awaitable.

    aiodataloader hands every caller of a key the one cached Future. When graphql-core cancels
    a field (a sibling failed, e.g. FORBIDDEN on a non-null field), the cancelled task cancels
    the Future it awaits, and every other field sharing that key then gets CancelledError
    (HTTP 500). A shield lets one caller be cancelled without cancelling the shared Future.
    """

    def load(self, key: K) -> asyncio.Future[V]:
        return asyncio.shield(super().load(key))


def weak(ctx: Context) -> Context:
    return ctx if isinstance(ctx, weakref.ProxyType) else weakref.proxy(ctx)  # a batch's ctx is one already


class Loader(Generic[K, V]):
    """A loader declaration: `declaration(ctx)` is this request's DataLoader (built on first use)."""

    __slots__ = ("batch", "name")

    def __init__(self, batch: Callable[[Context, list[K]], Coroutine[Any, Any, list[V]]], name: str) -> None:
        self.batch = batch
        self.name = name

    def __call__(self, ctx: Context) -> DataLoader[K, V]:
        try:
            return ctx.loaders[self]
        except KeyError:
            # A weak reference: the Context holds its loaders, and a loader holding the Context
            # would make the request's Context, loaders, rows and futures one reference cycle,
            # left to the garbage collector instead of freed with the request (bench/cpu.py --cycles).
            loader = ctx.loaders[self] = DataLoader(partial(self.batch, weak(ctx)))
            return loader

    def __repr__(self) -> str:
        return f"<Loader {self.name}>"


def loader(batch: Callable[[Context, list[K]], Coroutine[Any, Any, list[V]]]) -> Loader[K, V]:
    """Declare a loader from a batch function of (the request's Context, keys) -> values in key order."""
    return Loader(batch, batch.__qualname__)


def by_key(model: type[M], key: str = "id") -> Loader[Any, M]:
    """One row per key (None where missing).

    Typed as the row, as Saleor's loaders are: most keys are foreign keys whose row must exist;
    a caller whose key may have no row checks for None.
    """

    async def batch(ctx: Context, keys: list[Hashable]) -> list[M]:
        rows = await model.filter(**{f"{key}__in": list(set(keys))})
        found = {getattr(r, key): r for r in rows}
        return [found.get(k) for k in keys]  # type: ignore[misc]  # None for a missing key: typed as the row (see the docstring)

    return Loader(batch, f"{model.__name__} by {key}")


def many_by(
    model: type[M], key: str, order_by: Iterable[str] = ("created_at",), **filters: Any
) -> Loader[Any, list[M]]:
    """All rows whose `key` column is one of the keys, grouped per key ([] when none)."""

    async def batch(ctx: Context, keys: list[Hashable]) -> list[list[M]]:
        rows = await model.filter(**{f"{key}__in": list(set(keys))}, **filters).order_by(*order_by)
        grouped: dict[Hashable, list[M]] = defaultdict(list)
        for r in rows:
            grouped[getattr(r, key)].append(r)
        return [grouped.get(k, []) for k in keys]

    return Loader(batch, f"{model.__name__}s by {key}")


def mapped(fetch: Callable[[list[K]], Awaitable[Mapping[K, V]]]) -> Loader[K, V]:
    """A loader from a function that fetches a {key: value} dict for a list of keys (None where
    the dict has no value: typed as the value, for fetches that answer every key)."""

    async def batch(ctx: Context, keys: list[K]) -> list[V]:
        found = await fetch(list(set(keys)))
        return [found.get(k) for k in keys]  # type: ignore[misc]  # None for a missing key: typed as the value (see the docstring)

    return Loader(batch, fetch.__qualname__)


def prime(loader: DataLoader[Any, Any], rows: Iterable[Model], key: str = "id") -> None:
    for row in rows:
        loader.prime(getattr(row, key), row)
