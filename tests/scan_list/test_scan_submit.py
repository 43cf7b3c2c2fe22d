"""scanSubmit: scans that only hit approved scan-list lines become an order at once; any other
scan becomes, whole, a validation list. Prices of the moment, frozen; idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import (
    AuditEvent,
    CustomerNumberKind,
    MembershipCustomerNumber,
    Order,
    OrderLine,
    OrderSource,
    Product,
    Role,
    ValidationList,
    ValidationListLine,
)
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid, make_branch, make_product, set_article_code, set_price
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member
from tests.scan_list.helpers import SUBMIT, make_scan_list, new_key, snapshot

ORDERING = [r for r, granted in MATRIX.items() if Permission.PLACE_ORDERS in granted]
NOT_ORDERING = [r for r, granted in MATRIX.items() if Permission.PLACE_ORDERS not in granted]
ADDRESS = {"line1": "Chantier, Rue Neuve 5", "postalCode": "4000", "city": "Liège", "countryCode": "BE"}


def scan(*lines, delivery, key=None, **kw):
    return {
        "input": {
            "lines": [{"code": c, "quantity": q} for c, q in lines],
            "delivery": delivery,
            "idempotencyKey": key or new_key(),
            **kw,
        }
    }


def pickup(branch):
    return {"method": "PICKUP", "branchId": gid(branch)}


@pytest.fixture
async def shop(db):
    """A member, two products on an approved scan list, one that is on none."""
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    a = await make_product(list_price=Decimal("12.50"))
    b = await make_product(ean=None, list_price=Decimal("4.00"), order_multiple=Decimal(2), minimum_quantity=Decimal(2))
    off = await make_product(list_price=Decimal("7.00"))
    await make_scan_list(member.company, (a, "1"), (b, "2"))
    return member, a, b, off, await make_branch()


async def test_all_lines_on_approved_lists_become_an_order_at_once(api, shop):
    member, a, b, _, branch = shop
    await set_price(member.company, a, "10.00")
    await set_price(member.company, a, "9.00", minimum=5)
    await set_article_code(member.company, b, "MY-B")

    data = await api.ok(
        SUBMIT,
        scan(
            (a.ean, "3"),
            ("MY-B", "4"),
            (a.sku, "2"),
            delivery=pickup(branch),
            reference=" Chantier 12 ",
            deviceId="scanner-7",
        ),
        token=member.token,
    )

    payload = data["scanSubmit"]
    assert payload["userErrors"] == [] and payload["validationList"] is None
    order = payload["order"]
    assert order["status"] == "CONFIRMED" and order["source"] == "SCAN" and order["reference"] == "Chantier 12"
    assert order["validationList"] is None
    assert order["delivery"]["method"] == "PICKUP" and order["delivery"]["branch"]["name"] == branch.name
    assert order["customerNumber"]["number"] == member.company.customer_number
    # a: 3 + 2 scanned = 5 -> the break at 5 (9.00); b at the list price.
    assert [
        (ln["product"]["sku"], ln["quantity"], ln["unitPrice"]["amount"], ln["lineTotal"]["amount"])
        for ln in order["lines"]
    ] == [(a.sku, "5", "9.00", "45.00"), (b.sku, "4", "4.00", "16.00")]
    assert order["total"]["amount"] == "61.00"
    row = await Order.get()
    assert row.membership_id == member.membership.id and row.placed_by_id == member.user.id
    assert await ValidationList.all().count() == 0
    event = await AuditEvent.get(action="order.placed")
    assert event.target_id == order["id"] and event.details["after"]["deviceId"] == "scanner-7"

    # Prices are frozen: a later price change does not touch the order.
    await Product.filter(id=b.id).update(list_price=Decimal("99.00"))
    assert (await OrderLine.get(order_id=row.id, product_id=b.id)).unit_price == Decimal("4.00")


async def test_one_product_off_the_lists_sends_the_whole_scan_to_validation(api, shop):
    member, a, b, off, branch = shop

    data = await api.ok(
        SUBMIT, scan((a.sku, "1"), (off.sku, "2"), (b.sku, "2"), delivery=pickup(branch)), token=member.token
    )

    payload = data["scanSubmit"]
    assert payload["userErrors"] == [] and payload["order"] is None
    vl = payload["validationList"]
    assert vl["status"] == "SUBMITTED" and vl["source"] == "SCAN"
    assert [(ln["product"]["sku"], ln["quantity"], ln["unitPrice"]["amount"]) for ln in vl["lines"]] == [
        (a.sku, "1", "12.50"),
        (off.sku, "2", "7.00"),
        (b.sku, "2", "4.00"),
    ]
    assert vl["total"]["amount"] == "34.50"
    assert await Order.all().count() == 0
    assert (await ValidationList.get()).source == OrderSource.SCAN


@pytest.mark.parametrize("where", ["unapproved", "foreign"])
async def test_lists_that_do_not_count(api, shop, where):
    member, _, _, off, branch = shop
    other = member.company if where == "unapproved" else (await make_member()).company
    await make_scan_list(other, (off, "1"), approved=where == "foreign")

    data = await api.ok(SUBMIT, scan((off.sku, "1"), delivery=pickup(branch)), token=member.token)

    assert data["scanSubmit"]["order"] is None and data["scanSubmit"]["validationList"]["source"] == "SCAN"


@pytest.mark.parametrize("role", ORDERING)
async def test_every_ordering_role_may_scan(api, shop, role):
    member, a, _, _, branch = shop
    colleague = await make_member(role, company=member.company)
    data = await api.ok(SUBMIT, scan((a.sku, "1"), delivery=pickup(branch)), token=colleague.token)
    order = data["scanSubmit"]["order"]
    assert order["status"] == "CONFIRMED"
    assert (order["total"] is None) == (Permission.VIEW_PRICES not in MATRIX[role])


async def test_delivery_to_a_ship_to_or_a_one_time_address(api, shop):
    member, a, _, _, _ = shop
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)

    data = await api.ok(
        SUBMIT, scan((a.sku, "1"), delivery={"method": "DELIVERY", "shipToId": gid(ship_to)}), token=member.token
    )
    order = data["scanSubmit"]["order"]
    assert order["delivery"]["shipTo"]["number"] == ship_to.number
    assert order["customerNumber"]["number"] == ship_to.number

    data = await api.ok(
        SUBMIT, scan((a.sku, "1"), delivery={"method": "DELIVERY", "oneTimeAddress": ADDRESS}), token=member.token
    )
    assert data["scanSubmit"]["order"]["delivery"]["oneTimeAddress"]["city"] == "Liège"


async def test_same_key_returns_the_first_result(api, shop):
    member, a, _, off, branch = shop
    order_scan = scan((a.sku, "1"), delivery=pickup(branch), key="k-order")
    first = (await api.ok(SUBMIT, order_scan, token=member.token))["scanSubmit"]["order"]
    again = (await api.ok(SUBMIT, order_scan, token=member.token))["scanSubmit"]
    assert again["order"]["id"] == first["id"] and again["validationList"] is None

    vl_scan = scan((off.sku, "1"), delivery=pickup(branch), key="k-validation")
    first_vl = (await api.ok(SUBMIT, vl_scan, token=member.token))["scanSubmit"]["validationList"]
    again = (await api.ok(SUBMIT, vl_scan, token=member.token))["scanSubmit"]
    assert again["validationList"]["id"] == first_vl["id"] and again["order"] is None

    assert await Order.all().count() == 1 and await ValidationList.all().count() == 1


async def test_same_key_with_other_input_is_refused(api, shop):
    member, a, _, _, branch = shop
    await api.ok(SUBMIT, scan((a.sku, "1"), delivery=pickup(branch), key="k"), token=member.token)
    before = await snapshot()
    data = await api.ok(SUBMIT, scan((a.sku, "2"), delivery=pickup(branch), key="k"), token=member.token)
    assert [e["code"] for e in data["scanSubmit"]["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert data["scanSubmit"]["order"] is None
    assert await snapshot() == before


async def test_keys_are_per_membership(api, shop):
    member, a, _, _, branch = shop
    colleague = await make_member(Role.ADMINISTRATOR, company=member.company)
    one = await api.ok(SUBMIT, scan((a.sku, "1"), delivery=pickup(branch), key="same"), token=member.token)
    two = await api.ok(SUBMIT, scan((a.sku, "1"), delivery=pickup(branch), key="same"), token=colleague.token)
    assert one["scanSubmit"]["order"]["id"] != two["scanSubmit"]["order"]["id"]


async def test_bad_lines_refuse_the_whole_scan(api, shop):
    member, a, b, _, branch = shop
    before = await snapshot()
    data = await api.ok(
        SUBMIT,
        scan((a.sku, "1"), ("0000000000000", "1"), (b.sku, "3"), (a.sku, "-1"), delivery=pickup(branch)),
        token=member.token,
    )
    errors = {(tuple(e["field"]), e["code"]) for e in data["scanSubmit"]["userErrors"]}
    assert errors == {
        (("input", "lines", "1", "code"), "UNKNOWN_PRODUCT_CODE"),
        (("input", "lines", "2", "quantity"), "QUANTITY_NOT_MULTIPLE"),
        (("input", "lines", "3", "quantity"), "INVALID_QUANTITY"),
    }
    assert await snapshot() == before


async def test_a_product_that_cannot_be_ordered(api, shop):
    member, _, _, _, branch = shop
    withdrawn = await make_product(orderable=False)
    await make_scan_list(member.company, (withdrawn, "1"))
    data = await api.ok(SUBMIT, scan((withdrawn.sku, "1"), delivery=pickup(branch)), token=member.token)
    assert data["scanSubmit"]["userErrors"][0]["code"] == "PRODUCT_NOT_ORDERABLE"
    assert await Order.all().count() == 0


async def test_no_lines_long_texts_and_no_key(api, shop):
    member, _, _, _, branch = shop
    before = await snapshot()
    data = await api.ok(
        SUBMIT, scan(delivery=pickup(branch), reference="r" * 201, deviceId="d" * 101), token=member.token
    )
    errors = {(tuple(e["field"]), e["code"]) for e in data["scanSubmit"]["userErrors"]}
    assert (("input", "lines"), "CART_EMPTY") in errors and (("input", "deviceId"), "TOO_LONG") in errors
    data = await api.ok(SUBMIT, scan(delivery=pickup(branch), reference="r" * 201), token=member.token)
    assert data["scanSubmit"]["userErrors"][0]["field"] == ["input", "reference"]
    data = await api.ok(SUBMIT, scan(("x", "1"), delivery=pickup(branch), key=" "), token=member.token)
    assert data["scanSubmit"]["userErrors"][0]["code"] == "REQUIRED"
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("delivery", "code", "field"),
    [
        ({"method": "DELIVERY"}, "INVALID_DELIVERY", ["input", "delivery"]),
        ({"method": "PICKUP"}, "INVALID_DELIVERY", ["input", "delivery", "branchId"]),
        (
            {"method": "DELIVERY", "oneTimeAddress": {**ADDRESS, "postalCode": ""}},
            "REQUIRED",
            ["input", "delivery", "oneTimeAddress", "postalCode"],
        ),
    ],
    ids=["nothing", "no-branch", "bad-address"],
)
async def test_delivery_errors(api, shop, delivery, code, field):
    member, a, _, _, _ = shop
    before = await snapshot()
    data = await api.ok(SUBMIT, scan((a.sku, "1"), delivery=delivery), token=member.token)
    assert {(e["code"], tuple(e["field"])) for e in data["scanSubmit"]["userErrors"]} >= {(code, tuple(field))}
    assert await snapshot() == before


async def test_another_companys_or_a_forbidden_ship_to_is_not_found(api, shop):
    member, a, _, _, _ = shop
    foreign = await make_customer_number((await make_member()).company, CustomerNumberKind.SHIP_TO)
    mine = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    limited = await make_member(Role.VIEW_PRICES_AND_ORDER, company=member.company)
    other = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership=limited.membership, customer_number=other)
    before = await snapshot()

    for token, ship_to in ((member.token, foreign), (limited.token, mine)):
        data = await api.ok(
            SUBMIT, scan((a.sku, "1"), delivery={"method": "DELIVERY", "shipToId": gid(ship_to)}), token=token
        )
        assert data["scanSubmit"]["userErrors"][0]["code"] == "NOT_FOUND"
        assert data["scanSubmit"]["userErrors"][0]["field"] == ["input", "delivery", "shipToId"]
    data = await api.ok(
        SUBMIT, scan((a.sku, "1"), delivery={"method": "PICKUP", "branchId": gid(foreign)}), token=member.token
    )
    assert data["scanSubmit"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await snapshot() == before


@pytest.mark.parametrize("role", NOT_ORDERING)
async def test_roles_without_place_orders_are_refused(api, shop, role):
    member, a, _, _, branch = shop
    colleague = await make_member(role, company=member.company)
    before = await snapshot()
    body = await api(SUBMIT, scan((a.sku, "1"), delivery=pickup(branch)), token=colleague.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await snapshot() == before


async def test_without_a_session(api, shop):
    _, a, _, _, branch = shop
    body = await api(SUBMIT, scan((a.sku, "1"), delivery=pickup(branch)))
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await Order.all().count() == 0 and await ValidationListLine.all().count() == 0
