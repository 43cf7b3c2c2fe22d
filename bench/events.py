"""Events written per second under a submit load, and what writing them costs.

    .venv/bin/python bench/events.py --clients 16 --duration 10 --rounds 3 --port 18210

Makes the database `--db` (dropped first) with one company per client (a VIEW_PRICES_AND_ORDER
member, a shared quick list of `--lines` lines), then serves the app with
uvicorn (1 worker, httptools, uvloop, APP_ENV=production: bench/run.py's Server) and runs
`--clients` concurrent clients, each submitting on its own account as fast as it is answered:
`cartSubmit` after a `cartLinesAdd` of the lines (`--submit cart`, the default), or
`quickListSubmit` (`--submit quick-list`, one request per submit). Every submit writes one event
(VALIDATION_LIST_SUBMITTED), and every event takes the one "event" counter's row lock until its
commit, so events are written one transaction at a time: that is what is measured.

Each round measures the server with events, then the same server with event emission switched off
(bench/events_app.py: the submits' snapshot and emit() skipped, nothing else changed), after
`--warmup` seconds each; it prints submits/s, events/s (rows added to the event table in the
window, over its length), p50 / p99 submit latency, the server's CPU per submit (uvicorn's utime
+ stime: robust to a busy machine where req/s is not), and the ratio of submits/s with and without
events. `--ceiling` adds the events/s of `--clients` in-process writers doing nothing but
one-event transactions: the most the one counter lets through. After the run the feed is checked
gap-free (sequences 1..n). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx

if __package__ in (None, ""):  # run as a script: bench/events.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.openloop import percentile  # noqa: E402
from bench.run import Server  # noqa: E402

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
CART_ADD = "mutation($lines: [LineInput!]!) { cartLinesAdd(lines: $lines) { userErrors { code } } }"
CART_SUBMIT = (
    "mutation($input: SubmitInput!) { cartSubmit(input: $input) { validationList { id } userErrors { code } } }"
)
LIST_SUBMIT = """mutation($id: ID!, $input: QuickListSubmitInput!) {
  quickListSubmit(id: $id, input: $input) { validationList { id } userErrors { code } } }"""


@dataclass
class Account:
    token: str
    quick_list_id: str


@dataclass
class Seed:
    branch_id: str
    product_ids: list[str]
    accounts: list[Account]


async def make_database(db: str, clients: int, lines: int) -> Seed:
    """A fresh database with the schema, a branch, `lines` products and one account per client."""
    from tortoise.context import TortoiseContext

    from models import (
        Branch,
        Company,
        CustomerNumber,
        CustomerNumberKind,
        Membership,
        MembershipStatus,
        Product,
        QuickList,
        QuickListLine,
        Role,
        User,
    )
    from resolvers.auth.tokens import create_session
    from resolvers.core import ids
    from settings import Settings, tortoise_config

    conn = await asyncpg.connect(ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{db}"')
    finally:
        await conn.close()
    url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{db}"
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url, Settings(database_url=url)))
        await ctx.generate_schemas()
        branch = await Branch.create(
            code="B1", name="Bench", line1="Rue 1", postal_code="1000", city="Bxl", country_code="BE"
        )
        products = [
            await Product.create(sku=f"EV-{i:04d}", name_fr=f"Produit {i}", list_price=Decimal("9.90") + i)
            for i in range(lines)
        ]
        accounts = []
        for n in range(clients):
            company = await Company.create(
                name=f"Bench {n}", vat_number="BE0403170701", customer_number=str(700000 + n), work_domains=["PVC"]
            )
            await CustomerNumber.create(
                company=company,
                number=company.customer_number,
                kind=CustomerNumberKind.SOLD_TO,
                name=company.name,
                line1="Rue 2",
                postal_code="1000",
                city="Bxl",
                country_code="BE",
            )
            user = await User.create(email=f"bench{n}@events.invalid", first_name="B", last_name=str(n))
            membership = await Membership.create(
                user=user, company=company, role=Role.VIEW_PRICES_AND_ORDER, status=MembershipStatus.ACTIVE
            )
            quick_list = await QuickList.create(company=company, owner=user, name="Bench", shared=True)
            for i, product in enumerate(products):
                await QuickListLine.create(quick_list=quick_list, product=product, quantity=Decimal(2), position=i)
            _, token = await create_session(user, membership, hours=24)
            accounts.append(Account(token, ids.encode("QuickList", quick_list.id)))
        return Seed(ids.encode("Branch", branch.id), [ids.encode("Product", p.id) for p in products], accounts)


@dataclass
class Window:
    """One measured run: submits answered (and their latencies) inside [start, end)."""

    start: float = 0.0
    end: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: int = 0


async def client(http: httpx.AsyncClient, seed: Seed, account: Account, submit: str, stop_at: float, w: Window) -> None:
    headers = {"Authorization": f"Bearer {account.token}"}
    delivery = {"method": "PICKUP", "branchId": seed.branch_id}
    lines = [{"productId": pid, "quantity": "2"} for pid in seed.product_ids]
    while time.monotonic() < stop_at:
        key = uuid.uuid4().hex
        if submit == "cart":
            await http.post("/graphql", json={"query": CART_ADD, "variables": {"lines": lines}}, headers=headers)
            body = {"query": CART_SUBMIT, "variables": {"input": {"delivery": delivery, "idempotencyKey": key}}}
        else:
            variables = {"id": account.quick_list_id, "input": {"delivery": delivery, "idempotencyKey": key}}
            body = {"query": LIST_SUBMIT, "variables": variables}
        started = time.monotonic()
        response = await http.post("/graphql", json=body, headers=headers)
        done = time.monotonic()
        payload = response.json()
        ok = (
            response.status_code == 200
            and "errors" not in payload
            and not next(iter(payload["data"].values()))["userErrors"]
        )
        if w.start <= started and done < w.end:
            if ok:
                w.latencies.append(done - started)
            else:
                w.failures += 1


async def event_count(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval('SELECT count(*) FROM "event"'))
    finally:
        await conn.close()


@dataclass
class Result:
    submits_per_s: float
    events_per_s: float
    p50_ms: float
    p99_ms: float
    failures: int
    #: uvicorn's CPU (utime + stime) per submit answered in the window, in ms.
    cpu_ms: float


async def measure(server: Server, seed: Seed, submit: str, warmup: float, duration: float) -> Result:
    """Every client at once for warmup + duration seconds; what the window [warmup, warmup + duration) saw."""
    limits = httpx.Limits(max_connections=len(seed.accounts), max_keepalive_connections=len(seed.accounts))
    async with httpx.AsyncClient(base_url=server.base, limits=limits, timeout=60) as http:
        now = time.monotonic()
        w = Window(start=now + warmup, end=now + warmup + duration)
        tasks = [asyncio.create_task(client(http, seed, a, submit, w.end, w)) for a in seed.accounts]
        await asyncio.sleep(max(0.0, w.start - time.monotonic()))
        before, cpu_before = await event_count(server.db_url), server.cpu_seconds()
        await asyncio.sleep(max(0.0, w.end - time.monotonic()))
        after, cpu_after = await event_count(server.db_url), server.cpu_seconds()
        await asyncio.gather(*tasks)
    return Result(
        submits_per_s=len(w.latencies) / duration,
        events_per_s=(after - before) / duration,
        p50_ms=statistics.median(w.latencies) * 1000 if w.latencies else 0.0,
        p99_ms=percentile(w.latencies, 99) * 1000,
        failures=w.failures,
        cpu_ms=(cpu_after - cpu_before) * 1000 / len(w.latencies) if w.latencies else 0.0,
    )


async def emit_ceiling(url: str, writers: int, duration: float) -> float:
    """Events/s of `writers` in-process tasks doing nothing but one-event transactions: the most
    the one "event" counter lets through (its row lock is held from the UPDATE to the COMMIT)."""
    from tortoise.context import TortoiseContext
    from tortoise.transactions import in_transaction

    from models import EventType
    from resolvers.event import emit
    from settings import Settings, tortoise_config

    settings = Settings(database_url=url, database_pool_max=writers)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url, settings))
        stop_at = time.monotonic() + duration
        written = 0

        async def writer() -> None:
            nonlocal written
            while time.monotonic() < stop_at:
                async with in_transaction():
                    await emit(EventType.QUOTE_ISSUED, "UXVvdGU6YmVuY2g", {"bench": True}, None)
                written += 1

        started = time.monotonic()
        await asyncio.gather(*(writer() for _ in range(writers)))
        return written / (time.monotonic() - started)


def serve(url: str, port: int, events: bool) -> Server:
    os.environ["BENCH_EVENTS"] = "on" if events else "off"
    server = Server(url, port, app="bench.events_app:app", name="events" if events else "no events")
    try:
        server.start()
    except BaseException:  # Ctrl-C while it starts: stop the uvicorn we started
        server.stop()
        raise
    return server


async def check_gap_free(url: str) -> tuple[int, bool]:
    conn = await asyncpg.connect(url)
    try:
        count, low, high = await conn.fetchrow('SELECT count(*), min(sequence), max(sequence) FROM "event"')
    finally:
        await conn.close()
    return count, count == 0 or (low == 1 and high == count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_events")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients, each on its own account")
    parser.add_argument("--submit", choices=["cart", "quick-list"], default="cart")
    parser.add_argument("--lines", type=int, default=5, help="lines per submit")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=1, help="runs with and without events, alternating")
    parser.add_argument("--port", type=int, default=18210)
    parser.add_argument("--ceiling", action="store_true", help="also: events/s of one-event transactions alone")
    args = parser.parse_args()
    url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{args.db}"
    seed = asyncio.run(make_database(args.db, args.clients, args.lines))
    results: dict[bool, list[Result]] = {True: [], False: []}
    for round_ in range(args.rounds):
        for events in (True, False) if round_ % 2 == 0 else (False, True):
            server = serve(url, args.port, events)
            try:
                result = asyncio.run(measure(server, seed, args.submit, args.warmup, args.duration))
            finally:
                server.stop()
            results[events].append(result)
            print(
                f"round {round_ + 1} {'with' if events else 'without'} events: {result.submits_per_s:.1f} submits/s,"
                f" {result.events_per_s:.1f} events/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms,"
                f" server CPU {result.cpu_ms:.1f} ms/submit, {result.failures} failed",
                flush=True,
            )
    ceiling = asyncio.run(emit_ceiling(url, args.clients, args.duration)) if args.ceiling else None
    count, gap_free = asyncio.run(check_gap_free(url))
    print(
        f"\n{args.clients} clients, {args.submit} submits of {args.lines} lines, {args.rounds} x {args.duration:.0f} s"
    )
    print(f"{'':16}{'submits/s':>11}{'events/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'cpu ms/submit':>15}")
    for events in (True, False):
        rows = results[events]
        print(
            f"{'with events' if events else 'without events':16}"
            + "".join(
                f"{statistics.mean(getattr(r, name) for r in rows):>{width}.1f}"
                for name, width in (
                    ("submits_per_s", 11),
                    ("events_per_s", 10),
                    ("p50_ms", 9),
                    ("p99_ms", 9),
                    ("cpu_ms", 15),
                )
            )
        )
    with_, without = (statistics.mean(r.submits_per_s for r in results[e]) for e in (True, False))
    print(f"submits/s with events / without: {with_ / without:.2f}" if without else "no submit without events")
    if ceiling is not None:
        print(f"emit() alone, {args.clients} writers in one process: {ceiling:.0f} events/s")
    print(f"feed: {count} events, sequences {'1..n, gap-free' if gap_free else 'NOT gap-free'}")
    return 0 if gap_free and not any(r.failures for rows in results.values() for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
