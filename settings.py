"""Configuration from the environment, and the Tortoise config built from it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from tortoise.backends.base.config_generator import expand_db_url

ROOT = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = f"sqlite://{ROOT / 'data' / 'app.sqlite3'}"
MODEL_MODULES = ["models"]
#: Settings whose development defaults are examples: production must set its own.
EXPLICIT_IN_PRODUCTION = ("public_url", "mail_from", "helpdesk_email")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    app_env: Literal["development", "production"] = "development"
    debug: bool = False
    #: A test mode: every query is also executed by plain graphql-core and both answers compared
    #: (schema/core/executor.py, DifferentialExecutor). `.ci/run` sets it for the SQLite run.
    graphql_differential: bool = False
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
    #: Deliver the outboxes (e-mails, webhooks) from the web process; off when a separate `worker` does it.
    deliver_mail_in_web: bool = True
    mail_poll_seconds: float = 1.0
    #: Seconds a webhook POST may take in all (connect, send, answer) before it counts as failed.
    webhook_timeout: float = 10.0
    #: Seconds before a failed webhook delivery's first retry; the pause doubles at each failure
    #: (at most an hour, with jitter) until the next attempt would be 24 hours after the first: FAILED.
    webhook_retry_seconds: float = 5.0
    #: Signs links that work without a session (the printable scan-list pages). Production
    #: requires one of at least 32 characters; development signs with a fixed default.
    secret_key: str | None = None
    #: PostgreSQL pool per process (Tortoise's minsize/maxsize): every web process and worker
    #: opens at most `database_pool_max` connections (README, "Connection pools").
    database_pool_min: int = 1
    database_pool_max: int = 5
    #: "transaction" behind PgBouncer in transaction pooling: no prepared-statement cache (a
    #: statement prepared on one server connection is gone on the next), and the timeouts below
    #: set per transaction (SET LOCAL) since PgBouncer refuses them as start-up parameters.
    database_pool_mode: Literal["session", "transaction"] = "session"
    #: Seconds. The server gives up waiting for a row lock, a statement, or a client idle inside a
    #: transaction; the client gives up on a silent server (command) and on a full pool (acquire).
    #: Any of them answers UNAVAILABLE (HTTP 503, Retry-After) instead of hanging.
    database_lock_timeout: float = 5.0
    database_statement_timeout: float = 15.0
    database_idle_in_transaction_timeout: float = 30.0
    database_command_timeout: float = 20.0
    database_acquire_timeout: float = 5.0
    #: Budgets per minute of every session, API client and (without either) client address:
    #: requests, and the summed static cost of their documents (schema/core/cost.py). Over either:
    #: HTTP 429 with Retry-After. Counted in RATE_LIMIT_STORAGE_URL: memory:// (this process
    #: only) or redis://host:port/db, shared by every process (resolvers/core/ratelimit.py).
    rate_limit_requests: int = Field(default=600, ge=1)
    rate_limit_cost: int = Field(default=200_000, ge=1)
    rate_limit_storage_url: str = "memory://"
    #: /healthz answers 503 when the database does not answer `SELECT 1` within this many seconds.
    health_timeout: float = 2.0
    #: `manage.py prune-events` deletes events older than this; the feed keeps at least 90 days.
    event_retention_days: int = Field(default=90, ge=90)

    @model_validator(mode="after")
    def _production_is_explicit(self) -> Settings:
        """Production checks every required setting and names all the wrong ones at once."""
        if self.app_env != "production":
            return self
        problems = []
        if self.debug:
            problems.append("DEBUG must be false")
        if not self.database_url:
            problems.append("DATABASE_URL is required")
        if not self.secret_key or len(self.secret_key) < 32:
            problems.append("SECRET_KEY is required, at least 32 characters")
        if not self.smtp_host:
            problems.append("SMTP_HOST is required (production never only logs e-mails)")
        if not self.api_public_url:
            problems.append("API_PUBLIC_URL is required (the API's own address, for the links it serves)")
        defaults = {name: type(self).model_fields[name].default for name in EXPLICIT_IN_PRODUCTION}
        for name, default in defaults.items():
            if not getattr(self, name) or getattr(self, name) == default:
                problems.append(f"{name.upper()} is required (not the example {default!r})")
        if problems:
            raise ValueError("APP_ENV=production refuses to start: " + "; ".join(problems))
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
    """The settings of this process. Invalid ones end it with one message and no traceback
    (uvicorn, manage.py and `tortoise` all get here first), listing every problem."""
    try:
        return Settings()
    except ValidationError as error:
        raise SystemExit(f"error: invalid settings: {_describe(error)}") from None


def _describe(error: ValidationError) -> str:
    return "; ".join(
        (f"{'.'.join(map(str, e['loc'])).upper()}: " if e["loc"] else "") + str(e["msg"]).removeprefix("Value error, ")
        for e in error.errors()
    )


def _ms(seconds: float) -> str:
    return f"{round(seconds * 1000)}ms"


def server_timeouts(settings: Settings) -> dict[str, str]:
    """The PostgreSQL settings every connection of the app runs with."""
    return {
        "lock_timeout": _ms(settings.database_lock_timeout),
        "statement_timeout": _ms(settings.database_statement_timeout),
        "idle_in_transaction_session_timeout": _ms(settings.database_idle_in_transaction_timeout),
    }


def connection_config(db_url: str, settings: Settings) -> str | dict:
    """Tortoise's connection: SQLite as the URL says; PostgreSQL through resolvers.core.database
    (acquire timeout, SET LOCAL timeouts behind PgBouncer) with the pool and timeouts above."""
    if not db_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        return db_url
    config = expand_db_url(db_url)
    transaction_pooling = settings.database_pool_mode == "transaction"
    config["engine"] = "resolvers.core.database"
    config["credentials"].update(
        minsize=settings.database_pool_min,
        maxsize=settings.database_pool_max,
        command_timeout=settings.database_command_timeout,
        timeout=settings.database_acquire_timeout,  # to open a connection
        acquire_timeout=settings.database_acquire_timeout,
        server_settings={} if transaction_pooling else server_timeouts(settings),
        transaction_settings=server_timeouts(settings) if transaction_pooling else {},
    )
    if transaction_pooling:
        config["credentials"]["statement_cache_size"] = 0
    return config


def tortoise_config(db_url: str | None = None, settings: Settings | None = None) -> dict:
    settings = settings or get_settings()
    return {
        "connections": {"default": connection_config(db_url or settings.db_url, settings)},
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
