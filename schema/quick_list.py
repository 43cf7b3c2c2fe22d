"""Quick lists: QuickList, QuickListLine; QuickListQuery and QuickListMutation.

The rules (who reads, who edits, summing, ordering) are in resolvers.quick_list.lists and
resolvers.quick_list.ordering.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from models import QuickList as QuickListRow
from resolvers.account import user_by_id
from resolvers.catalog import products as catalog
from resolvers.core import ids
from resolvers.core.context import Context
from resolvers.quick_list import lists as rs
from resolvers.quick_list import ordering as ro
from resolvers.quick_list.loaders import line_count_by_quick_list_id
from schema import catalog as catalog_schema
from schema.account import User
from schema.cart import Cart, CartPayload
from schema.core.base import (
    Money,
    Node,
    OkPayload,
    UserError,
    attempt,
    ctx,
    errors_field,
    money,
    money_field,
)
from schema.core.node import node_type, readable_node
from schema.core.permissions import STAFF, Permission, requires
from schema.delivery import DeliveryInput
from schema.lines import LineInput
from schema.validation import ValidationList, ValidationListPayload

if TYPE_CHECKING:
    from schema.catalog import Product  # noqa: F401

ProductRef = Annotated["Product", strawberry.lazy("schema.catalog")]


@strawberry.type
class QuickListLine(Node):
    product: ProductRef
    quantity: Decimal = strawberry.field(description="The default quantity ordered from this line.")
    note: str | None
    unit_price: Money | None = money_field(
        "Null without VIEW_PRICES. Otherwise the company's unit price for the line's quantity."
    )

    @staticmethod
    async def load(c: Context, row: QuickListRow) -> list[QuickListLine]:
        """The list's lines with their products and prices (batched: the same queries for any count)."""
        priced = await rs.priced_lines(c, row)
        products = await catalog_schema.Product.load(c, [p.product for p in priced])
        return [
            QuickListLine(
                id=strawberry.ID(ids.encode("QuickListLine", p.line.id)),
                product=product,
                quantity=catalog.plain(p.line.quantity),
                note=p.line.note,
                unit_price=money(c, p.unit_price),
            )
            for p, product in zip(priced, products, strict=True)
        ]


@strawberry.type
class QuickList(Node):
    name: str
    description: str | None
    shared: bool = strawberry.field(description="Shared lists are visible to every member of the company account.")
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[QuickListRow]

    @staticmethod
    def of(row: QuickListRow) -> QuickList:
        return QuickList(
            id=strawberry.ID(ids.encode("QuickList", row.id)),
            name=row.name,
            description=row.description,
            shared=row.shared,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field
    async def owner(self, info: Info) -> User:
        return User.of(await user_by_id(ctx(info)).load(self.row.owner_id))

    @strawberry.field
    async def line_count(self, info: Info) -> int:
        count: int = await line_count_by_quick_list_id(ctx(info)).load(self.row.id)
        return count

    @strawberry.field
    async def lines(self, info: Info) -> list[QuickListLine]:
        return await QuickListLine.load(ctx(info), self.row)


readable_node(QuickListRow, lambda row, c: QuickList.of(row))


@node_type("QuickListLine")
async def _fetch_quick_list_line(c: Context, pk: uuid.UUID) -> QuickListLine | None:
    row = await rs.list_of_line_for_node(c, pk)
    if row is None:
        return None
    # The whole list, priced as the list prices it (batched: the same queries for any count).
    wanted = ids.encode("QuickListLine", pk)
    return next((line for line in await QuickListLine.load(c, row) if line.id == wanted), None)


@strawberry.input
class QuickListInput:
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="Staff only: the company account the list is made for (a representative's help)."
    )
    name: str
    description: str | None = None
    shared: bool | None = None
    lines: list[LineInput] | None = None


@strawberry.input
class QuickListUpdateInput:
    name: str | None = None
    description: str | None = None
    shared: bool | None = None


@strawberry.type
class QuickListPayload:
    quick_list: QuickList | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class QuickListLineQuantity:
    line_id: strawberry.ID
    quantity: Decimal


@strawberry.input
class QuickListSubmitInput:
    lines: list[QuickListLineQuantity] | None = strawberry.field(
        default=None,
        description="Lines to order with their quantities; all lines with their default quantity when left out.",
    )
    delivery: DeliveryInput
    reference: str | None = None
    note: str | None = None
    idempotency_key: str


async def _list_payload(action: Awaitable[QuickListRow]) -> QuickListPayload:
    return await attempt(QuickListPayload, action, quick_list=QuickList.of)


@strawberry.type
class QuickListQuery:
    @strawberry.field(
        extensions=[requires(Permission.VIEW_QUICK_LISTS, STAFF)],
        description=(
            "The quick lists one may read, by name (VIEW_QUICK_LISTS): the company's shared lists and "
            "one's own private ones. Staff: the lists they built."
        ),
    )
    async def quick_lists(self, info: Info) -> list[QuickList]:
        return [QuickList.of(r) for r in await rs.quick_lists(ctx(info))]

    @strawberry.field(
        extensions=[requires(Permission.VIEW_QUICK_LISTS, STAFF)],
        description="Null when unknown, of another company, or another member's private list.",
    )
    async def quick_list(self, info: Info, id: strawberry.ID) -> QuickList | None:
        row = await rs.quick_list(ctx(info), id)
        return QuickList.of(row) if row else None


