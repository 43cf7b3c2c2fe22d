"""Catalog types: products, categories, branches and stock; the catalog queries.

Other domains show products with `await product_of(ctx, product_id)` (or `Product.load`),
which also loads the acting company's prices in one batched query per request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, cast

import strawberry
from strawberry.types import Info

from models import catalog as m
from models.catalog import SalesUnit
from resolvers.catalog import products as catalog
from resolvers.catalog.loaders import (
    ProductRow,
    categories_by_parent_id,
    category_by_id,
    prices_by_product_id,
    product_by_id,
    stock_by_product_id,
    stock_of,
)
from resolvers.catalog.pricing import Break, company_breaks, net_price
from resolvers.catalog.products import ProductCodeStatus, StockStatus
from resolvers.catalog.stock import stock_update
from resolvers.core import ids
from resolvers.core.context import Context
from schema.core.base import (
    Address,
    Money,
    Node,
    UserError,
    attempt,
    ctx,
    errors_field,
    money,
    money_field,
    preloaded_field,
)
from schema.core.connection import Connection
from schema.core.lookahead import Selected, selection
from schema.core.node import node_type
from schema.core.permissions import DECIDERS, PUBLIC, STAFF, IntegrationScope, Permission, requires

strawberry.enum(SalesUnit, name="SalesUnit")
strawberry.enum(StockStatus, name="StockStatus")
strawberry.enum(ProductCodeStatus, name="ProductCodeStatus")


@strawberry.type
class Category(Node):
    name: str
    row: strawberry.Private[m.Category]

    @staticmethod
    def of(row: m.Category, c: Context) -> Category:
        name = catalog.localized(row, "name", c.locale) or ""
        return Category(id=strawberry.ID(ids.encode("Category", row.id)), name=name, row=row)

    @strawberry.field
    async def parent(self, info: Info) -> Category | None:
        parent_id = self.row.parent_id
        if parent_id is None:
            return None
        row = await category_by_id(ctx(info)).load(parent_id)
        return Category.of(row, ctx(info)) if row else None

    @strawberry.field
    async def children(self, info: Info) -> list[Category]:
        rows = await categories_by_parent_id(ctx(info)).load(self.row.id)
        return [Category.of(r, ctx(info)) for r in rows]


@strawberry.type
class PriceBreak:
    minimum_quantity: Decimal
    # Money! as in the contract: priceBreaks itself is null without VIEW_PRICES.
    unit_price: Money = money_field()


@strawberry.type(description="A branch: where private persons buy, and where companies collect orders. Public.")
class Branch(Node):
    code: str
    name: str
    address: Address
    phone: str | None
    opening_hours: str | None = strawberry.field(description='E.g. "Mon-Fri 7:00-17:00, Sat 8:00-12:00".')

    @staticmethod
    def of(row: m.Branch, c: Context) -> Branch:
        return Branch(
            id=strawberry.ID(ids.encode("Branch", row.id)),
            code=row.code,
            name=getattr(row, f"name_{c.locale.value.lower()}", None) or row.name,  # `name` is the French one
            address=Address.of(row),
            phone=row.phone,
            opening_hours=row.opening_hours,
        )


@strawberry.type
class BranchStock:
    branch: Branch
    quantity: Decimal
    status: StockStatus


@strawberry.type
class Product(Node):
    sku: str = strawberry.field(description="The distributor's article number.")
    ean: str | None = strawberry.field(description="EAN-13 / GTIN barcode, used by scanners.")
    name: str = strawberry.field(
        description="In the request's locale (Accept-Language FR, NL or EN), falling back to FR."
    )
    description: str | None
    brand: str | None
    unit: SalesUnit
    order_multiple: Decimal = strawberry.field(description="Ordered quantities must be a multiple of this (pack size).")
    minimum_quantity: Decimal
    orderable: bool
    vat_rate: Decimal = strawberry.field(description="VAT rate in percent, e.g. 21.")
    list_price: Money | None = money_field("Public list price per unit. Null without VIEW_PRICES.")
    net_price: Money | None = money_field(
        "This company account's own unit price for one unit. Null without VIEW_PRICES."
    )
    row: strawberry.Private[m.Product | ProductRow]
    breaks: strawberry.Private[list[Break]]
    #: availability and priceBreaks, when loaded with the page (Product.page); else their
    #: fields compute them.
    stock: strawberry.Private[list[BranchStock] | None] = None
    price_break_list: strawberry.Private[list[PriceBreak] | None] = None

    @staticmethod
    def of(row: m.Product | ProductRow, c: Context, breaks: list[Break], selected: Selected | None = None) -> Product:
        """One product (see `maker`)."""
        return Product.maker(c, selected)(row, breaks)

    @staticmethod
    def maker(c: Context, selected: Selected | None = None) -> Callable[[m.Product | ProductRow, list[Break]], Product]:
        """A function making products from rows and the acting company's price-list rows for
        each (`breaks`, see `Product.load`). With `selected` (a page's selection below Product)
        only the fields it names are computed, from only the columns they read (PRODUCT_FIELDS);
        the others are None, never read (the look-ahead over-approximates). Which fields to
        compute is decided here once for all the rows."""
        names = PRODUCT_FIELDS if selected is None else selected.fields
        computed = [(attribute, value) for attribute, _, value in map(_field, names) if value is not None]

        def make(row: m.Product | ProductRow, breaks: list[Break]) -> Product:
            values: dict[str, Any] = dict(_UNSET)
            for attribute, value in computed:
                values[attribute] = value(row, c, breaks)
            return Product(**values, row=row, breaks=breaks)

        return make

    @staticmethod
    async def load(c: Context, rows: Sequence[m.Product]) -> list[Product]:
        """The GraphQL products of these rows, with the acting company's prices (one batched query)."""
        if c.can_see_prices and c.company_id is not None:
            prices = await prices_by_product_id(c).load_many([r.id for r in rows])
        else:
            prices = [[] for _ in rows]
        make = Product.maker(c)
        return [make(r, p) for r, p in zip(rows, prices, strict=True)]

    @staticmethod
    async def page(c: Context, rows: Sequence[m.Product | ProductRow], selected: Selected | None) -> list[Product]:
        """The GraphQL products of a page's rows, with what `selected` (the selection below a
        Product) asks for loaded in one statement per level for all of them: the acting
        company's prices (netPrice, priceBreaks) and the stock per branch (availability)."""
        ids = [r.id for r in rows]
        prices: dict[uuid.UUID, list[Break]] = {}
        if selected is not None and selected.any("netPrice", "priceBreaks") and c.can_see_prices:
            prices = await company_breaks(c.company_id, ids)
        make = Product.maker(c, selected)
        products = [make(r, prices.get(r.id, [])) for r in rows]
        if selected is not None and "priceBreaks" in selected:
            for product in products:
                product.price_break_list = _price_breaks(c, product.breaks)
        if selected is not None and "availability" in selected:
            for product, stock in zip(products, await stock_of(c, ids), strict=True):
                product.stock = _branch_stock(c, product.row.order_multiple, stock)
        return products

    @staticmethod
    async def of_rows(c: Context, rows: Sequence[ProductRow], selected: Selected) -> dict[uuid.UUID, Product]:
        """The products of these plain rows (a page's lines' products, read with their lines) by
        id, one statement per level below them (`Product.page`)."""
        return {p.row.id: p for p in await Product.page(c, rows, selected)}

    @strawberry.field
    async def category(self, info: Info) -> Category | None:
        category_id = self.row.category_id
        if category_id is None:
            return None
        row = await category_by_id(ctx(info)).load(category_id)
        return Category.of(row, ctx(info)) if row else None

    @preloaded_field("price_break_list", "This company account's quantity prices. Null without VIEW_PRICES.")
    def price_breaks(self, info: Info) -> list[PriceBreak] | None:
        if self.price_break_list is not None:  # computed with its page (Product.page)
            return self.price_break_list
        return _price_breaks(ctx(info), self.breaks)

    @preloaded_field("stock", "Stock per branch; every branch is listed.")
    def availability(self, info: Info) -> list[BranchStock]:
        if self.stock is not None:  # loaded with its page (Product.page)
            return self.stock
        return cast(Any, self._availability(ctx(info)))

    async def _availability(self, c: Context) -> list[BranchStock]:
        return _branch_stock(c, self.row.order_multiple, await stock_by_product_id(c).load(self.row.id))


ProductValue = Callable[[Any, Context, list[Break]], Any]

#: Per field of Product: its attribute, the columns it reads, and its value from (row, ctx, the
#: acting company's price breaks); None for the fields whose resolver computes them.
PRODUCT_FIELDS: dict[str, tuple[str, tuple[str, ...], ProductValue | None]] = {
    "id": ("id", ("id",), lambda r, c, b: strawberry.ID(ids.encode("Product", r.id))),
    "sku": ("sku", ("sku",), lambda r, c, b: r.sku),
    "ean": ("ean", ("ean",), lambda r, c, b: r.ean),
    "name": ("name", ("name_fr", "name_nl", "name_en"), lambda r, c, b: catalog.localized(r, "name", c.locale) or ""),
    "description": (
        "description",
        ("description_fr", "description_nl", "description_en"),
        lambda r, c, b: catalog.localized(r, "description", c.locale),
    ),
    "brand": ("brand", ("brand",), lambda r, c, b: r.brand),
    "unit": ("unit", ("unit",), lambda r, c, b: r.unit),
    "orderMultiple": ("order_multiple", ("order_multiple",), lambda r, c, b: catalog.plain(r.order_multiple)),
    "minimumQuantity": ("minimum_quantity", ("minimum_quantity",), lambda r, c, b: catalog.plain(r.minimum_quantity)),
    "orderable": ("orderable", ("orderable",), lambda r, c, b: r.orderable),
    "vatRate": ("vat_rate", ("vat_rate",), lambda r, c, b: catalog.plain(r.vat_rate)),
    "listPrice": ("list_price", ("list_price",), lambda r, c, b: money(c, r.list_price)),
    "netPrice": ("net_price", ("list_price",), lambda r, c, b: money(c, net_price(r.list_price, b))),
    "category": ("category", ("category_id",), None),
    "availability": ("availability", ("order_multiple",), None),
    "priceBreaks": ("price_breaks", (), None),
}
_RESOLVED: tuple[str, tuple[str, ...], None] = ("", (), None)  # __typename, and what a resolver computes
_UNSET = {attribute: None for attribute, _, value in PRODUCT_FIELDS.values() if value is not None}


def _field(name: str) -> tuple[str, tuple[str, ...], ProductValue | None]:
    return PRODUCT_FIELDS.get(name, _RESOLVED)


def product_columns(selected: Selected) -> set[str]:
    """The product columns the fields of this selection read (`product_rows`)."""
    return {column for name in selected.fields for column in PRODUCT_FIELDS.get(name, _RESOLVED)[1]}


def _price_breaks(c: Context, breaks: list[Break]) -> list[PriceBreak] | None:
    """priceBreaks: the acting company's quantity prices; null without VIEW_PRICES."""
    if not c.can_see_prices:
        return None
    return [
        PriceBreak(minimum_quantity=catalog.plain(b.minimum_quantity), unit_price=money(c, b.unit_price))  # type: ignore[arg-type]  # not None: prices are visible (checked above)
        for b in breaks
    ]


def _branch_stock(c: Context, multiple: Decimal, rows: list[tuple[m.Branch, Decimal]]) -> list[BranchStock]:
    branches: dict[uuid.UUID, Branch] = c.memo.setdefault(Branch, {})  # one Branch per branch per request
    plain: dict[Decimal, Decimal] = c.memo.setdefault(catalog.plain, {})  # quantities repeat across a page
    status = catalog.stock_rule(multiple)
    result = []
    for b, q in rows:
        branch = branches.get(b.id)
        if branch is None:
            branch = branches[b.id] = Branch.of(b, c)
        quantity = plain.get(q)
        if quantity is None:
            quantity = plain[q] = catalog.plain(q)
        result.append(BranchStock(branch=branch, quantity=quantity, status=status(q)))
    return result


async def product_of(c: Context, product_id: uuid.UUID) -> Product | None:
    """A product by primary key for other domains' fields (batched, prices included)."""
    row = await product_by_id(c).load(product_id)
    return (await Product.load(c, [row]))[0] if row else None


async def products_of(c: Context, product_ids: Sequence[uuid.UUID]) -> list[Product]:
    """The products of these primary keys, in order, for a list's lines: one batched load for
    all of them (prices included), so a line's `product` is a plain field. The lines restrict
    their product's deletion, so every one exists."""
    rows = await product_by_id(c).load_many(list(product_ids))
    return await Product.load(c, rows)


@strawberry.input
class ProductFilter:
    search: str | None = strawberry.field(default=None, description="Words matched against SKU, EAN, name and brand.")
    category_id: strawberry.ID | None = None
    orderable_only: bool | None = None


@strawberry.type(description="One code looked up by SKU, EAN or the company's own article code.")
class ProductLookup:
    code: str
    status: ProductCodeStatus
    product: Product | None


@strawberry.type
class CatalogQuery:
    @strawberry.field(extensions=[requires(Permission.BROWSE_CATALOG, STAFF)])
    async def products(
        self, info: Info, filter: ProductFilter | None = None, first: int | None = 20, after: str | None = None
    ) -> Connection[Product]:
        c = ctx(info)
        f = filter or ProductFilter()
        selected = selection(info)
        page = await catalog.products_page(
            c,
            search=f.search,
            category_id=f.category_id,
            orderable_only=bool(f.orderable_only),
            first=first,
            after=after,
            with_total="totalCount" in selected,  # counted by the page's own statement
        )
        return Connection.of(page, await Product.page(c, page.rows, selected.get("edges", "node")))

    @strawberry.field(extensions=[requires(Permission.BROWSE_CATALOG, Permission.VIEW_QUICK_LISTS, STAFF)])
    async def product(self, info: Info, id: strawberry.ID | None = None, sku: str | None = None) -> Product | None:
        c = ctx(info)
        row = await catalog.find_product(c, id, sku)
        return (await Product.load(c, [row]))[0] if row else None

    @strawberry.field(
        extensions=[requires(Permission.BROWSE_CATALOG, STAFF)],
        description="Resolve many codes at once (SKU, EAN or own article code), in order.",
    )
    async def product_lookup(self, info: Info, codes: list[str]) -> list[ProductLookup]:
        c = ctx(info)
        found = await catalog.lookup_codes(c, codes)
        products = await Product.load(c, [f.product for f in found if f.product])
        by_id = {p.row.id: p for p in products}
        return [
            ProductLookup(code=f.code, status=f.status, product=by_id[f.product.id] if f.product else None)
            for f in found
        ]

    @strawberry.field(extensions=[requires(Permission.BROWSE_CATALOG, STAFF)])
    async def categories(self, info: Info) -> list[Category]:
        c = ctx(info)
        return [Category.of(r, c) for r in await catalog.top_categories(c)]

    @strawberry.field(extensions=[requires(PUBLIC)])
    async def branches(self, info: Info) -> list[Branch]:
        c = ctx(info)
        return [Branch.of(r, c) for r in await catalog.branches(c)]


@node_type("Product")
async def _product_node(c: Context, pk: uuid.UUID) -> Product | None:
    row = await catalog.product_by_pk(c, pk)
    return (await Product.load(c, [row]))[0] if row else None


@node_type("Category")
async def _category_node(c: Context, pk: uuid.UUID) -> Category | None:
    row = await catalog.category_by_pk(c, pk)
    return Category.of(row, c) if row else None


@node_type("Branch")
async def _branch_node(c: Context, pk: uuid.UUID) -> Branch | None:
    row = await catalog.branch_by_pk(c, pk)
    return Branch.of(row, c) if row else None


@strawberry.input
class StockLevelInput:
    sku: str
    branch_code: str
    quantity: Decimal


@strawberry.type
class StockUpdatePayload:
    updated: int = strawberry.field(default=0, description="Rows changed.")
    user_errors: list[UserError] = errors_field()


@strawberry.type
class StockMutation:
    @strawberry.mutation(
        extensions=[requires(*DECIDERS, IntegrationScope.WRITE_ERP)],
        description="Set stock levels; at most 500 rows a call, all or nothing.",
    )
    async def stock_update(self, info: Info, levels: list[StockLevelInput]) -> StockUpdatePayload:
        return await attempt(StockUpdatePayload, stock_update(ctx(info), levels), updated=lambda n: n)
