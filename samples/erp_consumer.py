"""A reference ERP consumer of the API (stdlib, httpx and standardwebhooks only).

    python samples/erp_consumer.py poll [--once] [--cursor-file F]    # pull backoffice.events from a saved cursor
    python samples/erp_consumer.py listen --port 9000 --secret whsec_...   # receive signed webhooks
    python samples/erp_consumer.py round-trip ORDER_ID                # what the ERP writes back on one order

Environment: API_URL (default http://127.0.0.1:8000/graphql) and API_KEY, a distributor API client's key
(bk_...) with READ_ALL for `poll` and WRITE_ERP for `round-trip`; `make run` prints the demo ERP client's key.

`poll` saves its cursor after each page it has handled, so a restart resumes where it stopped and sees every
event exactly once (the feed is in commit order, gap-free). `listen` verifies each delivery's signature and
drops repeats by `webhook-id` (delivery is at least once), answering 2xx only for what it kept.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from standardwebhooks import Webhook, WebhookVerificationError

API_URL = os.environ.get("API_URL", "http://127.0.0.1:8000/graphql")

EVENTS = """query Events($after: String) { backoffice { events(first: 100, after: $after) {
  edges { cursor node { id type occurredAt subjectId data company { id name } } } pageInfo { hasNextPage } } } }"""
ORDER = """query Order($id: ID!) { node(id: $id) { ... on Order {
  id number status version total { amount } customerNumber { id number } lines { id quantity quantityOpen } } } }"""
STATUS_SET = """mutation($input: OrderStatusSetInput!) { orderStatusSet(input: $input) {
  order { number status erpReference version } userErrors { code message field } } }"""
SHIPMENT = """mutation($input: ShipmentRecordInput!) { shipmentRecord(input: $input) {
  shipment { number lines { quantity } } order { status } userErrors { code message field } } }"""
INVOICE = """mutation($input: InvoiceRecordInput!) { invoiceRecord(input: $input) {
  invoice { id number status total { amount } openAmount { amount } } userErrors { code message field } } }"""
PAYMENT = """mutation($input: PaymentRecordInput!) { paymentRecord(input: $input) {
  invoice { number status openAmount { amount } } userErrors { code message field } } }"""


def call(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """One GraphQL request with the API key; exits on transport, GraphQL or user errors."""
    key = os.environ.get("API_KEY")
    if not key:
        sys.exit("set API_KEY to a distributor API client's key (bk_...)")
    response = httpx.post(
        API_URL, json={"query": query, "variables": variables or {}}, headers={"Authorization": f"Bearer {key}"}
    )
    if response.status_code == 429:  # over the client's budget: wait as told, then retry
        time.sleep(float(response.headers.get("Retry-After", "1")))
        return call(query, variables)
    body = response.json()
    if body.get("errors"):
        sys.exit(f"GraphQL errors: {json.dumps(body['errors'], indent=2)}")
    for payload in body["data"].values():
        if isinstance(payload, dict) and payload.get("userErrors"):
            sys.exit(f"refused: {json.dumps(payload['userErrors'])}")
    return body["data"]


def poll(cursor_file: Path, once: bool, interval: float) -> None:
    cursor = (cursor_file.read_text().strip() or None) if cursor_file.exists() else None
    while True:
        page = call(EVENTS, {"after": cursor})["backoffice"]["events"]
        for edge in page["edges"]:
            event = edge["node"]
            print(f"{event['occurredAt']} {event['type']:<28} {event['subjectId']}", flush=True)
            cursor = edge["cursor"]
        if cursor:
            cursor_file.write_text(cursor)  # handled: a restart starts after it
        if not page["pageInfo"]["hasNextPage"]:
            if once:
                return
            time.sleep(interval)


def listen(port: int, secret: str) -> None:
    webhook = Webhook(secret)
    seen: set[str] = set()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                event = webhook.verify(body, {k.lower(): v for k, v in self.headers.items()})
            except WebhookVerificationError:
                self.send_response(400)
                self.end_headers()
                return
            event_id = self.headers["webhook-id"]
            if event_id not in seen:  # a repeat (our earlier 2xx was lost) is acknowledged, not handled again
                seen.add(event_id)
                print(f"{event['occurredAt']} {event['type']:<28} {event_id}", flush=True)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    print(f"listening on http://127.0.0.1:{port}/", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Receiver).serve_forever()


def round_trip(order_id: str) -> None:
    """The ERP takes the order, ships it whole, invoices it and is paid: each step printed as answered."""
    order = call(ORDER, {"id": order_id})["node"]
    if not order:
        sys.exit(f"no order {order_id}")
    erp = f"ERP-{order['number']}"
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("orderStatusSet", STATUS_SET, {"orderId": order_id, "status": "PROCESSING", "erpReference": erp}),
        (
            "shipmentRecord",
            SHIPMENT,
            {
                "orderId": order_id,
                "number": f"DN-{order['number']}",
                "shippedAt": datetime.now(UTC).isoformat(),
                "lines": [{"orderLineId": li["id"], "quantity": li["quantityOpen"]} for li in order["lines"]],
            },
        ),
    ]
    for name, query, data in steps:
        print(name, json.dumps(call(query, {"input": data})[name]))
    total = (order["total"] or {}).get("amount", "0")
    today = date.today()
    invoice = call(
        INVOICE,
        {
            "input": {
                "number": f"INV-{order['number']}",
                "customerNumberId": order["customerNumber"]["id"],
                "issuedAt": today.isoformat(),
                "dueDate": (today + timedelta(days=30)).isoformat(),
                "total": total,
                "orderIds": [order_id],
            }
        },
    )["invoiceRecord"]
    print("invoiceRecord", json.dumps(invoice))
    payment = {
        "invoiceId": invoice["invoice"]["id"],
        "amount": total,
        "paidAt": datetime.now(UTC).isoformat(),
        "reference": f"PAY-{order['number']}",
    }
    print("paymentRecord", json.dumps(call(PAYMENT, {"input": payment})["paymentRecord"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("poll", help="pull the event feed from the saved cursor")
    p.add_argument("--cursor-file", type=Path, default=Path(".erp-cursor"))
    p.add_argument("--once", action="store_true", help="stop at the end of the feed")
    p.add_argument("--interval", type=float, default=5.0, help="seconds between polls at the end of the feed")
    p = sub.add_parser("listen", help="receive webhooks, verifying their signature")
    p.add_argument("--port", type=int, default=9000)
    p.add_argument("--secret", required=True, help="the subscription's whsec_... secret")
    p = sub.add_parser("round-trip", help="status, shipment, invoice and payment for one order")
    p.add_argument("order_id")
    args = parser.parse_args()
    if args.command == "poll":
        poll(args.cursor_file, args.once, args.interval)
    elif args.command == "listen":
        listen(args.port, args.secret)
    else:
        round_trip(args.order_id)


if __name__ == "__main__":
    main()
