from __future__ import annotations

from tortoise import fields

from models.account import User
from models.base import Entity
from models.company import Company


class AuditEvent(Entity):
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    action = fields.CharField(max_length=60)
    target_id = fields.CharField(max_length=200, null=True)
    details: fields.Field[dict] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_event"
