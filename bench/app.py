"""The benchmark twin: the production app with bench/handwritten.py's routes added, served by
bench/run.py as `uvicorn bench.app:app`. The routes go into the production app's own router, so
its middleware and lifespan (Tortoise, the gc tuning) run as in a deployment; the lifespan is
wrapped only to close the twin's asyncpg pool at shutdown. app.py itself never imports bench/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette

from app import create_app
from bench.handwritten import Database, routes
from settings import Settings, get_settings


def create_bench_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    app = create_app(settings)
    db = Database(settings.db_url, transaction_pooling=settings.database_pool_mode == "transaction")
    app.router.routes.extend(routes(db))
    production_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Any]:
        async with production_lifespan(app) as state:
            try:
                yield state
            finally:
                await db.close()

    app.router.lifespan_context = lifespan
    return app


app = create_bench_app()
