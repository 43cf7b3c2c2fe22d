"""A loader declaration builds one DataLoader per request, on first use, kept on that request's
Context (resolvers/core/loaders.py): two requests never share a loader or its cache."""

from __future__ import annotations

from models import Product
from resolvers.catalog.loaders import product_by_id
from resolvers.core.context import Context
from resolvers.core.loaders import DataLoader, by_key
from settings import Settings


async def test_a_declaration_is_built_once_per_context_on_first_use() -> None:
    first, second = Context(settings=Settings()), Context(settings=Settings())
    assert first.loaders == {}
    loader = product_by_id(first)
    assert isinstance(loader, DataLoader)
    assert product_by_id(first) is loader
    assert first.loaders == {product_by_id: loader}
    assert product_by_id(second) is not loader
    other = by_key(Product)  # another declaration, even of the same rows, is another loader
    assert other(first) is not loader


async def test_a_primed_key_stays_in_its_own_request() -> None:
    first, second = Context(settings=Settings()), Context(settings=Settings())
    mine, theirs = Product(sku="P-1"), Product(sku="P-2")
    product_by_id(first).prime("k", mine)
    product_by_id(second).prime("k", theirs)
    assert await product_by_id(first).load("k") is mine
    assert await product_by_id(second).load("k") is theirs
