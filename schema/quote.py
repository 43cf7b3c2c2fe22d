"""Quotes: QuoteQuery (quotes, quote, quoteYears), QuoteMutation (request, decline, staff issue)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models import quote as m
from resolvers.catalog.pricing import line_total
from resolvers.catalog.products import plain
from resolvers.core import clock, ids
from resolvers.core.access import find_readable
from resolvers.core.context import Context
from resolvers.core.pagination import Page
from resolvers.quote import quotes as rq
from schema.account import User
from schema.company import CustomerNumber
from schema.core.base import (
    Money,
    Node,
    PageInfo,
    UserError,
    attempt,
    ctx,
    describe_values,
    errors_field,
    money,
    money_field,
    total_count_field,
)
from schema.core.node import node_type

if TYPE_CHECKING:
    from schema.catalog import Product
from resolvers.quote import accept
from schema.lines import LineInput
from schema.validation import SubmitInput, ValidationList, ValidationListPayload

QuoteStatus = strawberry.enum(m.QuoteStatus, name="QuoteStatus")
describe_values(
    QuoteStatus,
    REQUESTED="Asked for by the customer; the distributor has not priced it yet.",
    ACTIVE="Priced and valid today (validUntil not passed).",
    EXPIRED="validUntil has passed; derived from the date, never from a batch job.",
)


@strawberry.type
class QuoteLine:
    id: strawberry.ID
    quantity: Decimal
    note: str | None = strawberry.field(description="The customer's remark on this line, if any.")
    unit_price: Money | None = money_field("Null without VIEW_PRICES, and while the quote is REQUESTED.")
    line_total: Money | None = money_field("unitPrice x quantity, rounded half-up to cents.")
    product: Annotated[Product, strawberry.lazy("schema.catalog")]
    row: strawberry.Private[m.QuoteLine]

    @staticmethod
    def of(row: m.QuoteLine, c: Context, product: Product) -> QuoteLine:
        price = row.unit_price
        return QuoteLine(
            id=strawberry.ID(ids.encode("QuoteLine", row.id)),
            quantity=plain(row.quantity),
            note=row.note,
            unit_price=money(c, price),
            line_total=money(c, line_total(price, row.quantity) if price is not None else None),
            product=product,
            row=row,
        )

    @staticmethod
    async def load(c: Context, rows: list[m.QuoteLine]) -> list[QuoteLine]:
        """The lines with their products, loaded together (quote lines restrict the product's deletion)."""
        from schema.catalog import products_of

        products = await products_of(c, [r.product_id for r in rows])  # type: ignore[attr-defined]
        return [QuoteLine.of(r, c, p) for r, p in zip(rows, products, strict=True)]


@strawberry.type
class Quote(Node):
    number: str
    reference: str | None = strawberry.field(description="The customer's project or job-site reference.")
    status: QuoteStatus  # type: ignore[valid-type]
    created_at: datetime
    valid_until: date | None
    note: str | None
    total: Money | None = money_field("Null without VIEW_PRICES.")
    row: strawberry.Private[m.Quote]

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
        return CustomerNumber.of(await ctx(info).customer_number_by_id.load(self.row.customer_number_id))  # type: ignore[attr-defined]

    @strawberry.field
    async def requested_by(self, info: Info) -> User | None:
        user_id = self.row.requested_by_id  # type: ignore[attr-defined]
        if user_id is None:  # aiodataloader cannot load None
            return None
        user = await ctx(info).user_by_id.load(user_id)
        return User.of(user) if user else None

    @strawberry.field
    async def lines(self, info: Info) -> list[QuoteLine]:
        c = ctx(info)
        return await QuoteLine.load(c, await c.lines_by_quote_id.load(self.row.id))


@node_type("Quote")
async def _fetch_quote(c: Context, pk: uuid.UUID) -> Quote | None:
    row = await find_readable(m.Quote, c, pk)
    return Quote.of(row, c) if row else None


@strawberry.type
class QuoteEdge:
    cursor: str
    node: Quote


@strawberry.type
class QuoteConnection:
    edges: list[QuoteEdge]
    page_info: PageInfo
    total_count = total_count_field()
    page: strawberry.Private[Page[Any]]

    @staticmethod
    def of(page: Page[m.Quote], c: Context) -> QuoteConnection:
        return QuoteConnection(
            edges=[QuoteEdge(cursor=cur, node=Quote.of(r, c)) for r, cur in zip(page.rows, page.cursors, strict=True)],
            page_info=PageInfo.of(page),
            page=page,
        )


@strawberry.input
class QuoteFilter:
    status: list[QuoteStatus] | None = None  # type: ignore[valid-type]
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
    @strawberry.field
    async def quotes(
        self, info: Info, filter: QuoteFilter | None = None, first: int | None = 20, after: str | None = None
    ) -> QuoteConnection:
        f = filter or QuoteFilter()
        c = ctx(info)
        return QuoteConnection.of(await rq.quotes(c, f.status, f.year, f.search, first, after), c)

    @strawberry.field
    async def quote(self, info: Info, id: strawberry.ID) -> Quote | None:
        c = ctx(info)
        row = await rq.quote(c, id)
        return Quote.of(row, c) if row else None

    @strawberry.field(description="Years that have at least one quote, newest first.")
    async def quote_years(self, info: Info) -> list[int]:
        return await rq.quote_years(ctx(info))


@strawberry.type
class QuoteMutation:
    @strawberry.mutation
    async def quote_request(self, info: Info, input: QuoteRequestInput) -> QuotePayload:
        c = ctx(info)
        action = rq.request_quote(c, input.customer_number_id, input.reference, input.note, input.lines)
        return await attempt(QuotePayload, action, quote=lambda r: Quote.of(r, c))

    @strawberry.mutation
    async def quote_decline(self, info: Info, id: strawberry.ID, reason: str | None = None) -> QuotePayload:
        c = ctx(info)
        return await attempt(QuotePayload, rq.decline_quote(c, id, reason), quote=lambda r: Quote.of(r, c))

    @strawberry.mutation(description="Staff: price a requested quote, or issue a new one for a company.")
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


async def quote_requests(info: Info, first: int | None, after: str | None) -> QuoteConnection:
    """Backoffice.quoteRequests: the REQUESTED quotes of every company, oldest first."""
    c = ctx(info)
    return QuoteConnection.of(await rq.quote_requests(c, first, after), c)


@strawberry.type
class QuoteAcceptMutation:
    @strawberry.mutation(
        description=(
            "Submit an ACTIVE quote's lines at the quoted prices as a validation list (source QUOTE); "
            "the quote becomes ACCEPTED. Without a delivery: delivery to the quote's customer number."
        )
    )
    async def quote_accept(self, info: Info, id: strawberry.ID, input: SubmitInput) -> ValidationListPayload:
        c = ctx(info)
        action = accept.accept_quote(c, id, input.reference, input.note, input.delivery, input.idempotency_key)
        return await attempt(ValidationListPayload, action, validation_list=lambda r: ValidationList.of(r, c))
