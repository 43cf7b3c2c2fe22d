"""Validation lists: ValidationQuery (validationLists, validationList), ValidationMutation
(cartSubmit, validationListCancel, staff approve/reject), and SubmitInput/ValidationListPayload
shared with the other submits (quickListSubmit, quoteAccept)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models import order as m
from resolvers import catalog, ids
from resolvers import submit as rs
from resolvers import validation as rv
from resolvers.context import Context
from resolvers.order import visible_for_node
from resolvers.pagination import Page
from resolvers.pricing import line_total
from schema.account import User
from schema.base import Node, PageInfo, UserError, attempt, ctx, errors_field, money_field, total_count_field
from schema.delivery import Delivery, DeliveryInput
from schema.node import node_type

if TYPE_CHECKING:
    from schema.catalog import Product
    from schema.order import Order

ValidationStatus = strawberry.enum(m.ValidationStatus, name="ValidationStatus")
OrderSource = strawberry.enum(m.OrderSource, name="OrderSource")


@strawberry.type
class ValidationListLine:
    id: strawberry.ID
    quantity: Decimal
    note: str | None
    unit_price = money_field("unit_price_amount", "Frozen at submission. Null without VIEW_PRICES.")
    line_total = money_field("line_total_amount", "unitPrice x quantity, rounded half-up to cents.")
    row: strawberry.Private[m.ValidationListLine]
    unit_price_amount: strawberry.Private[Decimal]
    line_total_amount: strawberry.Private[Decimal]

    @staticmethod
    def of(row: m.ValidationListLine) -> ValidationListLine:
        return ValidationListLine(
            id=strawberry.ID(ids.encode("ValidationListLine", row.id)),
            quantity=catalog.plain(row.quantity),
            note=row.note,
            row=row,
            unit_price_amount=row.unit_price,
            line_total_amount=line_total(row.unit_price, row.quantity),
        )

    @strawberry.field
    async def product(self, info: Info) -> Annotated[Product, strawberry.lazy("schema.catalog")]:
        from schema.catalog import product_of

        return await product_of(ctx(info), self.row.product_id)  # type: ignore[attr-defined, return-value]


@strawberry.type(
    description=(
        "The last step between wanting to order and a real order: submitted lines\n"
        "that the distributor validates. Approval creates the Order."
    )
)
class ValidationList(Node):
    number: str
    status: ValidationStatus  # type: ignore[valid-type]
    source: OrderSource  # type: ignore[valid-type]
    reference: str | None
    note: str | None
    submitted_at: datetime
    decided_at: datetime | None
    rejection_reason: str | None
    delivery: Delivery
    total = money_field("total_amount", "Null without VIEW_PRICES.")
    version: int = strawberry.field(description="Increases at every change; approve and reject must quote it.")
    row: strawberry.Private[m.ValidationList]
    total_amount: strawberry.Private[Decimal]

    @staticmethod
    def of(row: m.ValidationList) -> ValidationList:
        return ValidationList(
            id=strawberry.ID(ids.encode("ValidationList", row.id)),
            number=row.number,
            status=row.status,
            source=row.source,
            reference=row.reference,
            note=row.note,
            submitted_at=row.created_at,
            decided_at=row.decided_at,
            rejection_reason=row.rejection_reason,
            delivery=Delivery.of(row),  # type: ignore[arg-type]  # always chosen on a submit
            version=row.version,
            row=row,
            total_amount=row.total,
        )

    @strawberry.field
    async def submitted_by(self, info: Info) -> User:
        return User.of(await ctx(info).user_by_id.load(self.row.submitted_by_id))  # type: ignore[attr-defined]

    @strawberry.field
    async def lines(self, info: Info) -> list[ValidationListLine]:
        return [ValidationListLine.of(r) for r in await ctx(info).lines_by_validation_list_id.load(self.row.id)]

    @strawberry.field
    async def order(self, info: Info) -> Annotated[Order, strawberry.lazy("schema.order")] | None:
        from schema.order import Order

        row = await ctx(info).order_by_validation_list_id.load(self.row.id)
        return Order.of(row) if row else None


@node_type("ValidationList")
async def _fetch_validation_list(c: Context, pk: uuid.UUID) -> ValidationList | None:
    row = await visible_for_node(m.ValidationList, c, pk)
    return ValidationList.of(row) if row else None


@strawberry.type
class ValidationListEdge:
    cursor: str
    node: ValidationList


@strawberry.type
class ValidationListConnection:
    edges: list[ValidationListEdge]
    page_info: PageInfo
    total_count = total_count_field()
    page: strawberry.Private[Page[Any]]

    @staticmethod
    def of(page: Page[m.ValidationList]) -> ValidationListConnection:
        return ValidationListConnection(
            edges=[ValidationListEdge(cursor=c, node=ValidationList.of(r)) for r, c in zip(page.rows, page.cursors, strict=True)],
            page_info=PageInfo.of(page),
            page=page,
        )


@strawberry.input
class ValidationListFilter:
    status: list[ValidationStatus] | None = None  # type: ignore[valid-type]
    source: list[OrderSource] | None = None  # type: ignore[valid-type]


@strawberry.input
class SubmitInput:
    reference: str | None = None
    note: str | None = None
    delivery: DeliveryInput | None = strawberry.field(
        default=None,
        description=(
            "Where to deliver. cartSubmit falls back to the cart's delivery; quoteAccept falls back\n"
            "to delivery at the address of the quote's customer number."
        ),
    )
    idempotency_key: str = strawberry.field(
        description="Client-chosen key; the same key returns the first result and never submits twice."
    )


@strawberry.input
class ApproveInput:
    id: strawberry.ID
    expected_version: int


@strawberry.input
class RejectInput:
    id: strawberry.ID
    expected_version: int
    reason: str


@strawberry.type
class ValidationListPayload:
    validation_list: ValidationList | None = None
    user_errors: list[UserError] = errors_field()


async def backoffice_validation_lists(
    info: Info, filter: ValidationListFilter | None = None, first: int | None = None, after: str | None = None
) -> ValidationListConnection:
    """Backoffice.validationLists: the staff queue of every company, oldest first (SUBMITTED
    unless the filter names statuses)."""
    f = filter or ValidationListFilter()
    return ValidationListConnection.of(await rv.queue(ctx(info), f.status, f.source, first, after))


@strawberry.type
class ValidationQuery:
    @strawberry.field
    async def validation_lists(
        self, info: Info, filter: ValidationListFilter | None = None, first: int | None = 20, after: str | None = None
    ) -> ValidationListConnection:
        f = filter or ValidationListFilter()
        return ValidationListConnection.of(await rv.validation_lists(ctx(info), f.status, f.source, first, after))

    @strawberry.field
    async def validation_list(self, info: Info, id: strawberry.ID) -> ValidationList | None:
        row = await rv.validation_list(ctx(info), id)
        return ValidationList.of(row) if row else None


@strawberry.type
class ValidationMutation:
    @strawberry.mutation
    async def cart_submit(self, info: Info, input: SubmitInput) -> ValidationListPayload:
        action = rs.cart_submit(ctx(info), input.reference, input.note, input.delivery, input.idempotency_key)
        return await attempt(ValidationListPayload, action, validation_list=ValidationList.of)

    @strawberry.mutation
    async def validation_list_cancel(self, info: Info, id: strawberry.ID) -> ValidationListPayload:
        return await attempt(ValidationListPayload, rv.cancel(ctx(info), id), validation_list=ValidationList.of)

    @strawberry.mutation
    async def validation_list_approve(self, info: Info, input: ApproveInput) -> ValidationListPayload:
        action = rv.approve(ctx(info), input.id, input.expected_version)
        return await attempt(ValidationListPayload, action, validation_list=ValidationList.of)

    @strawberry.mutation
    async def validation_list_reject(self, info: Info, input: RejectInput) -> ValidationListPayload:
        action = rv.reject(ctx(info), input.id, input.expected_version, input.reason)
        return await attempt(ValidationListPayload, action, validation_list=ValidationList.of)
