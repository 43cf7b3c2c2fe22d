"""The production app for bench/events.py, served as `uvicorn bench.events_app:app`: as it is with
BENCH_EVENTS=on, and with BENCH_EVENTS=off the submits' event (its snapshot and emit()) skipped,
to measure what writing events costs a submit. app.py itself never imports bench/."""

from __future__ import annotations

import os
from typing import Any

from starlette.applications import Starlette

from app import create_app
from resolvers.validation import events


async def _no_event(*args: Any, **kwargs: Any) -> None:
    return None


def create_events_app() -> Starlette:
    if os.environ.get("BENCH_EVENTS") == "off":
        # Every submit announces its list through this one function (validation_list_submitted).
        events.validation_list_event = _no_event
    return create_app()


app = create_events_app()
