from __future__ import annotations

import uuid

from tortoise.expressions import F

from models import CustomerNumber, Sequence

CUSTOMER_NUMBER_START = 100001


async def next_value(name: str, start: int = 1) -> int:
    """The next number of a named counter; call inside the transaction that uses it.

    The UPDATE takes the row lock on PostgreSQL, so concurrent callers get distinct numbers,
    and a rolled-back transaction gives its number back without a gap ever being reused.
    """
    await Sequence.get_or_create(name=name, defaults={"value": start - 1})
    await Sequence.filter(name=name).update(value=F("value") + 1)
    return (await Sequence.get(name=name)).value


def placeholder() -> str:
    """A unique stand-in for a document's number (20 characters, the number columns' size), never
    committed: the row and its lines are written first and the real number is taken last, so
    the counter's row lock, which every other submit waits for, is held only until the commit."""
    return "~" + uuid.uuid4().hex[:19]


async def next_customer_number() -> str:
    """The next customer number: sequential, never reused, skipping numbers that already exist
    (imported from the distributor's ERP or made by hand). Call inside the transaction."""
    while True:
        number = str(await next_value("customer_number", start=CUSTOMER_NUMBER_START))
        if not await CustomerNumber.filter(number=number).exists():
            return number
