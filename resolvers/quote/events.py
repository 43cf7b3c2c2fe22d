"""The quotes' events (QUOTE_REQUESTED, QUOTE_ISSUED, QUOTE_ACCEPTED) and their snapshot; each is
emitted as its transaction's last write."""

from __future__ import annotations

from typing import Any

from models import CustomerNumber, EventType, Quote, QuoteLine
from resolvers.core import ids
from resolvers.core.clock import today
from resolvers.event import LINE_COLUMNS, emit, gid, iso, line_json, money_json


async def quote_json(row: Quote) -> dict[str, Any]:
    """The quote as clients see it (ACTIVE / EXPIRED read against today) with its lines and their
    products (one query) and its customer number (one query)."""
    lines = await QuoteLine.filter(quote_id=row.id).order_by("position").values(*LINE_COLUMNS)
    number = await CustomerNumber.filter(id=row.customer_number_id).values_list("number", flat=True)
    return {
        "id": ids.encode("Quote", row.id),
        "number": row.number,
        "status": row.status_on(today()).value,
        "companyId": ids.encode("Company", row.company_id),
        "customerNumber": {"id": ids.encode("CustomerNumber", row.customer_number_id), "number": number[0]},
        "reference": row.reference,
        "note": row.note,
        "validUntil": iso(row.valid_until),
        "total": money_json(row.total),
        "requestedBy": gid("User", row.requested_by_id),
        "issuedAt": iso(row.issued_at),
        "decidedAt": iso(row.decided_at),
        "createdAt": iso(row.created_at),
        "lines": [line_json("QuoteLine", line) for line in lines],
    }


async def quote_event(type: EventType, row: Quote, **extra: Any) -> None:
    """`type` about `row`, its snapshot with `extra` keys (e.g. the accepting validationListId)."""
    data = {**await quote_json(row), **extra}
    await emit(type, data["id"], data, row.company_id)
