"""Lines of products and quantities (LineInput), shared by the cart, quick lists, submits and quotes.

Many lines are resolved in a bounded number of queries whatever their count: one for product
ids, and resolvers.catalog.products.resolve_codes for codes (SKU / EAN, and the company's own article
codes). Quantities follow SPEC: positive, at least the minimum, a multiple of the pack size.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from tortoise.models import Model

from models import Product
from resolvers.catalog import products as catalog
from resolvers.catalog.loaders import product_by_id
from resolvers.core import ids, loaders, validate
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problem, Problems
from resolvers.core.i18n import tr

MAX_LINE_NOTE = 500
#: DecimalField(max_digits=12, decimal_places=3): what a quantity column can hold.
QUANTITY_PLACES = 3
QUANTITY_LIMIT = Decimal(10) ** 9


class LineLike(Protocol):
    """A LineInput: productId or code (SKU, EAN, own article code), a quantity and a note."""

    @property
    def product_id(self) -> str | None: ...
    @property
    def code(self) -> str | None: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def note(self) -> str | None: ...


@dataclass
class CheckedLine:
    """One input line after checking: `product` is None, and `problems` non-empty, when unusable."""

    index: int
    product: Product | None
    quantity: Decimal
    note: str | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.product is not None and not self.problems


def storable_problem(quantity: Decimal, *, zero: bool = False) -> str | None:
    """Why `quantity` is no quantity a quantity column holds (positive, or at least 0 with
    `zero`; below 10^9; at most 3 decimals), or None: the message of its INVALID_QUANTITY."""
    if not quantity.is_finite() or quantity < 0 or (quantity == 0 and not zero):
        return tr("The quantity must not be negative.") if zero else tr("The quantity must be positive.")
    if quantity >= QUANTITY_LIMIT:
        return tr("The quantity is too large.")
    if quantity != quantity.quantize(Decimal(1).scaleb(-QUANTITY_PLACES)):
        return tr("The quantity may have at most {places} decimals.", places=QUANTITY_PLACES)
    return None


def quantity_problem(product: Product, quantity: Decimal) -> tuple[ErrorCode, str] | None:
    """The first quantity rule `quantity` breaks for `product` (code, message), or None."""
    unstorable = storable_problem(quantity)
    if unstorable is not None:
        return ErrorCode.INVALID_QUANTITY, unstorable
    minimum = Decimal(product.minimum_quantity)
    if quantity < minimum:
        return ErrorCode.BELOW_MINIMUM_QUANTITY, tr(
            "The minimum quantity is {minimum}.", minimum=catalog.plain(minimum)
        )
    multiple = Decimal(product.order_multiple)
    if multiple > 0 and quantity % multiple != 0:
        return ErrorCode.QUANTITY_NOT_MULTIPLE, tr(
            "The quantity must be a multiple of {multiple}.", multiple=catalog.plain(multiple)
        )
    return None


def check_quantity(problems: Problems, product: Product, quantity: Decimal, *field: str) -> None:
    """Positive (INVALID_QUANTITY), at least the product's minimum (BELOW_MINIMUM_QUANTITY), a
    multiple of its order multiple (QUANTITY_NOT_MULTIPLE, exact Decimal remainder)."""
    found = quantity_problem(product, quantity)
    if found:
        problems.add(found[0], found[1], *field)


def check_orderable(problems: Problems, product: Product, *field: str) -> None:
    """PRODUCT_NOT_ORDERABLE for a product the distributor does not sell online."""
    if not product.orderable:
        problems.add(ErrorCode.PRODUCT_NOT_ORDERABLE, tr("{sku} cannot be ordered.", sku=product.sku), *field)


async def products_by_id(ctx: Context, global_ids: Sequence[str | None]) -> dict[str, Product]:
    """Global product ids -> products, in one query (unknown ids are absent)."""
    pks = {g: ids.decode_or_none(g, "Product") for g in global_ids if g}
    wanted = {pk for pk in pks.values() if pk}
    if not wanted:
        return {}
    rows = await Product.filter(id__in=list(wanted))
    loaders.prime(product_by_id(ctx), rows)
    by_pk = {r.id: r for r in rows}
    return {g: by_pk[pk] for g, pk in pks.items() if pk in by_pk}


async def products_by_code(ctx: Context, codes: Sequence[str | None]) -> dict[str, Product]:
    """Codes -> products (keyed by the trimmed code): SKU, EAN, then the company's own code."""
    return await catalog.resolve_codes(ctx, [c for c in codes if c])


