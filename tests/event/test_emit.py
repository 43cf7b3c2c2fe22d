"""emit(): an event is written with its change or not at all, in sequence, its Money removable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from models import Event, EventType
from resolvers.event import emit, money_json, without_money


async def test_events_take_increasing_sequences_and_a_rolled_back_change_leaves_none(db):
    async with in_transaction():
        first = await emit(EventType.ORDER_CREATED, "T3JkZXI6MQ", {"total": money_json(Decimal("12.345"))}, None)
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await emit(EventType.ORDER_CREATED, "T3JkZXI6Mg", {}, None)
            raise RuntimeError("the change failed")
    async with in_transaction():
        second = await emit(EventType.ORDER_STATUS_CHANGED, "T3JkZXI6MQ", {}, None)
    rows = await Event.all().order_by("sequence").values_list("subject_id", "sequence", "data")
    assert [r[0] for r in rows] == ["T3JkZXI6MQ", "T3JkZXI6MQ"]
    assert second.sequence > first.sequence
    assert rows[0][2] == {"total": {"amount": "12.35", "currency": "EUR"}}


def test_without_money_nulls_every_money_value_and_keeps_the_rest():
    data = {
        "number": "C-1",
        "total": money_json(Decimal("5")),
        "lines": [{"unitPrice": money_json(Decimal("1")), "sku": "A"}],
    }
    assert without_money(data) == {"number": "C-1", "total": None, "lines": [{"unitPrice": None, "sku": "A"}]}