@strawberry.type
class QuickListMutation:
    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_QUICK_LISTS, STAFF)],
        description=(
            "Create a quick list (MANAGE_QUICK_LISTS), private unless shared. Staff give companyId and "
            "make the list for that company (shared unless shared: false); members may not give it."
        ),
    )
    async def quick_list_create(self, info: Info, input: QuickListInput) -> QuickListPayload:
        action = rs.create(
            ctx(info),
            company_id=input.company_id,
            name=input.name,
            description=input.description,
            shared=input.shared,
            lines=input.lines,
        )
        return await _list_payload(action)

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_QUICK_LISTS, STAFF)],
        description=(
            "Change a list (MANAGE_QUICK_LISTS): the owner's private list, or any shared list of the "
            "company. Null leaves a value as it is; an empty description clears it. Only the owner "
            "(or staff) may change shared."
        ),
    )
    async def quick_list_update(self, info: Info, id: strawberry.ID, input: QuickListUpdateInput) -> QuickListPayload:
        action = rs.update(ctx(info), id, name=input.name, description=input.description, shared=input.shared)
        return await _list_payload(action)

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_QUICK_LISTS, STAFF)],
        description="Delete a list and its lines (MANAGE_QUICK_LISTS).",
    )
    async def quick_list_delete(self, info: Info, id: strawberry.ID) -> OkPayload:
        return await attempt(OkPayload, rs.delete(ctx(info), id), ok=lambda ok: ok)

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_QUICK_LISTS, STAFF)],
        description=(
            "Add lines (MANAGE_QUICK_LISTS): by productId or code, and/or as pasted text, read like fast "
            "entry: one code (SKU, EAN or own article code) and a quantity per line, separated by spaces, "
            "a tab, ';' or ','; a decimal comma is accepted; blank lines are skipped; repeated codes are "
            "summed; at most 500 lines. A product already on the list gets the quantity added. All or "
            "nothing: any bad line leaves the list unchanged and comes back as a userError at "
            '["lines", i, ...] or, for pasted text, ["text", lineNumber].'
        ),
    )
    async def quick_list_lines_add(
        self,
        info: Info,
        id: strawberry.ID,
        lines: list[LineInput] = [],  # noqa: B006  # never mutated; [] lets a client send only text
        text: Annotated[
            str | None,
            strawberry.argument(description="Pasted text, one article per line (see the mutation's description)."),
        ] = None,
    ) -> QuickListPayload:
        return await _list_payload(rs.add_lines(ctx(info), id, lines, text))

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_QUICK_LISTS, STAFF)],
        description="A line's default quantity (product rules) and note; a null note is kept, an empty one cleared.",
    )
    async def quick_list_line_update(
        self, info: Info, line_id: strawberry.ID, quantity: Decimal, note: str | None = None
    ) -> QuickListPayload:
        return await _list_payload(rs.update_line(ctx(info), line_id, quantity, note))

    @strawberry.mutation(
        extensions=[requires(Permission.MANAGE_QUICK_LISTS, STAFF)],
        description="Remove lines: all of them or none (NOT_FOUND for a line not on the list).",
    )
    async def quick_list_lines_remove(
        self, info: Info, id: strawberry.ID, line_ids: list[strawberry.ID]
    ) -> QuickListPayload:
        return await _list_payload(rs.remove_lines(ctx(info), id, line_ids))

    @strawberry.mutation(
        extensions=[requires(Permission.PLACE_ORDERS)],
        description=(
            "Copy lines (all when lineIds is null) with their default quantities to the cart (PLACE_ORDERS), "
            "summed with the cart's lines of the same products. All or nothing."
        ),
    )
    async def quick_list_add_to_cart(
        self, info: Info, id: strawberry.ID, line_ids: list[strawberry.ID] | None = None
    ) -> CartPayload:
        c = ctx(info)
        return await attempt(CartPayload, ro.add_to_cart(c, id, line_ids), cart=lambda row: Cart.load(c, row))

    @strawberry.mutation(
        extensions=[requires(Permission.ORDER_FROM_QUICK_LISTS)],
        description=(
            "Send lines straight to validation (ORDER_FROM_QUICK_LISTS) at today's prices: a SUBMITTED "
            "validation list with source QUICK_LIST. The cart is not touched. Once per idempotencyKey."
        ),
    )
    async def quick_list_submit(
        self, info: Info, id: strawberry.ID, input: QuickListSubmitInput
    ) -> ValidationListPayload:
        c = ctx(info)
        action = ro.submit(
            c,
            id,
            lines=input.lines,
            delivery=input.delivery,
            reference=input.reference,
            note=input.note,
            idempotency_key=input.idempotency_key,
        )
        return await attempt(ValidationListPayload, action, validation_list=lambda r: ValidationList.of(r, c))
