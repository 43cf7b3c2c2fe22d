"""End-to-end: the ASGI app with its lifespan (outbox worker on) and a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from email import message_from_bytes
from email.message import Message

import httpx
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from asgi_lifespan import LifespanManager

from app import create_app
from settings import Settings
from tests.conftest import Api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd handler hook
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, count: int = 1, seconds: float = 10.0) -> list[Message]:
        for _ in range(int(seconds / 0.05)):
            if len(self.to(address)) >= count:
                return self.to(address)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no mail for {address} after {seconds}s; got {[m['To'] for m in self.messages]}")


def token_in(message: Message) -> str:
    body = message.get_payload(decode=True).decode()
    found = re.search(r"token=([\w-]+)", body)
    assert found, body
    return found.group(1)


class SMTPServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> AsyncIterator[SMTPServer]:
    server = SMTPServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def flow_settings(smtp: SMTPServer) -> Settings:
    return Settings(
        app_env="development",
        public_url="https://shop.test",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        deliver_mail_in_web=True,
        mail_poll_seconds=0.05,
        helpdesk_email="helpdesk@distributor.example",
    )


@pytest_asyncio.fixture
async def live(db: str, flow_settings: Settings) -> AsyncIterator[Api]:
    """The app started as uvicorn would start it (lifespan: outbox worker), called over HTTP/ASGI."""
    app = create_app(flow_settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Api(client)
