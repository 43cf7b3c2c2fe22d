"""invoiceRecord: the ERP records an invoice of a customer number with the orders it bills."""

from __future__ import annotations

import json

import pytest

from models import AuditEvent, Event, EventType, IntegrationScope, Invoice, Role, StaffRole
from tests.conftest import error_codes
from tests.factories import make_company, make_customer_number, make_member, make_staff
from tests.invoice.helpers import RECORD, counts, gid, record_input, sold_to
from tests.order.helpers import make_order, make_stock


async def _setup():
    member = await make_member()
    stock = await make_stock()
    orders = [await make_order(member, [(stock.a, "2", "12.50")], branch=stock.branch) for _ in range(2)]
    return member, stock, orders


async def test_the_erp_records_an_invoice_with_its_orders_audit_and_event(api, erp) -> None:
    member, _, orders = await _setup()
    cn = await sold_to(member.company)
    given = record_input(cn, *orders)
    payload = (await api.ok(RECORD, {"input": given}, token=erp))["invoiceRecord"]
    assert payload["userErrors"] == []
    invoice = payload["invoice"]
    assert invoice["number"] == given["number"]
    assert (invoice["issuedAt"], invoice["dueDate"]) == ("2026-03-01", "2026-03-31")
    assert invoice["total"] == {"amount": "1210.50", "currency": "EUR"} == invoice["openAmount"]
    assert invoice["customerNumber"] == {"number": cn.number}
    assert sorted(o["number"] for o in invoice["orders"]) == sorted(o.number for o in orders)
    assert invoice["payments"] == [] and invoice["status"] in ("OPEN", "OVERDUE")
    event = await Event.get(type=EventType.INVOICE_RECORDED)
    assert event.subject_id == invoice["id"] and event.company_id == member.company.id
    assert event.data["number"] == given["number"] and event.data["total"] == {"amount": "1210.50", "currency": "EUR"}
    assert event.data["customerNumber"] == {"id": gid(cn), "number": cn.number}
    assert sorted(o["id"] for o in event.data["orders"]) == sorted(gid(o) for o in orders)
    audit = await AuditEvent.get(action="invoice.recorded")
    assert audit.company_id == member.company.id and audit.target_id == invoice["id"]
    assert audit.details["after"]["number"] == given["number"]


@pytest.mark.parametrize("role", [StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR])
async def test_staff_who_decide_may_record(api, role) -> None:
    member = await make_member()
    _, token = await make_staff(role)
    payload = await api.ok(RECORD, {"input": record_input(await sold_to(member.company))}, token=token)
    assert payload["invoiceRecord"]["userErrors"] == []
    assert await Invoice.all().count() == 1


async def test_the_same_number_with_the_same_data_is_a_replay(api, erp) -> None:
    member, _, orders = await _setup()
    given = record_input(await sold_to(member.company), *orders)
    first = (await api.ok(RECORD, {"input": given}, token=erp))["invoiceRecord"]["invoice"]
    before = await counts()
    same = {**given, "total": "1210.5", "number": f"  {given['number']} ", "orderIds": given["orderIds"][::-1] * 2}
    again = (await api.ok(RECORD, {"input": same}, token=erp))["invoiceRecord"]
    assert again["userErrors"] == [] and again["invoice"]["id"] == first["id"]
    assert await counts() == before


