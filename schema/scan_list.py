"""Scan lists: ScanListQuery (scanLists), ScanListMutation (scanSubmit; staff scanListCreate,
scanListApprove), and the ScanList / ScanListLine types."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

import models as m
from resolvers.catalog import products as catalog
from resolvers.company.loaders import company_by_id
from resolvers.core import ids
from resolvers.core.context import Context
from resolvers.scan_list import scans as rs
from resolvers.scan_list.loaders import lines_by_scan_list_id
from resolvers.scan_list.printing import print_url
from schema.catalog import products_of
from schema.company import Company
from schema.core.base import Node, UserError, attempt, ctx, errors_field
from schema.core.connection import Connection
from schema.core.node import readable_node
from schema.core.permissions import DECIDERS, STAFF, Permission, requires
from schema.delivery import DeliveryInput
from schema.lines import LineInput
from schema.order import Order
from schema.validation import ValidationList

if TYPE_CHECKING:
    from schema.catalog import Product


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
        return (await products_of(ctx(info), [self.row.product_id]))[0]


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
        return [ScanListLine.of(r) for r in await lines_by_scan_list_id(ctx(info)).load(self.row.id)]

    @strawberry.field(description="The company account the list was made for.")
    async def company(self, info: Info) -> Company:
        return Company.of(await company_by_id(ctx(info)).load(self.row.company_id))


async def backoffice_scan_lists(
    info: Info,
    approved: bool | None = None,
    company_id: strawberry.ID | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[ScanList]:
    """Backoffice.scanLists: every company's scan lists, oldest first."""
    c = ctx(info)
    page = await rs.backoffice_scan_lists(c, approved, company_id, first, after)
    return Connection.of(page, [ScanList.of(r, c) for r in page.rows])


readable_node(m.ScanList, ScanList.of)


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
    @strawberry.field(extensions=[requires(Permission.PLACE_ORDERS)])
    async def scan_lists(self, info: Info) -> list[ScanList]:
        c = ctx(info)
        return [ScanList.of(r, c) for r in await rs.scan_lists(c)]


@strawberry.type
class ScanListMutation:
    @strawberry.mutation(extensions=[requires(Permission.PLACE_ORDERS)])
    async def scan_submit(self, info: Info, input: ScanSubmitInput) -> ScanSubmitPayload:
        c = ctx(info)
        action = rs.scan_submit(c, input.lines, input.delivery, input.reference, input.device_id, input.idempotency_key)
        # One of the two: an order at once, or a validation list.
        return await attempt(
            ScanSubmitPayload,
            action,
            order=lambda r: Order.of(r, c) if isinstance(r, m.Order) else None,
            validation_list=lambda r: None if isinstance(r, m.Order) else ValidationList.of(r, c),
        )

    @strawberry.mutation(
        extensions=[requires(STAFF)],
        description="Staff: a new scan list for a company (approve it with scanListApprove).",
    )
    async def scan_list_create(self, info: Info, input: ScanListInput) -> ScanListPayload:
        c = ctx(info)
        action = rs.create_scan_list(c, input.company_id, input.name, input.lines)
        return await attempt(ScanListPayload, action, scan_list=lambda row: ScanList.of(row, c))

    @strawberry.mutation(
        extensions=[requires(*DECIDERS)],
        description="Staff: approve a scan list; its printable page and order-at-once scans start.",
    )
    async def scan_list_approve(self, info: Info, id: strawberry.ID) -> ScanListPayload:
        c = ctx(info)
        return await attempt(ScanListPayload, rs.approve_scan_list(c, id), scan_list=lambda row: ScanList.of(row, c))
