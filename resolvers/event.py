"""Events: appended in the transaction of the change they describe (SPEC "Integration"), and the
feed staff and the ERP read them from.

A snapshot (Event.data) is the subject as the API shows it: camelCase keys, global ids, Decimal
quantities as strings, Money via `money_json`, dates ISO-8601. Each domain builds its own
(resolvers.company.events, resolvers.membership, resolvers.quote.events,
resolvers.validation.events) with the helpers below, reading a subject's lines in one query.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tortoise.transactions import in_transaction

from models import Event, EventType
from resolvers.core import ids
from resolvers.core.access import nothing, of_company, readable
from resolvers.core.clock import now
from resolvers.core.context import Context
from resolvers.core.pagination import Page, paginate
from resolvers.core.sequence import next_value

CENT = Decimal("0.01")
#: The feed's order: the sequence, unique and in commit order (models.event.Event).
FEED_ORDER = ("sequence",)
#: Events are kept at least this many days (SPEC "Integration"); prune-events never goes below.
MIN_RETENTION_DAYS = 90


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
    return await Event.create(
        sequence=await _next_sequence(), type=type, subject_id=subject_id, data=data, company_id=company_id
    )


async def _next_sequence() -> int:
    """next_value("event") in one statement once the counter exists: the UPDATE takes the row
    lock and returns the value, so the lock is held for the event's INSERT and the COMMIT only."""
    db = Event._meta.db  # the transaction's connection
    mark = "$1" if db.capabilities.dialect == "postgres" else "?"
    rows = await db.execute_query_dict(
        f'UPDATE "sequence" SET "value" = "value" + 1 WHERE "name" = {mark} RETURNING "value"', ["event"]
    )
    return int(rows[0]["value"]) if rows else await next_value("event")


# ---------------------------------------------------------------------- snapshot pieces


def gid(type_name: str, pk: uuid.UUID | None) -> str | None:
    """The global id of a row, or None for a missing foreign key."""
    return ids.encode(type_name, pk) if pk is not None else None


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def quantity(value: Decimal | str) -> str:
    """A quantity as the API writes it: 12.000 -> "12", 2.500 -> "2.5" (resolvers.catalog.products.plain)."""
    amount = Decimal(value)
    return str(amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize())


def address_json(row: Any, prefix: str = "") -> dict[str, Any]:
    """An address's columns (`prefix` for one-time delivery columns) as the Address type names them."""
    return {
        "line1": getattr(row, f"{prefix}line1"),
        "line2": getattr(row, f"{prefix}line2"),
        "postalCode": getattr(row, f"{prefix}postal_code"),
        "city": getattr(row, f"{prefix}city"),
        "countryCode": getattr(row, f"{prefix}country_code"),
    }


def delivery_json(row: Any) -> dict[str, Any] | None:
    """The delivery of a row with DeliveryMixin columns, as the Delivery type shows it (ids for
    its ship-to number and branch); None when none was chosen."""
    if row.delivery_method is None:
        return None
    return {
        "method": str(row.delivery_method.value if hasattr(row.delivery_method, "value") else row.delivery_method),
        "shipToId": gid("CustomerNumber", row.ship_to_id),
        "branchId": gid("Branch", row.branch_id),
        "oneTimeAddress": address_json(row, "one_time_") if row.one_time_line1 is not None else None,
        "requestedDate": iso(row.requested_date),
    }


def line_json(type_name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A quote, validation-list or order line read with `values()` (id, product_id, product__sku,
    quantity, unit_price, note): its global id, product, quantity, unit price and total."""
    price = row["unit_price"]
    amount = Decimal(row["quantity"])
    return {
        "id": ids.encode(type_name, row["id"]),
        "product": {"id": ids.encode("Product", row["product_id"]), "sku": row["product__sku"]},
        "quantity": quantity(amount),
        "unitPrice": money_json(Decimal(price)) if price is not None else None,
        "lineTotal": money_json(Decimal(price) * amount) if price is not None else None,
        "note": row["note"],
    }


LINE_COLUMNS = ("id", "product_id", "product__sku", "quantity", "unit_price", "note")


# ---------------------------------------------------------------------- the feed


async def events(
    ctx: Context,
    types: Sequence[EventType] | None,
    company_id: str | None,
    first: int | None,
    after: str | None,
) -> Page[Event]:
    """Staff or READ_ALL: the feed in sequence order from the cursor `after` (the last sequence
    read), of the given types and company if any (an unknown company has none). Gap-free: a
    sequence becomes visible only after every smaller one has committed."""
    ctx.require_read_all()
    qs = await readable(Event, ctx)
    if types:
        qs = qs.filter(type__in=list(types))
    if company_id is not None:
        pk = ids.decode_or_none(company_id, "Company")
        qs = of_company(qs, pk) if pk else nothing(Event)
    return await paginate(qs, 100 if first is None else first, after, FEED_ORDER)


async def prune(retention_days: int) -> int:
    """Delete the events older than `retention_days` (at least MIN_RETENTION_DAYS, else
    ValueError); returns how many went. The sequence of the rest is untouched, so a poller's
    cursor stays valid."""
    if retention_days < MIN_RETENTION_DAYS:
        raise ValueError(f"events are kept at least {MIN_RETENTION_DAYS} days (asked: {retention_days})")
    async with in_transaction():
        return await Event.filter(created_at__lt=now() - timedelta(days=retention_days)).delete()
