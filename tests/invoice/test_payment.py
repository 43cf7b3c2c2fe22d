"""paymentRecord: payments lower an invoice's open amount, never below zero, once per reference."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import AuditEvent, Event, EventType, IntegrationScope, Invoice, Payment, Role, StaffRole
from resolvers.core.clock import today
from tests.conftest import error_codes
from tests.factories import make_member, make_staff
from tests.invoice.helpers import PAY, counts, gid, make_invoice


def pay(invoice: Invoice, amount: str, reference: str = "BANK-1", paid_at: str = "2026-03-10T09:30:00Z") -> dict:
    return {"input": {"invoiceId": gid(invoice), "amount": amount, "paidAt": paid_at, "reference": reference}}


async def test_payments_lower_the_open_amount_until_paid(api, erp) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company, "100.00", due=today() - timedelta(days=3))
    first = (await api.ok(PAY, pay(invoice, "40", "BANK-1"), token=erp))["paymentRecord"]
    assert first["userErrors"] == []
    assert first["invoice"]["openAmount"]["amount"] == "60.00" and first["invoice"]["status"] == "OVERDUE"
    second = await api.ok(PAY, pay(invoice, "60.00", "BANK-2", "2026-03-11T10:00:00+01:00"), token=erp)
    paid = second["paymentRecord"]["invoice"]
    assert paid["openAmount"]["amount"] == "0.00" and paid["status"] == "PAID"
    assert [(p["reference"], p["amount"]["amount"], p["paidAt"]) for p in paid["payments"]] == [
        ("BANK-1", "40.00", "2026-03-10T09:30:00+00:00"),
        ("BANK-2", "60.00", "2026-03-11T09:00:00+00:00"),
    ]
    events = await Event.filter(type=EventType.PAYMENT_RECORDED).order_by("sequence")
    assert [e.data["payment"]["reference"] for e in events] == ["BANK-1", "BANK-2"]
    assert events[1].data["status"] == "PAID" and events[1].data["openAmount"]["amount"] == "0.00"
    assert events[0].subject_id == gid(invoice) and events[0].company_id == member.company.id
    assert await AuditEvent.filter(action="payment.recorded").count() == 2


@pytest.mark.parametrize("role", [StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR])
async def test_staff_who_decide_may_record(api, role) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company)
    _, token = await make_staff(role)
    assert (await api.ok(PAY, pay(invoice, "1"), token=token))["paymentRecord"]["userErrors"] == []


async def test_the_same_reference_with_the_same_data_is_a_replay(api, erp) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company, "100.00")
    first = (await api.ok(PAY, pay(invoice, "40"), token=erp))["paymentRecord"]["invoice"]
    before = await counts()
    again = await api.ok(PAY, pay(invoice, "40.00", paid_at="2026-03-10T11:30:00+02:00"), token=erp)
    assert again["paymentRecord"]["userErrors"] == []
    assert again["paymentRecord"]["invoice"] == first
    assert await counts() == before


@pytest.mark.parametrize("change", [{"amount": "41"}, {"paid_at": "2026-03-11T09:30:00Z"}])
async def test_the_same_reference_with_other_data_is_a_duplicate_reference(api, erp, change) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company, "100.00")
    await api.ok(PAY, pay(invoice, "40"), token=erp)
    before = await counts()
    payload = (await api.ok(PAY, pay(invoice, **{"amount": "40", **change}), token=erp))["paymentRecord"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("DUPLICATE_REFERENCE", ["input", "reference"])]
    assert payload["invoice"] is None and await counts() == before


async def test_a_reference_is_per_invoice(api, erp) -> None:
    member = await make_member()
    a, b = await make_invoice(member.company), await make_invoice(member.company)
    for invoice in (a, b):
        assert (await api.ok(PAY, pay(invoice, "10"), token=erp))["paymentRecord"]["userErrors"] == []
    assert await Payment.all().count() == 2


@pytest.mark.parametrize(
    ("amount", "reference", "code", "field"),
    [
        ("0", "R", "INVALID", ["input", "amount"]),
        ("-5", "R", "INVALID", ["input", "amount"]),
        ("0.001", "R", "INVALID", ["input", "amount"]),
        ("NaN", "R", "INVALID", ["input", "amount"]),
        ("-Infinity", "R", "INVALID", ["input", "amount"]),
        ("100.01", "R", "INVALID", ["input", "amount"]),  # more than is open: refused, never overpaid
        ("1", " ", "REQUIRED", ["input", "reference"]),
        ("1", "R" * 101, "TOO_LONG", ["input", "reference"]),
    ],
)
async def test_bad_input_changes_nothing(api, erp, amount, reference, code, field) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company, "100.00")
    before = await counts()
    payload = (await api.ok(PAY, pay(invoice, amount, reference), token=erp))["paymentRecord"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert payload["invoice"] is None and await counts() == before
    assert (await Invoice.get(id=invoice.id)).open_amount == 100


async def test_a_paid_invoice_takes_no_more_payment(api, erp) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company, "50.00", paid=("50.00",))
    payload = (await api.ok(PAY, pay(invoice, "0.01"), token=erp))["paymentRecord"]
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID"]
    assert "0.00" in payload["userErrors"][0]["message"]


async def test_an_unknown_invoice_is_not_found(api, erp) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company)
    for invoice_id in ("nope", gid(member.company), gid(Invoice(id=member.company.id))):
        payload = await api.ok(PAY, {"input": {**pay(invoice, "1")["input"], "invoiceId": invoice_id}}, token=erp)
        errors = payload["paymentRecord"]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["input", "invoiceId"])]


@pytest.mark.parametrize("caller", [*[f"member {r.value}" for r in Role], "staff REPRESENTATIVE", "client READ_ALL"])
async def test_others_are_refused(api, client, caller) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company)
    if caller.startswith("member "):
        token = (await make_member(Role(caller[7:]), company=member.company)).token
    elif caller.startswith("staff "):
        token = (await make_staff(StaffRole(caller[6:])))[1]
    else:
        token = await client(IntegrationScope(caller[7:]))
    body = await api(PAY, pay(invoice, "1"), token=token)
    assert error_codes(body) == ["FORBIDDEN"], body
    assert await Payment.all().count() == 0
