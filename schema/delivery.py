"""Delivery: DeliveryMethod, DeliveryInput and the Delivery type of carts, validation lists and orders."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models import DeliveryMethod
from resolvers.catalog import products as catalog
from resolvers.company.loaders import customer_number_by_id
from resolvers.delivery import DeliveryValue, delivery_of
from schema import catalog as catalog_schema
from schema.company import CustomerNumber
from schema.core.base import Address, AddressInput, ctx, describe_values

if TYPE_CHECKING:
    from schema.catalog import Branch  # noqa: F401

strawberry.enum(DeliveryMethod, name="DeliveryMethod")
describe_values(
    DeliveryMethod,
    DELIVERY="Delivered to a SHIP_TO customer number or to a one-time address.",
    PICKUP="Collected at one of the branches.",
)


@strawberry.input(
    description=(
        "Exactly one of shipToId and oneTimeAddress for DELIVERY; branchId for PICKUP.\n"
        "A one-time address serves this order only and is never saved to the account."
    )
)
class DeliveryInput:
    method: DeliveryMethod
    ship_to_id: strawberry.ID | None = None
    one_time_address: AddressInput | None = None
    branch_id: strawberry.ID | None = None
    requested_date: date | None = None


@strawberry.type
class Delivery:
    method: DeliveryMethod
    one_time_address: Address | None
    requested_date: date | None
    value: strawberry.Private[DeliveryValue]

    @staticmethod
    def of(row: Any) -> Delivery | None:
        """The delivery of any row with DeliveryMixin columns; None when none was chosen."""
        value = delivery_of(row)
        if value is None:
            return None
        address = None
        if value.one_time_address is not None:
            a = value.one_time_address
            address = Address(
                line1=a["line1"] or "",
                line2=a["line2"],
                postal_code=a["postal_code"] or "",
                city=a["city"] or "",
                country_code=a["country_code"] or "",
            )
        return Delivery(method=value.method, one_time_address=address, requested_date=value.requested_date, value=value)

    @strawberry.field
    async def ship_to(self, info: Info) -> CustomerNumber | None:
        if self.value.ship_to_id is None:
            return None
        row = await customer_number_by_id(ctx(info)).load(self.value.ship_to_id)
        return CustomerNumber.of(row) if row else None

    @strawberry.field
    async def branch(self, info: Info) -> Annotated[Branch, strawberry.lazy("schema.catalog")] | None:
        if self.value.branch_id is None:
            return None
        c = ctx(info)
        row = await catalog.branch_by_pk(c, self.value.branch_id)
        return catalog_schema.Branch.of(row, c) if row else None
