"""The outbox: e-mails are rows written with the change; a worker delivers them with retries."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib

from models import Locale, OutboxMail
from resolvers.core.clock import now
from resolvers.core.context import Context
from resolvers.core.outbox import Outbox, run_forever
from settings import Settings

log = logging.getLogger("mail")

# kind -> locale -> (subject, body); bodies are str.format templates.
TEMPLATES: dict[str, dict[Locale, tuple[str, str]]] = {
    "verify_email": {
        Locale.FR: ("Confirmez votre adresse e-mail", "Bonjour {name},\n\nConfirmez votre adresse e-mail : {link}\n"),
        Locale.NL: ("Bevestig uw e-mailadres", "Beste {name},\n\nBevestig uw e-mailadres: {link}\n"),
        Locale.EN: ("Confirm your e-mail address", "Hello {name},\n\nConfirm your e-mail address: {link}\n"),
    },
    "password_reset": {
        Locale.FR: (
            "Nouveau mot de passe",
            "Bonjour {name},\n\nChoisissez un nouveau mot de passe (valable 30 minutes) : {link}\n",
        ),
        Locale.NL: ("Nieuw wachtwoord", "Beste {name},\n\nKies een nieuw wachtwoord (30 minuten geldig): {link}\n"),
        Locale.EN: ("Choose a new password", "Hello {name},\n\nChoose a new password (valid for 30 minutes): {link}\n"),
    },
    "invitation": {
        Locale.FR: (
            "Invitation : {company}",
            "Bonjour {name},\n\nVous êtes invité(e) à rejoindre {company}. Choisissez votre mot de passe : {link}\n",
        ),
        Locale.NL: (
            "Uitnodiging: {company}",
            "Beste {name},\n\nU bent uitgenodigd voor {company}. Kies uw wachtwoord: {link}\n",
        ),
        Locale.EN: (
            "Invitation: {company}",
            "Hello {name},\n\nYou are invited to join {company}. Choose your password: {link}\n",
        ),
    },
    "access_request": {
        Locale.FR: (
            "Demande d'accès : {requester}",
            "Bonjour {name},\n\n{requester} ({email}) demande l'accès au compte {company}. "
            "Activez ce membre avec un rôle.\n",
        ),
        Locale.NL: (
            "Toegangsaanvraag: {requester}",
            "Beste {name},\n\n{requester} ({email}) vraagt toegang tot {company}. Activeer dit lid met een rol.\n",
        ),
        Locale.EN: (
            "Access request: {requester}",
            "Hello {name},\n\n{requester} ({email}) asks to join {company}. Activate this member with a role.\n",
        ),
    },
    "helpdesk_ticket": {
        Locale.FR: ("Ticket {number} : {subject}", "Type : {ticket_kind}\nDe : {email}\nTVA : {vat}\n\n{message}\n"),
        Locale.NL: ("Ticket {number}: {subject}", "Soort: {ticket_kind}\nVan: {email}\nBTW: {vat}\n\n{message}\n"),
        Locale.EN: ("Ticket {number}: {subject}", "Kind: {ticket_kind}\nFrom: {email}\nVAT: {vat}\n\n{message}\n"),
    },
    "validation_decided": {
        Locale.FR: (
            "Liste de validation {number} : {status}",
            "Bonjour {name},\n\nVotre liste de validation {number} est {status}. {reason}\n",
        ),
        Locale.NL: (
            "Validatielijst {number}: {status}",
            "Beste {name},\n\nUw validatielijst {number} is {status}. {reason}\n",
        ),
        Locale.EN: (
            "Validation list {number}: {status}",
            "Hello {name},\n\nYour validation list {number} was {status}. {reason}\n",
        ),
    },
}

#: Pauses after failed attempts 1, 2, ...: about 9 hours of SMTP trouble before FAILED.
BACKOFF = [timedelta(seconds=s) for s in (5, 30, 120, 600, 1800, 7200, 21600)]
MAX_ATTEMPTS = len(BACKOFF) + 1
#: How long a claimed mail is a worker's own; longer than a whole send may take (SEND_TIMEOUT),
#: so a claim never lapses while its worker is still sending.
CLAIM = timedelta(seconds=120)
SEND_TIMEOUT = 60.0
OUTBOX = Outbox(OutboxMail, CLAIM, sent_at=None, failed_at=None)
#: Stands for the token in a stored body; `secret` holds the token until the mail is sent.
SECRET = "{secret}"


async def enqueue(to: str, kind: str, locale: Locale | str, *, secret: str | None = None, **params: str) -> OutboxMail:
    """Write a mail to the outbox; call inside the transaction of the change that sends it.

    A token goes in `secret`, with `mail.SECRET` in its place in the params (e.g. in the link)."""
    subject, body = TEMPLATES[kind][Locale(locale)]
    return await OutboxMail.create(
        to=to, subject=subject.format(**params), body=body.format(**params), secret=secret, next_attempt_at=now()
    )


def body_to_send(mail: OutboxMail) -> str:
    """The body as e-mailed: the stored one with its token put back."""
    return mail.body.replace(SECRET, mail.secret) if mail.secret else mail.body


def _message(settings: Settings, mail: OutboxMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    # Both derive from the row, so a re-send after a crash is the same message (receivers de-duplicate).
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<outbox-{mail.id}@{domain}>"
    message["Date"] = format_datetime(mail.created_at)
    message.set_content(body_to_send(mail))
    return message


async def _send(settings: Settings, mail: OutboxMail) -> None:
    if not settings.smtp_host:
        if settings.production:  # validated settings have SMTP_HOST; a mail is never "sent" to the log
            raise aiosmtplib.SMTPException("no SMTP_HOST in production")
        log.info("mail (no SMTP_HOST, logged only) to=%s subject=%s\n%s", mail.to, mail.subject, body_to_send(mail))
        return
    async with asyncio.timeout(SEND_TIMEOUT):
        await aiosmtplib.send(
            _message(settings, mail), hostname=settings.smtp_host, port=settings.smtp_port, timeout=10
        )


def _permanent(error: Exception) -> bool:
    """A 5xx answer about this mail (its recipient, its data): sending it again cannot succeed.
    5xx about the session (connect, HELO, auth, sender) is the service's own set-up: retried."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(r.code >= 500 for r in error.recipients)
    return isinstance(error, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError) and error.code >= 500


