"""Company scoping in one place: another company's id is NOT_FOUND, like a missing one.

Each model's visibility is one rule, registered here with `@rule(Model)`: `readable(Model, ctx)`
answers it for the lists and for Query.node alike (Polar's `get_readable_statement`). Nothing
outside this module filters by company (tests/test_company_scope.py checks it); the few reads of
one given company go through `of_company`, and member mutations act inside `in_company`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from tortoise.expressions import Q, Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models import (
    AddressChangeRequest,
    ApiClient,
    Cart,
    CartLine,
    Company,
    CompanyArticleCode,
    CustomerNumber,
    CustomerNumberRequest,
    Event,
    HelpdeskTicket,
    IntegrationScope,
    Invoice,
    Membership,
    MembershipCustomerNumber,
    Order,
    OrderLine,
    QuickList,
    QuickListLine,
    Quote,
    ScanList,
    Shipment,
    StaffRole,
    User,
    ValidationList,
    WebhookSubscription,
)
from resolvers.core import ids
from resolvers.core.context import SessionRow
from resolvers.core.errors import not_found
from resolvers.core.loaders import mapped
from resolvers.core.permissions import Permission

if TYPE_CHECKING:  # context.py builds the catalog loaders, which scope prices through here
    from resolvers.core.context import Context

M = TypeVar("M", bound=Model)
Rule = Callable[[type[Any], "Context"], Awaitable[QuerySet[Any]]]
RULES: dict[type[Model], Rule] = {}


def nothing(model: type[M]) -> QuerySet[M]:
    """No row at all (an empty scope that still composes with filters)."""
    return model.filter(id=None)


def in_company(model: type[M], ctx: Context) -> QuerySet[M]:
    """The acting company's rows (none without an active membership): the scope of member
    mutations, and the base of most read rules."""
    company_id = ctx.company_id
    if company_id is None:
        return nothing(model)
    return model.filter(company_id=company_id)


def of_company(rows: type[M] | QuerySet[M], company_id: Any) -> QuerySet[M]:
    """The rows (of a model or a query) of one given company, for callers whose right to that
    company is already settled: staff in the back office, a row already read through `readable`
    and its company's other rows, a user choosing among their own memberships."""
    return rows.filter(company_id=company_id)


def of_distributor(rows: type[M] | QuerySet[M]) -> QuerySet[M]:
    """The rows that belong to no company: the distributor's own (its webhook subscriptions)."""
    return rows.filter(company_id=None)


def of_companies(rows: type[M] | QuerySet[M], company_ids: Sequence[Any]) -> QuerySet[M]:
    """`of_company` for several companies at once (a loader's batch), on the same terms."""
    return rows.filter(company_id__in=list(company_ids))


def rule(*models: type[Model]) -> Callable[[Rule], Rule]:
    """Register the read rule of `models` (one per model)."""

    def register(fn: Rule) -> Rule:
        for model in models:
            assert model not in RULES, f"{model.__name__} has two read rules"
            RULES[model] = fn
        return fn

    return register


async def readable(model: type[M], ctx: Context) -> QuerySet[M]:
    """The rows of `model` this viewer may read, by the model's rule (a model without one has no
    default: who reads it must be written down here)."""
    fn = RULES.get(model)
    if fn is None:
        raise LookupError(f"no read rule for {model.__name__} in resolvers.core.access")
    return cast("QuerySet[M]", await fn(model, ctx))


async def find_readable(model: type[M], ctx: Context, pk: uuid.UUID) -> M | None:
    """Query.node: the row if this viewer may read it, else None (never an error)."""
    return await (await readable(model, ctx)).get_or_none(id=pk)


