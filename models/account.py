"""Users: who signs in (one account, any number of company memberships) and staff roles."""

from __future__ import annotations

from enum import Enum

from tortoise import fields

from models.base import Entity


class Locale(str, Enum):
    FR = "FR"
    NL = "NL"
    EN = "EN"


class StaffRole(str, Enum):
    REPRESENTATIVE = "REPRESENTATIVE"
    CUSTOMER_SERVICE = "CUSTOMER_SERVICE"
    ADMINISTRATOR = "ADMINISTRATOR"


class User(Entity):
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=200, null=True)
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    phone = fields.CharField(max_length=40, null=True)
    locale = fields.CharEnumField(Locale, default=Locale.FR)
    email_verified = fields.BooleanField(default=False)
    staff_role = fields.CharEnumField(StaffRole, null=True)
    failed_logins = fields.IntField(default=0)
    failed_login_window_start = fields.DatetimeField(null=True)
    login_locked_until = fields.DatetimeField(null=True)
    #: The backing user of an API client (models.api_client): never a person, never listed as one.
    is_api_client = fields.BooleanField(default=False)

    class Meta:
        table = "user"
