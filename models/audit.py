from __future__ import annotations

import uuid

from tortoise import fields

from models.account import User
from models.base import Entity
from models.company import Company


class AuditEvent(Entity):
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    actor_id: uuid.UUID | None
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID | None
    action = fields.CharField(max_length=60)
    target_id = fields.CharField(max_length=200, null=True)
    details: fields.Field[dict] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_event"
