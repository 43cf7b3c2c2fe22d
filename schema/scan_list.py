"""Scan lists: ScanListQuery (scanLists), ScanListMutation (scanSubmit; staff scanListCreate,
scanListApprove), and the ScanList / ScanListLine types."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

import models as m
from resolvers.catalog import products as catalog
from resolvers.core import ids
from resolvers.core.access import find_readable
from resolvers.core.context import Context
from resolvers.core.errors import DomainError
from resolvers.core.pagination import Page
from resolvers.scan_list import scans as rs
from resolvers.scan_list.printing import print_url
from schema.company import Company
from schema.core.base import Node, PageInfo, UserError, attempt, ctx, errors_field, total_count_field, user_errors
from schema.core.node import node_type
from schema.delivery import DeliveryInput
from schema.lines import LineInput

if TYPE_CHECKING:
    from schema.catalog import Product
    from schema.order import Order
    from schema.validation import ValidationList


@strawberry.type
class ScanListLine:
    id: strawberry.ID
    barcode: str = strawberry.field(
        description="The code printed as a barcode for this line (the product's EAN, else its SKU)."
    )
    default_quantity: Decimal
    row: strawberry.Private[m.ScanListLine]

    @staticmethod
    def of(row: m.ScanListLine) -> ScanListLine:
        return ScanListLine(
            id=strawberry.ID(ids.encode("ScanListLine", row.id)),
            barcode=row.barcode,
            default_quantity=catalog.plain(row.default_quantity),
            row=row,
        )

    @strawberry.field
    async def product(self, info: Info) -> Annotated[Product, strawberry.lazy("schema.catalog")]:
        from schema.catalog import product_of

        return await product_of(ctx(info), self.row.product_id)  # type: ignore[attr-defined, return-value]


@strawberry.type(
    description=(
        "A list of products the distributor approved in advance for scanning.\n"
        "Scans that only hit lines of an approved scan list become an order at once;\n"
        "anything else goes to a validation list."
    )
)
class ScanList(Node):
    name: str
    approved: bool
    approved_at: datetime | None
    print_url: str | None = strawberry.field(
        description="Printable page of this list with one scannable barcode per line; null until approved."
    )
    row: strawberry.Private[m.ScanList]

    @staticmethod
    def of(row: m.ScanList, c: Context) -> ScanList:
        return ScanList(
            id=strawberry.ID(ids.encode("ScanList", row.id)),
            name=row.name,
            approved=row.approved_at is not None,
            approved_at=row.approved_at,
            print_url=print_url(c.settings, row),
            row=row,
        )

    @strawberry.field
    async def lines(self, info: Info) -> list[ScanListLine]:
        return [ScanListLine.of(r) for r in await ctx(info).lines_by_scan_list_id.load(self.row.id)]

    @strawberry.field(description="The company account the list was made for.")
    async def company(self, info: Info) -> Company:
        return Company.of(await ctx(info).company_by_id.load(self.row.company_id))  # type: ignore[attr-defined]


@strawberry.type
class ScanListEdge:
    cursor: str
    node: ScanList


@strawberry.type
class ScanListConnection:
    edges: list[ScanListEdge]
    page_info: PageInfo
    total_count = total_count_field()
    page: strawberry.Private[Page[Any]]


async def backoffice_scan_lists(
    info: Info,
    approved: bool | None = None,
    company_id: strawberry.ID | None = None,
    first: int | None = None,
    after: str | None = None,
) -> ScanListConnection:
    """Backoffice.scanLists: every company's scan lists, oldest first."""
    c = ctx(info)
    page = await rs.backoffice_scan_lists(c, approved, company_id, first, after)
    return ScanListConnection(
        edges=[
            ScanListEdge(cursor=cur, node=ScanList.of(r, c)) for r, cur in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=PageInfo.of(page),
        page=page,
    )


@node_type("ScanList")
async def _fetch_scan_list(c: Context, pk: uuid.UUID) -> ScanList | None:
    row = await find_readable(m.ScanList, c, pk)
    return ScanList.of(row, c) if row else None


@strawberry.input
class ScanListInput:
    company_id: strawberry.ID
    name: str
    lines: list[LineInput]


@strawberry.type
class ScanListPayload:
    scan_list: ScanList | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class ScanSubmitInput:
    lines: list[LineInput] = strawberry.field(
        description="Codes as scanned (EAN, SKU or own article code) with quantities."
    )
    delivery: DeliveryInput
    reference: str | None = None
    device_id: str | None = None
    idempotency_key: str


@strawberry.type(
    description=(
        "A scan submission either became an order at once (all lines on an approved scan list) or a validation list."
    )
)
class ScanSubmitPayload:
    order: Annotated[Order, strawberry.lazy("schema.order")] | None = None
    validation_list: Annotated[ValidationList, strawberry.lazy("schema.validation")] | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class ScanListQuery:
    @strawberry.field
    async def scan_lists(self, info: Info) -> list[ScanList]:
        c = ctx(info)
        return [ScanList.of(r, c) for r in await rs.scan_lists(c)]


@strawberry.type
class ScanListMutation:
    @strawberry.mutation
    async def scan_submit(self, info: Info, input: ScanSubmitInput) -> ScanSubmitPayload:
        from schema.order import Order
        from schema.validation import ValidationList

        c = ctx(info)
        action = rs.scan_submit(c, input.lines, input.delivery, input.reference, input.device_id, input.idempotency_key)
        try:
            result: Any = await action
        except DomainError as error:
            return ScanSubmitPayload(user_errors=user_errors(error))
        if isinstance(result, m.Order):
            return ScanSubmitPayload(order=Order.of(result, c))
        return ScanSubmitPayload(validation_list=ValidationList.of(result, c))

    @strawberry.mutation(description="Staff: a new scan list for a company (approve it with scanListApprove).")
    async def scan_list_create(self, info: Info, input: ScanListInput) -> ScanListPayload:
        c = ctx(info)
        action = rs.create_scan_list(c, input.company_id, input.name, input.lines)
        return await attempt(ScanListPayload, action, scan_list=lambda row: ScanList.of(row, c))

    @strawberry.mutation(description="Staff: approve a scan list; its printable page and order-at-once scans start.")
    async def scan_list_approve(self, info: Info, id: strawberry.ID) -> ScanListPayload:
        c = ctx(info)
        return await attempt(ScanListPayload, rs.approve_scan_list(c, id), scan_list=lambda row: ScanList.of(row, c))
