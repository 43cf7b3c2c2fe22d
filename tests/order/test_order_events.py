"""ORDER_CREATED: every way an order is made (a validation list approved, an approved scan)
appends one event in the order's own transaction, with the order's snapshot."""

from __future__ import annotations

from decimal import Decimal

from models import Event, EventType, Order, Role
from resolvers.core import ids
from tests.catalog.factories import gid, make_branch, make_product
from tests.factories import make_member, make_staff
from tests.order.helpers import APPROVE, REJECT, make_stock, submit_cart
from tests.scan_list.helpers import SUBMIT, make_scan_list, new_key


async def created() -> list[Event]:
    return await Event.filter(type=EventType.ORDER_CREATED).order_by("sequence")


async def test_approving_a_validation_list_emits_order_created_with_the_snapshot(api) -> None:
    member = await make_member()
    stock = await make_stock()
    vl = await submit_cart(api, member, stock, (stock.a, "2"), (stock.b, "4"), reference="Job 9")
    _, token = await make_staff()
    data = await api.ok(APPROVE, {"input": {"id": vl["id"], "expectedVersion": 1}}, token=token)
    order = await Order.get()
    [event] = await created()
    assert event.subject_id == data["validationListApprove"]["validationList"]["order"]["id"] == gid(order)
    assert event.company_id == member.company.id
    snapshot = event.data
    assert snapshot["number"] == order.number and snapshot["status"] == "CONFIRMED" and snapshot["version"] == 1
    assert snapshot["source"] == "CART" and snapshot["reference"] == "Job 9" and snapshot["erpReference"] is None
    assert snapshot["company"] == ids.encode("Company", member.company.id)
    assert snapshot["customerNumber"]["number"] == member.company.customer_number
    assert snapshot["placedBy"] == ids.encode("User", member.user.id)
    assert snapshot["delivery"]["method"] == "PICKUP" and snapshot["delivery"]["branch"] == gid(stock.branch)
    assert snapshot["total"] == {"amount": str(order.total), "currency": "EUR"}
    assert [
        (ln["product"]["sku"], ln["quantity"], ln["quantityOpen"], ln["unitPrice"]) for ln in snapshot["lines"]
    ] == [
        (stock.a.sku, "2", "2", {"amount": "12.50", "currency": "EUR"}),
        (stock.b.sku, "4", "4", {"amount": "3.33", "currency": "EUR"}),
    ]


async def test_a_rejection_or_a_refused_approval_creates_no_order_and_no_event(api) -> None:
    member = await make_member()
    stock = await make_stock()
    vl = await submit_cart(api, member, stock)
    _, token = await make_staff()
    data = await api.ok(APPROVE, {"input": {"id": vl["id"], "expectedVersion": 7}}, token=token)
    assert data["validationListApprove"]["userErrors"][0]["code"] == "VERSION_CONFLICT"
    await api.ok(REJECT, {"input": {"id": vl["id"], "expectedVersion": 1, "reason": "No"}}, token=token)
    assert await created() == [] and await Order.all().count() == 0


async def test_an_approved_scan_emits_order_created(api) -> None:
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    product = await make_product(list_price=Decimal("12.50"))
    await make_scan_list(member.company, (product, "1"))
    branch = await make_branch()
    variables = {
        "input": {
            "lines": [{"code": product.sku, "quantity": "3"}],
            "delivery": {"method": "PICKUP", "branchId": gid(branch)},
            "idempotencyKey": new_key(),
        }
    }
    order = (await api.ok(SUBMIT, variables, token=member.token))["scanSubmit"]["order"]
    again = (await api.ok(SUBMIT, variables, token=member.token))["scanSubmit"]["order"]  # a replay: no new event
    assert again["id"] == order["id"]
    [event] = await created()
    assert event.subject_id == order["id"] and event.data["source"] == "SCAN"
    assert event.data["lines"][0]["quantity"] == "3" and event.data["total"]["amount"] == "37.50"
