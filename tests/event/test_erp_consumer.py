"""samples/erp_consumer.py against the real thing: the demo data migrated and seeded into a file,
the app under uvicorn, the script run as the README runs it with the demo ERP key."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from demo import DEMO_PASSWORD
from demo.api_clients import DEMO_ERP_KEY
from settings import ROOT
from tests.servers import uvicorn

#: Ports of this file's own: each test's app (the tests may run at once on two xdist workers), the receiver.
ROUND_TRIP_PORT, WEBHOOKS_PORT, RECEIVER_PORT = 18711, 18713, 18712

SUBMITTED = (
    "{ backoffice { validationLists(first: 2, filter: {status: [SUBMITTED]}) { edges { node { id version } } } } }"
)
APPROVE = """mutation($id: ID!, $v: Int!) { validationListApprove(input: {id: $id, expectedVersion: $v}) {
  validationList { order { id } } userErrors { code } } }"""
SUBSCRIBE = """mutation($url: String!) { webhookSubscriptionCreate(input: {url: $url, events: [ORDER_CREATED]}) {
  secret userErrors { code } } }"""


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def demo_app(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The app on the port given (indirect parametrisation) over a migrated, seeded SQLite file;
    yields the environment of its tools (API_URL, the demo ERP's API_KEY)."""
    port = request.param
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'demo.sqlite3'}",
        "APP_ENV": "development",
        "DELIVER_MAIL_IN_WEB": "false",
        "API_URL": f"http://127.0.0.1:{port}/graphql",
        "API_KEY": DEMO_ERP_KEY,
    }
    _run(env, "manage.py", "migrate")
    assert DEMO_ERP_KEY in _run(env, "manage.py", "seed-demo")  # development only: seed-demo prints it
    with uvicorn(env, port):
        yield env


def _call(env: dict[str, str], query: str, token: str | None, **variables: object) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = httpx.post(env["API_URL"], json={"query": query, "variables": variables}, headers=headers)
    assert "errors" not in body.json(), body.json()
    return body.json()["data"]


def _staff(env: dict[str, str], email: str) -> str:
    login = "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { session { token } } }"
    return _call(env, login, None, e=email, p=DEMO_PASSWORD)["login"]["session"]["token"]


def _approve_one(env: dict[str, str], staff: str) -> str:
    """Staff approve a demo list awaiting approval: its order's id."""
    node = _call(env, SUBMITTED, staff)["backoffice"]["validationLists"]["edges"][0]["node"]
    approved = _call(env, APPROVE, staff, id=node["id"], v=node["version"])["validationListApprove"]
    return approved["validationList"]["order"]["id"]


def _line(process: subprocess.Popen, timeout: float = 30.0) -> str:
    """The process's next line of output, failing the test rather than waiting forever."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "no output in time"
    return process.stdout.readline()


def _kinds(output: str) -> list[str]:
    return [line.split()[1] for line in output.splitlines()]


@pytest.mark.parametrize("demo_app", [ROUND_TRIP_PORT], indirect=True)
def test_the_readme_round_trip_with_the_reference_consumer(demo_app, tmp_path):
    env, cursor = demo_app, str(tmp_path / "cursor")
    order_id = _approve_one(env, _staff(env, "service@distributor.example"))

    poll = ("samples/erp_consumer.py", "poll", "--once", "--cursor-file", cursor)
    assert _kinds(_run(env, *poll)) == ["ORDER_CREATED", "VALIDATION_LIST_APPROVED"]
    assert _run(env, *poll) == ""  # resumed from the saved cursor: nothing twice

    steps = _run(env, "samples/erp_consumer.py", "round-trip", order_id)
    assert '"status": "PROCESSING"' in steps and '"erpReference": "ERP-' in steps
    assert '"order": {"status": "SHIPPED"}' in steps
    assert '"status": "PAID", "openAmount": {"amount": "0.00"}' in steps
    assert _kinds(_run(env, *poll)) == [
        "ORDER_STATUS_CHANGED",
        "SHIPMENT_RECORDED",
        "ORDER_STATUS_CHANGED",  # the whole order shipped
        "INVOICE_RECORDED",
        "PAYMENT_RECORDED",
    ]


@pytest.mark.parametrize("demo_app", [WEBHOOKS_PORT], indirect=True)
def test_the_consumer_receives_and_verifies_webhooks(demo_app):
    env = demo_app
    url = f"http://127.0.0.1:{RECEIVER_PORT}/"
    payload = _call(env, SUBSCRIBE, DEMO_ERP_KEY, url=url)["webhookSubscriptionCreate"]
    assert payload["userErrors"] == []
    receiver = subprocess.Popen(
        [sys.executable, "samples/erp_consumer.py", "listen", "--port", str(RECEIVER_PORT), "--secret", payload["secret"]],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert "listening" in _line(receiver)
        order_id = _approve_one(env, _staff(env, "admin@distributor.example"))
        _run(env, "manage.py", "worker", "--once")  # fans the feed out, then delivers
        line = _line(receiver).split()
        assert line[1:] == ["ORDER_CREATED", _webhook_id(env, order_id)]
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)


def _webhook_id(env: dict[str, str], order_id: str) -> str:
    """The delivery's webhook-id: the ORDER_CREATED event's global id, read from the feed."""
    feed = "{ backoffice { events(first: 100, filter: {types: [ORDER_CREATED]}) { edges { node { id subjectId } } } } }"
    edges = _call(env, feed, DEMO_ERP_KEY)["backoffice"]["events"]["edges"]
    return next(e["node"]["id"] for e in edges if e["node"]["subjectId"] == order_id)
