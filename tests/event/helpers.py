"""Reading the events a test's changes wrote, and the feed's document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models import Event, StaffRole
from resolvers.core import ids
from tests.factories import make_staff

FEED = """
query($filter: EventFilter, $first: Int, $after: String) {
  backoffice { events(filter: $filter, first: $first, after: $after) {
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id type occurredAt subjectId data company { id name } } }
  } }
}
"""


@dataclass
class Written:
    type: str
    subject_id: str
    data: dict[str, Any]
    company_id: str | None


async def written() -> list[Written]:
    """Every event so far, in the feed's order."""
    rows = await Event.all().order_by("sequence")
    return [
        Written(r.type.value, r.subject_id, r.data, ids.encode("Company", r.company_id) if r.company_id else None)
        for r in rows
    ]


async def types() -> list[str]:
    return [e.type for e in await written()]


async def staff_token(role: StaffRole = StaffRole.REPRESENTATIVE) -> str:
    _, token = await make_staff(role)
    return token
