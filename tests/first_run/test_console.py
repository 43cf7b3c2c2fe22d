"""`make run`'s console: where GraphiQL is, the demo password, every development e-mail with its
link, and log lines stamped with a UTC time and the request id."""

from __future__ import annotations

import re

import httpx
import pytest

# One uvicorn for the module's tests (live_server is module-scoped): on one xdist worker, not one each.
pytestmark = pytest.mark.xdist_group("first_run_console")

RESET_REQUEST = "mutation($email: String!) { passwordResetRequest(email: $email) { ok } }"
STAMP = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "


def test_start_up_says_where_graphiql_is_and_the_demo_password(live_server):
    assert live_server.wait_for(r"GraphiQL: ").endswith(f"GraphiQL: {live_server.url}/graphql")
    assert "demo-password-2026" in live_server.wait_for(r"password demo-password-2026")


def test_a_development_mail_is_printed_with_its_link_and_request_id(live_server):
    response = live_server.graphql(RESET_REQUEST, {"email": "buyer@peeters-bouw.be"})
    assert response.json()["data"] == {"passwordResetRequest": {"ok": True}}
    request_id = response.headers["X-Request-Id"]

    head = live_server.wait_for(r"to=buyer@peeters-bouw\.be")
    assert re.match(STAMP + r"INFO mail \[-\] ", head)  # delivered by the outbox worker, outside the request
    assert "subject=" in head
    link = live_server.wait_for(r"/reset-password\?token=")
    assert re.search(r"http://127\.0\.0\.1:8000/reset-password\?token=[\w-]{20,}", link)
    # uvicorn's access line of the request carries its id.
    assert re.match(STAMP + rf"INFO uvicorn\.access \[{request_id}\] .*POST /graphql", live_server.wait_for(request_id))


def test_the_access_log_does_not_record_print_link_tokens(live_server):
    response = httpx.get(f"{live_server.url}/scan-lists/U2Nhbkxpc3Q6eA/print?token=20991231.s3cr3tSignature&x=1")
    assert response.status_code == 404

    line = live_server.wait_for(r"GET /scan-lists/")
    assert "s3cr3tSignature" not in line and "print?token=[redacted]&x=1" in line
