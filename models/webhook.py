"""Webhooks: subscriptions to the event feed, and one delivery row per event and subscription,
delivered by the outbox worker (resolvers/webhook/delivery.py)."""

from __future__ import annotations

import uuid
from enum import Enum

from tortoise import fields

from models.account import User
from models.base import Entity
from models.company import Company
from models.event import Event


class WebhookDeliveryStatus(str, Enum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    RETRYING = "RETRYING"
    FAILED = "FAILED"


class WebhookSubscription(Entity):
    """A URL that receives the events of the listed types: a company's own events, or (company
    null) the distributor's subscription to every event.

    `secret` is the signing key (whsec_...), stored as it is: HMAC signing needs the key itself (a
    hash cannot sign) and no vetted cipher is among the dependencies; it is shown once, in the
    create payload, and no field ever reads it back."""

    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID | None
    url = fields.CharField(max_length=2000)
    #: EventType values.
    events: fields.Field[list] = fields.JSONField(default=list)
    secret = fields.CharField(max_length=100)
    active = fields.BooleanField(default=True)
    #: Who made it: for a company's subscription, whether Money is sent is this user's right to
    #: see prices in that company at delivery time.
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    created_by_id: uuid.UUID | None
    #: It receives the events whose sequence is above this one: those after it was created (or
    #: last activated).
    from_sequence = fields.BigIntField(default=0)

    class Meta:
        table = "webhook_subscription"


class WebhookDelivery(Entity):
    """One event for one subscription, claimed by a worker as OutboxMail is (`claimed_until`)."""

    subscription: fields.ForeignKeyRelation[WebhookSubscription] = fields.ForeignKeyField(
        "models.WebhookSubscription", related_name=False, on_delete=fields.CASCADE
    )
    subscription_id: uuid.UUID
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name=False, on_delete=fields.CASCADE
    )
    event_id: uuid.UUID
    #: The event's sequence: "newest first" is the feed's order.
    sequence = fields.BigIntField()
    status = fields.CharEnumField(WebhookDeliveryStatus, max_length=20, default=WebhookDeliveryStatus.PENDING)
    #: Attempts begun (counted when claimed, so a crash mid-send counts too).
    attempts = fields.IntField(default=0)
    first_attempt_at = fields.DatetimeField(null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    last_response_status = fields.IntField(null=True)
    last_error = fields.TextField(null=True)
    #: Null once DELIVERED or FAILED.
    next_attempt_at = fields.DatetimeField(null=True)
    claimed_until = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("subscription_id", "event_id"),)
        indexes = (("status", "next_attempt_at"), ("subscription_id", "sequence"))
