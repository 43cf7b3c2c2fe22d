"""SPEC: without VIEW_PRICES every Money field anywhere reads null, with no error, however it is
reached; with it, every one reads an amount in EUR.

For each role, one company holds data reaching every price-bearing type (Product, Quote, Cart,
QuickList, ValidationList, Order); the money is then read through top-level queries, nested
objects, `node(id)` with inline fragments, named fragments, aliases and mutation payloads. The
answers are walked generically: every Money field (by name or alias) and every object shaped like
Money is collected. Paths the role may not take at all are asserted FORBIDDEN (or null for node).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from models import Company, Role, StaffRole
from resolvers.core.clock import today
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid, make_branch, make_product, set_price
from tests.conftest import error_codes
from tests.factories import Member, make_company, make_member, make_staff
from tests.invoice.helpers import make_invoice
from tests.order.helpers import fill_cart, make_order, make_validation_list, new_key, pickup
from tests.quick_list.helpers import make_list
from tests.quote.helpers import make_quote
from tests.scan_list.helpers import make_scan_list

P = Permission
M = "{ amount currency }"
PRODUCT = f"listPrice {M} netPrice {M} priceBreaks {{ minimumQuantity unitPrice {M} }}"
LINE = f"quantity unitPrice {M} lineTotal {M} product {{ sku {PRODUCT} }}"
QUOTE = f"id total {M} lines {{ {LINE} }}"
CART = f"subtotal {M} lines {{ {LINE} }}"
QUICK_LIST = f"id lines {{ quantity unitPrice {M} product {{ sku {PRODUCT} }} }}"
VALIDATION_LIST = f"id total {M} lines {{ {LINE} }} order {{ total {M} lines {{ unitPrice {M} lineTotal {M} }} }}"
ORDER = f"id total {M} lines {{ {LINE} }} validationList {{ total {M} lines {{ unitPrice {M} lineTotal {M} }} }}"
INVOICE = f"id total {M} openAmount {M} payments {{ paid: amount {M} }} orders {{ total {M} lines {{ unitPrice {M} lineTotal {M} }} }}"
CREDIT = f"limit {M} outstanding {M} overdue {M} available {M}"
ERRORS = "userErrors { field code message }"

#: Money fields by name, and the aliases the documents below give them.
MONEY_FIELDS = {"listPrice", "netPrice", "unitPrice", "lineTotal", "total", "subtotal", "openAmount"}
MONEY_FIELDS |= {"limit", "outstanding", "overdue", "available"}  # CreditSummary
MONEY_ALIASES = {"list", "net", "perUnit", "perLine", "sum", "paid"}  # paid: Payment.amount
BREAK_FIELDS = {"priceBreaks", "breaks"}

READ_ONE_PRODUCT = frozenset({P.BROWSE_CATALOG, P.VIEW_QUICK_LISTS})  # see tests/test_roles.py
ANY_MEMBER = frozenset({P.VIEW_OWN_ORDERS, P.VIEW_COMPANY_ORDERS})
Need = Permission | frozenset[Permission]

# ---------------------------------------------------------------------- reading paths

FRAGMENTS = """
fragment Amount on Money { amount currency }
fragment Prices on Product { list: listPrice { ...Amount } net: netPrice { ...Amount }
                             breaks: priceBreaks { perUnit: unitPrice { ...Amount } } }
fragment OrderPrices on Order { sum: total { ...Amount }
  rows: lines { perUnit: unitPrice { ...Amount } perLine: lineTotal { ...Amount } item: product { ...Prices } } }
