"""validationListCancel (customer), validationListApprove / Reject and the staff queue."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models import (
    AuditEvent,
    Locale,
    Order,
    OrderLine,
    OutboxMail,
    Product,
    Role,
    StaffRole,
    User,
    ValidationList,
)
from resolvers.core import ids
from tests.catalog.factories import gid
from tests.conftest import error_codes
from tests.factories import make_member, make_staff
from tests.order.helpers import (
    APPROVE,
    CANCEL,
    QUEUE,
    REJECT,
    make_stock,
    make_validation_list,
    snapshot,
    submit_cart,
)

CUSTOMER_ROLES = list(Role)


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


# ---------------------------------------------------------------------- cancel


async def test_submitter_cancels(api) -> None:
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    stock = await make_stock()
    vl = await submit_cart(api, member, stock)
    data = (await api.ok(CANCEL, {"id": vl["id"]}, token=member.token))["validationListCancel"]
    assert data["userErrors"] == []
    assert data["validationList"]["status"] == "CANCELLED" and data["validationList"]["version"] == 2
    assert data["validationList"]["decidedAt"] is not None
    assert await AuditEvent.filter(action="validation_list.cancelled", target_id=vl["id"]).count() == 1


async def test_administrator_cancels_a_colleagues_list(api) -> None:
    orderer = await make_member(Role.VIEW_PRICES_AND_ORDER)
    admin = await make_member(company=orderer.company)
    stock = await make_stock()
    vl = await submit_cart(api, orderer, stock)
    data = (await api.ok(CANCEL, {"id": vl["id"]}, token=admin.token))["validationListCancel"]
    assert data["validationList"]["status"] == "CANCELLED"


async def test_other_members_may_not_cancel(api) -> None:
    orderer = await make_member(Role.VIEW_PRICES_AND_ORDER)
    viewer = await make_member(Role.VIEW_PRICES, company=orderer.company)
    own_only = await make_member(Role.ORDER_WITHOUT_PRICES, company=orderer.company)
    stock = await make_stock()
    vl = await submit_cart(api, orderer, stock)
    before = await snapshot()
    # sees it (company orders) but did not submit it
    assert error_codes(await api(CANCEL, {"id": vl["id"]}, token=viewer.token)) == ["FORBIDDEN"]
    # cannot even see it
    data = (await api.ok(CANCEL, {"id": vl["id"]}, token=own_only.token))["validationListCancel"]
    assert codes(data) == ["NOT_FOUND"]
    assert await snapshot() == before
    assert (await ValidationList.get()).status == "SUBMITTED"


async def test_cancel_twice_or_after_a_decision(api) -> None:
    member = await make_member()
    stock = await make_stock()
    vl = await submit_cart(api, member, stock)
    await api.ok(CANCEL, {"id": vl["id"]}, token=member.token)
    approved = await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch, status="APPROVED")
    before = await snapshot()
    data = (await api.ok(CANCEL, {"id": vl["id"]}, token=member.token))["validationListCancel"]
    assert codes(data) == ["INVALID_STATUS_TRANSITION"]
    data = (await api.ok(CANCEL, {"id": gid(approved)}, token=member.token))["validationListCancel"]
    assert codes(data) == ["INVALID_STATUS_TRANSITION"]
    assert await snapshot() == before


async def test_cancel_foreign_and_unauthenticated(api) -> None:
    member = await make_member()
    other = await make_member()
    stock = await make_stock()
    foreign = await make_validation_list(other, [(stock.a, "1", "1.00")], branch=stock.branch)
    data = (await api.ok(CANCEL, {"id": gid(foreign)}, token=member.token))["validationListCancel"]
    assert codes(data) == ["NOT_FOUND"]
    assert error_codes(await api(CANCEL, {"id": gid(foreign)})) == ["UNAUTHENTICATED"]
    _, staff = await make_staff()
    assert error_codes(await api(CANCEL, {"id": gid(foreign)}, token=staff)) == ["FORBIDDEN"]
    assert (await ValidationList.get(id=foreign.id)).status == "SUBMITTED"


# ---------------------------------------------------------------------- approve


async def test_approve_creates_the_confirmed_order_with_frozen_prices(api) -> None:
    member = await make_member()
    stock = await make_stock()
    await User.filter(id=member.user.id).update(locale=Locale.NL)
    vl = await submit_cart(api, member, stock, (stock.a, "2"), (stock.b, "4"), reference="Job 9")
    await Product.filter(id=stock.a.id).update(list_price=Decimal("50"))  # after submission: no effect
    staff, token = await make_staff()
    data = (await api.ok(APPROVE, {"input": {"id": vl["id"], "expectedVersion": 1}}, token=token))[
        "validationListApprove"
    ]
    assert data["userErrors"] == []
    decided = data["validationList"]
    assert decided["status"] == "APPROVED" and decided["version"] == 2 and decided["decidedAt"]
    order = decided["order"]
    assert re.match(r"^O\d{4}-\d{6}$", order["number"])
    assert order["status"] == "CONFIRMED" and order["source"] == "CART" and order["reference"] == "Job 9"
    assert order["placedBy"]["email"] == member.user.email
    assert order["customerNumber"]["number"] == member.company.customer_number
    assert order["delivery"]["branch"]["name"] == stock.branch.name
    assert [(ln["product"]["sku"], ln["quantity"], ln["unitPrice"]["amount"]) for ln in order["lines"]] == [
        (stock.a.sku, "2", "12.50"),
        (stock.b.sku, "4", "3.33"),
    ]
    assert order["total"]["amount"] == vl["total"]["amount"] == "38.33"
    assert order["validationList"] == {"number": vl["number"], "status": "APPROVED"}
    # the submitter gets an e-mail in their language; one audit event
    mail = await OutboxMail.get(to=member.user.email)
    assert vl["number"] in mail.subject and "goedgekeurd" in mail.body
    event = await AuditEvent.get(action="validation_list.approved")
    assert event.actor_id == staff.id and event.target_id == vl["id"] and event.company_id == member.company.id


async def test_stale_version_is_a_conflict(api) -> None:
    member = await make_member()
    stock = await make_stock()
    row = await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch, version=3)
    _, token = await make_staff()
    before = await snapshot()
    data = (await api.ok(APPROVE, {"input": {"id": gid(row), "expectedVersion": 2}}, token=token))[
        "validationListApprove"
    ]
    assert codes(data) == ["VERSION_CONFLICT"] and data["userErrors"][0]["field"] == ["input", "expectedVersion"]
    assert await snapshot() == before


@pytest.mark.parametrize("status", ["APPROVED", "REJECTED", "CANCELLED"])
async def test_only_submitted_lists_are_decided(api, status: str) -> None:
    member = await make_member()
    stock = await make_stock()
    row = await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch, status=status, version=2)
    _, token = await make_staff()
    before = await snapshot()
    data = (await api.ok(APPROVE, {"input": {"id": gid(row), "expectedVersion": 2}}, token=token))[
        "validationListApprove"
    ]
    assert codes(data) == ["INVALID_STATUS_TRANSITION"]
    data = await api.ok(REJECT, {"input": {"id": gid(row), "expectedVersion": 2, "reason": "no"}}, token=token)
    assert codes(data["validationListReject"]) == ["INVALID_STATUS_TRANSITION"]
    assert await snapshot() == before


async def test_unknown_id_is_not_found(api) -> None:
    _, token = await make_staff()
    for doc, key, extra in ((APPROVE, "validationListApprove", {}), (REJECT, "validationListReject", {"reason": "x"})):
        missing = ids.encode("ValidationList", uuid.uuid4())
        data = (await api.ok(doc, {"input": {"id": missing, "expectedVersion": 1, **extra}}, token=token))[key]
        assert codes(data) == ["NOT_FOUND"]


@pytest.mark.parametrize("role", CUSTOMER_ROLES)
async def test_customers_may_not_decide(api, role: Role) -> None:
    member = await make_member(role)
    stock = await make_stock()
    row = await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    before = await snapshot()
    body = await api(APPROVE, {"input": {"id": gid(row), "expectedVersion": 1}}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    body = await api(REJECT, {"input": {"id": gid(row), "expectedVersion": 1, "reason": "x"}}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert (await api.ok(QUEUE, {}, token=member.token))["backoffice"] is None
    assert await snapshot() == before


async def test_representative_reads_the_queue_but_may_not_decide(api) -> None:
    member = await make_member()
    stock = await make_stock()
    row = await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    body = await api(APPROVE, {"input": {"id": gid(row), "expectedVersion": 1}}, token=token)
    assert error_codes(body) == ["FORBIDDEN"]
    body = await api(REJECT, {"input": {"id": gid(row), "expectedVersion": 1, "reason": "x"}}, token=token)
    assert error_codes(body) == ["FORBIDDEN"]
    queue = (await api.ok(QUEUE, {}, token=token))["backoffice"]["validationLists"]
    assert [e["node"]["number"] for e in queue["edges"]] == [row.number]


async def test_decisions_need_a_session(api) -> None:
    assert error_codes(await api(APPROVE, {"input": {"id": "x", "expectedVersion": 1}})) == ["UNAUTHENTICATED"]
    assert error_codes(await api(REJECT, {"input": {"id": "x", "expectedVersion": 1, "reason": "r"}})) == [
        "UNAUTHENTICATED"
    ]


@pytest.mark.real_db
@pytest.mark.parametrize("second", ["approve", "reject"])
async def test_two_concurrent_decisions_one_wins(api, second: str) -> None:
    """On PostgreSQL both UPDATEs run at once and the row lock makes the second see version 2;
    on SQLite they take turns. Either way exactly one decision, one order at most."""
    member = await make_member()
    stock = await make_stock()
    row = await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    _, token_a = await make_staff()
    _, token_b = await make_staff(StaffRole.ADMINISTRATOR)
    approve = api(APPROVE, {"input": {"id": gid(row), "expectedVersion": 1}}, token=token_a)
    other = (
        api(APPROVE, {"input": {"id": gid(row), "expectedVersion": 1}}, token=token_b)
        if second == "approve"
        else api(REJECT, {"input": {"id": gid(row), "expectedVersion": 1, "reason": "Out of stock"}}, token=token_b)
    )
    bodies = await asyncio.gather(approve, other)
    payloads = [next(iter(b["data"].values())) for b in bodies]
    outcomes = sorted(tuple(codes(p)) for p in payloads)
    assert outcomes == [(), ("VERSION_CONFLICT",)]
    fresh = await ValidationList.get(id=row.id)
    assert fresh.version == 2
    assert await Order.all().count() == (1 if fresh.status == "APPROVED" else 0)
    assert await OutboxMail.all().count() == 1
    assert await AuditEvent.filter(action__startswith="validation_list.").count() == 1


# ---------------------------------------------------------------------- reject


async def test_reject_with_a_reason(api) -> None:
    member = await make_member()
    stock = await make_stock()
    vl = await submit_cart(api, member, stock)
    staff, token = await make_staff()
    data = (
        await api.ok(
            REJECT, {"input": {"id": vl["id"], "expectedVersion": 1, "reason": "  Discontinued  "}}, token=token
        )
    )["validationListReject"]
    assert data["userErrors"] == []
    assert data["validationList"] == {
        "id": vl["id"],
        "status": "REJECTED",
        "version": 2,
        "rejectionReason": "Discontinued",
        "order": None,
    }
    assert await Order.all().count() == 0 and await OrderLine.all().count() == 0
    mail = await OutboxMail.get(to=member.user.email)
    assert "refusée" in mail.body and "Discontinued" in mail.body
    event = await AuditEvent.get(action="validation_list.rejected")
    assert event.details["after"]["reason"] == "Discontinued" and event.actor_id == staff.id


@pytest.mark.parametrize(("reason", "code"), [("   ", "REQUIRED"), ("x" * 1001, "TOO_LONG")])
async def test_reject_reason_is_checked(api, reason: str, code: str) -> None:
    member = await make_member()
    stock = await make_stock()
    row = await make_validation_list(member, [(stock.a, "1", "1.00")], branch=stock.branch)
    _, token = await make_staff()
    before = await snapshot()
    data = await api.ok(REJECT, {"input": {"id": gid(row), "expectedVersion": 1, "reason": reason}}, token=token)
    assert data["validationListReject"]["userErrors"][0]["code"] == code
    assert data["validationListReject"]["userErrors"][0]["field"] == ["input", "reason"]
    assert await snapshot() == before


# ---------------------------------------------------------------------- queue


async def test_queue_oldest_first_across_companies(api) -> None:
    a = await make_member()
    b = await make_member()
    stock = await make_stock()
    t = datetime.now(UTC)
    newer = await make_validation_list(
        a, [(stock.a, "1", "1.00")], branch=stock.branch, created_at=t - timedelta(hours=1)
    )
    older = await make_validation_list(
        b, [(stock.a, "1", "1.00")], branch=stock.branch, created_at=t - timedelta(hours=2)
    )
    await make_validation_list(b, [(stock.a, "1", "1.00")], branch=stock.branch, status="CANCELLED")
    _, token = await make_staff()
    queue = (await api.ok(QUEUE, {"first": 1}, token=token))["backoffice"]["validationLists"]
    assert [e["node"]["number"] for e in queue["edges"]] == [older.number]
    assert queue["totalCount"] == 2
    queue = (await api.ok(QUEUE, {"first": 1, "after": queue["pageInfo"]["endCursor"]}, token=token))["backoffice"][
        "validationLists"
    ]
    assert [e["node"]["number"] for e in queue["edges"]] == [newer.number]
    queue = (await api.ok(QUEUE, {"filter": {"status": ["CANCELLED"]}}, token=token))["backoffice"]["validationLists"]
    assert [e["node"]["status"] for e in queue["edges"]] == ["CANCELLED"]
