"""A small world with known figures for July 1-3, 2026 (Brussels summer time, UTC+2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest_asyncio

from models import (
    Branch,
    CompanyStatus,
    Event,
    EventType,
    OutboxMail,
    Product,
    QuoteState,
    Role,
    StaffRole,
    ValidationList,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSubscription,
)
from resolvers.core.clock import today
from tests.catalog.factories import make_branch, make_product
from tests.factories import make_company, make_member, make_staff
from tests.order.helpers import make_order, make_validation_list
from tests.quote.helpers import make_quote

FROM, TO = date(2026, 7, 1), date(2026, 7, 3)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@dataclass
class World:
    token: str
    branch: Branch
    p1: Product
    p2: Product


@pytest_asyncio.fixture
async def world(api) -> World:
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    branch = await make_branch("ANT", "Antwerpen")
    p1 = await make_product("P-ONE", list_price="10.00")
    p2 = await make_product("P-TWO", list_price="5.50")
    a = await make_member(Role.ADMINISTRATOR)
    a.company.work_domains = ["PVC", "ALUMINIUM"]
    await a.company.save(update_fields=["work_domains"])
    b = await make_member(Role.ADMINISTRATOR)
    b.company.work_domains = ["WOOD"]
    await b.company.save(update_fields=["work_domains"])

    # 00:30 in Brussels on July 1: in the period although June 30 in UTC.
    await make_order(a, [(p1, "2", "10.00")], branch=branch, created_at=utc(2026, 6, 30, 22, 30))
    # 23:59 in Brussels on July 1, a delivery (no branch).
    delivered = await make_order(a, [(p2, "1", "5.50")], branch=branch, created_at=utc(2026, 7, 1, 21, 59))
    await type(delivered).filter(id=delivered.id).update(delivery_method="DELIVERY", branch_id=None)
    # 23:30 UTC on July 2 is 01:30 in Brussels on July 3.
    await make_order(b, [(p1, "3", "10.00")], branch=branch, created_at=utc(2026, 7, 2, 23, 30))
    # Cancelled: counts nowhere.
    await make_order(b, [(p1, "100", "10.00")], branch=branch, status="CANCELLED", created_at=utc(2026, 7, 2, 10))
    # Just outside: 00:00 in Brussels on July 4, and 23:59 on June 30.
    await make_order(a, [(p1, "1", "10.00")], branch=branch, created_at=utc(2026, 7, 3, 22, 0))
    await make_order(a, [(p1, "1", "10.00")], branch=branch, created_at=utc(2026, 6, 30, 21, 59))

    # Decisions in the period after 30, 60, 90 and 120 minutes (median 75); one outside.
    for status, submitted, minutes in [
        ("APPROVED", utc(2026, 7, 1, 8), 30),
        ("APPROVED", utc(2026, 7, 2, 10), 60),
        ("REJECTED", utc(2026, 7, 3, 9), 90),
        ("REJECTED", utc(2026, 7, 2, 10), 120),
        ("APPROVED", utc(2026, 7, 4, 9), 5),
    ]:
        row = await make_validation_list(a, [(p1, "1", "10.00")], branch=branch, status=status, created_at=submitted)
        await ValidationList.filter(id=row.id).update(decided_at=submitted + timedelta(minutes=minutes))
    # Waiting now: the oldest since June 20.
    await make_validation_list(b, [(p2, "1", "5.50")], branch=branch, created_at=utc(2026, 6, 20, 7))
    await make_validation_list(b, [(p2, "1", "5.50")], branch=branch)
    await make_validation_list(b, [(p2, "1", "5.50")], branch=branch, status="CANCELLED")

    await make_quote(a.company, status=QuoteState.REQUESTED, created_at=utc(2026, 7, 1, 10))
    issued = await make_quote(a.company, created_at=utc(2026, 6, 25, 10))
    await type(issued).filter(id=issued.id).update(issued_at=utc(2026, 7, 2, 10))
    accepted = await make_quote(a.company, status=QuoteState.ACCEPTED, created_at=utc(2026, 6, 20, 10))
    await type(accepted).filter(id=accepted.id).update(issued_at=utc(2026, 6, 21), decided_at=utc(2026, 7, 3, 9))
    await make_quote(b.company, created_at=utc(2026, 6, 10), valid_until=date(2026, 7, 2))  # expired
    assert today() > TO

    await make_company("Waiting Ltd", status=CompanyStatus.PENDING_REVIEW)
    later = utc(2026, 7, 1)
    await OutboxMail.create(to="a@example.com", subject="pending", body="", next_attempt_at=later)
    await OutboxMail.create(to="b@example.com", subject="sent", body="", next_attempt_at=later, sent_at=later)
    await OutboxMail.create(to="c@example.com", subject="failed", body="", next_attempt_at=later, failed_at=later)
    hook = await WebhookSubscription.create(url="https://hooks.example.com/", events=[], secret="s" * 32)
    for n, status in enumerate([WebhookDeliveryStatus.RETRYING, WebhookDeliveryStatus.FAILED], 1):
        event = await Event.create(sequence=10_000 + n, type=EventType.ORDER_CREATED, subject_id=f"o{n}", data={})
        await WebhookDelivery.create(subscription=hook, event=event, sequence=10_000 + n, status=status)
    return World(token=token, branch=branch, p1=p1, p2=p2)
