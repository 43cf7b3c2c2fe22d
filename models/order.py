"""Orders and their lines, with where each came from (OrderSource)."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import TYPE_CHECKING

from tortoise import fields

from models.account import User
from models.base import Entity
from models.catalog import Product
from models.company import Company, CustomerNumber
from models.delivery import DeliveryMixin
from models.membership import Membership

if TYPE_CHECKING:  # models.validation imports OrderSource from here
    from models.validation import ValidationList


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
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class Order(Entity, DeliveryMixin):
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID
    membership: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    membership_id: uuid.UUID
    placed_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    placed_by_id: uuid.UUID
    customer_number: fields.ForeignKeyRelation[CustomerNumber] = fields.ForeignKeyField(
        "models.CustomerNumber", related_name=False, on_delete=fields.RESTRICT
    )
    customer_number_id: uuid.UUID
    validation_list: fields.ForeignKeyNullableRelation[ValidationList] = fields.ForeignKeyField(
        "models.ValidationList", related_name=False, null=True, unique=True, on_delete=fields.RESTRICT
    )
    validation_list_id: uuid.UUID | None
    number = fields.CharField(max_length=20, unique=True)
    status = fields.CharEnumField(OrderStatus, default=OrderStatus.CONFIRMED)
    source = fields.CharEnumField(OrderSource)
    reference = fields.CharField(max_length=200, null=True)
    note = fields.TextField(null=True)
    total = fields.DecimalField(max_digits=14, decimal_places=2)
    year = fields.IntField()
    #: The order number in the ERP, recorded once (orderStatusSet).
    erp_reference = fields.CharField(max_length=60, null=True, unique=True)
    #: Raised by every change, through a conditional UPDATE: what settles races (STYLE.md Transactions).
    version = fields.IntField(default=1)

    class Meta:
        table = "customer_order"
        indexes = (("company_id", "created_at"), ("company_id", "year"))


class OrderLine(Entity):
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name=False, on_delete=fields.CASCADE
    )
    order_id: uuid.UUID
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.RESTRICT
    )
    product_id: uuid.UUID
    quantity = fields.DecimalField(max_digits=12, decimal_places=3)
    note = fields.CharField(max_length=500, null=True)
    unit_price = fields.DecimalField(max_digits=12, decimal_places=4)
    position = fields.IntField()
    #: The sum of the shipment lines of this line, kept in the transaction of each shipment.
    quantity_shipped = fields.DecimalField(max_digits=12, decimal_places=3, default=0)

    class Meta:
        table = "order_line"
        #: lines_by_order_id; the dashboard's orders per top product (resolvers/dashboard.top_products).
        indexes = (("order_id", "position"), ("product_id", "order_id"))
