"""The outbox: e-mails are rows written with the change; a worker delivers them with retries."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from email.message import EmailMessage

import aiosmtplib
from tortoise.expressions import Q

from models import Locale, OutboxMail
from resolvers.context import now
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

BACKOFF = [timedelta(seconds=s) for s in (5, 30, 120, 600, 1800)]
CLAIM = timedelta(seconds=60)


async def enqueue(to: str, kind: str, locale: Locale | str, **params: str) -> OutboxMail:
    """Write a mail to the outbox; call inside the transaction of the change that sends it."""
    subject, body = TEMPLATES[kind][Locale(locale)]
    return await OutboxMail.create(
        to=to, subject=subject.format(**params), body=body.format(**params), next_attempt_at=now()
    )


async def _send(settings: Settings, mail: OutboxMail) -> None:
    if not settings.smtp_host:
        log.info("mail (no SMTP_HOST, logged only) to=%s subject=%s\n%s", mail.to, mail.subject, mail.body)
        return
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    await aiosmtplib.send(message, hostname=settings.smtp_host, port=settings.smtp_port, timeout=10)


async def deliver_due(settings: Settings, limit: int = 50) -> int:
    """Deliver the due mails once each; returns how many were sent.

    A mail is claimed with a conditional UPDATE first, so two workers never send the same one.
    """
    t = now()
    due = (
        await OutboxMail.filter(
            Q(sent_at=None), Q(next_attempt_at__lte=t), Q(claimed_until=None) | Q(claimed_until__lt=t)
        )
        .order_by("next_attempt_at")
        .limit(limit)
    )
    sent = 0
    for mail in due:
        claimed = await OutboxMail.filter(
            Q(id=mail.id), Q(sent_at=None), Q(claimed_until=None) | Q(claimed_until__lt=t)
        ).update(claimed_until=t + CLAIM)
        if not claimed:
            continue
        try:
            await _send(settings, mail)
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as error:
            delay = BACKOFF[min(mail.attempts, len(BACKOFF) - 1)]
            await OutboxMail.filter(id=mail.id).update(
                attempts=mail.attempts + 1,
                next_attempt_at=now() + delay,
                claimed_until=None,
                last_error=str(error)[:500],
            )
            log.warning("mail %s to %s not delivered (attempt %s): %s", mail.id, mail.to, mail.attempts + 1, error)
            continue
        await OutboxMail.filter(id=mail.id).update(sent_at=now(), attempts=mail.attempts + 1, claimed_until=None)
        sent += 1
    return sent


async def deliver_forever(settings: Settings, interval: float = 1.0) -> None:
    """The outbox worker: the web process runs it in the background, `manage.py deliver-mail` alone."""
    while True:
        try:
            await deliver_due(settings)
        except Exception:  # keep the worker alive whatever one round met
            log.exception("outbox round failed")
        await asyncio.sleep(interval)
