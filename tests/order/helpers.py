"""Documents and rows shared by the ordering tests (validation lists and orders)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models import (
    AuditEvent,
    Branch,
    Cart,
    CartLine,
    CompanyPrice,
    IdempotencyRecord,
    Order,
    OrderLine,
    OutboxMail,
    Product,
    Role,
    Sequence,
    ValidationList,
    ValidationListLine,
)
from resolvers.cart import cart_id_of
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid, make_branch, make_product
from tests.factories import Member

_keys = itertools.count(1)

ERRORS = "userErrors { field code message }"

VL_FIELDS = """
  id number status source reference note submittedAt decidedAt rejectionReason version
  submittedBy { email }
  total { amount currency }
  delivery { method shipTo { number } branch { name } oneTimeAddress { line1 city } requestedDate }
  lines { id quantity note unitPrice { amount } lineTotal { amount } product { sku name } }
  order { number status }
"""

ORDER_FIELDS = """
  id number status source reference placedAt
  placedBy { email }
  customerNumber { number }
  total { amount }
  delivery { method shipTo { number } branch { name } }
  lines { id quantity unitPrice { amount } lineTotal { amount } product { sku name } }
  validationList { number status }
"""

CART_SUBMIT = """
mutation($input: SubmitInput!) {
  cartSubmit(input: $input) { validationList { %s } %s }
}
""" % (VL_FIELDS, ERRORS)

VALIDATION_LISTS = (
    """
query($filter: ValidationListFilter, $first: Int, $after: String) {
  validationLists(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { %s } }
  }
}
"""
    % VL_FIELDS
)

VALIDATION_LIST = "query($id: ID!) { validationList(id: $id) { %s } }" % VL_FIELDS

CANCEL = (
    """
mutation($id: ID!) { validationListCancel(id: $id) { validationList { id status version decidedAt } %s } }
"""
    % ERRORS
)

APPROVE = """
mutation($input: ApproveInput!) {
  validationListApprove(input: $input) { validationList { id status version decidedAt order { %s } } %s }
}
""" % (ORDER_FIELDS, ERRORS)

REJECT = (
    """
mutation($input: RejectInput!) {
  validationListReject(input: $input) { validationList { id status version rejectionReason order { id } } %s }
}
"""
    % ERRORS
)

QUEUE = """
query($filter: ValidationListFilter, $first: Int, $after: String) {
  backoffice { validationLists(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id number status } }
  } }
}
"""

ORDERS = (
    """
query($filter: OrderFilter, $first: Int, $after: String) {
  orders(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { %s } }
  }
}
"""
    % ORDER_FIELDS
)

ORDER = "query($id: ID!) { order(id: $id) { %s } }" % ORDER_FIELDS

NODE = """
query($id: ID!) { node(id: $id) { __typename id
  ... on ValidationList { number } ... on Order { number } } }
"""

REORDER = (
    """
mutation($id: ID!) {
  orderReorder(id: $id) { cart { lineCount lines { quantity unitPrice { amount } product { sku } } } %s }
}
"""
    % ERRORS
)


def roles_with(permission: Permission) -> list[Role]:
    return [r for r, granted in MATRIX.items() if permission in granted]


def roles_without(permission: Permission) -> list[Role]:
    return [r for r, granted in MATRIX.items() if permission not in granted]


def new_key() -> str:
    return f"key-{next(_keys)}"


def pickup(branch: Branch) -> dict[str, Any]:
    return {"method": "PICKUP", "branchId": gid(branch)}


def submit_input(delivery: dict[str, Any] | None = None, key: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"delivery": delivery, "idempotencyKey": key or new_key(), **kw}


async def fill_cart(member: Member, *lines: tuple[Product, str], note: str | None = None) -> Cart:
    """The member's cart with these lines (rows made directly, as cartLinesAdd would)."""
    cart = await Cart.get_or_none(membership_id=member.membership.id)
    if cart is None:
        cart = await Cart.create(id=cart_id_of(member.membership), membership=member.membership, company=member.company)
    for i, (product, quantity) in enumerate(lines):
        await CartLine.create(cart=cart, product=product, quantity=Decimal(quantity), note=note, position=i)
    return cart


