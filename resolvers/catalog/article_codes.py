"""The company's own article codes: Company.articleCodes, articleCodeSet, articleCodesRemove.

A code is unique within its company (the table's unique constraint) and never the SKU or EAN of
another product, as `resolve_codes` would match them (an upper-cased SKU, the EAN-13 of a
GTIN-14): such a code would always find that other product first. Fast entry, lookups and scans
resolve the codes (resolvers.catalog.products.resolve_codes); staff import them by CSV
(resolvers.catalog.code_import).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import CompanyArticleCode, Product, User
from resolvers.catalog.loaders import product_by_id
from resolvers.catalog.products import ean_of
from resolvers.core import audit, ids, validate
from resolvers.core.access import in_company, of_company, readable
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems, forbidden, limit_exceeded, not_found
from resolvers.core.i18n import tr
from resolvers.core.pagination import Page, paginate
from resolvers.core.permissions import Permission

#: The most codes articleCodesRemove takes at once (as every input list: schema.core.limits).
MAX_CODES = 500
#: Besides whitespace, what fast entry reads as the end of a code (resolvers.fast_entry): a code
#: holding one could never be pasted, so it is refused. Spreadsheets wrap cells in double quotes.
SEPARATORS = frozenset(';,"')
MAX_CODE = validate.max_length(CompanyArticleCode, "code")


async def codes_page(
    ctx: Context, company_id: uuid.UUID, first: int | None, after: str | None, with_total: bool = False
) -> Page[CompanyArticleCode]:
    """Company.articleCodes, by code: staff, or members of that company with BROWSE_CATALOG
    (FORBIDDEN otherwise, a foreign company's included)."""
    if not ctx.reads_all and not (ctx.company_id == company_id and Permission.BROWSE_CATALOG in ctx.permissions):
        raise forbidden()
    query = of_company(await readable(CompanyArticleCode, ctx), company_id)
    return await paginate(query, first, after, order=("code",), with_total=with_total)


def check_code(problems: Problems, code: str, *field: str) -> str | None:
    """A code trimmed, 1 to MAX_CODE characters (REQUIRED, TOO_LONG), without a separator fast
    entry would split it at (INVALID)."""
    cleaned = validate.text(problems, code, *field, max_length=MAX_CODE)
    if cleaned and has_separator(cleaned):
        problems.add(ErrorCode.INVALID, tr("A code may not contain spaces, quotes, ';' or ','."), *field)
        return None
    return cleaned if cleaned and len(cleaned) <= MAX_CODE else None


def has_separator(code: str) -> bool:
    """Whether fast entry would end the code early: at whitespace (any), ';', ',' or a quote."""
    return any(ch.isspace() or ch in SEPARATORS for ch in code)


def catalog_matches(codes: Sequence[str]) -> Q:
    """The products whose SKU or EAN the codes would find before an own code (resolve_codes'
    order): the SKU as given or upper-cased, the EAN-13 of a GTIN-14."""
    skus = [s for c in codes for s in {c, c.upper()} if validate.fits(Product, "sku", s)]
    eans = [e for e in {ean_of(c) for c in codes} if validate.fits(Product, "ean", e)]
    found = Q(id=None)  # no product, when no code fits either column
    if skus:
        found |= Q(sku__in=skus)
    if eans:
        found |= Q(ean__in=eans)
    return found


async def catalog_owner(code: str, product_id: uuid.UUID) -> Product | None:
    """Another product whose SKU or EAN `code` is (the product's own SKU or EAN is allowed: the
    code finds the same product either way)."""
    return await Product.filter(catalog_matches([code])).exclude(id=product_id).first()


async def set_code(ctx: Context, product_id: str, code: str) -> CompanyArticleCode:
    """articleCodeSet (MANAGE_COMPANY): gives the acting company's `code` to the product, moving
    it from another product that had it. The product must exist (NOT_FOUND; one not orderable
    may have a code: lookups find it, fast entry says it is not orderable); the code is checked
    by `check_code` and may not be another product's SKU or EAN (INVALID). Audited when it changes."""
    ctx.require(Permission.MANAGE_COMPANY)
    problems = Problems()
    cleaned = check_code(problems, code, "code")
    problems.raise_any()
    assert cleaned is not None  # checked above
    pk = ids.decode_or_none(product_id, "Product")
    product = await product_by_id(ctx).load(pk) if pk else None
    if product is None:
        raise not_found(["productId"])
    owner = await catalog_owner(cleaned, product.id)
    if owner is not None:
        quoted = validate.quoted(cleaned)
        message = tr("{code} is the SKU or EAN of another product ({sku}).", code=quoted, sku=owner.sku)
        raise DomainError(ErrorCode.INVALID, message, ["code"])
    try:
        return await _put(ctx, cleaned, product)
    except IntegrityError:  # the same code set at that moment by another call: now it exists
        return await _put(ctx, cleaned, product)


async def _put(ctx: Context, code: str, product: Product) -> CompanyArticleCode:
    """Create the code, or point it at `product`, in one transaction (the row locked on PostgreSQL)."""
    async with in_transaction():
        row = await in_company(CompanyArticleCode, ctx).select_for_update().get_or_none(code=code)
        if row is not None and row.product_id == product.id:
            return row
        before = None
        if row is None:
            row = await CompanyArticleCode.create(company_id=ctx.company_id, code=code, product_id=product.id)
        else:
            moved_from = await Product.filter(id=row.product_id).first().values_list("sku", flat=True)
            before = {"code": code, "sku": moved_from}
            await CompanyArticleCode.filter(id=row.id).update(product_id=product.id)
            row.product_id = product.id
        await _audit(ctx.user, "article_code.set", row.company_id, before, {"code": code, "sku": product.sku})
    return row


async def remove_codes(ctx: Context, codes: Sequence[str]) -> bool:
    """articleCodesRemove (MANAGE_COMPANY): deletes the acting company's codes given (trimmed; at
    most MAX_CODES, LIMIT_EXCEEDED); codes it does not have are ignored. Audited when any went."""
    ctx.require(Permission.MANAGE_COMPANY)
    if len(codes) > MAX_CODES:
        raise limit_exceeded(tr("At most {count} codes per call.", count=MAX_CODES))
    wanted = sorted({c.strip() for c in codes if validate.fits(CompanyArticleCode, "code", c.strip())})
    if not wanted:
        return True
    async with in_transaction():
        scope = in_company(CompanyArticleCode, ctx).filter(code__in=wanted)
        found = await scope.values_list("code", "product_id")
        if found:
            await in_company(CompanyArticleCode, ctx).filter(code__in=[c for c, _ in found]).delete()
            removed = [{"code": c, "product": ids.encode("Product", p)} for c, p in sorted(found)]
            await _audit(ctx.user, "article_codes.removed", ctx.company_id, {"codes": removed}, None)
    return True


Details = dict[str, Any] | None


async def _audit(actor: User | None, action: str, company: uuid.UUID | None, before: Details, after: Details) -> None:
    target = ids.encode("Company", company) if company else None
    await audit.record(actor, action, company_id=company, target_id=target, before=before, after=after)
