"""The service's clock: every time is UTC-aware, and "today" is the UTC date."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The date quotes and requested delivery dates are judged against (UTC, like every time)."""
    return now().date()
