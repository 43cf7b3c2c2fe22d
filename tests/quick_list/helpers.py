"""Documents, rows and checks shared by the quick list tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from models import Company, Product, QuickList, QuickListLine, Role, User
from resolvers.core import ids
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid

ERRORS = "userErrors { field code message }"

LIST_FIELDS = """
  id name description shared createdAt updatedAt lineCount
  owner { email }
  lines { id quantity note unitPrice { amount currency } product { sku name listPrice { amount } } }
"""

QUICK_LISTS = "query { quickLists { %s } }" % LIST_FIELDS
QUICK_LIST = "query($id: ID!) { quickList(id: $id) { %s } }" % LIST_FIELDS
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on QuickList { name } } }"

CREATE = """
mutation($input: QuickListInput!) { quickListCreate(input: $input) { quickList { %s } %s } }
""" % (LIST_FIELDS, ERRORS)

UPDATE = """
mutation($id: ID!, $input: QuickListUpdateInput!) { quickListUpdate(id: $id, input: $input) { quickList { %s } %s } }
""" % (LIST_FIELDS, ERRORS)

DELETE = "mutation($id: ID!) { quickListDelete(id: $id) { ok %s } }" % ERRORS

LINES_ADD = """
mutation($id: ID!, $lines: [LineInput!]!, $text: String) {
  quickListLinesAdd(id: $id, lines: $lines, text: $text) { quickList { %s } %s }
}
""" % (LIST_FIELDS, ERRORS)

TEXT_ADD = """
mutation($id: ID!, $text: String) { quickListLinesAdd(id: $id, text: $text) { quickList { %s } %s } }
""" % (LIST_FIELDS, ERRORS)

LINE_UPDATE = """
mutation($lineId: ID!, $quantity: Decimal!, $note: String) {
  quickListLineUpdate(lineId: $lineId, quantity: $quantity, note: $note) { quickList { %s } %s }
}
""" % (LIST_FIELDS, ERRORS)

LINES_REMOVE = """
mutation($id: ID!, $lineIds: [ID!]!) { quickListLinesRemove(id: $id, lineIds: $lineIds) { quickList { %s } %s } }
""" % (LIST_FIELDS, ERRORS)

ADD_TO_CART = (
    """
mutation($id: ID!, $lineIds: [ID!]) {
  quickListAddToCart(id: $id, lineIds: $lineIds) {
    cart { lineCount lines { quantity note unitPrice { amount } product { sku } } } %s
  }
}
"""
    % ERRORS
)

SUBMIT = (
    """
mutation($id: ID!, $input: QuickListSubmitInput!) {
  quickListSubmit(id: $id, input: $input) {
    validationList { id number status source reference note total { amount }
      delivery { method branch { name } shipTo { number } }
      lines { quantity note unitPrice { amount } product { sku } } }
    %s
  }
}
"""
    % ERRORS
)


def roles_with(permission: Permission) -> list[Role]:
    return [r for r, granted in MATRIX.items() if permission in granted]


def roles_without(permission: Permission) -> list[Role]:
    return [r for r, granted in MATRIX.items() if permission not in granted]


def line_gid(line: QuickListLine) -> str:
    return ids.encode("QuickListLine", line.id)


async def make_list(
    owner: User,
    company: Company,
    *lines: tuple[Product, str],
    name: str = "List",
    shared: bool = False,
    description: str | None = None,
    note: str | None = None,
) -> QuickList:
    """A quick list made directly, lines in the given order."""
    row = await QuickList.create(company=company, owner=owner, name=name, shared=shared, description=description)
    for i, (product, quantity) in enumerate(lines):
        await QuickListLine.create(quick_list=row, product=product, quantity=Decimal(quantity), note=note, position=i)
    return row


async def list_rows() -> list[tuple[str, bool, str | None]]:
    """Every list as (name, shared, description), to check what a call changed."""
    return [(r.name, r.shared, r.description) for r in await QuickList.all().order_by("name", "id")]


async def line_rows(row: QuickList | None = None) -> list[tuple[str, str, str | None]]:
    """Every line (of one list, or all) as (sku, quantity, note) in list order."""
    qs = QuickListLine.all() if row is None else QuickListLine.filter(quick_list_id=row.id)
    lines = await qs.select_related("product").order_by("quick_list_id", "position", "created_at")
    return [(r.product.sku, f"{Decimal(r.quantity).normalize():f}", r.note) for r in lines]


async def db_state() -> tuple[Any, ...]:
    return (await list_rows(), await line_rows(), [r.updated_at for r in await QuickList.all().order_by("id")])


def errors(payload: dict) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def pid(row: Any) -> str:
    return gid(row)
