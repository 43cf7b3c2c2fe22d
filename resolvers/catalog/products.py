"""Catalog reads: who may browse, product search and pages, code lookup, categories, branches."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from models import Branch, Category, CompanyArticleCode, Locale, Product
from models.catalog import SEARCHED_COLUMNS
from resolvers.catalog.loaders import ALL, branch_list, category_by_id, product_by_id
from resolvers.core import ids, loaders, validate
from resolvers.core.access import in_company
from resolvers.core.context import Context
from resolvers.core.errors import AccessError, forbidden, unauthenticated
from resolvers.core.pagination import Page, paginate
from resolvers.core.permissions import Permission
from resolvers.quick_list.loaders import quick_list_product_ids

#: Below this quantity (or below two order multiples, whichever is more) stock is LOW.
LOW_STOCK_QUANTITY = Decimal(10)
#: Words of a search beyond this many are ignored (each one is a LIKE over the catalog).
MAX_SEARCH_WORDS = 10
#: A search word has no spaces, so it lies within one searched column: a longer word matches
#: nothing (and is never sent as a LIKE pattern; SQLite refuses patterns over 50,000 bytes).
MAX_SEARCH_WORD = max(validate.max_length(Product, c) for c in SEARCHED_COLUMNS)


class StockStatus(str, Enum):
    IN_STOCK = "IN_STOCK"
    LOW_STOCK = "LOW_STOCK"
    OUT_OF_STOCK = "OUT_OF_STOCK"


class ProductCodeStatus(str, Enum):
    OK = "OK"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    NOT_ORDERABLE = "NOT_ORDERABLE"


def stock_status(quantity: Decimal, order_multiple: Decimal) -> StockStatus:
    """0 or less: OUT_OF_STOCK; under max(10, 2 x order multiple): LOW_STOCK; else IN_STOCK."""
    return stock_rule(order_multiple)(quantity)


def stock_rule(order_multiple: Decimal) -> Callable[[Decimal], StockStatus]:
    """`stock_status` of one product (its LOW_STOCK threshold worked out once), for its branches."""
    low = max(LOW_STOCK_QUANTITY, 2 * order_multiple)

    def status(quantity: Decimal) -> StockStatus:
        if quantity <= 0:
            return StockStatus.OUT_OF_STOCK
        return StockStatus.LOW_STOCK if quantity < low else StockStatus.IN_STOCK

    return status


#: The column suffix of each locale (an enum's `.value` is a slow property, read per product).
_SUFFIX = {locale: locale.value.lower() for locale in Locale}


def localized(row: object, base: str, locale: Locale) -> str | None:
    """`row.<base>_<locale>`, falling back to the French text when that one is empty."""
    return getattr(row, f"{base}_{_SUFFIX[locale]}", None) or getattr(row, f"{base}_fr", None)


def plain(value: Decimal) -> Decimal:
    """A quantity without trailing zeros and never in exponent form: 12.000 -> 12, 2.500 -> 2.5."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


# ---------------------------------------------------------------- who may see what


async def visible_product_ids_for_quick_lists_only(ctx: Context) -> set[uuid.UUID]:
    """QUICK_LISTS_ONLY members: the products on the quick lists they may read (their company's
    shared lists and their own), in one query per request (rule: resolvers.quick_list.loaders.visible)."""
    found: set[uuid.UUID] = await quick_list_product_ids(ctx).load(ALL)
    return found


def require_browse(ctx: Context) -> None:
    """BROWSE_CATALOG (or staff, or a READ_ALL client); no session is UNAUTHENTICATED, any other viewer FORBIDDEN."""
    ctx.require_user()
    if ctx.reads_all:
        return
    ctx.require(Permission.BROWSE_CATALOG)


async def product_scope(ctx: Context) -> set[uuid.UUID] | None:
    """The products one may read one by one: None for all (browsers, staff), else those ids.

    QUICK_LISTS_ONLY members (VIEW_QUICK_LISTS without BROWSE_CATALOG) read only the products
    of their company's quick lists; anyone else without BROWSE_CATALOG is refused.
    """
    user = ctx.user
    if user is None:
        raise unauthenticated()
    if ctx.reads_all or Permission.BROWSE_CATALOG in ctx.permissions:
        return None
    if Permission.VIEW_QUICK_LISTS in ctx.permissions:
        return await visible_product_ids_for_quick_lists_only(ctx)
    raise forbidden()


# ---------------------------------------------------------------- products


def product_query(search: str | None, category: Category | None, orderable_only: bool) -> QuerySet[Product]:
    """Every word of `search` in search_text (AND, the first MAX_SEARCH_WORDS; a word longer than
    MAX_SEARCH_WORD matches nothing); the category and its sub-categories."""
    qs = Product.all()
    words = (search or "").lower().split()[:MAX_SEARCH_WORDS]
    if any(len(word) > MAX_SEARCH_WORD for word in words):
        return Product.filter(id=None)
    for word in words:
        qs = qs.filter(search_text__contains=word)
    if category is not None:
        in_tree = Category.filter(Q(id=category.id) | Q(path__startswith=f"{category.path}/"))
        qs = qs.filter(category_id__in=Subquery(in_tree.values("id")))
    if orderable_only:
        qs = qs.filter(orderable=True)
    return qs


