"""Sessions, one-time tokens (e-mail verification, password reset, invitation) and login throttles."""

from __future__ import annotations

import uuid
from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.account import User
from models.base import Entity
from models.membership import Membership


class TokenPurpose(str, Enum):
    VERIFY_EMAIL = "VERIFY_EMAIL"
    RESET_PASSWORD = "RESET_PASSWORD"
    INVITATION = "INVITATION"


class Session(Entity):
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    membership: fields.ForeignKeyNullableRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    membership_id: uuid.UUID | None
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "session"


class UserToken(Entity):
    """Single-use tokens sent by e-mail (verification, reset, invitation), stored hashed."""

    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    purpose = fields.CharEnumField(TokenPurpose)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user_token"


class LoginThrottle(Model):
    """Failed sign-ins counted per key in a fixed window: a client address, or an address and an
    account (resolvers.auth.throttle). Rows of past windows are simply restarted."""

    key = fields.CharField(max_length=120, primary_key=True)
    failures = fields.IntField(default=0)
    window_start = fields.DatetimeField(db_index=True)

    class Meta:
        table = "login_throttle"