"""

#: path -> (document, what it needs). Variables: see build().
READS: dict[str, tuple[str, Need]] = {
    "products": ("query { products(first: 10) { edges { node { sku %s } } } }" % PRODUCT, P.BROWSE_CATALOG),
    "product": ("query($product: ID!) { product(id: $product) { sku %s } }" % PRODUCT, READ_ONE_PRODUCT),
    "productBySku": ("query($sku: String!) { product(sku: $sku) { sku %s } }" % PRODUCT, READ_ONE_PRODUCT),
    "productLookup": (
        "query($sku: String!) { productLookup(codes: [$sku]) { code product { sku %s } } }" % PRODUCT,
        P.BROWSE_CATALOG,
    ),
    "quotes": ("query { quotes(first: 10) { edges { node { %s } } } }" % QUOTE, P.VIEW_QUOTES),
    "quote": ("query($quote: ID!) { quote(id: $quote) { %s } }" % QUOTE, P.VIEW_QUOTES),
    "cart": ("query { cart { %s } }" % CART, P.PLACE_ORDERS),
    "scanLists": ("query { scanLists { lines { product { sku %s } } } }" % PRODUCT, P.PLACE_ORDERS),
    "quickLists": ("query { quickLists { %s } }" % QUICK_LIST, P.VIEW_QUICK_LISTS),
    "quickList": ("query($quickList: ID!) { quickList(id: $quickList) { %s } }" % QUICK_LIST, P.VIEW_QUICK_LISTS),
    "validationLists": (
        "query { validationLists(first: 10) { edges { node { %s } } } }" % VALIDATION_LIST,
        ANY_MEMBER,
    ),
    "validationList": (
        "query($validationList: ID!) { validationList(id: $validationList) { %s } }" % VALIDATION_LIST,
        ANY_MEMBER,
    ),
    "orders": ("query { orders(first: 10) { edges { node { %s } } } }" % ORDER, ANY_MEMBER),
    "order": ("query($order: ID!) { order(id: $order) { %s } }" % ORDER, ANY_MEMBER),
    "invoices": ("query { invoices(first: 10) { edges { node { %s } } } }" % INVOICE, P.VIEW_INVOICES),
    "invoice": ("query($invoice: ID!) { invoice(id: $invoice) { %s } }" % INVOICE, P.VIEW_INVOICES),
    "credit": ("query { viewer { company { credit { %s } } } }" % CREDIT, P.VIEW_INVOICES),
    # Nested the other way round: an order's lines' products, a quote's lines' products only.
    "nested": (
        """query($order: ID!, $quickList: ID!) {
          order(id: $order) { lines { product { listPrice %s netPrice %s } } }
          quickList(id: $quickList) { lines { product { netPrice %s priceBreaks { unitPrice %s } } } }
        }"""
        % (M, M, M, M),
        ANY_MEMBER,
    ),
    "nestedQuote": (
        "query($quote: ID!) { quote(id: $quote) { lines { product { netPrice %s listPrice %s } } } }" % (M, M),
        P.VIEW_QUOTES,
    ),
    "nestedCart": (
        "query { cart { lines { product { netPrice %s priceBreaks { unitPrice %s } } } } }" % (M, M),
        P.PLACE_ORDERS,
    ),
    # Named fragments and aliases (at most 30 aliases a document, fragments expanded), on objects
    # every member may read.
    "fragments": (
        FRAGMENTS
        + """
        query($order: ID!, $validationList: ID!) {
          mine: order(id: $order) { ...OrderPrices }
          again: order(id: $order) { total { ...Amount } }
          submitted: validationList(id: $validationList) { sum: total { ...Amount } lines { ...on ValidationListLine {
            unitPrice { ...Amount } lineTotal { ...Amount } } } }
        }
        """,
        ANY_MEMBER,
    ),
    "fragmentsOnNode": (
        FRAGMENTS
        + """
        query($order: ID!, $quickList: ID!) {
          favourites: quickList(id: $quickList) {
            rows: lines { perUnit: unitPrice { ...Amount } item: product { ...Prices } }
          }
          viaNode: node(id: $order) { ...OrderPrices }
        }
        """,
        ANY_MEMBER,
    ),
}

#: node(id) with inline fragments, one alias per type; a type the role may not read is null.
NODE = """
query($product: ID!, $quote: ID!, $quickList: ID!, $validationList: ID!, $order: ID!, $scanList: ID!, $invoice: ID!) {
  product: node(id: $product) { __typename ... on Product { %s } }
  scanList: node(id: $scanList) { __typename ... on ScanList { lines { product { listPrice { amount currency } } } } }
  quote: node(id: $quote) { __typename ... on Quote { %s } }
  quickList: node(id: $quickList) { __typename ... on QuickList { %s } }
  validationList: node(id: $validationList) { __typename ... on ValidationList { %s } }
  order: node(id: $order) { __typename ... on Order { %s } }
  invoice: node(id: $invoice) { __typename ... on Invoice { %s } }
}
""" % (PRODUCT, QUOTE, QUICK_LIST, VALIDATION_LIST, ORDER, INVOICE)
NODE_NEEDS: dict[str, Need] = {
    "product": READ_ONE_PRODUCT,
    "quote": P.VIEW_QUOTES,
    "quickList": P.VIEW_QUICK_LISTS,
    "validationList": ANY_MEMBER,
    "order": ANY_MEMBER,
    "scanList": P.PLACE_ORDERS,
    "invoice": P.VIEW_INVOICES,
}

# ---------------------------------------------------------------------- mutation payloads

VL_PAYLOAD = "validationList { %s } %s" % (VALIDATION_LIST, ERRORS)
CART_PAYLOAD = "cart { %s } %s" % (CART, ERRORS)

#: mutation -> (document, what it needs). The payloads read the money of what they changed.
WRITES: dict[str, tuple[str, Need]] = {
    "cartLinesAdd": (
        'mutation($product: ID!) { cartLinesAdd(lines: [{productId: $product, quantity: "10"}]) { %s } }'
        % CART_PAYLOAD,
        P.PLACE_ORDERS,
    ),
    "fastEntry": (
        "mutation($text: String!) { fastEntry(text: $text) { lines { product { %s } } %s } }" % (PRODUCT, CART_PAYLOAD),
        P.FAST_ENTRY,
    ),
    "orderReorder": ("mutation($order: ID!) { orderReorder(id: $order) { %s } }" % CART_PAYLOAD, P.PLACE_ORDERS),
    "quickListAddToCart": (
        "mutation($quickList: ID!) { quickListAddToCart(id: $quickList) { %s } }" % CART_PAYLOAD,
        P.PLACE_ORDERS,
    ),
    "cartSubmit": (
        "mutation($submit: SubmitInput!) { cartSubmit(input: $submit) { %s } }" % VL_PAYLOAD,
        P.PLACE_ORDERS,
    ),
    "quoteAccept": (
        "mutation($quote: ID!, $submit: SubmitInput!) { quoteAccept(id: $quote, input: $submit) { %s } }" % VL_PAYLOAD,
        P.ACCEPT_QUOTES,
    ),
    "quickListLinesAdd": (
        "mutation($quickList: ID!, $product: ID!) { quickListLinesAdd(id: $quickList, lines: [{productId: $product,"
        ' quantity: "10"}]) { quickList { %s } %s } }' % (QUICK_LIST, ERRORS),
        P.MANAGE_QUICK_LISTS,
    ),
    "quickListSubmit": (
        "mutation($quickList: ID!, $delivery: DeliveryInput!, $key: String!) { quickListSubmit(id: $quickList,"
        " input: {delivery: $delivery, idempotencyKey: $key}) { %s } }" % VL_PAYLOAD,
        P.ORDER_FROM_QUICK_LISTS,
    ),
    "scanSubmit": (
        "mutation($sku: String!, $delivery: DeliveryInput!, $key: String!) { scanSubmit(input: {lines: [{code: $sku,"
        ' quantity: "10"}], delivery: $delivery, idempotencyKey: $key}) { order { %s } validationList { id } %s } }'
        % (ORDER, ERRORS),
        P.PLACE_ORDERS,
    ),
    "quoteRequest": (
        'mutation($product: ID!) { quoteRequest(input: {lines: [{productId: $product, quantity: "10"}]})'
        " { quote { lines { product { %s } } } %s } }" % (PRODUCT, ERRORS),
        P.REQUEST_QUOTES,
    ),
}


# ---------------------------------------------------------------------- the company's data


@dataclass
class World:
    member: Member
    variables: dict[str, Any]


async def build(role: Role) -> World:
    """A company (fast entry on) whose member of `role` has: a product with the company's price
    breaks, an ACTIVE quote, a cart line, a shared quick list, a SUBMITTED validation list, a
    CONFIRMED order (with its approved validation list), an approved scan list, an overdue
    invoice of the order with a payment, and a credit limit."""
    company = await make_company(fast_entry=True)
    member = await make_member(role, company=company)
    branch = await make_branch()
    product = await make_product(list_price=Decimal("12.50"))
    await set_price(company, product, "9.90")
    await set_price(company, product, "8.80", minimum=10)
    quote = await make_quote(company, lines=[(product, "10", "8.25")], requested_by_id=member.user.id)
    await fill_cart(member, (product, "10"))
    quick_list = await make_list(member.user, company, (product, "10"), shared=True)
    submitted = await make_validation_list(member, [(product, "10", "8.80")], branch=branch)
    order = await make_order(member, [(product, "10", "8.80")], branch=branch)
    scan_list = await make_scan_list(company, (product, "10"))
    invoice = await make_invoice(company, "88.00", paid=("8.00",), due=today() - timedelta(days=1), orders=(order,))
    await Company.filter(id=company.id).update(credit_limit=Decimal(100000))
    return World(
        member,
        {
            "product": gid(product),
            "sku": product.sku,
            "quote": gid(quote),
            "quickList": gid(quick_list),
            "validationList": gid(submitted),
            "order": gid(order),
            "scanList": gid(scan_list),
            "invoice": gid(invoice),
            "text": f"{product.sku} 10",
            "delivery": pickup(branch),
            "key": new_key(),
            "submit": {"delivery": pickup(branch), "idempotencyKey": new_key()},
        },
    )


def may(role: Role, need: Need) -> bool:
    return need in MATRIX[role] if isinstance(need, Permission) else bool(need & MATRIX[role])


def used(document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Only the variables the document declares (GraphQL refuses unknown ones)."""
    return {k: v for k, v in variables.items() if f"${k}:" in document}