async def get_for_company(
    model: type[M], global_id: str | uuid.UUID, ctx: Context, field: Sequence[str] | None = None
) -> M:
    """The row behind an id, if this viewer may read it (`readable`); NOT_FOUND otherwise."""
    pk = global_id if isinstance(global_id, uuid.UUID) else ids.decode_or_none(global_id, model.__name__)
    row = await (await readable(model, ctx)).get_or_none(id=pk) if pk else None
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
    Read with the session when it was (authenticate's one statement), else by the loader.
    """
    membership_id = ctx.acting_membership_id
    if membership_id is None:
        return set()
    session = ctx.session
    limited = None
    if isinstance(session, SessionRow) and session.membership_id == membership_id:
        limited = session.customer_number_ids
    if limited is None:
        limited = await customer_number_ids_by_membership_id(ctx).load(membership_id)
    return set(limited) or None


def forget_customer_numbers(ctx: Context, membership_id: uuid.UUID) -> None:
    """After a change of a membership's customer numbers: this request reads them again."""
    customer_number_ids_by_membership_id(ctx).clear(membership_id)
    if isinstance(ctx.session, SessionRow) and ctx.session.membership_id == membership_id:
        ctx.session.customer_number_ids = None


async def _by_customer_number(model: type[M], ctx: Context) -> QuerySet[M]:
    """The acting company's rows made for a customer number the member may use (models with a
    `customer_number` foreign key: quotes, orders, validation lists)."""
    qs = in_company(model, ctx)
    allowed = await allowed_customer_number_ids(ctx)
    return qs if allowed is None else qs.filter(customer_number_id__in=allowed)


def _is_staff(ctx: Context) -> bool:
    """Reads as staff: a staff member, or a READ_ALL API client (Context.reads_all)."""
    return ctx.reads_all


def people() -> Q:
    """Memberships of people: an API client's backing membership (models.api_client) is no
    member to list, count as an administrator, mail or manage. A subquery on the small
    api_client table, so a locking read (select_for_update) locks no user row."""
    return Q(user_id__not_in=Subquery(ApiClient.all().values("user_id")))


# ---------------------------------------------------------------------- the rules


@rule(Company)
async def _company(model: type[Company], ctx: Context) -> QuerySet[Company]:
    """Staff read every company; a member the acting company."""
    if _is_staff(ctx):
        return model.all()
    return model.filter(id=ctx.company_id) if ctx.company_id is not None else nothing(model)


@rule(CompanyArticleCode)
async def _article_code(model: type[CompanyArticleCode], ctx: Context) -> QuerySet[CompanyArticleCode]:
    """Staff read every company's own article codes; members with BROWSE_CATALOG the acting company's."""
    if _is_staff(ctx):
        return model.all()
    if Permission.BROWSE_CATALOG not in ctx.permissions:
        return nothing(model)
    return in_company(model, ctx)


@rule(CustomerNumber)
async def _customer_number(model: type[CustomerNumber], ctx: Context) -> QuerySet[CustomerNumber]:
    """Staff read every number; a member all of the acting company's (limits apply to what is
    made for a number, not to reading the number)."""
    return model.all() if _is_staff(ctx) else in_company(model, ctx)


@rule(User)
async def _user(model: type[User], ctx: Context) -> QuerySet[User]:
    """The viewer themself; the acting company's members for MANAGE_USERS; anyone for staff."""
    user = ctx.user
    if user is None:
        return nothing(model)
    if _is_staff(ctx):
        return model.all()
    seen = Q(id=user.id)
    if Permission.MANAGE_USERS in ctx.permissions:
        seen |= Q(id__in=Subquery(in_company(Membership, ctx).filter(people()).values("user_id")))
    return model.filter(seen)


@rule(Membership)
async def _membership(model: type[Membership], ctx: Context) -> QuerySet[Membership]:
    """One's own memberships; the acting company's for MANAGE_USERS; any for staff."""
    user = ctx.user
    if user is None:
        return nothing(model)
    if _is_staff(ctx):
        return model.all()
    seen = Q(user_id=user.id)
    if Permission.MANAGE_USERS in ctx.permissions and ctx.company_id is not None:
        seen |= Q(people(), company_id=ctx.company_id)
    return model.filter(seen)


@rule(ApiClient)
async def _api_client(model: type[ApiClient], ctx: Context) -> QuerySet[ApiClient]:
    """Staff read every client; members with MANAGE_USERS the acting company's."""
    if _is_staff(ctx):
        return model.all()
    if Permission.MANAGE_USERS not in ctx.permissions:
        return nothing(model)
    return in_company(model, ctx)


@rule(Quote)
async def _quote(model: type[Quote], ctx: Context) -> QuerySet[Quote]:
    """Staff read every quote; members with VIEW_QUOTES the company's made for their numbers."""
    if _is_staff(ctx):
        return model.all()
    if Permission.VIEW_QUOTES not in ctx.permissions:
        return nothing(model)
    return await _by_customer_number(model, ctx)


def may_read_orders(ctx: Context) -> bool:
    return bool({Permission.VIEW_COMPANY_ORDERS, Permission.VIEW_OWN_ORDERS} & ctx.permissions)


@rule(ValidationList, Order)
async def _ordered(model: type[M], ctx: Context) -> QuerySet[M]:
    """Staff read every row; with VIEW_COMPANY_ORDERS the company's (limited to the member's
    customer numbers); with VIEW_OWN_ORDERS one's own; nothing otherwise."""
    if _is_staff(ctx):
        return model.all()
    membership_id = ctx.acting_membership_id
    if membership_id is None or not may_read_orders(ctx):
        return nothing(model)
    if Permission.VIEW_COMPANY_ORDERS in ctx.permissions:
        return await _by_customer_number(model, ctx)
    return in_company(model, ctx).filter(membership_id=membership_id)


@rule(OrderLine)
async def _order_line(model: type[OrderLine], ctx: Context) -> QuerySet[OrderLine]:
    """The lines of the orders one may read."""
    if _is_staff(ctx):
        return model.all()
    return model.filter(order_id__in=Subquery((await readable(Order, ctx)).values("id")))


@rule(Shipment)
async def _shipment(model: type[Shipment], ctx: Context) -> QuerySet[Shipment]:
    """The shipments of the orders one may read."""
    if _is_staff(ctx):
        return model.all()
    return model.filter(order_id__in=Subquery((await readable(Order, ctx)).values("id")))


@rule(ScanList)
async def _scan_list(model: type[ScanList], ctx: Context) -> QuerySet[ScanList]:
    """Staff read every list, approved or not; members with PLACE_ORDERS the company's approved ones."""
    if _is_staff(ctx):
        return model.all()
    if Permission.PLACE_ORDERS not in ctx.permissions:
        return nothing(model)
    return in_company(model, ctx).filter(approved_at__isnull=False)


@rule(QuickList)
async def _quick_list(model: type[QuickList], ctx: Context) -> QuerySet[QuickList]:
    """Shared lists and one's own: of any company for staff, of the acting company for members
    with VIEW_QUICK_LISTS."""
    user = ctx.user
    if user is None:
        return nothing(model)
    shared_or_mine = Q(shared=True) | Q(owner_id=user.id)
    if _is_staff(ctx):
        return model.filter(shared_or_mine)
    if Permission.VIEW_QUICK_LISTS not in ctx.permissions:
        return nothing(model)
    return in_company(model, ctx).filter(shared_or_mine)


@rule(QuickListLine)
async def _quick_list_line(model: type[QuickListLine], ctx: Context) -> QuerySet[QuickListLine]:
    """The lines of the lists one may read."""
    return model.filter(quick_list_id__in=Subquery((await readable(QuickList, ctx)).values("id")))


@rule(Cart)
async def _cart(model: type[Cart], ctx: Context) -> QuerySet[Cart]:
    """One's own saved cart, with PLACE_ORDERS: a colleague's cart is private to its member."""
    m = ctx.active_membership
    if m is None or Permission.PLACE_ORDERS not in ctx.permissions:
        return nothing(model)
    return model.filter(membership_id=m.id)


@rule(CartLine)
async def _cart_line(model: type[CartLine], ctx: Context) -> QuerySet[CartLine]:
    """The lines of one's own cart."""
    return model.filter(cart_id__in=Subquery((await readable(Cart, ctx)).values("id")))


@rule(AddressChangeRequest, CustomerNumberRequest)
async def _request(model: type[M], ctx: Context) -> QuerySet[M]:
    """Requests are seen by staff and by the members who manage the company that made them."""
    if _is_staff(ctx):
        return model.all()
    if Permission.MANAGE_COMPANY not in ctx.permissions:
        return nothing(model)
    return in_company(model, ctx)


@rule(HelpdeskTicket)
async def _ticket(model: type[HelpdeskTicket], ctx: Context) -> QuerySet[HelpdeskTicket]:
    """Staff read every ticket; a user the tickets they opened (a ticket is its writer's, not
    their company's)."""
    user = ctx.user
    if user is None:
        return nothing(model)
    return model.all() if _is_staff(ctx) else model.filter(user_id=user.id)


@rule(WebhookSubscription)
async def _webhook_subscription(model: type[WebhookSubscription], ctx: Context) -> QuerySet[WebhookSubscription]:
    """The distributor's subscriptions for staff ADMINISTRATORs and MANAGE_WEBHOOKS clients; every
    company's for any staff; the acting company's for members with MANAGE_COMPANY."""
    seen = Q(id=None)
    if ctx.staff_role == StaffRole.ADMINISTRATOR or ctx.has_scope(IntegrationScope.MANAGE_WEBHOOKS):
        seen |= Q(company_id=None)
    if _is_staff(ctx):
        seen |= Q(company_id__not_isnull=True)
    elif Permission.MANAGE_COMPANY in ctx.permissions and ctx.company_id is not None:
        seen |= Q(company_id=ctx.company_id)
    return model.filter(seen)


@rule(Event)
async def _event(model: type[Event], ctx: Context) -> QuerySet[Event]:
    """The event feed, every company's: staff and READ_ALL clients only (prices included)."""
    return model.all() if _is_staff(ctx) else nothing(model)


@rule(Invoice)
async def _invoice(model: type[Invoice], ctx: Context) -> QuerySet[Invoice]:
    """Staff, READ_ALL clients and the ERP (WRITE_ERP: it records them) read every invoice;
    members with VIEW_INVOICES the company's made out to a customer number they may use."""
    if _is_staff(ctx) or ctx.has_scope(IntegrationScope.WRITE_ERP):
        return model.all()
    if Permission.VIEW_INVOICES not in ctx.permissions:
        return nothing(model)
    return await _by_customer_number(model, ctx)
