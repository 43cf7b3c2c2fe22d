"""Company scoping in one place: another company's id is NOT_FOUND, like a missing one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models import MembershipCustomerNumber
from resolvers.core import ids
from resolvers.core.context import Context
from resolvers.core.errors import not_found
from resolvers.core.loaders import mapped

M = TypeVar("M", bound=Model)


def readable(model: type[M], ctx: Context) -> QuerySet[M]:
    """The rows of `model` the acting company may read (none without an active membership)."""
    company_id = ctx.company_id
    if company_id is None:
        return model.filter(id=None)
    return model.filter(company_id=company_id)


async def get_for_company(
    model: type[M], global_id: str | uuid.UUID, ctx: Context, field: Sequence[str] | None = None
) -> M:
    """The row behind an id, if it belongs to the acting company; NOT_FOUND otherwise."""
    pk = global_id if isinstance(global_id, uuid.UUID) else ids.decode_or_none(global_id, model.__name__)
    row = await readable(model, ctx).get_or_none(id=pk) if pk else None
    if row is None:
        raise not_found(field)
    return row


async def get_any(model: type[M], global_id: str, field: Sequence[str] | None = None) -> M:
    """For staff: the row behind an id of any company; NOT_FOUND when there is none."""
    pk = ids.decode_or_none(global_id, model.__name__)
    row = await model.get_or_none(id=pk) if pk else None
    if row is None:
        raise not_found(field)
    return row


@mapped
async def customer_number_ids_by_membership_id(keys: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The customer numbers each membership is limited to ([] when it works under all of them)."""
    rows = await MembershipCustomerNumber.filter(membership_id__in=keys).values_list(
        "membership_id", "customer_number_id"
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = {k: [] for k in keys}
    for membership_id, cn_id in rows:
        found[membership_id].append(cn_id)
    return found


async def allowed_customer_number_ids(ctx: Context) -> set[uuid.UUID] | None:
    """The customer numbers the acting member is limited to; None means all of the company's.

    A member with no MembershipCustomerNumber rows works under every number of the company.
    """
    m = ctx.active_membership
    if m is None:
        return set()
    limited = await customer_number_ids_by_membership_id(ctx).load(m.id)
    return set(limited) or None


async def readable_by_customer_number(model: type[M], ctx: Context) -> QuerySet[M]:
    """Rows of the acting company (as `readable`) made for a customer number the member may use.

    For models with a `customer_number` foreign key (quotes, orders, validation lists).
    """
    qs = readable(model, ctx)
    allowed = await allowed_customer_number_ids(ctx)
    return qs if allowed is None else qs.filter(customer_number_id__in=allowed)


async def get_for_customer_number(
    model: type[M], global_id: str | uuid.UUID, ctx: Context, field: Sequence[str] | None = None
) -> M:
    """As get_for_company, and NOT_FOUND too when made for a customer number the member may not use."""
    pk = global_id if isinstance(global_id, uuid.UUID) else ids.decode_or_none(global_id, model.__name__)
    row = await (await readable_by_customer_number(model, ctx)).get_or_none(id=pk) if pk else None
    if row is None:
        raise not_found(field)
    return row
