"""resolvers.validation.create.submit, as quoteAccept and quickListSubmit use it: given prices, a given
customer number, work of the caller in the same transaction, idempotency."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import pytest

from models import (
    CustomerNumberKind,
    DeliveryMethod,
    IdempotencyRecord,
    OrderSource,
    ValidationList,
    ValidationListLine,
)
from resolvers.core.context import Context, authenticate
from resolvers.core.errors import DomainError, ErrorCode
from resolvers.core.idempotency import fingerprint
from resolvers.validation.create import SubmitLine, submit
from tests.factories import Member, make_customer_number, make_member
from tests.order.helpers import make_stock, snapshot


async def context_of(member: Member, settings) -> Context:
    """A request's Context for the member (each concurrent call gets its own, like requests)."""
    return Context(settings=settings, session=await authenticate(f"Bearer {member.token}"))


def quote_lines(stock) -> list[SubmitLine]:
    return [
        SubmitLine(stock.a, Decimal("3"), "cut to 2m", Decimal("7.3333")),
        SubmitLine(stock.b, Decimal("2"), None, Decimal("1")),
    ]


async def call(ctx: Context, stock, key: str = "q-1", reference: str = "Quote Q1", then=None, customer_number=None):
    return await submit(
        ctx,
        ctx.active_membership,  # type: ignore[arg-type]
        lines=quote_lines(stock),
        delivery={"delivery_method": DeliveryMethod.PICKUP, "branch_id": stock.branch.id},
        source=OrderSource.QUOTE,
        reference=reference,
        note=None,
        idempotency_key=key,
        request_fingerprint=fingerprint(quote="Q1", reference=reference),
        operation="quoteAccept",
        quote_id=uuid.UUID(int=7),
        customer_number=customer_number,
        then=then,
    )


async def test_given_prices_and_customer_number(db, settings) -> None:
    member = await make_member()
    stock = await make_stock()
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    row = await call(await context_of(member, settings), stock, customer_number=ship_to)
    assert row.status == "SUBMITTED" and row.source == OrderSource.QUOTE and row.quote_id == uuid.UUID(int=7)
    assert row.customer_number_id == ship_to.id
    assert row.total == Decimal("24.00")  # 3 x 7.3333 = 21.9999 -> 22.00, + 2.00
    lines = await ValidationListLine.filter(validation_list_id=row.id).order_by("position")
    assert [(ln.unit_price, ln.note) for ln in lines] == [(Decimal("7.3333"), "cut to 2m"), (Decimal("1.0000"), None)]


async def test_then_runs_in_the_same_transaction(db, settings) -> None:
    member = await make_member()
    stock = await make_stock()
    ctx = await context_of(member, settings)
    seen: list[str] = []

    async def accept_quote(row: ValidationList) -> None:
        seen.append(row.number)
        raise DomainError(ErrorCode.QUOTE_NOT_ACTIVE, "Expired meanwhile.")

    before = await snapshot()
    with pytest.raises(DomainError):
        await call(ctx, stock, then=accept_quote)
    assert len(seen) == 1
    assert await snapshot() == before  # list, lines, key, audit and number all rolled back
    row = await call(ctx, stock)  # the key is still free
    assert row.number == seen[0]  # the number was given back, never used


async def test_same_key_same_request_returns_the_first(db, settings) -> None:
    member = await make_member()
    stock = await make_stock()
    ctx = await context_of(member, settings)
    first = await call(ctx, stock)
    again = await call(await context_of(member, settings), stock)
    assert again.id == first.id
    assert await ValidationList.all().count() == 1
    with pytest.raises(DomainError) as error:
        await call(ctx, stock, reference="Other")
    assert error.value.problems[0].code == ErrorCode.IDEMPOTENCY_KEY_REUSED


@pytest.mark.real_db
async def test_twenty_concurrent_calls_create_one(db, settings) -> None:
    """Twenty requests at once, each with its own Context (on PostgreSQL each transaction takes
    its own pooled connection and really overlaps; on SQLite they take turns)."""
    member = await make_member()
    stock = await make_stock()
    contexts = [await context_of(member, settings) for _ in range(20)]
    rows = await asyncio.gather(*(call(c, stock) for c in contexts))
    assert len({r.id for r in rows}) == 1
    assert await ValidationList.all().count() == 1
    assert await ValidationListLine.all().count() == 2
    assert await IdempotencyRecord.all().count() == 1