# ---------------------------------------------------------------------- walking answers


def walk(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str, Any]]:
    """Every (path, key, value) of the answer, depth first."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield path, key, child
            yield from walk(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from walk(child, (*path, str(i)))


def money_values(data: Any) -> list[tuple[str, Any]]:
    """Every Money field (by name or alias) as ("a.b.c", value)."""
    return [(".".join((*p, k)), v) for p, k, v in walk(data) if k in MONEY_FIELDS | MONEY_ALIASES]


def assert_money_rule(data: Any, sees_prices: bool, *, company_prices: bool = True) -> None:
    """`company_prices`: the reader acts for the company, so every product has its price breaks."""
    values = money_values(data)
    assert values, f"no Money field reached: {data}"
    breaks = [(".".join((*p, k)), v) for p, k, v in walk(data) if k in BREAK_FIELDS]
    shaped = [(".".join(p), v) for p, k, v in walk(data) if isinstance(v, dict) and {"amount", "currency"} & set(v)]
    if sees_prices:
        for where, value in values:
            assert isinstance(value, dict), f"{where} is {value!r}"
            assert value["currency"] == "EUR", where
            assert isinstance(value["amount"], str) and Decimal(value["amount"]) > 0, where
        for where, value in breaks:
            assert isinstance(value, list) and (value or not company_prices), f"{where} is {value!r}"
    else:
        assert [w for w, v in values if v is not None] == [], "prices visible without VIEW_PRICES"
        assert [w for w, v in breaks if v is not None] == [], "price breaks visible without VIEW_PRICES"
        assert shaped == [], "Money-shaped objects without VIEW_PRICES"


def assert_reached(data: dict[str, Any], nullable: Collection[str] = ()) -> None:
    """Every root field answered something, and every `lines` list has lines (so the money
    fields under them were really resolved)."""
    for key, value in data.items():
        if key in nullable:
            continue
        assert value not in (None, []), f"{key} is {value!r}"
        if isinstance(value, dict) and "edges" in value:
            assert value["edges"], f"{key} has no edges"
    for path, key, value in walk(data):
        if key in ("lines", "rows") and value is not None:
            assert value, f"{'.'.join((*path, key))} is empty"


# ---------------------------------------------------------------------- tests


@pytest.mark.parametrize("path", sorted(READS))
@pytest.mark.parametrize("role", list(Role))
async def test_money_reads_follow_view_prices(api, role, path):
    document, need = READS[path]
    world = await build(role)
    body = await api(document, used(document, world.variables), token=world.member.token)
    if not may(role, need):
        assert error_codes(body) == ["FORBIDDEN"], body
        return
    assert "errors" not in body, body
    assert_reached(body["data"])
    assert_money_rule(body["data"], P.VIEW_PRICES in MATRIX[role])


@pytest.mark.parametrize("role", list(Role))
async def test_money_through_node_follows_view_prices(api, role):
    world = await build(role)
    body = await api(NODE, used(NODE, world.variables), token=world.member.token)
    assert "errors" not in body, body
    data = body["data"]
    hidden = {alias for alias, need in NODE_NEEDS.items() if not may(role, need)}
    for alias in hidden:
        assert data[alias] is None, f"{alias} readable through node"
    assert_reached(data, nullable=hidden)
    assert_money_rule(data, P.VIEW_PRICES in MATRIX[role])


@pytest.mark.parametrize("mutation", sorted(WRITES))
@pytest.mark.parametrize("role", list(Role))
async def test_money_in_mutation_payloads_follows_view_prices(api, role, mutation):
    document, need = WRITES[mutation]
    world = await build(role)
    body = await api(document, used(document, world.variables), token=world.member.token)
    if not may(role, need):
        assert error_codes(body) == ["FORBIDDEN"], body
        return
    assert "errors" not in body, body
    payload = body["data"][mutation]
    assert payload["userErrors"] == [], payload["userErrors"]
    assert_reached({k: v for k, v in payload.items() if k != "userErrors" and v is not None})
    assert_money_rule(payload, P.VIEW_PRICES in MATRIX[role])


def test_every_role_is_one_side_or_the_other():
    """The two sides the tests above take: the roles that see prices and those that never do."""
    seeing = {r for r in Role if P.VIEW_PRICES in MATRIX[r]}
    assert seeing == {Role.ADMINISTRATOR, Role.VIEW_PRICES, Role.VIEW_PRICES_AND_ORDER}
    assert set(Role) - seeing == {Role.ORDER_WITHOUT_PRICES, Role.QUICK_LISTS_ONLY}


PRICES = "query($product: ID!) { product(id: $product) { %s } }" % PRODUCT


async def read(api: Any, world: World, document: str) -> dict[str, Any]:
    return await api.ok(document, used(document, world.variables), token=world.member.token)


async def test_the_amounts_are_the_company_s(api):
    """What the seeing side reads: list price, net price = the 1-unit break, the breaks, and
    line prices from the best break for the quantity (10 -> 8.80)."""
    world = await build(Role.VIEW_PRICES_AND_ORDER)
    data = await read(api, world, PRICES)
    assert data["product"] == {
        "listPrice": {"amount": "12.50", "currency": "EUR"},
        "netPrice": {"amount": "9.90", "currency": "EUR"},
        "priceBreaks": [
            {"minimumQuantity": "1", "unitPrice": {"amount": "9.90", "currency": "EUR"}},
            {"minimumQuantity": "10", "unitPrice": {"amount": "8.80", "currency": "EUR"}},
        ],
    }
    cart = (await read(api, world, "query { cart { %s } }" % CART))["cart"]
    assert cart["subtotal"] == {"amount": "88.00", "currency": "EUR"}
    assert cart["lines"][0]["unitPrice"]["amount"] == "8.80"
    quote = (await read(api, world, READS["quote"][0]))["quote"]
    assert quote["total"]["amount"] == "82.50"
    assert quote["lines"][0]["lineTotal"]["amount"] == "82.50"


async def test_staff_see_list_prices(api):
    """Staff (no company account) see list prices, and the money of any company's quote and order."""
    world = await build(Role.ORDER_WITHOUT_PRICES)
    _, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    products = await api.ok(READS["products"][0], token=token)
    listed = [e["node"] for e in products["products"]["edges"]]
    assert [p["listPrice"] for p in listed] == [{"amount": "12.50", "currency": "EUR"}]
    assert listed[0]["netPrice"] == {"amount": "12.50", "currency": "EUR"}  # no company: the list price
    one = await api.ok(PRICES, {"product": world.variables["product"]}, token=token)
    assert one["product"]["listPrice"] == {"amount": "12.50", "currency": "EUR"}
    body = await api(NODE, used(NODE, world.variables), token=token)
    assert "errors" not in body, body
    assert_reached(body["data"], nullable={"quickList"})  # staff read the lists they built, not this one
    assert body["data"]["order"]["total"] == {"amount": "88.00", "currency": "EUR"}
    assert_money_rule(body["data"], sees_prices=True, company_prices=False)
