from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from models.base import Entity
from models.company import Company


class SalesUnit(str, Enum):
    PIECE = "PIECE"
    METER = "METER"
    SQUARE_METER = "SQUARE_METER"
    CUBIC_METER = "CUBIC_METER"
    KILOGRAM = "KILOGRAM"
    LITER = "LITER"
    BOX = "BOX"
    PACK = "PACK"
    ROLL = "ROLL"
    PALLET = "PALLET"


class Category(Entity):
    # Indexed: `children` is loaded by parent.
    parent: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name=False, null=True, on_delete=fields.RESTRICT, db_index=True
    )
    parent_id: uuid.UUID | None
    #: Slash-separated path of names, e.g. "PVC/Profiles/Windows": the import key.
    path = fields.CharField(max_length=500, unique=True)
    name_fr = fields.CharField(max_length=200)
    name_nl = fields.CharField(max_length=200, null=True)
    name_en = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "category"


#: What search matches: SKU, EAN, every locale's name and the brand.
SEARCHED_COLUMNS = ("sku", "ean", "name_fr", "name_nl", "name_en", "brand")


def search_text_of(values: Mapping[str, Any]) -> str:
    """What search matches: the SEARCHED_COLUMNS, lower-cased."""
    parts = (values.get(k) for k in SEARCHED_COLUMNS)
    return " ".join(p for p in parts if p).lower()


class Product(Entity):
    sku = fields.CharField(max_length=40, unique=True)
    ean = fields.CharField(max_length=13, null=True, unique=True)
    name_fr = fields.CharField(max_length=300)
    name_nl = fields.CharField(max_length=300, null=True)
    name_en = fields.CharField(max_length=300, null=True)
    description_fr = fields.TextField(null=True)
    description_nl = fields.TextField(null=True)
    description_en = fields.TextField(null=True)
    brand = fields.CharField(max_length=100, null=True, db_index=True)
    # Indexed: the category filter selects products by category (sub-categories included).
    category: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name=False, null=True, on_delete=fields.SET_NULL, db_index=True
    )
    category_id: uuid.UUID | None
    unit = fields.CharEnumField(SalesUnit, default=SalesUnit.PIECE)
    order_multiple = fields.DecimalField(max_digits=12, decimal_places=3, default=1)
    minimum_quantity = fields.DecimalField(max_digits=12, decimal_places=3, default=1)
    orderable = fields.BooleanField(default=True, db_index=True)
    vat_rate = fields.DecimalField(max_digits=5, decimal_places=2, default=21)
    list_price = fields.DecimalField(max_digits=12, decimal_places=4)
    #: Lower-cased SKU, EAN, names and brand: what `products(filter: {search})` matches.
    search_text = fields.TextField(default="")

    class Meta:
        table = "product"

    def build_search_text(self) -> str:
        return search_text_of(self.__dict__)

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        # Keeps search_text right for single saves; bulk writes (import, demo) set it themselves.
        self.search_text = self.build_search_text()
        if update_fields is not None:
            update_fields = [*update_fields, "search_text"]
        await super().save(using_db, update_fields, force_create, force_update)


class Branch(Entity):
    code = fields.CharField(max_length=20, unique=True)
    #: The French name, and the fallback of the other locales.
    name = fields.CharField(max_length=200)
    name_nl = fields.CharField(max_length=200, null=True)
    name_en = fields.CharField(max_length=200, null=True)
    line1 = fields.CharField(max_length=200)
    line2 = fields.CharField(max_length=200, null=True)
    postal_code = fields.CharField(max_length=20)
    city = fields.CharField(max_length=100)
    country_code = fields.CharField(max_length=2)
    phone = fields.CharField(max_length=40, null=True)
    opening_hours = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "branch"


class BranchStock(Model):
    id = fields.IntField(primary_key=True)
    branch: fields.ForeignKeyRelation[Branch] = fields.ForeignKeyField(
        "models.Branch", related_name=False, on_delete=fields.CASCADE
    )
    branch_id: uuid.UUID
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.CASCADE
    )
    product_id: uuid.UUID
    quantity = fields.DecimalField(max_digits=12, decimal_places=3, default=0)

    class Meta:
        table = "branch_stock"
        unique_together = (("product", "branch"),)


class CompanyPrice(Model):
    """A company's price list entry: the unit price from a minimum quantity on (1 = net price)."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.CASCADE
    )
    product_id: uuid.UUID
    minimum_quantity = fields.DecimalField(max_digits=12, decimal_places=3, default=1)
    unit_price = fields.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        table = "company_price"
        unique_together = (("company", "product", "minimum_quantity"),)


class CompanyArticleCode(Model):
    """A company's own article code for a product, usable wherever a code is accepted."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name=False, on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    code = fields.CharField(max_length=60)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name=False, on_delete=fields.CASCADE
    )
    product_id: uuid.UUID

    class Meta:
        table = "company_article_code"
        unique_together = (("company", "code"),)
