"""The event feed: EventType, Event (a Node), EventFilter, and Backoffice.events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import orjson
import strawberry
from strawberry.types import Info

import models as m
from models import EventType
from resolvers import event as re
from resolvers.company.loaders import company_by_id
from resolvers.core import ids
from resolvers.core.context import Context
from resolvers.event import without_money
from schema.core.base import Node, ctx, later
from schema.core.connection import Connection
from schema.core.node import readable_node

if TYPE_CHECKING:
    from schema.company import Company

strawberry.enum(EventType, name="EventType")


@strawberry.type(
    description=(
        "Something that happened, written in the same transaction as the change itself. The feed is\n"
        "append-only and ordered; webhooks deliver the same events."
    )
)
class Event(Node):
    type: EventType
    occurred_at: datetime
    subject_id: strawberry.ID = strawberry.field(
        description="Global id of the object the event is about (order, validation list, quote, ...)."
    )
    data: str = strawberry.field(
        description="JSON snapshot of the subject at that moment: the `data` of the webhook body."
    )
    row: strawberry.Private[m.Event]

    @staticmethod
    def of(row: m.Event, c: Context) -> Event:
        """Money in the snapshot reads null without VIEW_PRICES, as every Money field does."""
        data = row.data if c.can_see_prices else without_money(row.data)
        return Event(
            id=strawberry.ID(ids.encode("Event", row.id)),
            type=row.type,
            occurred_at=row.created_at,
            subject_id=strawberry.ID(row.subject_id),
            data=orjson.dumps(data).decode(),
            row=row,
        )

    @strawberry.field
    async def company(self, info: Info) -> Annotated[Company, strawberry.lazy("schema.company")] | None:
        company_id = self.row.company_id
        if company_id is None:  # aiodataloader cannot load None
            return None
        row = await company_by_id(ctx(info)).load(company_id)
        return later("schema.company", "Company").of(row) if row else None


readable_node(m.Event, Event.of)


@strawberry.input
class EventFilter:
    types: list[EventType] | None = None
    company_id: strawberry.ID | None = None


async def backoffice_events(
    info: Info, filter: EventFilter | None = None, first: int | None = 100, after: str | None = None
) -> Connection[Event]:
    f = filter or EventFilter()
    page = await re.events(ctx(info), f.types, f.company_id, first, after)
    c = ctx(info)
    return Connection.of(page, [Event.of(row, c) for row in page.rows])