@dataclass
class Stock:
    """Two products and a branch to pick up at."""

    branch: Branch
    a: Product
    b: Product


async def make_stock() -> Stock:
    return Stock(
        branch=await make_branch(),
        a=await make_product(list_price=Decimal("12.50")),
        b=await make_product(list_price=Decimal("3.3333"), order_multiple=Decimal(2), minimum_quantity=Decimal(2)),
    )


async def net_price(member: Member, product: Product, price: str, minimum: str = "1") -> None:
    await CompanyPrice.create(
        company=member.company, product=product, minimum_quantity=Decimal(minimum), unit_price=Decimal(price)
    )


async def submit_cart(api: Any, member: Member, stock: Stock, *lines: tuple[Product, str], **kw: Any) -> dict:
    """Fill the cart and submit it: the validation list as the API returns it."""
    await fill_cart(member, *(lines or ((stock.a, "2"),)))
    data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch), **kw)}, token=member.token)
    payload = data["cartSubmit"]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["validationList"]


async def snapshot() -> dict[str, int]:
    """Row counts a refused or failed mutation must leave as they were."""
    return {
        "validation_lists": await ValidationList.all().count(),
        "validation_lines": await ValidationListLine.all().count(),
        "orders": await Order.all().count(),
        "order_lines": await OrderLine.all().count(),
        "cart_lines": await CartLine.all().count(),
        "idempotency": await IdempotencyRecord.all().count(),
        "audit": await AuditEvent.exclude(
            action__startswith="api_client."
        ).count(),  # clients made, and their every ERP call
        "mail": await OutboxMail.all().count(),
        "sequences": sum(s.value for s in await Sequence.all()),
    }


_numbers = itertools.count(1)


async def make_validation_list(
    member: Member,
    lines: list[tuple[Product, str, str]],
    *,
    branch: Branch,
    status: str = "SUBMITTED",
    source: str = "CART",
    reference: str | None = None,
    customer_number: Any = None,
    created_at: Any = None,
    version: int = 1,
) -> ValidationList:
    """A validation list made directly (lines: product, quantity, frozen unit price)."""
    from datetime import UTC, datetime, timedelta

    from models import CustomerNumber, CustomerNumberKind
    from resolvers.catalog.pricing import line_total

    n = next(_numbers)
    if customer_number is None:
        customer_number = await CustomerNumber.get(company_id=member.company.id, kind=CustomerNumberKind.SOLD_TO)
    row = await ValidationList.create(
        company=member.company,
        membership=member.membership,
        submitted_by=member.user,
        customer_number=customer_number,
        number=f"V2000-{n:06d}",
        status=status,
        source=source,
        reference=reference,
        total=sum((line_total(Decimal(p), Decimal(q)) for _, q, p in lines), Decimal(0)),
        delivery_method="PICKUP",
        branch=branch,
        version=version,
        created_at=created_at or datetime.now(UTC) - timedelta(hours=1, seconds=n),
    )
    for i, (product, quantity, price) in enumerate(lines):
        await ValidationListLine.create(
            validation_list=row, product=product, quantity=Decimal(quantity), unit_price=Decimal(price), position=i
        )
    return row


async def make_order(
    member: Member,
    lines: list[tuple[Product, str, str]],
    *,
    branch: Branch,
    status: str = "CONFIRMED",
    reference: str | None = None,
    year: int | None = None,
    customer_number: Any = None,
    created_at: Any = None,
) -> Order:
    """An approved validation list and its order, made directly."""
    from datetime import UTC, datetime

    from resolvers.order import create_order

    vl = await make_validation_list(
        member,
        lines,
        branch=branch,
        status="APPROVED",
        reference=reference,
        customer_number=customer_number,
        created_at=created_at,
    )
    order = await create_order(vl)
    changes: dict[str, Any] = {"status": status}
    if year is not None:
        changes.update(year=year, created_at=datetime(year, 6, 1, tzinfo=UTC))
    elif created_at is not None:
        changes["created_at"] = created_at
    await Order.filter(id=order.id).update(**changes)
    return await Order.get(id=order.id)
