from __future__ import annotations

from tortoise import fields

from models.base import Entity


class OutboxMail(Entity):
    """An e-mail written in the same transaction as the change that caused it.

    A mail that carries a token (reset, invitation, verification link) keeps it in `secret`
    only, never in `body`; the worker puts it into the body it sends and then clears it, so
    stored mails that were sent or gave up hold no live token."""

    to = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=300)
    body = fields.TextField()
    secret = fields.CharField(max_length=200, null=True)
    #: Delivery attempts begun (counted when claimed, so a crash mid-send counts too).
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    claimed_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True, db_index=True)
    #: Set when the worker gave up (a permanent 5xx, or the last attempt failed): FAILED.
    failed_at = fields.DatetimeField(null=True, db_index=True)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "outbox_mail"
