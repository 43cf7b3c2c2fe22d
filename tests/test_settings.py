"""Production refuses to start until every required setting is valid, naming all that are not
in one message without a traceback; seed-demo never runs in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from resolvers.core import mail
from settings import Settings
from tests.conftest import production_settings

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("SMTP_HOST", "API_PUBLIC_URL", "PUBLIC_URL", "MAIL_FROM", "HELPDESK_EMAIL", "DATABASE_URL", "SECRET_KEY")
#: The variables of a complete production configuration.
PRODUCTION_ENV = {
    "APP_ENV": "production",
    "DATABASE_URL": "postgres://app@db.internal:5432/shop",
    "SECRET_KEY": "k" * 40,
    "SMTP_HOST": "smtp.internal",
    "API_PUBLIC_URL": "https://api.b2b.example",
    "PUBLIC_URL": "https://shop.b2b.example",
    "MAIL_FROM": "no-reply@b2b.example",
    "HELPDESK_EMAIL": "helpdesk@b2b.example",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k.upper() not in {*PRODUCTION_ENV, "DEBUG"}}
    return subprocess.run(args, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_production_names_every_missing_setting_at_once(monkeypatch):
    for name in PRODUCTION_ENV:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError) as raised:
        Settings(app_env="production")
    message = str(raised.value)
    assert all(name in message for name in REQUIRED)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PUBLIC_URL", "http://127.0.0.1:8000"),
        ("MAIL_FROM", "no-reply@example.com"),
        ("HELPDESK_EMAIL", "helpdesk@example.com"),
        ("SECRET_KEY", "too-short"),
        ("SMTP_HOST", ""),
        ("API_PUBLIC_URL", ""),
        ("DEBUG", "true"),
    ],
)
def test_production_refuses_an_example_default_or_invalid_value(monkeypatch, name, value):
    for key, ok in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, ok)
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as raised:
        Settings()
    assert name in str(raised.value)


def test_a_complete_production_configuration_is_accepted(monkeypatch):
    for key, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, value)
    assert Settings().production


@pytest.mark.parametrize(
    "command",
    [[sys.executable, "-m", "uvicorn", "app:app", "--port", "0"], [sys.executable, "manage.py", "migrate"]],
    ids=["uvicorn", "manage.py"],
)
def test_the_server_and_manage_py_refuse_to_start_with_one_message(command):
    done = run(command, APP_ENV="production")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert all(name in done.stderr for name in REQUIRED), done.stderr


def test_seed_demo_refuses_to_run_in_production(tmp_path):
    database = tmp_path / "prod.sqlite3"
    done = run([sys.executable, "manage.py", "seed-demo"], **{**PRODUCTION_ENV, "DATABASE_URL": f"sqlite://{database}"})
    assert done.returncode != 0
    assert "production" in done.stderr and "Traceback" not in done.stderr
    assert not database.exists()


async def test_production_never_logs_a_mail_as_sent(db):
    # Settings validated in production always have SMTP_HOST; even a copy without one never
    # hands a mail to the log.
    settings = production_settings().model_copy(update={"smtp_host": None})
    row = await mail.enqueue("x@example.com", "verify_email", "EN", name="A", link="x")
    assert await mail.deliver_due(settings) == 0
    assert (await type(row).get(id=row.id)).sent_at is None
