"""The production app for bench/events.py, served as `uvicorn bench.events_app:app`: as it is with
BENCH_EVENTS=on, and with BENCH_EVENTS=off the submits' event (its snapshot and emit()) skipped,
to measure what writing events costs a submit. app.py itself never imports bench/."""

from __future__ import annotations

import os
from typing import Any

from starlette.applications import Starlette

from app import create_app
from resolvers import cart
from resolvers.quick_list import ordering
from resolvers.validation import create


async def _no_event(*args: Any, **kwargs: Any) -> None:
    return None


def create_events_app() -> Starlette:
    if os.environ.get("BENCH_EVENTS") == "off":
        # Where the submits prepare and announce their validation list (resolvers.validation.events).
        create.prepare_submitted = _no_event
        for module in (create, cart, ordering):
            module.validation_list_submitted = _no_event  # type: ignore[attr-defined]
    return create_app()


app = create_events_app()
