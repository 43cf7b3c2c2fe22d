from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import strawberry

if TYPE_CHECKING:
    pass


@strawberry.input(description="A product and quantity. Give productId or code (SKU, EAN or own article code).")
class LineInput:
    product_id: strawberry.ID | None = None
    code: str | None = None
    quantity: Decimal
    note: str | None = None
