"""Where an order goes: a SHIP_TO customer number, a one-time address, or pickup at a branch.

Shared by the cart, submits (validation lists), quotes and orders: `check_delivery` turns a
DeliveryInput into the columns of models.delivery.DeliveryMixin, `delivery_of` reads them back.
A one-time address is stored on that row only, never on the account.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from models import Branch, CustomerNumber, CustomerNumberKind, DeliveryMethod, Membership
from resolvers.core import ids, validate
from resolvers.core.access import allowed_customer_number_ids, of_company
from resolvers.core.clock import today
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems, not_found
from resolvers.core.i18n import tr

#: Every DeliveryMixin column; check_delivery always returns all of them (None where unused),
#: so that saving the dict replaces a previous delivery completely.
COLUMNS = (
    "delivery_method",
    "ship_to_id",
    "branch_id",
    "one_time_line1",
    "one_time_line2",
    "one_time_postal_code",
    "one_time_city",
    "one_time_country_code",
    "requested_date",
)


class DeliveryValues(Protocol):
    """What a DeliveryInput carries (schema.delivery.DeliveryInput or any look-alike)."""

    @property
    def method(self) -> DeliveryMethod: ...
    @property
    def ship_to_id(self) -> str | None: ...
    @property
    def one_time_address(self) -> Any: ...
    @property
    def branch_id(self) -> str | None: ...
    @property
    def requested_date(self) -> date | None: ...


def empty() -> dict[str, Any]:
    """The columns of "no delivery chosen"."""
    return dict.fromkeys(COLUMNS)


async def check_delivery(ctx: Context, membership: Membership, value: DeliveryValues, *field: str) -> dict[str, Any]:
    """The DeliveryMixin columns for `value`, or DomainError.

    DELIVERY takes exactly one of shipToId (a SHIP_TO number of the company that the member
    may use; NOT_FOUND otherwise) and oneTimeAddress (checked like any address); PICKUP takes
    the branchId of an existing branch (NOT_FOUND when unknown). Anything else, or a value
    of the other method, is INVALID_DELIVERY. requestedDate may not be in the past (INVALID).
    """
    problems = Problems()
    columns = empty()
    method = DeliveryMethod(value.method.value if hasattr(value.method, "value") else value.method)
    columns["delivery_method"] = method
    ship_to_id = value.ship_to_id
    address = value.one_time_address
    branch_id = value.branch_id
    if method == DeliveryMethod.DELIVERY:
        if branch_id is not None:
            problems.add(ErrorCode.INVALID_DELIVERY, tr("A branch is only for pickup."), *field, "branchId")
        if (ship_to_id is None) == (address is None):
            problems.add(
                ErrorCode.INVALID_DELIVERY,
                tr("Give either a delivery customer number (shipToId) or a one-time address, not both."),
                *field,
            )
        elif ship_to_id is not None:
            columns["ship_to_id"] = await _ship_to(ctx, membership, ship_to_id, *field, "shipToId")
        else:
            checked = validate.address(problems, address, *field, "oneTimeAddress")
            for name in validate.ADDRESS_COLUMNS:
                columns[f"one_time_{name}"] = checked[name]
    else:
        if ship_to_id is not None or address is not None:
            problems.add(ErrorCode.INVALID_DELIVERY, tr("A pickup takes a branch, not a delivery address."), *field)
        if branch_id is None:
            problems.add(ErrorCode.INVALID_DELIVERY, tr("Choose the branch for the pickup."), *field, "branchId")
        else:
            columns["branch_id"] = await _branch(branch_id, *field, "branchId")
    if value.requested_date is not None:
        if value.requested_date < today():
            problems.add(ErrorCode.INVALID, tr("The requested date is in the past."), *field, "requestedDate")
        columns["requested_date"] = value.requested_date
    problems.raise_any()
    return columns


async def _ship_to(ctx: Context, membership: Membership, global_id: str, *field: str) -> uuid.UUID:
    """A SHIP_TO number of the membership's company that the member may use; NOT_FOUND otherwise."""
    pk = ids.decode_or_none(global_id, "CustomerNumber")
    row = (
        await of_company(CustomerNumber, membership.company_id).get_or_none(
            id=pk,
            kind=CustomerNumberKind.SHIP_TO,
        )
        if pk
        else None
    )
    if row is None:
        raise not_found(field)
    allowed = await allowed_customer_number_ids(ctx)
    if allowed is not None and row.id not in allowed:
        raise not_found(field)
    return row.id


async def _branch(global_id: str, *field: str) -> uuid.UUID:
    pk = ids.decode_or_none(global_id, "Branch")
    if pk is None or not await Branch.exists(id=pk):
        raise not_found(field)
    return pk


def require_delivery(row: Any, *field: str) -> None:
    """DELIVERY_REQUIRED when the row has no delivery chosen (for submits)."""
    if getattr(row, "delivery_method", None) is None:
        raise DomainError(ErrorCode.DELIVERY_REQUIRED, tr("Choose a delivery address or a pickup branch."), field)


# ---------------------------------------------------------------------- reading


@dataclass(frozen=True)
class DeliveryValue:
    """A row's delivery, as read back: exactly what the GraphQL Delivery type shows."""

    method: DeliveryMethod
    ship_to_id: uuid.UUID | None
    branch_id: uuid.UUID | None
    one_time_address: dict[str, str | None] | None
    requested_date: date | None


def delivery_of(row: Any) -> DeliveryValue | None:
    """The delivery stored on any row with DeliveryMixin columns; None when none was chosen."""
    if row.delivery_method is None:
        return None
    address = None
    if row.one_time_line1 is not None:
        address = {name: getattr(row, f"one_time_{name}") for name in validate.ADDRESS_COLUMNS}
    return DeliveryValue(
        method=DeliveryMethod(row.delivery_method),
        ship_to_id=row.ship_to_id,
        branch_id=row.branch_id,
        one_time_address=address,
        requested_date=row.requested_date,
    )


def columns_of(row: Any) -> dict[str, Any]:
    """The DeliveryMixin columns of `row`, to copy a delivery (cart -> validation list -> order)."""
    return {name: getattr(row, name) for name in COLUMNS}
