"""cartSubmit: the cart becomes a SUBMITTED validation list, once per idempotency key."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal

import pytest

from models import (
    AuditEvent,
    CartLine,
    CustomerNumberKind,
    IdempotencyRecord,
    MembershipCustomerNumber,
    Product,
    Role,
    ValidationList,
    ValidationListLine,
)
from resolvers import cart as cart_rs
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member
from tests.order.helpers import (
    CART_SUBMIT,
    VALIDATION_LIST,
    fill_cart,
    make_stock,
    net_price,
    pickup,
    roles_with,
    roles_without,
    snapshot,
    submit_input,
)


def errors(data: dict) -> list[str]:
    return [e["code"] for e in data["cartSubmit"]["userErrors"]]


async def test_submit_creates_a_validation_list_and_empties_the_cart(api) -> None:
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    stock = await make_stock()
    await net_price(member, stock.a, "11.00")
    await net_price(member, stock.a, "10.005", minimum="10")
    await fill_cart(member, (stock.a, "10"), (stock.b, "4"))
    data = await api.ok(
        CART_SUBMIT,
        {"input": submit_input(pickup(stock.branch), reference=" Site Namur ", note="Before noon")},
        token=member.token,
    )
    payload = data["cartSubmit"]
    assert payload["userErrors"] == []
    vl = payload["validationList"]
    assert re.match(r"^V\d{4}-\d{6}$", vl["number"])
    assert vl["status"] == "SUBMITTED" and vl["source"] == "CART" and vl["version"] == 1
    assert vl["reference"] == "Site Namur" and vl["note"] == "Before noon"
    assert vl["submittedBy"]["email"] == member.user.email
    assert vl["delivery"] == {
        "method": "PICKUP",
        "shipTo": None,
        "branch": {"name": stock.branch.name},
        "oneTimeAddress": None,
        "requestedDate": None,
    }
    assert vl["order"] is None and vl["decidedAt"] is None
    # break at 10 (10.005 -> line 100.05), list price for b (3.3333 x 4 = 13.3332 -> 13.33)
    assert [
        (ln["product"]["sku"], ln["quantity"], ln["unitPrice"]["amount"], ln["lineTotal"]["amount"])
        for ln in vl["lines"]
    ] == [
        (stock.a.sku, "10", "10.01", "100.05"),
        (stock.b.sku, "4", "3.33", "13.33"),
    ]
    assert vl["total"] == {"amount": "113.38", "currency": "EUR"}
    assert await CartLine.all().count() == 0
    assert await AuditEvent.filter(action="validation_list.submitted", target_id=vl["id"]).count() == 1


async def test_numbers_follow_each_other(api) -> None:
    member = await make_member()
    stock = await make_stock()
    numbers = []
    for _ in range(2):
        await fill_cart(member, (stock.a, "1"))
        data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
        numbers.append(data["cartSubmit"]["validationList"]["number"])
    assert int(numbers[1][-6:]) == int(numbers[0][-6:]) + 1


async def test_prices_are_frozen_at_submission(api) -> None:
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "2"))
    data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    vl_id = data["cartSubmit"]["validationList"]["id"]
    await Product.filter(id=stock.a.id).update(list_price=Decimal("99.00"))

    again = (await api.ok(VALIDATION_LIST, {"id": vl_id}, token=member.token))["validationList"]
    assert again["lines"][0]["unitPrice"]["amount"] == "12.50"
    assert again["total"]["amount"] == "25.00"


async def test_customer_number_is_the_ship_to_when_delivering_there(api) -> None:
    member = await make_member()
    stock = await make_stock()
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    await fill_cart(member, (stock.a, "1"))
    delivery = {"method": "DELIVERY", "shipToId": gid(ship_to)}
    data = await api.ok(CART_SUBMIT, {"input": submit_input(delivery)}, token=member.token)
    assert data["cartSubmit"]["validationList"]["delivery"]["shipTo"] == {"number": ship_to.number}
    assert (await ValidationList.get()).customer_number_id == ship_to.id


async def test_customer_number_is_the_sold_to_for_a_pickup(api) -> None:
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))
    await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    row = await ValidationList.get().prefetch_related("customer_number")
    assert row.customer_number.kind == CustomerNumberKind.SOLD_TO


async def test_limited_member_submits_under_a_number_they_may_use(api) -> None:
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    stock = await make_stock()
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership=member.membership, customer_number=ship_to)
    await fill_cart(member, (stock.a, "1"))
    data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    assert data["cartSubmit"]["userErrors"] == []
    assert (await ValidationList.get()).customer_number_id == ship_to.id


async def test_delivery_falls_back_to_the_carts(api) -> None:
    member = await make_member()
    stock = await make_stock()
    cart = await fill_cart(member, (stock.a, "1"))
    await cart.__class__.filter(id=cart.id).update(delivery_method="PICKUP", branch_id=stock.branch.id)
    data = await api.ok(CART_SUBMIT, {"input": submit_input(None)}, token=member.token)
    assert data["cartSubmit"]["validationList"]["delivery"]["branch"] == {"name": stock.branch.name}


async def test_one_time_address(api) -> None:
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))
    address = {"line1": "Rue du Chantier 1", "postalCode": "5000", "city": "Namur", "countryCode": "BE"}
    data = await api.ok(
        CART_SUBMIT, {"input": submit_input({"method": "DELIVERY", "oneTimeAddress": address})}, token=member.token
    )
    assert data["cartSubmit"]["validationList"]["delivery"]["oneTimeAddress"] == {
        "line1": "Rue du Chantier 1",
        "city": "Namur",
    }


async def test_cart_empty(api) -> None:
    member = await make_member()
    stock = await make_stock()
    before = await snapshot()
    data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    assert errors(data) == ["CART_EMPTY"] and data["cartSubmit"]["validationList"] is None
    assert await snapshot() == before


async def test_delivery_required(api) -> None:
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))
    before = await snapshot()
    data = await api.ok(CART_SUBMIT, {"input": submit_input(None)}, token=member.token)
    assert errors(data) == ["DELIVERY_REQUIRED"]
    assert await snapshot() == before


async def test_lines_are_checked_again(api) -> None:
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"), (stock.b, "4"))
    await Product.filter(id=stock.a.id).update(orderable=False)
    await Product.filter(id=stock.b.id).update(order_multiple=Decimal(3))
    before = await snapshot()
    data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    assert [(e["code"], e["field"]) for e in data["cartSubmit"]["userErrors"]] == [
        ("PRODUCT_NOT_ORDERABLE", ["cart", "lines", "0"]),
        ("QUANTITY_NOT_MULTIPLE", ["cart", "lines", "1", "quantity"]),
    ]
    assert await snapshot() == before


async def test_too_long_reference_and_foreign_ship_to(api) -> None:
    member = await make_member()
    other = await make_member()
    stock = await make_stock()
    foreign = await make_customer_number(other.company, CustomerNumberKind.SHIP_TO)
    await fill_cart(member, (stock.a, "1"))
    before = await snapshot()
    data = await api.ok(
        CART_SUBMIT, {"input": submit_input(pickup(stock.branch), reference="x" * 201)}, token=member.token
    )
    assert errors(data) == ["TOO_LONG"]
    data = await api.ok(
        CART_SUBMIT, {"input": submit_input({"method": "DELIVERY", "shipToId": gid(foreign)})}, token=member.token
    )
    assert errors(data) == ["NOT_FOUND"]
    assert await snapshot() == before


async def test_same_key_returns_the_first_result(api) -> None:
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))
    variables = {"input": submit_input(pickup(stock.branch), key="k-1", reference="R")}
    first = (await api.ok(CART_SUBMIT, variables, token=member.token))["cartSubmit"]
    await fill_cart(member, (stock.b, "2"))  # new cart content: the repeat still sends nothing
    before = await snapshot()
    second = (await api.ok(CART_SUBMIT, variables, token=member.token))["cartSubmit"]
    assert second["userErrors"] == []
    assert second["validationList"]["id"] == first["validationList"]["id"]
    assert second["validationList"]["number"] == first["validationList"]["number"]
    assert await snapshot() == before


async def test_same_key_other_input_is_reused(api) -> None:
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))
    await api.ok(
        CART_SUBMIT, {"input": submit_input(pickup(stock.branch), key="k-1", reference="R")}, token=member.token
    )
    await fill_cart(member, (stock.a, "1"))
    before = await snapshot()
    data = await api.ok(
        CART_SUBMIT, {"input": submit_input(pickup(stock.branch), key="k-1", reference="other")}, token=member.token
    )
    assert data["cartSubmit"]["userErrors"] == [
        {
            "field": ["input", "idempotencyKey"],
            "code": "IDEMPOTENCY_KEY_REUSED",
            "message": "This idempotency key was already used for another request.",
        }
    ]
    assert await snapshot() == before


async def test_keys_are_scoped_to_the_membership(api) -> None:
    member = await make_member()
    colleague = await make_member(company=member.company)
    stock = await make_stock()
    for m in (member, colleague):
        await fill_cart(m, (stock.a, "1"))
        data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch), key="same")}, token=m.token)
        assert data["cartSubmit"]["userErrors"] == []
    assert await ValidationList.all().count() == 2


async def test_empty_key_is_required(api) -> None:
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))
    data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch), key="  ")}, token=member.token)
    assert errors(data) == ["REQUIRED"]
    assert await ValidationList.all().count() == 0


@pytest.mark.real_db
async def test_twenty_concurrent_identical_submits_create_one(api) -> None:
    """On PostgreSQL the twenty transactions really overlap (each has its own pooled connection)
    and the unique idempotency key makes nineteen of them wait and then answer the winner's
    result; on SQLite the transactions take turns on the one connection, which must give the
    same answers."""
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "2"), (stock.b, "2"))
    variables = {"input": submit_input(pickup(stock.branch), key="double-click")}
    results = await asyncio.gather(*(api(CART_SUBMIT, variables, token=member.token) for _ in range(20)))
    payloads = [r["data"]["cartSubmit"] for r in results]
    assert all("errors" not in r for r in results)
    assert all(p["userErrors"] == [] for p in payloads)
    assert len({p["validationList"]["id"] for p in payloads}) == 1
    assert await ValidationList.all().count() == 1
    assert await ValidationListLine.all().count() == 2
    assert await IdempotencyRecord.all().count() == 1
    assert await CartLine.all().count() == 0


async def test_a_failure_inside_the_transaction_leaves_nothing(api, monkeypatch) -> None:
    member = await make_member()
    stock = await make_stock()
    await fill_cart(member, (stock.a, "2"), (stock.b, "2"))
    before = await snapshot()

    async def broken(membership: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(cart_rs, "empty_cart", broken)
    body = await api(CART_SUBMIT, {"input": submit_input(pickup(stock.branch), key="k")}, token=member.token)
    assert body["errors"] and body["data"] is None
    assert await snapshot() == before
    assert await ValidationList.all().count() == 0 and await CartLine.all().count() == 2
    # the key was not spent: once repaired, the same submit goes through
    monkeypatch.undo()
    data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch), key="k")}, token=member.token)
    assert data["cartSubmit"]["userErrors"] == []


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS))
async def test_forbidden_without_place_orders(api, role: Role) -> None:
    member = await make_member(role)
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))
    before = await snapshot()
    body = await api(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await snapshot() == before


@pytest.mark.parametrize("role", roles_with(Permission.PLACE_ORDERS))
async def test_every_ordering_role_may_submit(api, role: Role) -> None:
    member = await make_member(role)
    stock = await make_stock()
    await fill_cart(member, (stock.a, "1"))
    data = await api.ok(CART_SUBMIT, {"input": submit_input(pickup(stock.branch))}, token=member.token)
    vl = data["cartSubmit"]["validationList"]
    assert vl["status"] == "SUBMITTED"
    # money is null without VIEW_PRICES, on the list and on its lines
    sees = Permission.VIEW_PRICES in MATRIX[role]
    assert (vl["total"] is not None) == sees
    assert (vl["lines"][0]["unitPrice"] is not None) == sees
    assert (vl["lines"][0]["lineTotal"] is not None) == sees


async def test_unauthenticated(api) -> None:
    body = await api(CART_SUBMIT, {"input": submit_input(None)})
    assert error_codes(body) == ["UNAUTHENTICATED"]
