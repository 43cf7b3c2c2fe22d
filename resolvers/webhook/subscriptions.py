"""Webhook subscriptions: a company's (its ADMINISTRATORs, MANAGE_COMPANY) and the distributor's
(staff ADMINISTRATOR, or an API client with MANAGE_WEBHOOKS). Each change is audited."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from tortoise.transactions import in_transaction

from models import Event, EventType, IntegrationScope, StaffRole, WebhookDelivery, WebhookSubscription
from resolvers.core import audit, ids
from resolvers.core.access import get_for_company, of_distributor, readable
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems, forbidden
from resolvers.core.i18n import tr
from resolvers.core.loaders import by_key, loader, many_by
from resolvers.core.pagination import check_first
from resolvers.core.permissions import Permission
from resolvers.webhook import urls
from resolvers.webhook.delivery import deactivate
from resolvers.webhook.fanout import latest_sequence

subscriptions_by_company_id = many_by(WebhookSubscription, "company_id")
event_by_id = by_key(Event)
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A Standard Webhooks signing secret: whsec_ and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _owner(ctx: Context) -> uuid.UUID | None:
    """Whose subscription the caller makes: the distributor's (None) for staff ADMINISTRATORs and
    MANAGE_WEBHOOKS clients, else the acting company's (MANAGE_COMPANY, else FORBIDDEN)."""
    if ctx.staff_role == StaffRole.ADMINISTRATOR or ctx.has_scope(IntegrationScope.MANAGE_WEBHOOKS):
        return None
    return ctx.require(Permission.MANAGE_COMPANY).company_id


def _event_types(problems: Problems, events: Sequence[EventType], *field: str) -> list[str]:
    """At least one type (REQUIRED), at most as many as there are (LIMIT_EXCEEDED); repeats dropped."""
    if not events:
        problems.add(ErrorCode.REQUIRED, tr("Choose at least one event type."), *field)
    elif len(events) > len(EventType):
        problems.add(ErrorCode.LIMIT_EXCEEDED, tr("At most {count} event types.", count=len(EventType)), *field)
    chosen = {EventType(e) for e in events}
    return [t.value for t in EventType if t in chosen]


async def _url(ctx: Context, problems: Problems, url: str, *field: str) -> str:
    try:
        return await urls.check(ctx.settings, url, field)
    except DomainError as error:
        problems.items += error.problems
        return url


def _audited(row: WebhookSubscription) -> dict[str, Any]:
    return {"url": row.url, "events": row.events, "active": row.active}


async def create(ctx: Context, url: str, events: Sequence[EventType]) -> tuple[WebhookSubscription, str]:
    """A new subscription of the caller's (see _owner) to the events after now; returns it and its
    secret (shown once). The URL is checked (urls.check): TOO_LONG, INVALID, UNSAFE_URL."""
    company_id = _owner(ctx)
    problems = Problems()
    checked = await _url(ctx, problems, url, "input", "url")
    types = _event_types(problems, events, "input", "events")
    problems.raise_any()
    secret = new_secret()
    async with in_transaction():
        row = await WebhookSubscription.create(
            company_id=company_id,
            url=checked,
            events=types,
            secret=secret,
            created_by_id=ctx.user.id if ctx.user else None,
            from_sequence=await latest_sequence(),
        )
        await audit.record(
            ctx.user,
            "webhook_subscription.created",
            company_id=company_id,
            target_id=ids.encode("WebhookSubscription", row.id),
            after=_audited(row),
        )
    return row, secret


