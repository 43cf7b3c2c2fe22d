"""The PostgreSQL client Tortoise uses (settings.connection_config names this module as its engine).

Tortoise's asyncpg client with two additions: taking a connection from the pool gives up after
`acquire_timeout` seconds (asyncpg's pool waits forever by default, so a stalled database froze
every request), and behind PgBouncer in transaction pooling every transaction starts with
`SET LOCAL` of the server timeouts, since PgBouncer refuses them as start-up parameters and a
session setting would stay on a server connection that other clients share.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import TransactionContext, TransactionContextPooled


class _Pool(asyncpg.Pool):
    """asyncpg's pool, with a default timeout for acquire()."""

    __slots__ = ("_acquire_timeout",)

    def __init__(self, *args: Any, acquire_timeout: float | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._acquire_timeout = acquire_timeout

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self._acquire_timeout if timeout is None else timeout)


async def keep_session(connection: asyncpg.Connection) -> None:
    """The pool's reset of a released connection: none beyond what asyncpg always does first (roll
    back a transaction left open, drop listeners). Its default also sends `SELECT
    pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` - a round trip for every statement
    Tortoise runs outside a transaction - to undo session state this app never sets: no
    advisory lock, LISTEN, cursor or session SET (timeouts are start-up parameters, or SET LOCAL)."""


class _Transaction(TransactionWrapper):
    """A top-level transaction that sets its own timeouts first (transaction pooling only)."""

    async def begin(self) -> None:
        await super().begin()
        settings: dict[str, str] = self._parent.transaction_settings  # type: ignore[attr-defined]  # _parent is the PostgresClient below
        if settings:
            await self._connection.execute(
                "; ".join(f"SET LOCAL {name} = '{value}'" for name, value in settings.items())
            )


class PostgresClient(AsyncpgDBClient):
    def __init__(
        self,
        *args: Any,
        acquire_timeout: float | None = None,
        transaction_settings: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout = acquire_timeout
        self.transaction_settings = dict(transaction_settings or {})

    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        # asyncpg.create_pool's own defaults, which its Pool requires as arguments.
        kwargs.setdefault("max_queries", 50000)
        kwargs.setdefault("max_inactive_connection_lifetime", 300.0)
        kwargs.setdefault("record_class", asyncpg.Record)
        kwargs.setdefault("reset", keep_session)
        return await _Pool(None, acquire_timeout=self.acquire_timeout, **kwargs)

    def _in_transaction(self) -> TransactionContext:
        return TransactionContextPooled(_Transaction(self), self._pool_init_lock)


client_class = PostgresClient
