"""API clients: partner portals acting for a company, the distributor's ERP acting with scopes."""

from __future__ import annotations

import uuid
from enum import Enum

from tortoise import fields

from models.account import User
from models.base import Entity
from models.company import Company
from models.membership import Membership, Role


class IntegrationScope(str, Enum):
    READ_ALL = "READ_ALL"
    WRITE_ERP = "WRITE_ERP"
    MANAGE_WEBHOOKS = "MANAGE_WEBHOOKS"


class ApiClient(Entity):
    """A key-holding caller. It acts through its own backing User (`User.is_api_client`: no
    password, never listed as a person): a company client also through an ACTIVE Membership of
    its company with its role (and MembershipCustomerNumber rows for its customer numbers), so
    every permission, price and scoping rule applies to it unchanged; a distributor client has
    no membership and holds `scopes` instead."""

    name = fields.CharField(max_length=100)
    #: sha256 of the key (resolvers.core.context.token_hash), as for sessions: the key itself is never stored.
    key_hash = fields.CharField(max_length=64, unique=True)
    key_prefix = fields.CharField(max_length=12)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    user_id: uuid.UUID
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID | None
    membership: fields.ForeignKeyNullableRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    membership_id: uuid.UUID | None
    role = fields.CharEnumField(Role, null=True)
    #: IntegrationScope values, sorted ([] for a company client).
    scopes: fields.Field[list] = fields.JSONField(default=list)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: uuid.UUID | None
    last_used_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_client"
        indexes = (("company_id",),)
