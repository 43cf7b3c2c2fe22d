from __future__ import annotations

from tortoise.expressions import F

from models import Sequence


async def next_value(name: str, start: int = 1) -> int:
    """The next number of a named counter; call inside the transaction that uses it.

    The UPDATE takes the row lock on PostgreSQL, so concurrent callers get distinct numbers,
    and a rolled-back transaction gives its number back without a gap ever being reused.
    """
    await Sequence.get_or_create(name=name, defaults={"value": start - 1})
    await Sequence.filter(name=name).update(value=F("value") + 1)
    return (await Sequence.get(name=name)).value