@pytest.mark.parametrize(
    "change",
    [{"total": "1210.51"}, {"dueDate": "2026-04-30"}, {"issuedAt": "2026-02-28"}, {"orderIds": []}, "customer"],
)
async def test_the_same_number_with_other_data_is_a_duplicate_reference(api, erp, change) -> None:
    member, _, orders = await _setup()
    given = record_input(await sold_to(member.company), *orders)
    await api.ok(RECORD, {"input": given}, token=erp)
    before = await counts()
    if change == "customer":
        from models import CustomerNumberKind

        change = {"customerNumberId": gid(await make_customer_number(member.company, CustomerNumberKind.BILL_TO))}
    payload = (await api.ok(RECORD, {"input": {**given, **change}}, token=erp))["invoiceRecord"]
    assert payload["invoice"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("DUPLICATE_REFERENCE", ["input", "number"])]
    assert await counts() == before


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"total": "-0.01"}, "INVALID", ["input", "total"]),
        ({"total": "12.345"}, "INVALID", ["input", "total"]),
        ({"total": "NaN"}, "INVALID", ["input", "total"]),
        ({"total": "Infinity"}, "INVALID", ["input", "total"]),
        ({"total": "1e12"}, "INVALID", ["input", "total"]),
        ({"total": "1e-999999"}, "INVALID", ["input", "total"]),
        ({"dueDate": "2026-02-28"}, "INVALID", ["input", "dueDate"]),
        ({"number": "   "}, "REQUIRED", ["input", "number"]),
        ({"number": "F" * 41}, "TOO_LONG", ["input", "number"]),
        ({"customerNumberId": "x"}, "NOT_FOUND", ["input", "customerNumberId"]),
        ({"customerNumberId": gid(Invoice(id="0" * 32))}, "NOT_FOUND", ["input", "customerNumberId"]),
    ],
)
async def test_bad_input_changes_nothing(api, erp, change, code, field) -> None:
    member = await make_member()
    before = await counts()
    given = {**record_input(await sold_to(member.company)), **change}
    payload = (await api.ok(RECORD, {"input": given}, token=erp))["invoiceRecord"]
    assert payload["invoice"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert await counts() == before


async def test_a_total_of_zero_is_paid_at_once(api, erp) -> None:
    member = await make_member()
    given = record_input(await sold_to(member.company), total="0")
    invoice = (await api.ok(RECORD, {"input": given}, token=erp))["invoiceRecord"]["invoice"]
    assert invoice["status"] == "PAID" and invoice["openAmount"]["amount"] == "0.00"


async def test_orders_must_be_the_customer_number_s_company_s(api, erp) -> None:
    member, stock, orders = await _setup()
    other = await make_member()
    foreign = await make_order(other, [(stock.a, "1", "1.00")], branch=stock.branch)
    before = await counts()
    given = record_input(await sold_to(member.company), orders[0], foreign)
    given["orderIds"].append("not-an-id")
    payload = (await api.ok(RECORD, {"input": given}, token=erp))["invoiceRecord"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["input", "orderIds", "1"]),
        ("NOT_FOUND", ["input", "orderIds", "2"]),
    ]
    assert await counts() == before


async def test_a_cancelled_order_cannot_be_invoiced(api, erp) -> None:
    member = await make_member()
    stock = await make_stock()
    cancelled = await make_order(member, [(stock.a, "1", "1.00")], branch=stock.branch, status="CANCELLED")
    payload = await api.ok(RECORD, {"input": record_input(await sold_to(member.company), cancelled)}, token=erp)
    errors = payload["invoiceRecord"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["input", "orderIds", "0"])]


async def test_messages_follow_the_language(api, erp) -> None:
    member = await make_member()
    given = {**record_input(await sold_to(member.company)), "dueDate": "2026-01-01"}
    body = await api(RECORD, {"input": given}, token=erp, headers={"Accept-Language": "nl"})
    assert body["data"]["invoiceRecord"]["userErrors"][0]["message"] == (
        "De vervaldatum kan niet vóór de factuurdatum liggen."
    )


@pytest.mark.parametrize(
    "caller",
    [*[f"member {r.value}" for r in Role], "staff REPRESENTATIVE", "client READ_ALL", "client MANAGE_WEBHOOKS"],
)
async def test_others_are_refused(api, client, caller) -> None:
    company = await make_company()
    if caller.startswith("member "):
        token = (await make_member(Role(caller[7:]), company=company)).token
    elif caller.startswith("staff "):
        token = (await make_staff(StaffRole(caller[6:])))[1]
    else:
        token = await client(IntegrationScope(caller[7:]))
    body = await api(RECORD, {"input": record_input(await sold_to(company))}, token=token)
    assert error_codes(body) == ["FORBIDDEN"], body
    assert await Invoice.all().count() == 0


async def test_without_a_session(api) -> None:
    company = await make_company()
    body = await api(RECORD, {"input": record_input(await sold_to(company))})
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_the_event_is_json(api, erp) -> None:
    member = await make_member()
    await api.ok(RECORD, {"input": record_input(await sold_to(member.company))}, token=erp)
    event = await Event.get(type=EventType.INVOICE_RECORDED)
    assert json.loads(json.dumps(event.data)) == event.data
