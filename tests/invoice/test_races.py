"""The ERP's writes racing each other on PostgreSQL (each request's transaction on its own
connection): concurrent payments never overpay together, and the same reference or invoice
number sent at once is recorded once."""

from __future__ import annotations

import asyncio

import pytest

from models import Event, EventType, Invoice, Payment
from tests.factories import make_member
from tests.invoice.helpers import PAY, RECORD, gid, make_invoice, record_input, sold_to

pytestmark = pytest.mark.postgres


def pay(invoice: Invoice, amount: str, reference: str) -> dict:
    return {
        "input": {"invoiceId": gid(invoice), "amount": amount, "paidAt": "2026-03-10T09:30:00Z", "reference": reference}
    }


async def test_payments_at_once_never_overpay_together(api, erp) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company, "100.00")
    results = await asyncio.gather(*(api(PAY, pay(invoice, "30", f"BANK-{i}"), token=erp) for i in range(5)))
    codes = [[e["code"] for e in r["data"]["paymentRecord"]["userErrors"]] for r in results]
    assert sorted(codes) == [[], [], [], ["INVALID"], ["INVALID"]], results
    assert (await Invoice.get(id=invoice.id)).open_amount == 10
    assert await Payment.filter(invoice_id=invoice.id).count() == 3
    assert await Event.filter(type=EventType.PAYMENT_RECORDED).count() == 3


async def test_the_same_reference_at_once_is_one_payment(api, erp) -> None:
    member = await make_member()
    invoice = await make_invoice(member.company, "100.00")
    results = await asyncio.gather(*(api(PAY, pay(invoice, "25", "BANK-1"), token=erp) for _ in range(4)))
    payloads = [r["data"]["paymentRecord"] for r in results]
    assert all(p["userErrors"] == [] for p in payloads), payloads
    assert {p["invoice"]["openAmount"]["amount"] for p in payloads} == {"75.00"}
    assert await Payment.filter(invoice_id=invoice.id).count() == 1
    assert await Event.filter(type=EventType.PAYMENT_RECORDED).count() == 1


async def test_the_same_invoice_number_at_once_is_one_invoice(api, erp) -> None:
    member = await make_member()
    given = record_input(await sold_to(member.company))
    results = await asyncio.gather(*(api(RECORD, {"input": given}, token=erp) for _ in range(4)))
    payloads = [r["data"]["invoiceRecord"] for r in results]
    assert all(p["userErrors"] == [] for p in payloads), payloads
    assert len({p["invoice"]["id"] for p in payloads}) == 1
    assert await Invoice.all().count() == 1
    assert await Event.filter(type=EventType.INVOICE_RECORDED).count() == 1
