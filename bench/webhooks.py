"""Webhook deliveries per second of one worker against a loopback receiver.

A fresh database (PostgreSQL by default, dropped and made again; `--sqlite` for a file), one
distributor subscription to ORDER_CREATED, N events written with emit() (prices in them), and a
receiver in a process of its own (uvicorn, answering 204 to every POST). Then one worker, as
`manage.py worker` runs it: fan-out of the feed (timed apart), then the deliveries (claim, sign,
POST, record), until none is left. Only 127.0.0.1 is contacted. The worker's own CPU time is
printed too: on a machine shared with other loads it says more than the wall clock.

    .venv/bin/python bench/webhooks.py --events 2000
    .venv/bin/python bench/webhooks.py --events 2000 --sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.transactions import in_transaction

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models import EventType, WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription  # noqa: E402
from resolvers.core import ids  # noqa: E402
from resolvers.event import emit, money_json  # noqa: E402
from resolvers.webhook import delivery, fanout  # noqa: E402
from resolvers.webhook.subscriptions import new_secret  # noqa: E402
from settings import Settings, tortoise_config  # noqa: E402


async def receiver(scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Callable[..., Any]) -> None:
    """The receiving end: reads the body, answers 204 (plain ASGI: the receiver costs little)."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@contextlib.contextmanager
def receiving(port: int) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.webhooks:receiver", "--host", "127.0.0.1", "--port", str(port)]
        + ["--log-level", "warning", "--no-access-log", "--lifespan", "off"],
        cwd=ROOT,
    )
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _wait_for(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return
    raise SystemExit(f"the receiver did not start on port {port}")


async def _database(args: argparse.Namespace) -> str:
    if args.sqlite:
        return f"sqlite://{Path(tempfile.mkdtemp()) / 'webhooks.sqlite3'}"
    conn = await asyncpg.connect(args.url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{args.db}"')
    finally:
        await conn.close()
    return f"{args.url.rsplit('/', 1)[0]}/{args.db}"


async def _events(count: int) -> None:
    for start in range(0, count, 100):
        async with in_transaction():
            for i in range(start, min(start + 100, count)):
                data = {"number": f"C-{i}", "total": money_json(Decimal("1234.5")), "lines": [{"sku": "PW-1"}] * 5}
                await emit(EventType.ORDER_CREATED, ids.encode("Order", i), data, None)


async def run(args: argparse.Namespace) -> None:
    url = await _database(args)
    await Tortoise.init(config=tortoise_config(url))
    try:
        await Tortoise.generate_schemas()
        with receiving(args.port) as hook:
            await _wait_for(args.port)
            await WebhookSubscription.create(url=hook, events=["ORDER_CREATED"], secret=new_secret())
            await _events(args.events)
            settings = Settings(app_env="development", deliver_mail_in_web=False)
            started = time.perf_counter()
            await fanout.fan_out_all()
            fanned = time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            sent = await delivery.deliver_due(settings, limit=args.batch)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
        left = await WebhookDelivery.exclude(status=WebhookDeliveryStatus.DELIVERED).count()
        counts: list[Any] = await WebhookDelivery.all().values_list("attempts", flat=True)
        attempts = sum(counts)
    finally:
        await Tortoise.close_connections()
    database = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"{database}, {args.events} events, one worker, {args.batch} deliveries at once")
    print(f"fan-out: {args.events / fanned:,.0f} events/s ({fanned:.2f} s)")
    rate = f"{sent / took:,.0f} deliveries/s"
    print(f"delivered {sent} in {took:.2f} s: {rate} ({attempts} attempts, {left} not delivered)")
    per = 1000 * cpu / max(sent, 1)
    print(f"the worker's CPU: {cpu:.2f} s, {per:.2f} ms a delivery ({sent / cpu:,.0f} deliveries per CPU-second)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=delivery.BATCH, help="deliveries sent at once")
    parser.add_argument("--port", type=int, default=18390, help="the receiver's port on 127.0.0.1")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--db", default="bench_webhooks")
    parser.add_argument(
        "--url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="any database on the server (used to drop and create --db)",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
