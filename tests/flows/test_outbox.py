"""The outbox worker against a real SMTP server: claims dated when taken, bounded attempts, 5xx
permanent, stable Message-ID and Date headers, and no e-mailed token left in the stored rows."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from aiosmtpd.controller import Controller

from models import Locale, OutboxMail, Role, TokenPurpose, UserToken
from resolvers.core import mail
from resolvers.core.context import token_hash
from settings import Settings
from tests.auth.helpers import RESET_REQUEST
from tests.company.helpers import register_input
from tests.company.test_register import REGISTER
from tests.factories import make_member, make_staff
from tests.flows.conftest import Inbox, free_port, token_in
from tests.membership.common import INVITE

FAILED_MAILS = "{ backoffice { failedMails { to subject attempts lastError failedAt } } }"


class Server(Inbox):
    """An SMTP server that answers RCPT with `rcpt_reply` and takes `delay` seconds per DATA."""

    def __init__(self, delay: float = 0.0, rcpt_reply: str = "250 OK") -> None:
        super().__init__()
        self.delay = delay
        self.rcpt_reply = rcpt_reply
        self.rcpt_calls = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        self.rcpt_calls += 1
        if self.rcpt_reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt_reply

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.delay)  # in the server's own thread: the workers keep running
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def serve(handler: Server) -> Iterator[Settings]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Settings(app_env="development", smtp_host="127.0.0.1", smtp_port=port, mail_from="shop@b2b.example")
    finally:
        controller.stop()


async def outbox(n: int) -> list[OutboxMail]:
    return [await mail.enqueue(f"to{i}@example.com", "verify_email", Locale.EN, name="A", link="x") for i in range(n)]


@pytest.mark.real_db
async def test_two_racing_workers_on_a_slow_server_deliver_each_mail_once(db, monkeypatch):
    handler = Server(delay=0.3)
    # One round of the first worker (8 x 0.3 s) lasts far longer than a claim (1 s); the
    # second worker starts its rounds while the first is still sending.
    monkeypatch.setattr(mail, "CLAIM", timedelta(seconds=1))
    monkeypatch.setattr(mail, "SEND_TIMEOUT", 0.9, raising=False)
    rows = await outbox(8)
    with serve(handler) as settings:

        async def worker(start: float) -> None:
            await asyncio.sleep(start)
            for _ in range(100):
                await mail.deliver_due(settings)
                if not await OutboxMail.filter(sent_at=None).exists():
                    return
                await asyncio.sleep(0.05)

        await asyncio.gather(worker(0), worker(1.2))
    assert sorted(m["To"] for m in handler.messages) == sorted(r.to for r in rows)
    assert [m.attempts for m in await OutboxMail.all()] == [1] * 8


async def test_a_mail_carries_a_message_id_of_its_row_and_a_date(db):
    handler = Server()
    (row,) = await outbox(1)
    with serve(handler) as settings:
        assert await mail.deliver_due(settings) == 1
    (message,) = handler.messages
    assert message["Message-ID"] == f"<outbox-{row.id}@b2b.example>"
    assert abs(parsedate_to_datetime(message["Date"]) - row.created_at) < timedelta(seconds=2)


async def test_a_5xx_recipient_fails_the_mail_at_once_and_staff_see_it(db, api):
    handler = Server(rcpt_reply="550 5.1.1 no such mailbox")
    (row,) = await outbox(1)
    with serve(handler) as settings:
        assert await mail.deliver_due(settings) == 0
        await OutboxMail.filter(id=row.id).update(next_attempt_at=datetime.now(UTC) - timedelta(hours=1))
        assert await mail.deliver_due(settings) == 0
    stored = await OutboxMail.get(id=row.id)
    assert stored.failed_at is not None and stored.sent_at is None
    assert stored.attempts == 1 and handler.rcpt_calls == 1
    assert "550" in (stored.last_error or "")
    _, staff_token = await make_staff()
    (failed,) = (await api.ok(FAILED_MAILS, token=staff_token))["backoffice"]["failedMails"]
    assert failed["to"] == row.to and failed["attempts"] == 1 and "550" in failed["lastError"]


@pytest.mark.real_db
async def test_racing_workers_count_a_4xx_once_and_retry_it_later(db):
    handler = Server(rcpt_reply="451 4.3.0 try again later")
    (row,) = await outbox(1)
    with serve(handler) as settings:
        await asyncio.gather(*(mail.deliver_due(settings) for _ in range(4)))
    stored = await OutboxMail.get(id=row.id)
    assert handler.rcpt_calls == 1
    assert stored.attempts == 1 and stored.failed_at is None
    assert stored.next_attempt_at > datetime.now(UTC)


async def test_the_last_allowed_attempt_fails_the_mail(db):
    handler = Server(rcpt_reply="451 4.3.0 try again later")
    (row,) = await outbox(1)
    await OutboxMail.filter(id=row.id).update(attempts=mail.MAX_ATTEMPTS - 1)
    with serve(handler) as settings:
        await mail.deliver_due(settings)
    stored = await OutboxMail.get(id=row.id)
    assert stored.attempts == mail.MAX_ATTEMPTS and stored.failed_at is not None


async def test_the_stored_reset_mail_holds_no_live_token_before_or_after_sending(db, api):
    handler = Server()
    member = await make_member(Role.VIEW_PRICES)
    await api.ok(RESET_REQUEST, {"email": member.user.email})
    (row,) = await OutboxMail.filter(to=member.user.email)
    with serve(handler) as settings:
        assert await mail.deliver_due(settings) == 1
    token = token_in(handler.messages[0])
    assert await UserToken.filter(token_hash=token_hash(token), purpose=TokenPurpose.RESET_PASSWORD).exists()
    stored = await OutboxMail.get(id=row.id)
    assert token not in stored.body and stored.secret is None
    assert "reset-password?token=" in stored.body  # the rest of the mail stays readable


async def test_a_failed_mail_drops_its_token_too(db):
    handler = Server(rcpt_reply="550 5.1.1 no such mailbox")
    row = await mail.enqueue(
        "x@example.com", "password_reset", Locale.EN, secret="s3cr3t-t0ken", name="A", link=mail.SECRET
    )
    assert "s3cr3t-t0ken" not in row.body
    with serve(handler) as settings:
        await mail.deliver_due(settings)
    stored = await OutboxMail.get(id=row.id)
    assert stored.failed_at is not None and stored.secret is None


async def test_verification_and_invitation_mails_keep_their_token_out_of_the_body(api):
    admin = await make_member(Role.ADMINISTRATOR)
    await api.ok(REGISTER, {"input": register_input()})
    await api.ok(
        INVITE,
        {"input": {"email": "nora@example.com", "firstName": "N", "lastName": "P", "role": "VIEW_PRICES"}},
        token=admin.token,
    )
    rows = await OutboxMail.all()
    assert len(rows) == 2
    for row in rows:
        assert row.secret and row.secret not in row.body and mail.SECRET in row.body
        assert await UserToken.filter(token_hash=token_hash(row.secret)).exists()


async def test_a_mail_that_cannot_be_built_does_not_stop_the_others(db, monkeypatch):
    handler = Server()
    bad, good = await outbox(2)
    real = mail._message

    def build(settings, row):
        if row.id == bad.id:
            raise ValueError("cannot encode this mail")
        return real(settings, row)

    monkeypatch.setattr(mail, "_message", build)
    with serve(handler) as settings:
        assert await mail.deliver_due(settings) == 1
    assert [m["To"] for m in handler.messages] == [good.to]
    stored = await OutboxMail.get(id=bad.id)
    assert stored.attempts == 1 and "cannot encode" in stored.last_error and stored.claimed_until is None
