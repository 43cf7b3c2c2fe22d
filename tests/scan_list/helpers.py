"""Documents and rows shared by the scan-list tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from models import (
    AuditEvent,
    Company,
    IdempotencyRecord,
    Order,
    OrderLine,
    Product,
    ScanList,
    ScanListLine,
    Sequence,
    ValidationList,
    ValidationListLine,
)
from resolvers.scan_list.scans import barcode_of

_keys = itertools.count(1)

ERRORS = "userErrors { field code message }"
LIST_FIELDS = """
  id name approved approvedAt printUrl
  lines { id barcode defaultQuantity product { sku name } }
"""

SCAN_LISTS = "{ scanLists { %s } }" % LIST_FIELDS
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on ScanList { name approved printUrl } } }"

CREATE = """
mutation($input: ScanListInput!) { scanListCreate(input: $input) { scanList { %s } %s } }
""" % (LIST_FIELDS, ERRORS)

APPROVE = (
    """
mutation($id: ID!) { scanListApprove(id: $id) { scanList { id approved approvedAt printUrl } %s } }
"""
    % ERRORS
)

SUBMIT = (
    """
mutation($input: ScanSubmitInput!) {
  scanSubmit(input: $input) {
    order { id number status source reference total { amount } customerNumber { number }
            delivery { method shipTo { number } branch { name } oneTimeAddress { city } }
            lines { quantity unitPrice { amount } lineTotal { amount } product { sku } } validationList { id } }
    validationList { id number status source reference total { amount }
            lines { quantity unitPrice { amount } product { sku } } }
    %s
  }
}
"""
    % ERRORS
)


def new_key() -> str:
    return f"scan-{next(_keys)}"


async def make_scan_list(
    company: Company, *lines: tuple[Product, str], approved: bool = True, name: str = "Atelier", by: Any = None
) -> ScanList:
    """A scan list made directly (as scanListCreate + scanListApprove would)."""
    from tests.factories import make_user

    by = by or await make_user()
    row = await ScanList.create(
        company=company,
        name=name,
        created_by=by,
        approved_at=datetime.now(UTC) if approved else None,
        approved_by=by if approved else None,
    )
    for i, (product, quantity) in enumerate(lines):
        await ScanListLine.create(
            scan_list=row, product=product, barcode=barcode_of(product), default_quantity=Decimal(quantity), position=i
        )
    return row


def path_of(url: str) -> str:
    """The path and query of an absolute printUrl, to GET it from the in-process app."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def snapshot() -> dict[str, int]:
    """Row counts a refused mutation must leave as they were."""
    return {
        "scan_lists": await ScanList.all().count(),
        "scan_lines": await ScanListLine.all().count(),
        "approved": await ScanList.filter(approved_at__isnull=False).count(),
        "validation_lists": await ValidationList.all().count(),
        "validation_lines": await ValidationListLine.all().count(),
        "orders": await Order.all().count(),
        "order_lines": await OrderLine.all().count(),
        "idempotency": await IdempotencyRecord.all().count(),
        "audit": await AuditEvent.all().count(),
        "sequences": sum(s.value for s in await Sequence.all()),
    }
