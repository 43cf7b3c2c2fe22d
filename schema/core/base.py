"""Shared GraphQL pieces: Node, UserError, PageInfo, Money, Address, and payload helpers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from collections.abc import Awaitable, Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

import strawberry
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition, DecimalDefinition
from strawberry.types import Info
from strawberry.types.lazy_type import LazyType
from strawberry.types.scalar import ScalarDefinition

from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode
from resolvers.core.pagination import Page
from schema.core.executor import PRELOADED

strawberry.enum(ErrorCode, name="ErrorCode")
CENT = Decimal("0.01")

#: Strawberry's Decimal, Date and DateTime with the contract's descriptions (StrawberryConfig.scalar_map).
SCALARS: dict[object, ScalarDefinition] = {
    Decimal: dataclasses.replace(
        DecimalDefinition, description='Exact decimal number, sent as a string (e.g. "12.50").'
    ),
    dt.date: dataclasses.replace(DateDefinition, description="Calendar date, ISO 8601 (YYYY-MM-DD)."),
    dt.datetime: dataclasses.replace(DateTimeDefinition, description="Timestamp with time zone, ISO 8601."),
}


def describe_values(enum: Any, **descriptions: str) -> None:
    """Describes the GraphQL values of an enum defined outside schema/ (models, resolvers), whose
    members cannot be strawberry.enum_value(...) without changing what the ORM stores.

    Such an enum is registered with a `strawberry.enum(X, ...)` statement placed above the first
    type that uses it: Strawberry resolves a type's annotations when it is decorated and would
    register an unregistered enum a second time (DuplicatedTypeName when the schema is built)."""
    for value in enum.__strawberry_definition__.values:
        value.description = descriptions.get(value.name, value.description)


describe_values(
    ErrorCode,
    QUANTITY_EXCEEDS_OPEN="Shipped quantities would exceed what the order line still has open.",
    DUPLICATE_REFERENCE="The ERP sent a number already used for different data.",
)


def ctx(info: Info) -> Context:
    return info.context


@strawberry.interface(description="Every object that can be fetched by its global id through Query.node.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque, unguessable global id.")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @staticmethod
    def of(page: Page) -> PageInfo:
        return PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        )


@strawberry.type(
    description="An expected business or validation failure of a mutation. Mutations return\n"
    "them in their payload's userErrors and change nothing when any is present.\n"
    "Authentication and authorization failures are top-level GraphQL errors with\n"
    "extensions.code UNAUTHENTICATED or FORBIDDEN; unknown or foreign ids are\n"
    "NOT_FOUND (never FORBIDDEN, so ids of other companies reveal nothing)."
)
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input value at fault, e.g. ["input", "lines", "2", "quantity"].'
    )
    message: str
    code: ErrorCode


@strawberry.type
class Money:
    amount: Decimal = strawberry.field(description="Amount excluding VAT.")
    currency: str = strawberry.field(default="EUR", description="ISO 4217 code; EUR for this distributor.")


def money(ctx: Context, amount: Decimal | None) -> Money | None:
    """The one rule for every Money field: null without VIEW_PRICES, cents rounded half-up."""
    if amount is None or not ctx.can_see_prices:
        return None
    return Money(amount=amount.quantize(CENT, ROUND_HALF_UP))


@strawberry.type
class Address:
    line1: str
    line2: str | None
    postal_code: str
    city: str
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2 (BE, NL, LU, FR, DE).")

    @staticmethod
    def of(row: Any) -> Address:
        return Address(
            line1=row.line1,
            line2=row.line2,
            postal_code=row.postal_code,
            city=row.city,
            country_code=row.country_code,
        )


@strawberry.input
class AddressInput:
    line1: str
    line2: str | None = None
    postal_code: str
    city: str
    country_code: str


@strawberry.type
class ContactDetails:
    name: str | None
    email: str | None
    phone: str | None


@strawberry.input
class ContactInput:
    name: str
    email: str
    phone: str | None = None


def money_field(description: str | None = None) -> Any:
    """Declare a Money field: a plain field (no resolver) whose value the type's constructor
    computes once with `money(ctx, amount)`, the one rule (null without VIEW_PRICES).

    Every Money field of the schema is declared here (the metadata marks it), and its value
    must come from `money()`; tests/test_schema.py fails for any Money field declared
    otherwise, and tests/test_price_visibility.py reads every one without VIEW_PRICES.
    """
    return strawberry.field(description=description, metadata={"money": True})


def preloaded_field(attribute: str, description: str | None = None) -> Any:
    """Declare a list field whose resolver answers `self.<attribute>` whenever a page's data plan
    set it (not None), and loads it itself otherwise. The executor then reads the attribute as a
    plain field, so the rows below it are completed in compiled loops with no resolver call per
    parent (schema/core/executor.py); the resolver must keep that promise."""
    return strawberry.field(description=description, metadata={PRELOADED: attribute})


def errors_field() -> Any:
    return strawberry.field(default_factory=list)


@strawberry.type
class OkPayload:
    ok: bool = False
    user_errors: list[UserError] = errors_field()


T = TypeVar("T")


def user_errors(error: DomainError) -> list[UserError]:
    return [UserError(field=list(p.field) if p.field else None, message=p.message, code=p.code) for p in error.problems]


async def attempt(
    payload: Callable[..., T], action: Awaitable[Any], *, partial: bool = False, **wrap: Callable[[Any], Any]
) -> T:
    """Run a mutation's action; a DomainError becomes userErrors, a result the payload's field.

    `wrap` names the payload fields and how to make each from the result, e.g.
    `attempt(MembershipPayload, set_role(...), membership=Membership.of)`; a converter may be
    async (`cart=lambda row: Cart.load(c, row)`). With `partial`, the action returns
    `(result, problems)`: a partial success, whose problems come back as userErrors beside the
    result. Payload fields default to null and userErrors to [].
    """
    try:
        result = await action
    except DomainError as error:
        return payload(user_errors=user_errors(error))
    fields: dict[str, Any] = {}
    if partial:
        result, problems = result
        fields["user_errors"] = user_errors(DomainError(problems))
    for name, convert in wrap.items():
        value = convert(result)
        fields[name] = await value if inspect.isawaitable(value) else value
    return payload(**fields)


def later(module: str, name: str) -> Any:
    """The GraphQL type `name` of `module`, looked up when a resolver first needs it: for a field
    whose type lives in a domain that imports this one (what `strawberry.lazy` does for annotations)."""
    return LazyType(name, module).resolve_type()
