"""backoffice.dashboard over a year of orders on PostgreSQL: SQL statements and time per request.

    .venv/bin/python bench/load.py --products 1000 --orders 10000 --order-days 365 --db bench_dash_10k
    .venv/bin/python bench/dashboard.py --db bench_dash_10k --repeat 30
    .venv/bin/python bench/dashboard.py --db bench_dash_10k --explain    # + EXPLAIN ANALYZE of each

Adds a staff REPRESENTATIVE and a session to the database (made by load.py), serves the app
in-process (httpx's ASGI transport, production settings, one request at a time) and asks for
every field of the dashboard over the last `--days` Brussels days, ending today. Prints the
statements per request (Tortoise's db_client logger) and the wall time per request: median,
best and worst of `--repeat` after 3 warm-up requests.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.cpu import environment  # noqa: E402
from resolvers.core.context import token_hash  # noqa: E402

M = "{ amount }"
DASHBOARD = f"""
query($from: Date!, $to: Date!) {{
  backoffice {{
    dashboard(from: $from, to: $to) {{
      from to orders revenue {M} averageOrderValue {M} activeCompanies companiesAwaitingReview
      byDay {{ date orders revenue {M} }}
      byBranch {{ branch {{ code }} orders revenue {M} }}
      byWorkDomain {{ workDomain orders revenue {M} }}
      topProducts(first: 10) {{ product {{ sku name }} quantity revenue {M} orders }}
      validationQueue {{ submitted oldestSubmittedAt medianDecisionMinutes approved rejected }}
      quotes {{ requested issued accepted expired }}
      outboxPending outboxFailed
    }}
  }}
}}
"""


class Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def staff_token(url: str) -> str:
    """A staff REPRESENTATIVE (the least staff role) with a session valid for an hour."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    user_id = uuid.uuid4()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            'INSERT INTO "user" (id, created_at, email, first_name, last_name, locale, email_verified, staff_role,'
            " failed_logins, is_api_client) VALUES ($1, $2, $3, 'Bench', 'Staff', 'FR', true, 'REPRESENTATIVE', 0,"
            " false)",
            user_id,
            now,
            f"staff-{user_id.hex[:8]}@bench.example",
        )
        await conn.execute(
            "INSERT INTO session (id, created_at, token_hash, expires_at, user_id) VALUES ($1, $2, $3, $4, $5)",
            uuid.uuid4(),
            now,
            token_hash(token),
            now + timedelta(hours=1),
            user_id,
        )
    finally:
        await conn.close()
    return token


def explain_each_statement() -> None:
    """Prints EXPLAIN ANALYZE of every dashboard statement before running it (bench only)."""
    from resolvers import dashboard

    run = dashboard.Period.rows

    async def explained(self: dashboard.Period, text: str, params: list[Any]) -> list[dict[str, Any]]:
        plan = await run(self, "EXPLAIN (ANALYZE, BUFFERS) " + text, params)
        print("\n".join(row["QUERY PLAN"] for row in plan), "\n", flush=True)
        return await run(self, text, params)

    dashboard.Period.rows = explained  # type: ignore[method-assign]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_dash_10k")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    url = f"{args.server}/{args.db}"
    environment(url)
    token = await staff_token(url)

    import httpx
    from asgi_lifespan import LifespanManager

    from app import create_app
    from resolvers.dashboard import BRUSSELS
    from settings import Settings

    end = datetime.now(BRUSSELS).date()
    variables = {"from": (end - timedelta(days=args.days - 1)).isoformat(), "to": end.isoformat()}
    counter = Counter()
    logger = logging.getLogger("tortoise.db_client")
    app = create_app(Settings())  # not get_settings(): cached before environment() ran
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:

            async def once() -> dict[str, Any]:
                response = await client.post("/graphql", json={"query": DASHBOARD, "variables": variables})
                body = response.json()
                assert response.status_code == 200 and "errors" not in body, response.text[:500]
                return body["data"]["backoffice"]["dashboard"]

            for _ in range(3):
                figures = await once()
            if args.explain:
                explain_each_statement()
                await once()
                return
            logger.setLevel(logging.DEBUG)
            logger.addHandler(counter)
            walls, statements = [], []
            for _ in range(args.repeat):
                counter.count = 0
                start = time.perf_counter()
                await once()
                walls.append((time.perf_counter() - start) * 1000)
                statements.append(counter.count)
    print(
        f"{args.db}: {variables['from']}..{variables['to']}: {figures['orders']:,} orders,"
        f" revenue {figures['revenue']['amount']}, {len(figures['byDay'])} days, {len(figures['byBranch'])} branches"
    )
    print(
        f"statements/request {min(statements)}-{max(statements)}; ms/request median {statistics.median(walls):.1f}"
        f" best {min(walls):.1f} worst {max(walls):.1f} (n={args.repeat})"
    )


if __name__ == "__main__":
    asyncio.run(main())
