"""Validation lists: ValidationQuery (validationLists, validationList), ValidationMutation
(cartSubmit, validationListCancel, staff approve/reject), and SubmitInput/ValidationListPayload
shared with the other submits (quickListSubmit, quoteAccept)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

import models as m
from models import ValidationStatus
from resolvers.account import user_by_id
from resolvers.core import ids
from resolvers.core.context import Context
from resolvers.core.pagination import Page
from resolvers.invoice.reads import exceeds_credit_limit
from resolvers.order import order_by_validation_list_id
from resolvers.validation import lists as rv
from resolvers.validation.loaders import lines_by_validation_list_id
from schema.account import User
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
)
from schema.core.connection import Connection
from schema.core.node import readable_node
from schema.core.permissions import DECIDERS, MEMBER, READ_ORDERS, requires
from schema.delivery import Delivery, DeliveryInput
from schema.order import Order, OrderSource

if TYPE_CHECKING:
    pass
from schema.lines import Line

strawberry.enum(ValidationStatus, name="ValidationStatus")
describe_values(
    ValidationStatus,
    SUBMITTED="Waiting for the distributor's validation.",
    APPROVED="Validated; an order was created.",
    CANCELLED="Withdrawn by the customer before validation.",
)


@strawberry.type
class ValidationListLine(Line):
    note: str | None
    unit_price: Money | None = money_field("Frozen at submission. Null without VIEW_PRICES.")
    row: strawberry.Private[m.ValidationListLine]

    @staticmethod
    def own_fields(row: m.ValidationListLine) -> dict[str, Any]:
        return {"note": row.note}


@strawberry.type(
    description=(
        "The last step between wanting to order and a real order: submitted lines\n"
        "that the distributor validates. Approval creates the Order."
    )
)
class ValidationList(Node):
    number: str
    status: ValidationStatus
    source: OrderSource
    reference: str | None
    note: str | None
    submitted_at: datetime
    decided_at: datetime | None
    rejection_reason: str | None
    delivery: Delivery
    version: int = strawberry.field(description="Increases at every change; approve and reject must quote it.")
    total: Money | None = money_field("Null without VIEW_PRICES.")
    row: strawberry.Private[m.ValidationList]

    @staticmethod
    def of(row: m.ValidationList, c: Context) -> ValidationList:
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
            total=money(c, row.total),
        )

    @strawberry.field
    async def submitted_by(self, info: Info) -> User:
        return User.of(await user_by_id(ctx(info)).load(self.row.submitted_by_id))

    @strawberry.field
    async def lines(self, info: Info) -> list[ValidationListLine]:
        c = ctx(info)
        return await ValidationListLine.load(c, await lines_by_validation_list_id(c).load(self.row.id))

    @strawberry.field
    async def order(self, info: Info) -> Annotated[Order, strawberry.lazy("schema.order")] | None:
        c = ctx(info)
        row = await order_by_validation_list_id(c).load(self.row.id)
        return Order.of(row, c) if row else None

    @strawberry.field(
        description=(
            "Whether approving this list would take the company past its credit limit (shown to staff).\n"
            "Open invoices + orders not yet invoiced + this list's total > the limit; false without a\n"
            "limit, once the list is decided, and for everyone but staff and distributor API clients."
        )
    )
    async def exceeds_credit_limit(self, info: Info) -> bool:
        return await exceeds_credit_limit(ctx(info), self.row)


readable_node(m.ValidationList, ValidationList.of)


def validation_list_connection(page: Page[m.ValidationList], c: Context) -> Connection[ValidationList]:
    return Connection.of(page, [ValidationList.of(r, c) for r in page.rows])


@strawberry.input
class ValidationListFilter:
    status: list[ValidationStatus] | None = None
    source: list[OrderSource] | None = None


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
) -> Connection[ValidationList]:
    """Backoffice.validationLists: the staff queue of every company, oldest first (SUBMITTED
    unless the filter names statuses)."""
    f = filter or ValidationListFilter()
    c = ctx(info)
    return validation_list_connection(await rv.queue(c, f.status, f.source, first, after), c)


@strawberry.type
class ValidationQuery:
    @strawberry.field(extensions=[requires(*READ_ORDERS)])
    async def validation_lists(
        self, info: Info, filter: ValidationListFilter | None = None, first: int | None = 20, after: str | None = None
    ) -> Connection[ValidationList]:
        f = filter or ValidationListFilter()
        c = ctx(info)
        return validation_list_connection(await rv.validation_lists(c, f.status, f.source, first, after), c)

    @strawberry.field(extensions=[requires(*READ_ORDERS)])
    async def validation_list(self, info: Info, id: strawberry.ID) -> ValidationList | None:
        c = ctx(info)
        row = await rv.validation_list(c, id)
        return ValidationList.of(row, c) if row else None


@strawberry.type
class ValidationMutation:
    @strawberry.mutation(extensions=[requires(MEMBER)])
    async def validation_list_cancel(self, info: Info, id: strawberry.ID) -> ValidationListPayload:
        c = ctx(info)
        return await attempt(ValidationListPayload, rv.cancel(c, id), validation_list=lambda r: ValidationList.of(r, c))

    @strawberry.mutation(extensions=[requires(*DECIDERS)])
    async def validation_list_approve(self, info: Info, input: ApproveInput) -> ValidationListPayload:
        c = ctx(info)
        action = rv.approve(c, input.id, input.expected_version)
        return await attempt(ValidationListPayload, action, validation_list=lambda r: ValidationList.of(r, c))

    @strawberry.mutation(extensions=[requires(*DECIDERS)])
    async def validation_list_reject(self, info: Info, input: RejectInput) -> ValidationListPayload:
        c = ctx(info)
        action = rv.reject(c, input.id, input.expected_version, input.reason)
        return await attempt(ValidationListPayload, action, validation_list=lambda r: ValidationList.of(r, c))
