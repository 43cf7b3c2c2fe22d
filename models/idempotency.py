"""The first result of a submit made with a client key, so a retry never submits twice."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.membership import Membership


class IdempotencyRecord(Model):
    """The first result of a submit with a client key, scoped to the membership."""

    id = fields.IntField(primary_key=True)
    membership: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, on_delete=fields.CASCADE
    )
    membership_id: uuid.UUID
    key = fields.CharField(max_length=200)
    operation = fields.CharField(max_length=40)
    request_hash = fields.CharField(max_length=64)
    #: Global id of what the submit created (a validation list or an order).
    result_id = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("membership", "key"),)