async def _deliver(settings: Settings, mail: OutboxMail) -> bool:
    """Send one claimed mail; record the result only while the claim is still ours."""
    ours = OUTBOX.ours(mail)
    try:
        await _send(settings, mail)
    except Exception as error:  # SMTP, network, or this mail itself: never the other mails' round
        error_text = str(error)[:500]
        if _permanent(error) or mail.attempts >= MAX_ATTEMPTS:
            await ours.update(failed_at=now(), claimed_until=None, secret=None, last_error=error_text)
            log.error("mail %s to %s FAILED after %s attempts: %s", mail.id, mail.to, mail.attempts, error)
        else:
            delay = BACKOFF[mail.attempts - 1]
            await ours.update(next_attempt_at=now() + delay, claimed_until=None, last_error=error_text)
            log.warning("mail %s to %s not delivered (attempt %s): %s", mail.id, mail.to, mail.attempts, error)
        return False
    await ours.update(sent_at=now(), claimed_until=None, secret=None)
    return True


async def deliver_due(settings: Settings, limit: int = 50) -> int:
    """Deliver the due mails once each; returns how many were sent.

    Each mail is claimed just before it is sent (a conditional UPDATE that re-checks it is due),
    so two workers never send the same one, however slow the SMTP server is."""
    sent = 0
    for mail_id in await OUTBOX.due(limit):
        mail = await OUTBOX.claim_one(mail_id)
        if mail is not None and await _deliver(settings, mail):
            sent += 1
    return sent


async def failed_mails(ctx: Context, limit: int = 100) -> list[OutboxMail]:
    """Mails the worker gave up on (FAILED), newest first: any staff role."""
    ctx.require_read_all()
    return await OutboxMail.filter(failed_at__not_isnull=True).order_by("-failed_at", "-id").limit(limit)


async def deliver_forever(settings: Settings, interval: float = 1.0) -> None:
    """The e-mail outbox worker: the web process runs it in the background."""
    await run_forever("mail outbox", lambda: deliver_due(settings), interval)
