from __future__ import annotations

from tortoise import fields

from models.base import Entity


class OutboxMail(Entity):
    """An e-mail written in the same transaction as the change that caused it."""

    to = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=300)
    body = fields.TextField()
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    claimed_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True, db_index=True)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "outbox_mail"
