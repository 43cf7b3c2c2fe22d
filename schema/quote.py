"""Quotes: QuoteQuery (quotes, quote, quoteYears), QuoteMutation (request, decline, staff issue)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

import strawberry
from strawberry.types import Info

from models import quote as m
from models.quote import QuoteStatus
from resolvers.account import user_by_id
from resolvers.company.loaders import customer_number_by_id
from resolvers.core import clock, ids
from resolvers.core.context import Context
from resolvers.core.pagination import Page
from resolvers.quote import accept
from resolvers.quote import quotes as rq
from resolvers.quote.loaders import lines_by_quote_id
from schema.account import User
from schema.company import CustomerNumber
from schema.core.base import (
    Money,
    Node,
    UserError,
    attempt,
    ctx,
    describe_values,
    errors_field,
    money,
    money_field,
    preloaded_field,
)
from schema.core.connection import Connection
from schema.core.lookahead import selection
from schema.core.node import readable_node
from schema.core.permissions import STAFF, Permission, requires
from schema.lines import Line, LineInput
from schema.validation import SubmitInput, ValidationList, ValidationListPayload

strawberry.enum(QuoteStatus, name="QuoteStatus")
describe_values(
    QuoteStatus,
    REQUESTED="Asked for by the customer; the distributor has not priced it yet.",
    ACTIVE="Priced and valid today (validUntil not passed).",
    EXPIRED="validUntil has passed; derived from the date, never from a batch job.",
)


@strawberry.type
class QuoteLine(Line):
    note: str | None = strawberry.field(description="The customer's remark on this line, if any.")
    unit_price: Money | None = money_field("Null without VIEW_PRICES, and while the quote is REQUESTED.")
    row: strawberry.Private[m.QuoteLine]

    @staticmethod
    def own_fields(row: m.QuoteLine) -> dict[str, Any]:
        return {"note": row.note}


@strawberry.type
class Quote(Node):
    number: str
    reference: str | None = strawberry.field(description="The customer's project or job-site reference.")
    status: QuoteStatus
    created_at: datetime
    valid_until: date | None
    note: str | None
    total: Money | None = money_field("Null without VIEW_PRICES.")
    row: strawberry.Private[m.Quote]
    #: lines, when loaded with the page (quote_connection); else its field loads them.
    preloaded_lines: strawberry.Private[list[QuoteLine] | None] = None

    @staticmethod
    def of(row: m.Quote, c: Context) -> Quote:
        return Quote(
            id=strawberry.ID(ids.encode("Quote", row.id)),
            number=row.number,
            reference=row.reference,
            status=row.status_on(clock.today()),
            created_at=row.created_at,
            valid_until=row.valid_until,
            note=row.note,
            row=row,
            total=money(c, row.total if row.status != m.QuoteState.REQUESTED else None),
        )

    @strawberry.field
    async def customer_number(self, info: Info) -> CustomerNumber:
        return CustomerNumber.of(await customer_number_by_id(ctx(info)).load(self.row.customer_number_id))

    @strawberry.field
    async def requested_by(self, info: Info) -> User | None:
        user_id = self.row.requested_by_id
        if user_id is None:  # aiodataloader cannot load None
            return None
        user = await user_by_id(ctx(info)).load(user_id)
        return User.of(user) if user else None

    @preloaded_field("preloaded_lines")
    def lines(self, info: Info) -> list[QuoteLine]:
        if self.preloaded_lines is not None:
            return self.preloaded_lines
        return cast(Any, self._lines(ctx(info)))

    async def _lines(self, c: Context) -> list[QuoteLine]:
        return await QuoteLine.load(c, await lines_by_quote_id(c).load(self.row.id))


readable_node(m.Quote, Quote.of)


async def quote_connection(page: Page[m.Quote], c: Context, info: Info) -> Connection[Quote]:
    """A page of quotes, with their lines (and what is selected of them) loaded for the whole
    page at once when selected: one statement per level, whatever the page size."""
    quotes = [Quote.of(r, c) for r in page.rows]
    await QuoteLine.preload(c, info, quotes, m.QuoteLine, "quote_id")
    return Connection.of(page, quotes)


@strawberry.input
class QuoteFilter:
    status: list[QuoteStatus] | None = None
    year: int | None = strawberry.field(default=None, description="Quotes created in this calendar year.")
    search: str | None = strawberry.field(default=None, description="Part of the quote number or reference.")


@strawberry.input
class QuoteRequestInput:
    customer_number_id: strawberry.ID | None = None
    reference: str | None = None
    note: str | None = None
    lines: list[LineInput]


@strawberry.input
class QuoteIssueLineInput:
    product_id: strawberry.ID
    quantity: Decimal
    unit_price: Decimal


@strawberry.input
class QuoteIssueInput:
    quote_id: strawberry.ID | None = strawberry.field(
        default=None, description="Price an existing REQUESTED quote, or leave out and give companyId for a new one."
    )
    company_id: strawberry.ID | None = None
    customer_number_id: strawberry.ID | None = None
    valid_until: date
    reference: str | None = None
    lines: list[QuoteIssueLineInput]


@strawberry.type
class QuotePayload:
    quote: Quote | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class QuoteQuery:
    @strawberry.field(extensions=[requires(Permission.VIEW_QUOTES)])
    async def quotes(
        self, info: Info, filter: QuoteFilter | None = None, first: int | None = 20, after: str | None = None
    ) -> Connection[Quote]:
        f = filter or QuoteFilter()
        c = ctx(info)
        counted = "totalCount" in selection(info)  # counted by the page's own statement
        page = await rq.quotes(c, f.status, f.year, f.search, first, after, with_total=counted)
        return await quote_connection(page, c, info)

    @strawberry.field(extensions=[requires(Permission.VIEW_QUOTES)])
    async def quote(self, info: Info, id: strawberry.ID) -> Quote | None:
        c = ctx(info)
        row = await rq.quote(c, id)
        return Quote.of(row, c) if row else None

    @strawberry.field(
        extensions=[requires(Permission.VIEW_QUOTES)], description="Years that have at least one quote, newest first."
    )
    async def quote_years(self, info: Info) -> list[int]:
        return await rq.quote_years(ctx(info))


@strawberry.type
class QuoteMutation:
    @strawberry.mutation(extensions=[requires(Permission.REQUEST_QUOTES)])
    async def quote_request(self, info: Info, input: QuoteRequestInput) -> QuotePayload:
        c = ctx(info)
        action = rq.request_quote(c, input.customer_number_id, input.reference, input.note, input.lines)
        return await attempt(QuotePayload, action, quote=lambda r: Quote.of(r, c))

    @strawberry.mutation(extensions=[requires(Permission.ACCEPT_QUOTES)])
    async def quote_decline(self, info: Info, id: strawberry.ID, reason: str | None = None) -> QuotePayload:
        c = ctx(info)
        return await attempt(QuotePayload, rq.decline_quote(c, id, reason), quote=lambda r: Quote.of(r, c))

    @strawberry.mutation(
        extensions=[requires(STAFF)], description="Staff: price a requested quote, or issue a new one for a company."
    )
    async def quote_issue(self, info: Info, input: QuoteIssueInput) -> QuotePayload:
        c = ctx(info)
        action = rq.issue_quote(
            c,
            input.quote_id,
            input.company_id,
            input.customer_number_id,
            input.valid_until,
            input.reference,
            input.lines,
        )
        return await attempt(QuotePayload, action, quote=lambda r: Quote.of(r, c))


async def quote_requests(info: Info, first: int | None, after: str | None) -> Connection[Quote]:
    """Backoffice.quoteRequests: the REQUESTED quotes of every company, oldest first."""
    c = ctx(info)
    return await quote_connection(await rq.quote_requests(c, first, after), c, info)


@strawberry.type
class QuoteAcceptMutation:
    @strawberry.mutation(
        extensions=[requires(Permission.ACCEPT_QUOTES)],
        description=(
            "Submit an ACTIVE quote's lines at the quoted prices as a validation list (source QUOTE); "
            "the quote becomes ACCEPTED. Without a delivery: delivery to the quote's customer number."
        ),
    )
    async def quote_accept(self, info: Info, id: strawberry.ID, input: SubmitInput) -> ValidationListPayload:
        c = ctx(info)
        action = accept.accept_quote(c, id, input.reference, input.note, input.delivery, input.idempotency_key)
        return await attempt(ValidationListPayload, action, validation_list=lambda r: ValidationList.of(r, c))