async def update(
    ctx: Context, global_id: str, url: str | None, events: Sequence[EventType] | None, active: bool | None
) -> WebhookSubscription:
    """Change what is given (null: unchanged) of a subscription the caller may read: NOT_FOUND
    otherwise. Activating it again starts from the next event; deactivating it ends the
    deliveries not yet made (FAILED)."""
    _owner(ctx)
    row = await get_for_company(WebhookSubscription, global_id, ctx, ["id"])
    before = _audited(row)
    problems = Problems()
    if url is not None:
        row.url = await _url(ctx, problems, url, "input", "url")
    if events is not None:
        row.events = _event_types(problems, events, "input", "events")
    problems.raise_any()
    activated = active is True and not row.active
    if active is not None:
        row.active = active
    async with in_transaction():
        if activated:
            row.from_sequence = await latest_sequence()
        await row.save(update_fields=["url", "events", "active", "from_sequence"])
        if active is False and before["active"]:
            await deactivate(row.id)
        await audit.record(
            ctx.user,
            "webhook_subscription.updated",
            company_id=row.company_id,
            target_id=ids.encode("WebhookSubscription", row.id),
            before=before,
            after=_audited(row),
        )
    return row


async def delete(ctx: Context, global_id: str) -> bool:
    """Delete a subscription the caller may read (NOT_FOUND otherwise), with its deliveries."""
    _owner(ctx)
    row = await get_for_company(WebhookSubscription, global_id, ctx, ["id"])
    async with in_transaction():
        await audit.record(
            ctx.user,
            "webhook_subscription.deleted",
            company_id=row.company_id,
            target_id=ids.encode("WebhookSubscription", row.id),
            before=_audited(row),
        )
        await row.delete()
    return True


async def of_company(ctx: Context, company_id: uuid.UUID) -> list[WebhookSubscription]:
    """A company's subscriptions: staff, or its members with MANAGE_COMPANY (FORBIDDEN otherwise)."""
    if ctx.staff_role is None and not (ctx.company_id == company_id and Permission.MANAGE_COMPANY in ctx.permissions):
        raise forbidden()
    return await subscriptions_by_company_id(ctx).load(company_id)


async def of_the_distributor(ctx: Context) -> list[WebhookSubscription]:
    """The distributor's subscriptions, oldest first (staff ADMINISTRATOR or MANAGE_WEBHOOKS)."""
    return await of_distributor(await readable(WebhookSubscription, ctx)).order_by("created_at", "id")


def _latest_sql(dialect: str, keys: int) -> str:
    """The newest deliveries of each subscription, at most a given number each, in one statement."""
    columns = ", ".join(f'"{c}"' for c in WebhookDelivery._meta.fields_db_projection.values())
    if dialect == "postgres":
        where, top = '"subscription_id" = ANY($1::uuid[])', "$2"
    else:
        where, top = f'"subscription_id" IN ({", ".join("?" * keys)})', "?"
    return (
        f'SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY "subscription_id" '
        f'ORDER BY "sequence" DESC) AS "newest" FROM "webhook_delivery" WHERE {where}) AS "d" '
        f'WHERE "newest" <= {top} ORDER BY "subscription_id", "sequence" DESC'
    )


@loader
async def deliveries_by_subscription(ctx: Context, keys: list[tuple[uuid.UUID, int]]) -> list[list[WebhookDelivery]]:
    """Keys (subscription id, count): that many of its newest deliveries, one statement per count."""
    found: dict[tuple[uuid.UUID, int], list[WebhookDelivery]] = defaultdict(list)
    db = WebhookDelivery._meta.db
    dialect = db.capabilities.dialect
    for count in {count for _, count in keys}:
        subscription_ids = list({sub_id for sub_id, c in keys if c == count})
        params: list[Any] = [subscription_ids, count] if dialect == "postgres" else [*map(str, subscription_ids), count]
        for row in await db.execute_query_dict(_latest_sql(dialect, len(subscription_ids)), params):
            delivery = WebhookDelivery._init_from_db(**row)
            found[(delivery.subscription_id, count)].append(delivery)
    return [found.get(key, []) for key in keys]


async def deliveries(ctx: Context, subscription_id: uuid.UUID, first: int | None) -> list[WebhookDelivery]:
    """The subscription's `first` newest deliveries (1-100, LIMIT_EXCEEDED otherwise)."""
    return await deliveries_by_subscription(ctx).load((subscription_id, check_first(first)))
