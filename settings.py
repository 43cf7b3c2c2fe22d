"""Configuration from the environment, and the Tortoise config built from it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = f"sqlite://{ROOT / 'data' / 'app.sqlite3'}"
MODEL_MODULES = ["models"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    app_env: Literal["development", "production"] = "development"
    debug: bool = False
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    #: Base of the links the API itself serves (printable scan lists, GraphiQL); unset in
    #: development: http://HOST:PORT. Production must set it.
    api_public_url: str | None = None
    #: Printable scan-list links work for this many days from the day they are shown.
    print_link_days: int = 90
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "no-reply@example.com"
    helpdesk_email: str = "helpdesk@example.com"
    cors_origins: list[str] = []
    session_hours: int = 12
    #: Deliver the outbox from the web process; off when a separate `worker` does it.
    deliver_mail_in_web: bool = True
    mail_poll_seconds: float = 1.0
    #: Signs links that work without a session (the printable scan-list pages). Production
    #: requires one of at least 32 characters; development signs with a fixed default.
    secret_key: str | None = None
    #: Mount bench/handwritten.py's hand-written twins of some GraphQL pages (BENCH_ENDPOINTS=1):
    #: only for bench/run.py, never in a deployment.
    bench_endpoints: bool = False

    @model_validator(mode="after")
    def _production_is_explicit(self) -> Settings:
        if self.app_env == "production":
            if self.debug:
                raise ValueError("APP_ENV=production refuses DEBUG=true")
            if not self.database_url:
                raise ValueError("APP_ENV=production needs an explicit DATABASE_URL")
            if not self.secret_key or len(self.secret_key) < 32:
                raise ValueError("APP_ENV=production needs a SECRET_KEY of at least 32 characters")
        return self

    @property
    def production(self) -> bool:
        return self.app_env == "production"

    @property
    def api_url(self) -> str:
        if self.api_public_url:
            return self.api_public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # a listening address is no link
        return f"http://{host}:{self.port}"

    @property
    def signing_key(self) -> bytes:
        return (self.secret_key or "development-only-secret-key-never-use-in-production").encode()

    @property
    def db_url(self) -> str:
        return self.database_url or DEFAULT_DATABASE_URL


@lru_cache
def get_settings() -> Settings:
    return Settings()


def tortoise_config(db_url: str | None = None) -> dict:
    return {
        "connections": {"default": db_url or get_settings().db_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# `tortoise makemigrations` / `tortoise migrate` read this (pyproject [tool.tortoise]).
TORTOISE_ORM = tortoise_config()
