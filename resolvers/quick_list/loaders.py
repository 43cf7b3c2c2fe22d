"""The quick lists' DataLoaders, and `visible` (who reads a list), which they share with the
catalog: a QUICK_LISTS_ONLY member browses only the products on the lists they may read
(resolvers.catalog.products.product_scope). Kept apart from resolvers.quick_list.lists, which
builds on the line checks and so on the catalog, so that the catalog's import goes one way."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from tortoise.expressions import Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from models import QuickList, QuickListLine
from resolvers.core.access import readable
from resolvers.core.context import Context
from resolvers.core.loaders import loader, many_by, mapped

lines_by_quick_list_id = many_by(QuickListLine, "quick_list_id", order_by=("position", "created_at", "id"))


async def visible(ctx: Context) -> QuerySet[QuickList]:
    """The lists this viewer may read (the QuickList rule of resolvers.core.access)."""
    return await readable(QuickList, ctx)


async def product_ids_on_visible_lists(ctx: Context) -> set[uuid.UUID]:
    """One query: the products on the lists this viewer may read (the catalog's scope for
    QUICK_LISTS_ONLY members, see resolvers.catalog.products.product_scope)."""
    rows = (
        await QuickListLine.filter(quick_list_id__in=Subquery((await visible(ctx)).values("id")))
        .distinct()
        .values_list("product_id", flat=True)
    )
    return set(rows)  # type: ignore[arg-type]  # Tortoise types values_list(flat=True) as tuples


@loader
async def quick_list_product_ids(ctx: Context, keys: list[str]) -> list[set[uuid.UUID]]:
    """The products on the quick lists this viewer may read (key: resolvers.catalog.loaders.ALL)."""
    found = await product_ids_on_visible_lists(ctx)
    return [found for _ in keys]


@mapped
async def line_count_by_quick_list_id(keys: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """One grouped query: the number of lines of each list (0 for lists without lines)."""
    rows = (
        await QuickListLine.filter(quick_list_id__in=list(keys))
        .annotate(n=Count("id"))
        .group_by("quick_list_id")
        .values_list("quick_list_id", "n")
    )
    found = dict.fromkeys(keys, 0)
    found.update({k: int(n) for k, n in rows})
    return found