async def products_page(
    ctx: Context,
    *,
    search: str | None = None,
    category_id: str | None = None,
    orderable_only: bool = False,
    first: int | None = 20,
    after: str | None = None,
    with_total: bool = False,
) -> Page[Product]:
    """A page of the catalog by SKU (stable cursors). Who may read it (BROWSE_CATALOG or staff;
    QUICK_LISTS_ONLY members are refused) is Query.products' declaration. With `with_total`
    the page's statement also counts them (paginate)."""
    category = None
    if category_id is not None:
        pk = ids.decode_or_none(category_id, "Category")
        category = await category_by_id(ctx).load(pk) if pk else None
        if category is None:  # an unknown category holds no products
            return await paginate(Product.filter(id=None), first, after, order=("sku",))
    query = product_query(search, category, orderable_only)
    page = await paginate(query, first, after, order=("sku",), with_total=with_total)
    loaders.prime(product_by_id(ctx), page.rows)
    return page


async def product_by_pk(ctx: Context, pk: uuid.UUID) -> Product | None:
    """The product, if this viewer may read it (None otherwise, never an error): for Query.node."""
    try:
        scope = await product_scope(ctx)
    except AccessError:
        return None
    if scope is not None and pk not in scope:
        return None
    return await product_by_id(ctx).load(pk)


async def find_product(ctx: Context, id: str | None = None, sku: str | None = None) -> Product | None:
    """By global id and/or SKU; None when unknown or not visible to a QUICK_LISTS_ONLY member."""
    scope = await product_scope(ctx)
    row: Product | None = None
    if id is not None:
        pk = ids.decode_or_none(id, "Product")
        row = await product_by_id(ctx).load(pk) if pk else None
        if row is not None and sku is not None and row.sku != sku.strip():
            row = None
    elif sku is not None and validate.fits(Product, "sku", sku.strip()):
        row = await Product.get_or_none(sku=sku.strip())
        if row is not None:
            product_by_id(ctx).prime(row.id, row)
    if row is None or (scope is not None and row.id not in scope):
        return None
    return row


@dataclass
class Lookup:
    code: str
    status: ProductCodeStatus
    product: Product | None


def ean_of(code: str) -> str:
    """The EAN-13 a code stands for: a GTIN-14 with a leading zero is its EAN-13, padded (as
    scanners and ERPs send it); any other code as it is."""
    return code[1:] if len(code) == 14 and code.isdigit() and code.startswith("0") else code


async def resolve_codes(ctx: Context, codes: list[str]) -> dict[str, Product]:
    """Codes (SKU, EAN, the acting company's own article code) -> product, in two queries.

    A code matching several products is resolved in that order: SKU, EAN, own article code.
    SKUs also match upper-cased ("ab-12" finds "AB-12"); a GTIN-14 with a leading zero finds
    its EAN-13. Codes are trimmed; a code longer than a column finds nothing in it.
    """
    wanted = {c.strip() for c in codes if c.strip()}
    skus = [c for c in wanted | {c.upper() for c in wanted} if validate.fits(Product, "sku", c)]
    eans = [e for e in {ean_of(c) for c in wanted} if validate.fits(Product, "ean", e)]
    own = [c for c in wanted if validate.fits(CompanyArticleCode, "code", c)]
    if not (skus or eans or own):
        return {}
    own_codes = in_company(CompanyArticleCode, ctx).filter(code__in=own)
    condition = Q(sku__in=skus) | Q(ean__in=eans)
    if ctx.company_id is not None and own:
        condition |= Q(id__in=Subquery(own_codes.values("product_id")))
    rows = await Product.filter(condition)
    own_products: dict[str, uuid.UUID] = {}
    if ctx.company_id is not None and own:
        own_products = dict(await own_codes.values_list("code", "product_id"))
    loaders.prime(product_by_id(ctx), rows)
    by_sku = {r.sku: r for r in rows}
    by_ean = {r.ean: r for r in rows if r.ean}
    by_id = {r.id: r for r in rows}
    found: dict[str, Product] = {}
    for code in wanted:
        row = by_sku.get(code) or by_sku.get(code.upper()) or by_ean.get(ean_of(code))
        if row is None and code in own_products:
            row = by_id.get(own_products[code])
        if row is not None:
            found[code] = row
    return found


async def lookup_codes(ctx: Context, codes: list[str]) -> list[Lookup]:
    """Each code in input order: OK, UNKNOWN_CODE or NOT_ORDERABLE (with the product)."""
    found = await resolve_codes(ctx, codes)
    result = []
    for code in codes:
        row = found.get(code.strip())
        if row is None:
            result.append(Lookup(code, ProductCodeStatus.UNKNOWN_CODE, None))
        else:
            status = ProductCodeStatus.OK if row.orderable else ProductCodeStatus.NOT_ORDERABLE
            result.append(Lookup(code, status, row))
    return result


# ---------------------------------------------------------------- categories and branches


async def top_categories(ctx: Context) -> list[Category]:
    """The roots of the category tree (children come through categories_by_parent_id)."""
    rows = await Category.filter(parent_id=None).order_by("path")
    loaders.prime(category_by_id(ctx), rows)
    return rows


async def category_by_pk(ctx: Context, pk: uuid.UUID) -> Category | None:
    """For Query.node: the category, to anyone who may browse the catalog."""
    try:
        require_browse(ctx)
    except AccessError:
        return None
    return await category_by_id(ctx).load(pk)


async def branches(ctx: Context) -> list[Branch]:
    """Every branch, by name. Public: private persons are pointed to them."""
    return await branch_list(ctx).load(ALL)


async def branch_by_pk(ctx: Context, pk: uuid.UUID) -> Branch | None:
    return next((b for b in await branches(ctx) if b.id == pk), None)
