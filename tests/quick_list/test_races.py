"""Changes of one quick list at the same moment take turns on the list's row (issue 7, item 1).

Real races on PostgreSQL (asyncio.gather, each transaction on its own pooled connection); on
SQLite the transactions take turns anyway and the same answers must come back.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models import QuickListLine, Role
from resolvers.core import ids
from tests.catalog.factories import gid, make_product
from tests.factories import make_member
from tests.quick_list.helpers import DELETE, LINE_UPDATE, LINES_ADD, LINES_REMOVE, line_gid, make_list

pytestmark = pytest.mark.real_db  # real races on PostgreSQL

ROUNDS = 8


async def test_an_add_and_an_update_of_one_line_both_count(api) -> None:
    """Adding 3 while someone sets the line to 10: 13 or 10, never the add's stale 2 + 3."""
    me = await make_member(Role.ADMINISTRATOR)
    product = await make_product()
    for _ in range(ROUNDS):
        row = await make_list(me.user, me.company, (product, "2"))
        line = await QuickListLine.get(quick_list_id=row.id)
        list_id = ids.encode("QuickList", row.id)
        add = api(LINES_ADD, {"id": list_id, "lines": [{"productId": gid(product), "quantity": "3"}]}, token=me.token)
        update = api(LINE_UPDATE, {"lineId": line_gid(line), "quantity": "10"}, token=me.token)
        results = await asyncio.gather(add, update)
        assert all("errors" not in r for r in results), results
        assert results[0]["data"]["quickListLinesAdd"]["userErrors"] == []
        assert results[1]["data"]["quickListLineUpdate"]["userErrors"] == []
        assert (await QuickListLine.get(id=line.id)).quantity in (Decimal(13), Decimal(10))


async def test_an_add_racing_a_removal_or_a_deletion_is_answered(api) -> None:
    """Whatever runs first, every answer is a payload (NOT_FOUND for an add to a deleted list)."""
    me = await make_member(Role.ADMINISTRATOR)
    product, other = await make_product(), await make_product()
    for _ in range(ROUNDS):
        row = await make_list(me.user, me.company, (product, "2"))
        line = await QuickListLine.get(quick_list_id=row.id)
        list_id = ids.encode("QuickList", row.id)
        adds = [
            api(LINES_ADD, {"id": list_id, "lines": [{"productId": gid(p), "quantity": "1"}]}, token=me.token)
            for p in (product, other)
        ]
        remove = api(LINES_REMOVE, {"id": list_id, "lineIds": [line_gid(line)]}, token=me.token)
        delete = api(DELETE, {"id": list_id}, token=me.token)
        results = await asyncio.gather(adds[0], remove, adds[1], delete)
        assert all("errors" not in r for r in results), [r["errors"] for r in results if "errors" in r]
        assert results[3]["data"]["quickListDelete"]["ok"] is True
        for r in (results[0], results[2]):
            assert [e["code"] for e in r["data"]["quickListLinesAdd"]["userErrors"]] in ([], ["NOT_FOUND"])
        assert not await QuickListLine.filter(quick_list_id=row.id).exists()
