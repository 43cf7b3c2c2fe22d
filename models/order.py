from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.account import Company, CustomerNumber, Membership, User
from models.base import Entity
from models.catalog import Branch, Product


class DeliveryMethod(str, Enum):
    DELIVERY = "DELIVERY"
    PICKUP = "PICKUP"


class ValidationStatus(str, Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


class OrderSource(str, Enum):
    CART = "CART"
    FAST_ENTRY = "FAST_ENTRY"
    QUICK_LIST = "QUICK_LIST"
    SCAN = "SCAN"
    QUOTE = "QUOTE"
    REORDER = "REORDER"


class OrderStatus(str, Enum):
    CONFIRMED = "CONFIRMED"
    PROCESSING = "PROCESSING"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class DeliveryMixin:
    """Where an order goes: a SHIP_TO number or a one-time address (DELIVERY), or a branch (PICKUP).

    A one-time address lives on this row only and is never saved to the account.
    """

    delivery_method = fields.CharEnumField(DeliveryMethod, null=True)
    ship_to: fields.ForeignKeyNullableRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    branch: fields.ForeignKeyNullableRelation[Branch] = fields.ForeignKeyField(
        "models.Branch", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    one_time_line1 = fields.CharField(max_length=200, null=True)
    one_time_line2 = fields.CharField(max_length=200, null=True)
    one_time_postal_code = fields.CharField(max_length=20, null=True)
    one_time_city = fields.CharField(max_length=100, null=True)
    one_time_country_code = fields.CharField(max_length=2, null=True)
    requested_date = fields.DateField(null=True)


class Cart(Entity, DeliveryMixin):
    """One cart per membership, kept on the server."""

    membership: fields.OneToOneRelation[Membership] = fields.OneToOneField(
        "models.Membership", related_name=False, on_delete=fields.CASCADE
    )
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "cart"


class CartLine(Entity):
    cart: fields.ForeignKeyRelation[Cart] = fields.ForeignKeyField(
        "models.Cart", related_name=False, on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    note = fields.CharField(max_length=500, null=True)
    #: Lines keep the order they were first added in (many are created in one statement).
    position = fields.IntField(default=0)

    class Meta:
        table = "cart_line"
        unique_together = (("cart", "product"),)


class QuickList(Entity):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    description = fields.TextField(null=True)
    shared = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "quick_list"
        indexes = (("company_id", "shared"),)


class QuickListLine(Entity):
    quick_list: fields.ForeignKeyRelation[QuickList] = fields.ForeignKeyField(
        "models.QuickList", related_name=False, on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    note = fields.CharField(max_length=500, null=True)
    #: Lines keep the order they were first added in (many are created in one statement).
    position = fields.IntField(default=0)

    class Meta:
        table = "quick_list_line"
        unique_together = (("quick_list", "product"),)


class ValidationList(Entity, DeliveryMixin):
    """Submitted lines, priced at submission, that the distributor approves or rejects."""

    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    membership: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    submitted_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.RESTRICT
    )
    number = fields.CharField(max_length=20, unique=True)
    status = fields.CharEnumField(ValidationStatus, default=ValidationStatus.SUBMITTED)
    source = fields.CharEnumField(OrderSource)
    reference = fields.CharField(max_length=200, null=True)
    note = fields.TextField(null=True)
    total = fields.DecimalField(max_digits=14, decimal_places=2)
    quote_id = fields.UUIDField(null=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    rejection_reason = fields.TextField(null=True)
    #: Increases at every change. Approve and reject quote it (conditional UPDATE).
    version = fields.IntField(default=1)

    class Meta:
        table = "validation_list"
        indexes = (("company_id", "created_at"), ("status", "created_at"))


class ValidationListLine(Entity):
    validation_list: fields.ForeignKeyRelation[ValidationList] = fields.ForeignKeyField(
        "models.ValidationList", related_name=False, on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    note = fields.CharField(max_length=500, null=True)
    #: Frozen at submission.
    unit_price = fields.DecimalField(max_digits=12, decimal_places=4)
    position = fields.IntField()

    class Meta:
        table = "validation_list_line"
        indexes = (("validation_list_id", "position"),)  # lines_by_validation_list_id


class Order(Entity, DeliveryMixin):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    membership: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    placed_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.RESTRICT
    )
    validation_list: fields.ForeignKeyNullableRelation[ValidationList] = fields.ForeignKeyField(
        "models.ValidationList", related_name=False, null=True, unique=True, on_delete=fields.RESTRICT
    )
    number = fields.CharField(max_length=20, unique=True)
    status = fields.CharEnumField(OrderStatus, default=OrderStatus.CONFIRMED)
    source = fields.CharEnumField(OrderSource)
    reference = fields.CharField(max_length=200, null=True)
    note = fields.TextField(null=True)
    total = fields.DecimalField(max_digits=14, decimal_places=2)
    year = fields.IntField()

    class Meta:
        table = "customer_order"
        indexes = (("company_id", "created_at"), ("company_id", "year"))


class OrderLine(Entity):
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name=False, on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    note = fields.CharField(max_length=500, null=True)
    unit_price = fields.DecimalField(max_digits=12, decimal_places=4)
    position = fields.IntField()

    class Meta:
        table = "order_line"
        indexes = (("order_id", "position"),)  # lines_by_order_id


class ScanList(Entity):
    """Products the distributor approved in advance for a company's scanner."""

    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    approved_at = fields.DatetimeField(null=True)
    approved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "scan_list"
        indexes = (("company_id", "approved_at"),)


class ScanListLine(Entity):
    scan_list: fields.ForeignKeyRelation[ScanList] = fields.ForeignKeyField(
        "models.ScanList", related_name=False, on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    #: The code printed for this line: the product's EAN when valid, else its SKU (frozen).
    barcode = fields.CharField(max_length=40)
    default_quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    position = fields.IntField()

    class Meta:
        table = "scan_list_line"
        #: (product): scanSubmit asks which of the scanned products are on approved lists.
        indexes = (("scan_list_id", "position"), ("product_id",))


class IdempotencyRecord(Model):
    """The first result of a submit with a client key, scoped to the membership."""

    id = fields.IntField(primary_key=True)
    membership: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=200)
    operation = fields.CharField(max_length=40)
    request_hash = fields.CharField(max_length=64)
    #: Global id of what the submit created (a validation list or an order).
    result_id = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("membership", "key"),)
