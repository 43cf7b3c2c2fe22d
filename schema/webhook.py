"""Webhooks: subscriptions, their recent deliveries, and webhookSubscriptionCreate/Update/Delete."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.types import Info

import models as m
from models import EventType, IntegrationScope, StaffRole, WebhookDeliveryStatus
from resolvers.core import ids
from resolvers.webhook import subscriptions as rules
from schema.core.base import Node, OkPayload, UserError, attempt, ctx, describe_values, errors_field
from schema.core.node import readable_node
from schema.core.permissions import Permission, requires
from schema.event import Event

strawberry.enum(WebhookDeliveryStatus, name="WebhookDeliveryStatus")
describe_values(
    WebhookDeliveryStatus,
    RETRYING="Failed at least once; retried with back-off.",
    FAILED="Gave up after the last retry; the event stays in the feed.",
)

#: Company ADMINISTRATORs for their company; staff ADMINISTRATOR or MANAGE_WEBHOOKS for the distributor's.
MANAGE = (Permission.MANAGE_COMPANY, StaffRole.ADMINISTRATOR, IntegrationScope.MANAGE_WEBHOOKS)


@strawberry.type
class WebhookDelivery:
    id: strawberry.ID
    status: WebhookDeliveryStatus
    attempts: int
    last_attempt_at: datetime | None
    last_response_status: int | None = strawberry.field(
        description="HTTP status of the last attempt, if any answer came."
    )
    next_attempt_at: datetime | None
    row: strawberry.Private[m.WebhookDelivery]

    @staticmethod
    def of(row: m.WebhookDelivery) -> WebhookDelivery:
        return WebhookDelivery(
            id=strawberry.ID(ids.encode("WebhookDelivery", row.id)),
            status=row.status,
            attempts=row.attempts,
            last_attempt_at=row.last_attempt_at,
            last_response_status=row.last_response_status,
            next_attempt_at=row.next_attempt_at,
            row=row,
        )

    @strawberry.field
    async def event(self, info: Info) -> Event:
        return Event.of(await rules.event_by_id(ctx(info)).load(self.row.event_id), ctx(info))


@strawberry.type(
    description="Events POSTed to a URL, signed per the Standard Webhooks convention (headers webhook-id,\n"
    "webhook-timestamp, webhook-signature: HMAC-SHA256 with the subscription's secret). A\n"
    "company's subscription receives that company's events only."
)
class WebhookSubscription(Node):
    url: str
    events: list[EventType]
    active: bool
    created_at: datetime
    row: strawberry.Private[m.WebhookSubscription]

    @staticmethod
    def of(row: m.WebhookSubscription) -> WebhookSubscription:
        return WebhookSubscription(
            id=strawberry.ID(ids.encode("WebhookSubscription", row.id)),
            url=row.url,
            events=[EventType(e) for e in row.events],
            active=row.active,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="The most recent deliveries, newest first.")
    async def deliveries(self, info: Info, first: int | None = 20) -> list[WebhookDelivery]:
        return [WebhookDelivery.of(r) for r in await rules.deliveries(ctx(info), self.row.id, first)]


readable_node(m.WebhookSubscription, lambda row, c: WebhookSubscription.of(row))


async def company_webhook_subscriptions(info: Info, company_id: uuid.UUID) -> list[WebhookSubscription]:
    """Company.webhookSubscriptions."""
    return [WebhookSubscription.of(r) for r in await rules.of_company(ctx(info), company_id)]


async def backoffice_webhook_subscriptions(info: Info) -> list[WebhookSubscription]:
    """Backoffice.webhookSubscriptions: the distributor's own."""
    return [WebhookSubscription.of(r) for r in await rules.of_the_distributor(ctx(info))]


@strawberry.input
class WebhookSubscriptionInput:
    url: str = strawberry.field(description="https URL (http only to localhost outside production).")
    events: list[EventType]


@strawberry.input
class WebhookSubscriptionUpdateInput:
    url: str | None = None
    events: list[EventType] | None = None
    active: bool | None = None


@strawberry.type
class WebhookSubscriptionPayload:
    subscription: WebhookSubscription | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class WebhookSubscriptionCreatePayload:
    subscription: WebhookSubscription | None = None
    secret: str | None = strawberry.field(default=None, description="The signing secret (whsec_...), shown once.")
    user_errors: list[UserError] = errors_field()


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(extensions=[requires(*MANAGE)])
    async def webhook_subscription_create(
        self, info: Info, input: WebhookSubscriptionInput
    ) -> WebhookSubscriptionCreatePayload:
        return await attempt(
            WebhookSubscriptionCreatePayload,
            rules.create(ctx(info), input.url, input.events),
            subscription=lambda made: WebhookSubscription.of(made[0]),
            secret=lambda made: made[1],
        )

    @strawberry.mutation(extensions=[requires(*MANAGE)])
    async def webhook_subscription_update(
        self, info: Info, id: strawberry.ID, input: WebhookSubscriptionUpdateInput
    ) -> WebhookSubscriptionPayload:
        action = rules.update(ctx(info), id, input.url, input.events, input.active)
        return await attempt(WebhookSubscriptionPayload, action, subscription=WebhookSubscription.of)

    @strawberry.mutation(extensions=[requires(*MANAGE)])
    async def webhook_subscription_delete(self, info: Info, id: strawberry.ID) -> OkPayload:
        return await attempt(OkPayload, rules.delete(ctx(info), id), ok=bool)