async def check_lines(
    ctx: Context, lines: Sequence[LineLike], *field: str, orderable: bool = True
) -> list[CheckedLine]:
    """Every line resolved and checked, in input order, each with its own problems.

    The path of a line's problems is `field + (index, name)`. A line names its product by
    productId (NOT_FOUND when unknown) or code (UNKNOWN_PRODUCT_CODE); neither is REQUIRED.
    With `orderable`, products that cannot be ordered are PRODUCT_NOT_ORDERABLE.
    """
    by_id = await products_by_id(ctx, [line.product_id for line in lines])
    by_code = await products_by_code(ctx, [line.code for line in lines if not line.product_id])
    result: list[CheckedLine] = []
    for i, line in enumerate(lines):
        at = (*field, str(i))
        problems = Problems()
        product: Product | None = None
        if line.product_id:
            product = by_id.get(line.product_id)
            if product is None:
                problems.add(ErrorCode.NOT_FOUND, tr("No product has this id."), *at, "productId")
        elif line.code and line.code.strip():
            product = by_code.get(line.code.strip())
            if product is None:
                message = tr("Unknown product code {code}.", code=validate.quoted(line.code.strip()))
                problems.add(ErrorCode.UNKNOWN_PRODUCT_CODE, message, *at, "code")
        else:
            problems.add(ErrorCode.REQUIRED, tr("Give a productId or a code."), *at, "productId")
        note = validate.text(problems, line.note, *at, "note", max_length=MAX_LINE_NOTE, required=False)
        if product is not None:
            if orderable:
                check_orderable(problems, product, *at, "productId" if line.product_id else "code")
            check_quantity(problems, product, line.quantity, *at, "quantity")
        result.append(CheckedLine(i, product, line.quantity, note or None, problems.items))
    return result


def all_problems(lines: Sequence[CheckedLine]) -> list[Problem]:
    return [p for line in lines for p in line.problems]


@dataclass
class MergedLine:
    """Lines of one product summed: `indexes` are the input positions that went into it."""

    product: Product
    quantity: Decimal
    note: str | None
    indexes: list[int]


def merge(lines: Sequence[CheckedLine]) -> list[MergedLine]:
    """Usable lines summed per product, in order of first appearance; the last note given wins."""
    merged: dict[uuid.UUID, MergedLine] = {}
    for line in lines:
        if not line.ok:
            continue
        assert line.product is not None
        found = merged.get(line.product.id)
        if found is None:
            merged[line.product.id] = MergedLine(line.product, line.quantity, line.note, [line.index])
        else:
            found.quantity += line.quantity
            found.note = line.note or found.note
            found.indexes.append(line.index)
    return list(merged.values())


@dataclass
class Refused:
    """A merged line whose quantity, added to what is already there, breaks a quantity rule."""

    merged: MergedLine
    code: ErrorCode
    message: str


@dataclass
class Additions:
    """What adding merged lines to a cart's or list's lines comes to: rows to insert, rows whose
    quantity grows, and the refused sums."""

    new: list[Any]
    grown: list[Any]
    refused: list[Refused]

    async def save(self, model: type[Model]) -> bool:
        """One INSERT and one UPDATE at most; True when anything changed."""
        if self.new:
            await model.bulk_create(self.new)
        if self.grown:
            await model.bulk_update(self.grown, fields=["quantity", "note"])
        return bool(self.new or self.grown)


async def plan_additions(
    model: type[Model], parent: dict[str, Any], merged: Sequence[MergedLine], held: str
) -> Additions:
    """Adding `merged` to the rows of `model` under `parent` (e.g. {"cart_id": id}): a product
    already there gets the quantity added and the sum checked again; new products go last.
    `held` says where, for messages ("in the cart", "on the list")."""
    existing: dict[Any, Any] = {r.product_id: r for r in await model.filter(**parent)}  # type: ignore[attr-defined]  # CartLine or QuickListLine (Model has no product_id)
    position = max((r.position for r in existing.values()), default=-1) + 1
    plan = Additions([], [], [])
    for m in merged:
        old = existing.get(m.product.id)
        if old is None:
            plan.new.append(
                model(
                    id=uuid.uuid4(),
                    product_id=m.product.id,
                    quantity=m.quantity,
                    note=m.note,
                    position=position,
                    **parent,
                )
            )
            position += 1
            continue
        total = Decimal(old.quantity) + m.quantity
        problem = quantity_problem(m.product, total)
        if problem is not None:
            message = tr(
                "With the {quantity} already {held}: {problem}",
                quantity=f"{Decimal(old.quantity):f}",
                held=held,
                problem=problem[1],
            )
            plan.refused.append(Refused(m, problem[0], message))
            continue
        old.quantity = total
        old.note = m.note or old.note
        plan.grown.append(old)
    return plan


def require_lines(pks: Sequence[Any], found: set[Any]) -> None:
    """All the requested lines or none: NOT_FOUND ["lineIds", i] for each one not found (foreign,
    unknown, or gone meanwhile). Call under the list's lock, so "found" still holds after it."""
    missing = [
        Problem(ErrorCode.NOT_FOUND, tr("Not found."), ("lineIds", str(i)))
        for i, pk in enumerate(pks)
        if pk not in found
    ]
    if missing:
        raise DomainError(missing)
