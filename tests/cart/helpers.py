"""Documents and rows shared by the cart tests."""

from __future__ import annotations

from typing import Any

from models import Cart, CartLine, Role
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid

CART_FIELDS = """
  id lineCount updatedAt subtotal { amount currency }
  lines { id quantity note unitPrice { amount } lineTotal { amount } product { sku name } }
  delivery { method requestedDate shipTo { number } branch { name }
             oneTimeAddress { line1 line2 postalCode city countryCode } }
"""

CART = "query { cart { %s } }" % CART_FIELDS

ADD = (
    """
mutation($lines: [LineInput!]!, $partial: Boolean) {
  cartLinesAdd(lines: $lines, partial: $partial) { cart { %s } userErrors { field code message } }
}
"""
    % CART_FIELDS
)

UPDATE = (
    """
mutation($lineId: ID!, $quantity: Decimal!) {
  cartLineUpdate(lineId: $lineId, quantity: $quantity) { cart { %s } userErrors { field code message } }
}
"""
    % CART_FIELDS
)

REMOVE = (
    """
mutation($lineIds: [ID!]!) {
  cartLinesRemove(lineIds: $lineIds) { cart { %s } userErrors { field code message } }
}
"""
    % CART_FIELDS
)

CLEAR = "mutation { cartClear { cart { %s } userErrors { field code message } } }" % CART_FIELDS

DELIVERY = (
    """
mutation($input: DeliveryInput!) {
  cartDeliverySet(input: $input) { cart { %s } userErrors { field code message } }
}
"""
    % CART_FIELDS
)

FAST_ENTRY = """
mutation($text: String!, $addToCart: Boolean) {
  fastEntry(text: $text, addToCart: $addToCart) {
    lines { lineNumber input status quantity message product { sku } }
    cart { lineCount lines { quantity product { sku } } }
    userErrors { field code message }
  }
}
"""


def roles_with(permission: Permission) -> list[Role]:
    return [r for r, granted in MATRIX.items() if permission in granted]


def roles_without(permission: Permission) -> list[Role]:
    return [r for r, granted in MATRIX.items() if permission not in granted]


def line(product: Any = None, quantity: str = "1", **kw: Any) -> dict:
    return {"productId": gid(product) if product is not None else None, "quantity": quantity, **kw}


async def cart_rows() -> list[tuple[str, str]]:
    """Every cart line in the database as (sku, quantity), to check what a call changed."""
    rows = await CartLine.all().select_related("product").order_by("position")
    return [(r.product.sku, f"{r.quantity.normalize():f}") for r in rows]


async def cart_count() -> int:
    return await Cart.all().count()


def errors(payload: dict) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]
