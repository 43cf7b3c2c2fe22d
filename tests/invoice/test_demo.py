"""seed_invoices: an OPEN, an OVERDUE and a PAID invoice on each demo company's orders, a credit
limit on one account, idempotent."""

from __future__ import annotations

from decimal import Decimal

from demo import DEMO_PASSWORD, seed_accounts, seed_catalog, seed_invoices, seed_ordering
from models import Company, Invoice, InvoiceOrder, Payment

LOGIN = """mutation($input: LoginInput!) { login(input: $input) { session { token } userErrors { code } } }"""
INVOICES = """query { invoices(first: 10) { totalCount edges { node {
  number status total { amount } openAmount { amount } customerNumber { kind } orders { number }
  payments { amount { amount } } } } } }"""
CREDIT = "{ viewer { company { name credit { limit { amount } outstanding { amount } overdue { amount } available { amount } } } } }"


async def _counts() -> dict[str, int]:
    return {m.__name__: await m.all().count() for m in (Invoice, InvoiceOrder, Payment)}


async def test_seed_invoices_shows_every_status_once(api) -> None:
    ids = [c.id for c in await seed_accounts()]
    await seed_catalog(ids)
    await seed_ordering(ids)
    await seed_invoices(ids)
    first = await _counts()
    assert first == {"Invoice": 9, "InvoiceOrder": 9, "Payment": 9}
    await seed_invoices(ids)
    assert await _counts() == first
    login = await api.ok(LOGIN, {"input": {"email": "admin@peeters-bouw.be", "password": DEMO_PASSWORD}})
    token = login["login"]["session"]["token"]
    data = await api.ok(INVOICES, token=token)
    nodes = [e["node"] for e in data["invoices"]["edges"]]
    assert [n["status"] for n in nodes] == ["OPEN", "OVERDUE", "PAID"]
    assert all(n["customerNumber"]["kind"] == "BILL_TO" and len(n["orders"]) == 1 for n in nodes)
    paid = nodes[2]
    assert paid["openAmount"]["amount"] == "0.00" and len(paid["payments"]) == 2
    assert sum(Decimal(p["amount"]["amount"]) for p in paid["payments"]) == Decimal(paid["total"]["amount"])
    credit = (await api.ok(CREDIT, token=token))["viewer"]["company"]["credit"]
    assert credit["limit"] == {"amount": "25000.00"} and credit["overdue"] == {
        "amount": nodes[1]["openAmount"]["amount"]
    }
    assert await Company.filter(credit_limit__not_isnull=True).count() == 1
