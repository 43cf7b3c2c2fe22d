from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.base import Entity


class Locale(str, Enum):
    FR = "FR"
    NL = "NL"
    EN = "EN"


class Role(str, Enum):
    ADMINISTRATOR = "ADMINISTRATOR"
    VIEW_PRICES = "VIEW_PRICES"
    VIEW_PRICES_AND_ORDER = "VIEW_PRICES_AND_ORDER"
    ORDER_WITHOUT_PRICES = "ORDER_WITHOUT_PRICES"
    QUICK_LISTS_ONLY = "QUICK_LISTS_ONLY"


class MembershipStatus(str, Enum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class StaffRole(str, Enum):
    REPRESENTATIVE = "REPRESENTATIVE"
    CUSTOMER_SERVICE = "CUSTOMER_SERVICE"
    ADMINISTRATOR = "ADMINISTRATOR"


class CompanyStatus(str, Enum):
    PENDING_REVIEW = "PENDING_REVIEW"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    REJECTED = "REJECTED"


class WorkDomain(str, Enum):
    PVC = "PVC"
    ALUMINIUM = "ALUMINIUM"
    WOOD = "WOOD"
    STEEL = "STEEL"
    GLASS = "GLASS"
    CONSTRUCTION = "CONSTRUCTION"
    INSTALLATION = "INSTALLATION"
    OTHER = "OTHER"


class CustomerNumberKind(str, Enum):
    SOLD_TO = "SOLD_TO"
    BILL_TO = "BILL_TO"
    SHIP_TO = "SHIP_TO"


class TokenPurpose(str, Enum):
    VERIFY_EMAIL = "VERIFY_EMAIL"
    RESET_PASSWORD = "RESET_PASSWORD"
    INVITATION = "INVITATION"


class AddressMixin:
    line1 = fields.CharField(max_length=200)
    line2 = fields.CharField(max_length=200, null=True)
    postal_code = fields.CharField(max_length=20)
    city = fields.CharField(max_length=100)
    country_code = fields.CharField(max_length=2)


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

    class Meta:
        table = "user"


class Company(Entity):
    name = fields.CharField(max_length=200)
    vat_number = fields.CharField(max_length=20, db_index=True)
    work_domains: fields.Field[list[str]] = fields.JSONField(default=list)
    status = fields.CharEnumField(CompanyStatus, default=CompanyStatus.ACTIVE)
    customer_number = fields.CharField(max_length=20, unique=True)
    contact_name = fields.CharField(max_length=200, null=True)
    contact_email = fields.CharField(max_length=254, null=True)
    contact_phone = fields.CharField(max_length=40, null=True)
    fast_entry_enabled = fields.BooleanField(default=False)
    representative: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    rejection_reason = fields.TextField(null=True)

    class Meta:
        table = "company"


class CustomerNumber(Entity, AddressMixin):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    number = fields.CharField(max_length=20, unique=True)
    kind = fields.CharEnumField(CustomerNumberKind)
    name = fields.CharField(max_length=200)

    class Meta:
        table = "customer_number"
        indexes = (("company_id", "number"),)  # customer_numbers_by_company_id


class Membership(Entity):
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    role = fields.CharEnumField(Role)
    status = fields.CharEnumField(MembershipStatus)

    class Meta:
        table = "membership"
        unique_together = (("user", "company"),)
        indexes = (("company_id",),)  # memberships_by_company_id (user_id is covered by the unique index)


class MembershipCustomerNumber(Model):
    """The customer numbers a member is limited to (none: all of the company numbers)."""

    id = fields.IntField(primary_key=True)
    membership: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, on_delete=fields.CASCADE
    )
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.CASCADE
    )

    class Meta:
        table = "membership_customer_number"
        unique_together = (("membership", "customer_number"),)


class Session(Entity):
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    membership: fields.ForeignKeyNullableRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, null=True, on_delete=fields.SET_NULL
    )
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
