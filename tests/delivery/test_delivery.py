"""cartDeliverySet and the Delivery type (resolvers.delivery.check_delivery rules)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Cart, CustomerNumber, CustomerNumberKind, MembershipCustomerNumber, Role
from resolvers.core.clock import today
from resolvers.core.permissions import Permission
from tests.cart.helpers import ADD, CLEAR, DELIVERY, errors, line, roles_without
from tests.catalog.factories import gid, make_branch, make_product
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member

ADDRESS = {"line1": " Rue du Chantier 5 ", "postalCode": "5000", "city": "Namur", "countryCode": "be"}


async def set_delivery(api, member, **input):
    return (await api.ok(DELIVERY, {"input": input}, token=member.token))["cartDeliverySet"]


async def stored() -> list[tuple]:
    return await Cart.all().values_list("delivery_method", "ship_to_id", "branch_id", "one_time_city", "requested_date")


async def test_delivery_to_a_ship_to_number(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO, "300001")
    day = today() + timedelta(days=3)
    payload = await set_delivery(api, member, method="DELIVERY", shipToId=gid(ship_to), requestedDate=day.isoformat())
    assert payload["userErrors"] == []
    assert payload["cart"]["delivery"] == {
        "method": "DELIVERY",
        "requestedDate": day.isoformat(),
        "shipTo": {"number": "300001"},
        "branch": None,
        "oneTimeAddress": None,
    }
    assert payload["cart"]["lineCount"] == 0


async def test_delivery_to_a_one_time_address_is_kept_on_the_cart_only(api):
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    payload = await set_delivery(
        api, member, method="DELIVERY", oneTimeAddress=ADDRESS, requestedDate=today().isoformat()
    )
    assert payload["userErrors"] == []
    assert payload["cart"]["delivery"]["oneTimeAddress"] == {
        "line1": "Rue du Chantier 5",
        "line2": None,
        "postalCode": "5000",
        "city": "Namur",
        "countryCode": "BE",
    }
    assert payload["cart"]["delivery"]["shipTo"] is None


async def test_pickup_at_a_branch_replaces_a_previous_delivery(api):
    member = await make_member(Role.ADMINISTRATOR)
    branch = await make_branch(name="Liège")
    await set_delivery(api, member, method="DELIVERY", oneTimeAddress=ADDRESS)
    payload = await set_delivery(api, member, method="PICKUP", branchId=gid(branch))
    assert payload["cart"]["delivery"] == {
        "method": "PICKUP",
        "requestedDate": None,
        "shipTo": None,
        "branch": {"name": "Liège"},
        "oneTimeAddress": None,
    }
    assert await stored() == [("PICKUP", None, branch.id, None, None)]


async def test_the_delivery_stays_when_lines_change_or_the_cart_is_cleared(api):
    member = await make_member(Role.ADMINISTRATOR)
    branch = await make_branch()
    await set_delivery(api, member, method="PICKUP", branchId=gid(branch))
    product = await make_product()
    body = await api.ok(ADD, {"lines": [line(product, "1")]}, token=member.token)
    assert body["cartLinesAdd"]["cart"]["delivery"]["method"] == "PICKUP"
    body = await api.ok(CLEAR, token=member.token)
    assert body["cartClear"]["cart"]["delivery"]["branch"] is not None


@pytest.mark.parametrize(
    ("input", "expected"),
    [
        ({"method": "DELIVERY"}, [(["input"], "INVALID_DELIVERY")]),
        ({"method": "DELIVERY", "shipToId": "SHIP", "oneTimeAddress": ADDRESS}, [(["input"], "INVALID_DELIVERY")]),
        (
            {"method": "DELIVERY", "oneTimeAddress": ADDRESS, "branchId": "BRANCH"},
            [(["input", "branchId"], "INVALID_DELIVERY")],
        ),
        ({"method": "PICKUP"}, [(["input", "branchId"], "INVALID_DELIVERY")]),
        ({"method": "PICKUP", "branchId": "BRANCH", "oneTimeAddress": ADDRESS}, [(["input"], "INVALID_DELIVERY")]),
        ({"method": "PICKUP", "branchId": "QnJhbmNoOjA="}, [(["input", "branchId"], "NOT_FOUND")]),
        (
            {"method": "PICKUP", "branchId": "BRANCH", "requestedDate": "PAST"},
            [(["input", "requestedDate"], "INVALID")],
        ),
        (
            {"method": "DELIVERY", "oneTimeAddress": {**ADDRESS, "postalCode": "12"}},
            [(["input", "oneTimeAddress", "postalCode"], "INVALID_POSTAL_CODE")],
        ),
        (
            {"method": "DELIVERY", "oneTimeAddress": {**ADDRESS, "countryCode": "US"}},
            [(["input", "oneTimeAddress", "countryCode"], "INVALID")],
        ),
        (
            {"method": "DELIVERY", "oneTimeAddress": {**ADDRESS, "line1": " "}},
            [(["input", "oneTimeAddress", "line1"], "REQUIRED")],
        ),
    ],
)
async def test_a_bad_delivery_changes_nothing(api, input, expected):
    member = await make_member(Role.ADMINISTRATOR)
    ship_to = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    branch = await make_branch()
    await set_delivery(api, member, method="DELIVERY", shipToId=gid(ship_to))
    before = await stored()
    values = {k: v for k, v in input.items()}
    if values.get("shipToId") == "SHIP":
        values["shipToId"] = gid(ship_to)
    if values.get("branchId") == "BRANCH":
        values["branchId"] = gid(branch)
    if values.get("requestedDate") == "PAST":
        values["requestedDate"] = (today() - timedelta(days=1)).isoformat()
    payload = await set_delivery(api, member, **values)
    assert payload["cart"] is None
    assert errors(payload) == expected
    assert await stored() == before


async def test_ship_to_numbers_the_member_may_not_use_are_not_found(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    other = await make_member(Role.ADMINISTRATOR)
    foreign = await make_customer_number(other.company, CustomerNumberKind.SHIP_TO)
    bill_to = await make_customer_number(member.company, CustomerNumberKind.BILL_TO)
    sold_to = await CustomerNumber.get(company_id=member.company.id, kind=CustomerNumberKind.SOLD_TO)
    allowed = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    barred = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    await MembershipCustomerNumber.create(membership_id=member.membership.id, customer_number_id=allowed.id)
    for number in (foreign, bill_to, sold_to, barred):
        payload = await set_delivery(api, member, method="DELIVERY", shipToId=gid(number))
        assert errors(payload) == [(["input", "shipToId"], "NOT_FOUND")]
    payload = await set_delivery(api, member, method="DELIVERY", shipToId="garbage")
    assert errors(payload) == [(["input", "shipToId"], "NOT_FOUND")]
    assert await Cart.all().count() == 0
    payload = await set_delivery(api, member, method="DELIVERY", shipToId=gid(allowed))
    assert payload["userErrors"] == []


@pytest.mark.parametrize("role", roles_without(Permission.PLACE_ORDERS))
async def test_delivery_set_is_forbidden_without_place_orders(api, role):
    member = await make_member(role)
    body = await api(DELIVERY, {"input": {"method": "DELIVERY", "oneTimeAddress": ADDRESS}}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await Cart.all().count() == 0


async def test_delivery_set_without_session_is_unauthenticated(api):
    body = await api(DELIVERY, {"input": {"method": "DELIVERY", "oneTimeAddress": ADDRESS}})
    assert error_codes(body) == ["UNAUTHENTICATED"]
