"""Fast entry: pasted text, one article per line, checked line by line and added to the cart.

`parse` is pure: it reads a code and a quantity from each non-blank line. `fast_entry`
resolves every code at once, sums repeated products, and adds the good lines to the cart;
bad lines are reported and never block the others.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

from tortoise.transactions import in_transaction

from models import Cart, Product
from resolvers import lines as line_rules
from resolvers.cart import add_merged, current_cart
from resolvers.core import validate
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode
from resolvers.core.i18n import tr
from resolvers.core.permissions import Permission
from resolvers.lines import MergedLine

MAX_LINES = 500

#: The code ends at the first space, tab, ";" or ","; the rest holds the quantity.
_SPLIT = re.compile(r"^([^\s;,]+)[\s;,]+(.*)$")
#: A quantity: digits with an optional decimal point or decimal comma ("2,5" is 2.5).
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_TRAILING = " \t;,"


class FastEntryStatus(str, Enum):
    OK = "OK"
    MERGED = "MERGED"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    NOT_ORDERABLE = "NOT_ORDERABLE"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    UNREADABLE = "UNREADABLE"


@dataclass
class ParsedLine:
    """A non-blank line: `code` and `quantity` are None when it could not be read (`problem`)."""

    line_number: int
    input: str
    code: str | None
    quantity: Decimal | None
    problem: str | None = None


def _unquote(value: str) -> str:
    """Spreadsheets exporting CSV quote cells: "AB-12" -> AB-12."""
    value = value.strip()
    return value[1:-1].strip() if len(value) >= 2 and value[0] == value[-1] == '"' else value


def parse_line(line_number: int, text: str) -> ParsedLine:
    """One line: a code, then separators (spaces, a tab, ";" or ","), then one quantity.

    "ABC 2,5", "ABC;2,5" and "ABC,2,5" are all code ABC, quantity 2.5. A line without a
    quantity, or with more than one value after the code, is unreadable.
    """
    stripped = text.strip()
    match = _SPLIT.match(stripped)
    if match is None:
        return ParsedLine(line_number, text, None, None, tr("Give a code and a quantity."))
    code = _unquote(match.group(1))
    rest = _unquote(match.group(2).strip(_TRAILING))
    if not rest:
        return ParsedLine(line_number, text, None, None, tr("Give a code and a quantity."))
    if not _NUMBER.match(rest) or not code:
        return ParsedLine(line_number, text, None, None, tr("{value} is not a quantity.", value=repr(rest)))
    try:
        quantity = Decimal(rest.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return ParsedLine(line_number, text, None, None, tr("{value} is not a quantity.", value=repr(rest)))
    return ParsedLine(line_number, text, code, quantity)


def parse(text: str) -> list[ParsedLine]:
    """The non-blank lines of `text`, numbered from 1 (blank lines count in the numbering)."""
    return [parse_line(i, line.rstrip("\r")) for i, line in enumerate(text.split("\n"), start=1) if line.strip()]


@dataclass
class EntryLine:
    """One line of the answer, as the client sees it."""

    line_number: int
    input: str
    status: FastEntryStatus
    product: Product | None = None
    quantity: Decimal | None = None
    message: str | None = None


def _lines_word(numbers: Sequence[int]) -> str:
    joined = ", ".join(str(n) for n in numbers)
    return tr("line {numbers}", numbers=joined) if len(numbers) == 1 else tr("lines {numbers}", numbers=joined)


async def fast_entry(ctx: Context, text: str, add_to_cart: bool = True) -> tuple[list[EntryLine], Cart]:
    """fastEntry: FEATURE_NOT_ENABLED unless the distributor enabled fast entry for the company
    (checked first, for members who may order); then FAST_ENTRY. At most 500 non-blank lines
    (LIMIT_EXCEEDED, nothing changes). Repeated products are summed on their first line
    (MERGED); with `add_to_cart` the OK lines go to the cart in one batch."""
    membership = ctx.require(Permission.PLACE_ORDERS)
    if not membership.company.fast_entry_enabled:
        raise DomainError(ErrorCode.FEATURE_NOT_ENABLED, tr("Fast entry is not enabled for this account."))
    membership = ctx.require(Permission.FAST_ENTRY)
    parsed = parse(text)
    if len(parsed) > MAX_LINES:
        raise DomainError(ErrorCode.LIMIT_EXCEEDED, tr("At most {count} lines at once.", count=MAX_LINES), ["text"])
    found = await line_rules.products_by_code(ctx, [p.code for p in parsed if p.code])
    result: list[EntryLine] = []
    groups: dict[object, tuple[EntryLine, list[EntryLine]]] = {}
    for p in parsed:
        entry = EntryLine(p.line_number, p.input, FastEntryStatus.UNREADABLE, quantity=p.quantity, message=p.problem)
        result.append(entry)
        if p.code is None or p.quantity is None:
            continue
        product = found.get(p.code)
        entry.product = product
        if product is None:
            entry.status, entry.message = (
                FastEntryStatus.UNKNOWN_CODE,
                tr("Unknown product code {code}.", code=validate.quoted(p.code)),
            )
        elif not product.orderable:
            entry.status, entry.message = FastEntryStatus.NOT_ORDERABLE, tr("{sku} cannot be ordered.", sku=product.sku)
        elif p.quantity <= 0 or not p.quantity.is_finite():
            entry.status, entry.message = FastEntryStatus.INVALID_QUANTITY, tr("The quantity must be positive.")
        elif product.id in groups:
            first, merged = groups[product.id]
            entry.status = FastEntryStatus.MERGED
            entry.message = tr("Added to line {line}.", line=first.line_number)
            merged.append(entry)
        else:
            entry.status = FastEntryStatus.OK
            groups[product.id] = (entry, [])
    to_add: list[tuple[MergedLine, EntryLine, list[EntryLine]]] = []
    for first, merged in groups.values():
        assert first.product is not None and first.quantity is not None
        total = first.quantity + sum((e.quantity for e in merged if e.quantity is not None), Decimal(0))
        problem = line_rules.quantity_problem(first.product, total)
        if problem is not None:
            summed = tr("Summed with {lines}: ", lines=_lines_word([e.line_number for e in merged])) if merged else ""
            _refuse([first, *merged], summed + problem[1])
            continue
        if merged:
            first.message = tr("Quantity summed with {lines}.", lines=_lines_word([e.line_number for e in merged]))
        first.quantity = total
        to_add.append((MergedLine(first.product, total, None, [first.line_number]), first, merged))
    if not (add_to_cart and to_add):
        return result, await current_cart(membership)
    async with in_transaction():
        cart_row, rejected = await add_merged(membership, [m for m, _, _ in to_add], strict=False)
    by_merged = {id(m): (first, merged) for m, first, merged in to_add}
    for r in rejected:
        first, merged = by_merged[id(r.merged)]
        _refuse([first, *merged], r.message)
    return result, cart_row


def _refuse(entries: Sequence[EntryLine], message: str) -> None:
    for e in entries:
        e.status, e.message = FastEntryStatus.INVALID_QUANTITY, message
