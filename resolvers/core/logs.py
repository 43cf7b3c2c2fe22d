"""Every log record carries the id of the request it was written for, and the web process's
console format (logging.json: UTC timestamp, level, logger, request id, message)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Set for each HTTP request by app.RequestIdMiddleware; None outside a request.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_TOKEN = re.compile(r"(token=)[^&\s]*")


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-Id when it is sane (1-64 of A-Z a-z 0-9 . _ -), so one id can follow
    a call through a proxy; a new one otherwise (never echo what could forge a log line)."""
    return header if header and _SANE.fullmatch(header) else uuid.uuid4().hex[:16]


def current_request_id() -> str:
    """The request's id, or a new one outside a request (tests building a Context by hand)."""
    return REQUEST_ID.get() or uuid.uuid4().hex[:16]


def install_record_factory() -> None:
    """Stamp `record.request_id` on every record at creation, whatever handler gets it (caplog too)."""
    base = logging.getLogRecordFactory()
    if getattr(base, "stamps_request_id", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        record.request_id = REQUEST_ID.get() or "-"
        return record

    factory.stamps_request_id = True  # type: ignore[attr-defined]  # a marker: a second install is a no-op
    logging.setLogRecordFactory(factory)


class Formatter(logging.Formatter):
    """`2026-12-01T09:52:07.123Z INFO mail [3f9c0a1b2c3d4e5f] message`: UTC, and a request id on
    every line ("-" outside a request, e.g. uvicorn's start-up before the app is imported)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (stdlib name)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        record.__dict__.setdefault("request_id", REQUEST_ID.get() or "-")
        return super().format(record)


class RedactTokens(logging.Filter):
    """uvicorn's access log prints the query string: keep `token=` values (print links) out of it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN.sub(r"\1[redacted]", a) if isinstance(a, str) else a for a in record.args)
        return True


class RequestIdMiddleware:
    """Gives every HTTP request an id (the caller's sane X-Request-Id, or a new one), stamped on the
    request's log records and answered as `X-Request-Id`, so an "Unexpected error." can be matched
    to its traceback across processes. Pure ASGI: the id stays set while uvicorn writes the access
    line (at the response start)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope).get("x-request-id"))
        reset = REQUEST_ID.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(reset)
