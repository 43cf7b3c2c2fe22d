from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Entity(Model):
    """Every table has an unguessable UUID key and a creation time."""

    id = fields.UUIDField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True


class Sequence(Model):
    """Counters for human-readable numbers (customer numbers, quotes, orders): never reused."""

    name = fields.CharField(max_length=40, primary_key=True)
    value = fields.BigIntField(default=0)


class AddressMixin:
    line1 = fields.CharField(max_length=200)
    line2 = fields.CharField(max_length=200, null=True)
    postal_code = fields.CharField(max_length=20)
    city = fields.CharField(max_length=100)
    country_code = fields.CharField(max_length=2)
