"""Quick lists: named lists of products with default quantities (SPEC "Quick lists").

Who reads a list: it is private to its owner or shared with its company. Members with
VIEW_QUICK_LISTS read their company's shared lists and their own; another member's private
list is NOT_FOUND, exactly like a list of another company. Staff (any staff role) reach the
shared lists of every company and the lists they own (`quickLists` gives staff the lists
they built).

Who edits a list (MANAGE_QUICK_LISTS): its owner; and, for a shared list, any member of the
company with MANAGE_QUICK_LISTS (the list belongs to the company) — but only the owner (or
staff) changes `shared`, so a colleague cannot make someone's shared list vanish into the
owner's private lists. Staff edit every list they can read and build lists for a company
(`companyId`, shared by default); a customer giving `companyId` is FORBIDDEN.

A product is on a list at most once: adding it again adds to its quantity, and the sum is
checked again. Ordering from a list lives in resolvers.quick_list.ordering.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from models import Company, Product, QuickList, QuickListLine, User
from resolvers.catalog.loaders import prices_by_company_and_product, prices_by_product_id, product_by_id
from resolvers.catalog.pricing import Break, unit_price
from resolvers.core import ids, validate
from resolvers.core.access import get_any
from resolvers.core.clock import now
from resolvers.core.context import Context
from resolvers.core.errors import (
    DomainError,
    ErrorCode,
    Problem,
    Problems,
    forbidden,
    limit_exceeded,
    not_found,
)
from resolvers.core.i18n import tr
from resolvers.core.permissions import Permission
from resolvers.fast_entry import MAX_LINES as MAX_TEXT_LINES
from resolvers.fast_entry import parse
from resolvers.lines import (
    MAX_LINE_NOTE,
    LineLike,
    MergedLine,
    all_problems,
    check_lines,
    check_quantity,
    merge,
    plan_additions,
    quantity_problem,
    require_lines,
)
from resolvers.quick_list.loaders import lines_by_quick_list_id, visible

MAX_DESCRIPTION = 2000
MAX_LINES_PER_CALL = 500


# ---------------------------------------------------------------------- who may do what


def require_reader(ctx: Context) -> User:
    """Any staff role, or a member with VIEW_QUICK_LISTS (UNAUTHENTICATED / FORBIDDEN)."""
    user = ctx.require_user()
    if user.staff_role is None:
        ctx.require(Permission.VIEW_QUICK_LISTS)
    return user


def require_manager(ctx: Context) -> User:
    """Any staff role, or a member with MANAGE_QUICK_LISTS (UNAUTHENTICATED / FORBIDDEN)."""
    user = ctx.require_user()
    if user.staff_role is None:
        ctx.require(Permission.MANAGE_QUICK_LISTS)
    return user


async def get_visible(ctx: Context, global_id: str, *field: str) -> QuickList:
    """A list this viewer may read; NOT_FOUND (at `field`) for any other id."""
    pk = ids.decode_or_none(global_id, "QuickList")
    row = await (await visible(ctx)).get_or_none(id=pk) if pk else None
    if row is None:
        raise not_found(field or None)
    return row


async def _editable(ctx: Context, global_id: str, *field: str) -> QuickList:
    """A list the manager may edit: MANAGE_QUICK_LISTS (or staff), then NOT_FOUND for unseen ids.

    Every list a manager can read is one they may edit: private lists are read by their owner
    only, and shared lists belong to the whole company.
    """
    require_manager(ctx)
    return await get_visible(ctx, global_id, *field)


# ---------------------------------------------------------------------- reading


async def quick_lists(ctx: Context) -> list[QuickList]:
    """The lists one may read, by name: members see the company's shared lists and their own;
    staff the lists they built."""
    user = require_reader(ctx)
    qs = QuickList.filter(owner_id=user.id) if user.staff_role is not None else await visible(ctx)
    return await qs.order_by("name", "created_at", "id")


async def quick_list(ctx: Context, global_id: str) -> QuickList | None:
    """One list by id; None when unknown or not readable by this viewer."""
    require_reader(ctx)
    pk = ids.decode_or_none(global_id, "QuickList")
    return await (await visible(ctx)).get_or_none(id=pk) if pk else None


async def list_of_line_for_node(ctx: Context, pk: uuid.UUID) -> QuickList | None:
    """Query.node: the list holding this line, if this viewer may read the list; else None."""
    holding = Subquery(QuickListLine.filter(id=pk).values("quick_list_id"))
    return await (await visible(ctx)).filter(id__in=holding).first()


@dataclass
class PricedLine:
    line: QuickListLine
    product: Product
    #: The unit price for the line's quantity (best break, else list price); None without VIEW_PRICES.
    unit_price: Decimal | None


async def priced_lines(ctx: Context, row: QuickList) -> list[PricedLine]:
    """The list's lines in order with their products and prices, through batched loaders: the
    same number of queries for one list or many, with any number of lines."""
    lines: list[QuickListLine] = await lines_by_quick_list_id(ctx).load(row.id)
    products = await product_by_id(ctx).load_many([r.product_id for r in lines])
    breaks: Sequence[list[Break] | None]
    if not lines or not ctx.can_see_prices:
        breaks = [None] * len(lines)
    elif ctx.company_id == row.company_id:
        breaks = await prices_by_product_id(ctx).load_many([p.id for p in products])
    else:  # staff: the prices of the list's company
        keys = [(row.company_id, p.id) for p in products]
        breaks = await prices_by_company_and_product(ctx).load_many(keys)
    return [
        PricedLine(line, product, unit_price(product.list_price, b, Decimal(line.quantity)) if b is not None else None)
        for line, product, b in zip(lines, products, breaks, strict=True)
    ]


# ---------------------------------------------------------------------- lines in


@dataclass
class TextLine:
    """A pasted line read by the fast-entry parser, as a LineLike."""

    code: str | None
    quantity: Decimal
    product_id: str | None = None
    note: str | None = None


def _relocate(problem: Problem, at: tuple[str, ...], keep_name: bool) -> Problem:
    """A check_lines problem (path `(index, name...)`) moved to `at` (+ name when kept)."""
    rest = problem.field[1:] if problem.field and keep_name else ()
    return Problem(problem.code, problem.message, (*at, *rest))


async def checked_input(
    ctx: Context, lines: Sequence[LineLike], text: str | None, *field: str
) -> tuple[list[MergedLine], list[Problem], list[tuple[str, ...]]]:
    """Structured lines and pasted text checked together, summed per product.

    Problems of `lines[i]` are at `field + ("lines", i, name)`; those of pasted line n at
    ("text", n). Returns the merged lines, the problems and each input's location (by index).
    """
    if len(lines) > MAX_LINES_PER_CALL:
        raise limit_exceeded(tr("At most {count} lines per call.", count=MAX_LINES_PER_CALL))
    parsed = parse(text) if text else []
    if len(parsed) > MAX_TEXT_LINES:
        raise DomainError(
            ErrorCode.LIMIT_EXCEEDED, tr("At most {count} lines at once.", count=MAX_TEXT_LINES), ["text"]
        )
    problems: list[Problem] = []
    inputs: list[LineLike] = list(lines)
    where: list[tuple[str, ...]] = [(*field, "lines", str(i)) for i in range(len(lines))]
    for p in parsed:
        if p.code is None or p.quantity is None:
            problems.append(
                Problem(ErrorCode.INVALID, p.problem or tr("Give a code and a quantity."), ("text", str(p.line_number)))
            )
            continue
        inputs.append(TextLine(p.code, p.quantity))
        where.append(("text", str(p.line_number)))
    checked = await check_lines(ctx, inputs)
    for problem in all_problems(checked):
        i = int(problem.field[0]) if problem.field else 0
        problems.append(_relocate(problem, where[i], keep_name=i < len(lines)))
    merged = []
    for m in merge(checked):
        found = quantity_problem(m.product, m.quantity) if len(m.indexes) > 1 else None
        if found is None:
            merged.append(m)
            continue
        last = m.indexes[-1]
        at = (*where[last], "quantity") if last < len(lines) else where[last]
        problems.append(Problem(found[0], tr("Summed over the lines of this product: {problem}", problem=found[1]), at))
    return merged, problems, where


async def _add_to_list(
    row: QuickList, merged: Sequence[MergedLine], where: Sequence[tuple[str, ...]], n_structured: int
) -> list[Problem]:
    """Inside a transaction: the lines added (a product already on the list gets the quantity
    added, the sum checked again); the problems of refused sums (then nothing is written)."""
    plan = await plan_additions(QuickListLine, {"quick_list_id": row.id}, merged, tr("on the list"))
    problems = []
    for r in plan.refused:
        last = r.merged.indexes[-1]
        at = (*where[last], "quantity") if last < n_structured else where[last]
        problems.append(Problem(r.code, r.message, at))
    if problems:
        return problems
    await plan.save(QuickListLine)
    await _touch(row)
    return []


async def _touch(row: QuickList) -> None:
    row.updated_at = now()
    await QuickList.filter(id=row.id).update(updated_at=row.updated_at)


async def _locked(pk: uuid.UUID, *field: str) -> QuickList:
    """Call inside a transaction, before reading or writing the lines: the list row locked
    (PostgreSQL), so concurrent edits of one list take turns, always locking in the same order
    (list, then lines); NOT_FOUND (at `field`) when the list was deleted meanwhile."""
    locked = await QuickList.filter(id=pk).select_for_update().first()
    if locked is None:
        raise not_found(field or None)
    return locked


# ---------------------------------------------------------------------- changes


def _texts(
    problems: Problems, name: str | None, description: str | None, name_required: bool
) -> tuple[str | None, str | None]:
    clean_name = validate.text(problems, name, "input", "name", max_length=validate.MAX_NAME, required=name_required)
    if name is not None and not name_required and clean_name is None:
        problems.add(ErrorCode.REQUIRED, tr("This value is required."), "input", "name")
    clean_description = validate.text(
        problems, description, "input", "description", max_length=MAX_DESCRIPTION, required=False
    )
    return clean_name, clean_description


async def create(
    ctx: Context,
    *,
    company_id: str | None,
    name: str,
    description: str | None,
    shared: bool | None,
    lines: Sequence[LineLike] | None,
) -> QuickList:
    """quickListCreate: members with MANAGE_QUICK_LISTS make a list for their company (private
    unless `shared`); staff make one for `companyId` (REQUIRED; shared unless told otherwise);
    a customer giving companyId is FORBIDDEN. Lines follow the product rules, summed per product."""
    user = require_manager(ctx)
    if user.staff_role is not None:
        if not company_id:
            raise DomainError(
                ErrorCode.REQUIRED, tr("Choose the company account the list is for."), ["input", "companyId"]
            )
        company = await get_any(Company, company_id, ["input", "companyId"])
        owner_company_id, default_shared = company.id, True
    else:
        if company_id is not None:
            raise forbidden()
        owner_company_id, default_shared = ctx.company_id, False
    problems = Problems()
    clean_name, clean_description = _texts(problems, name, description, name_required=True)
    merged, line_problems, _ = await checked_input(ctx, lines or [], None, "input")
    problems.items += line_problems
    problems.raise_any()
    async with in_transaction():
        row = await QuickList.create(
            company_id=owner_company_id,
            owner_id=user.id,
            name=clean_name,
            description=clean_description,
            shared=default_shared if shared is None else shared,
        )
        await QuickListLine.bulk_create(
            [
                QuickListLine(
                    id=uuid.uuid4(),
                    quick_list_id=row.id,
                    product_id=m.product.id,
                    quantity=m.quantity,
                    note=m.note,
                    position=i,
                )
                for i, m in enumerate(merged)
            ]
        )
    return row


async def update(
    ctx: Context, global_id: str, *, name: str | None, description: str | None, shared: bool | None
) -> QuickList:
    """quickListUpdate: null leaves a value as it is; an empty description clears it. Only the
    owner (or staff) changes `shared` (FORBIDDEN for other managers)."""
    row = await _editable(ctx, global_id, "id")
    user = ctx.require_user()
    if shared is not None and shared != row.shared and user.staff_role is None and row.owner_id != user.id:
        raise forbidden()
    problems = Problems()
    clean_name, clean_description = _texts(problems, name, description, name_required=False)
    problems.raise_any()
    changes: dict[str, Any] = {}
    if clean_name is not None:
        changes["name"] = clean_name
    if description is not None:
        changes["description"] = clean_description
    if shared is not None:
        changes["shared"] = shared
    if changes:
        changes["updated_at"] = now()
        await QuickList.filter(id=row.id).update(**changes)
    return await QuickList.get(id=row.id)


async def delete(ctx: Context, global_id: str) -> bool:
    """quickListDelete: the list and its lines are gone (lists are not users)."""
    row = await _editable(ctx, global_id, "id")
    async with in_transaction():
        await _locked(row.id, "id")
        await QuickListLine.filter(quick_list_id=row.id).delete()
        await QuickList.filter(id=row.id).delete()
    return True


async def add_lines(ctx: Context, global_id: str, lines: Sequence[LineLike], text: str | None = None) -> QuickList:
    """quickListLinesAdd: `lines` (productId or code) and/or pasted `text` (the fast-entry parser:
    one code and quantity a line, at most 500 lines). All or nothing: any bad line (problems at
    ["lines", i, ...] or ["text", lineNumber]) leaves the list unchanged."""
    row = await _editable(ctx, global_id, "id")
    merged, problems, where = await checked_input(ctx, lines, text)
    if problems:
        raise DomainError(problems)
    if merged:
        async with in_transaction():
            row = await _locked(row.id, "id")
            problems = await _add_to_list(row, merged, where, len(lines))
            if problems:
                raise DomainError(problems)
    return row  # as written (touched); not read again: a deletion may have followed the commit


async def _own_line(ctx: Context, global_id: str, *field: str) -> QuickListLine:
    """A line of a list the manager may edit; NOT_FOUND for any other id."""
    require_manager(ctx)
    pk = ids.decode_or_none(global_id, "QuickListLine")
    row = (
        await QuickListLine.filter(id=pk, quick_list_id__in=Subquery((await visible(ctx)).values("id")))
        .select_related("product")
        .first()
        if pk
        else None
    )
    if row is None:
        raise not_found(field)
    return row


async def update_line(ctx: Context, line_id: str, quantity: Decimal, note: str | None = None) -> QuickList:
    """quickListLineUpdate: the line's default quantity (product rules) and, when given, its note
    (an empty note clears it)."""
    line = await _own_line(ctx, line_id, "lineId")
    problems = Problems()
    check_quantity(problems, line.product, quantity, "quantity")
    clean_note = validate.text(problems, note, "note", max_length=MAX_LINE_NOTE, required=False)
    problems.raise_any()
    changes: dict[str, Any] = {"quantity": quantity}
    if note is not None:
        changes["note"] = clean_note
    async with in_transaction():
        row = await _locked(line.quick_list_id, "lineId")
        if not await QuickListLine.filter(id=line.id, quick_list_id=row.id).update(**changes):
            raise not_found(["lineId"])  # removed since it was read
        await _touch(row)
    return row


async def remove_lines(ctx: Context, global_id: str, line_ids: Sequence[str]) -> QuickList:
    """quickListLinesRemove: all the lines or none (NOT_FOUND ["lineIds", i] for a line that is
    not on this list)."""
    row = await _editable(ctx, global_id, "id")
    if len(line_ids) > MAX_LINES_PER_CALL:
        raise limit_exceeded(tr("At most {count} lines per call.", count=MAX_LINES_PER_CALL))
    pks = [ids.decode_or_none(g, "QuickListLine") for g in line_ids]
    wanted = [pk for pk in pks if pk]
    async with in_transaction():
        row = await _locked(row.id, "id")
        found = set(await QuickListLine.filter(quick_list_id=row.id, id__in=wanted).values_list("id", flat=True))
        require_lines(pks, found)
        if found:
            await QuickListLine.filter(quick_list_id=row.id, id__in=list(found)).delete()
            await _touch(row)
    return row
