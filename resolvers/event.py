"""Events: appended in the transaction of the change they describe (SPEC "Integration")."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from models import Event, EventType
from resolvers.core.sequence import next_value

CENT = Decimal("0.01")


def money_json(amount: Decimal | None) -> dict[str, str] | None:
    """A Money value in a snapshot, shaped as the GraphQL Money type; `without_money` finds it by this shape."""
    if amount is None:
        return None
    return {"amount": str(amount.quantize(CENT, ROUND_HALF_UP)), "currency": "EUR"}


def _is_money(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"amount", "currency"}


def without_money(data: Any) -> Any:
    """The snapshot with every Money value replaced by null: what a subscription whose creator
    may not see prices receives."""
    if _is_money(data):
        return None
    if isinstance(data, Mapping):
        return {key: without_money(value) for key, value in data.items()}
    if isinstance(data, list):
        return [without_money(value) for value in data]
    return data


async def emit(type: EventType, subject_id: str, data: dict[str, Any], company_id: uuid.UUID | None) -> Event:
    """Append one event; call inside the change's transaction, as its last write: the "event"
    counter's row lock is held from here to the commit, which is what keeps the feed's sequence
    in commit order (see models.event.Event)."""
    sequence = await next_value("event")
    return await Event.create(sequence=sequence, type=type, subject_id=subject_id, data=data, company_id=company_id)
