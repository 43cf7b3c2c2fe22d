"""The validation lists' events (VALIDATION_LIST_SUBMITTED, _APPROVED, _REJECTED, _CANCELLED)
and their snapshot; each is emitted as its transaction's last write."""

from __future__ import annotations

from typing import Any

from models import CustomerNumber, EventType, Order, ValidationList, ValidationListLine, ValidationStatus
from resolvers.core import ids
from resolvers.event import LINE_COLUMNS, delivery_json, emit, gid, iso, line_json, money_json

TYPES = {
    ValidationStatus.SUBMITTED: EventType.VALIDATION_LIST_SUBMITTED,
    ValidationStatus.APPROVED: EventType.VALIDATION_LIST_APPROVED,
    ValidationStatus.REJECTED: EventType.VALIDATION_LIST_REJECTED,
    ValidationStatus.CANCELLED: EventType.VALIDATION_LIST_CANCELLED,
}


async def validation_list_json(row: ValidationList) -> dict[str, Any]:
    """The list with its lines and their products (one query) and its customer number (one query)."""
    lines = await ValidationListLine.filter(validation_list_id=row.id).order_by("position").values(*LINE_COLUMNS)
    number = await CustomerNumber.filter(id=row.customer_number_id).values_list("number", flat=True)
    return {
        "id": ids.encode("ValidationList", row.id),
        "number": row.number,
        "status": ValidationStatus(row.status).value,
        "source": row.source.value,
        "companyId": ids.encode("Company", row.company_id),
        "customerNumber": {"id": ids.encode("CustomerNumber", row.customer_number_id), "number": number[0]},
        "reference": row.reference,
        "note": row.note,
        "total": money_json(row.total),
        "delivery": delivery_json(row),
        "submittedBy": ids.encode("User", row.submitted_by_id),
        "submittedAt": iso(row.created_at),
        "decidedBy": gid("User", row.decided_by_id),
        "decidedAt": iso(row.decided_at),
        "rejectionReason": row.rejection_reason,
        "version": row.version,
        "quoteId": gid("Quote", row.quote_id),
        "order": None,
        "lines": [line_json("ValidationListLine", line) for line in lines],
    }


async def validation_list_event(
    row: ValidationList, order: Order | None = None, prepared: dict[str, Any] | None = None
) -> None:
    """The event of the list's status (SUBMITTED, APPROVED with its `order`, REJECTED, CANCELLED),
    from `prepared` when given: its snapshot read before a number counter was taken (a counter
    every submit or approval waits for until the commit), its number and order filled in now."""
    data = prepared if prepared is not None else await validation_list_json(row)
    data = {**data, "number": row.number}
    if order is not None:
        data["order"] = {"id": ids.encode("Order", order.id), "number": order.number}
    await emit(TYPES[ValidationStatus(row.status)], data["id"], data, row.company_id)


#: Where prepare_submitted leaves a new list's snapshot on its row.
PREPARED = "prepared_event_data"


async def prepare_submitted(row: ValidationList) -> None:
    """A new list's snapshot read before it takes its number (resolvers.validation.create)."""
    setattr(row, PREPARED, await validation_list_json(row))


async def validation_list_submitted(row: ValidationList) -> None:
    """VALIDATION_LIST_SUBMITTED: every submit's announcement (resolvers.core.idempotency.run_once),
    from the snapshot prepare_submitted read, when it did."""
    await validation_list_event(row, prepared=getattr(row, PREPARED, None))
