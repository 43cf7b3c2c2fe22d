"""Throughput and latency of the GraphQL API against hand-written SQL + orjson, with wrk.

    .venv/bin/python bench/load.py --products 1000 --db bench_1k
    .venv/bin/python bench/load.py --products 100000 --db bench_100k
    .venv/bin/python bench/run.py --dbs bench_1k,bench_100k

For each database: start uvicorn (httptools, uvloop, 1 worker, no access log) on bench.app:app
(the production app plus the hand-written twins) with APP_ENV=production on 127.0.0.1, wait
for /healthz, check that every GraphQL page and its hand-written twin (bench/handwritten.py)
answer the same JSON (pages 1 and 2; exit 1 if not), then run wrk on each scenario:

  products    products(first: 20): name, listPrice, netPrice, priceBreaks, availability (50 branches)
  quotes      quotes(first: 20): total, lines { product { sku name } quantity unitPrice lineTotal }
  orders      orders(first: 20): placedAt, total, lines { ... as quotes }
  fast_entry  fastEntry of 200 lines with addToCart: false (GraphQL only)

Each target gets a loaded run (--threads / --connections, --duration seconds, optionally cut
into --rounds slices that alternate GraphQL and hand-written so both see the same noise; req/s
is requests / time over all slices, p50 / p99 the mean of the slices' wrk percentiles) and an
unloaded run (--latency-connections, default 1, for --latency-duration seconds): p50 / p99
there are the latency of one request, which is what must stay flat from 1k to 100k products.
Only 127.0.0.1 is contacted; every wrk run is bounded by --duration.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
HOST = "127.0.0.1"

PRODUCTS = """
query Products($first: Int, $after: String) {
  products(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges {
      cursor
      node {
        id sku name
        listPrice { amount currency }
        netPrice { amount currency }
        priceBreaks { minimumQuantity unitPrice { amount currency } }
        availability { branch { code } quantity status }
      }
    }
  }
}"""

QUOTES = """
query Quotes($first: Int, $after: String) {
  quotes(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges {
      cursor
      node {
        id number status
        total { amount currency }
        lines {
          id product { sku name } quantity
          unitPrice { amount currency }
          lineTotal { amount currency }
        }
      }
    }
  }
}"""

ORDERS = """
query Orders($first: Int, $after: String) {
  orders(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges {
      cursor
      node {
        id number status placedAt
        total { amount currency }
        lines {
          id product { sku name } quantity
          unitPrice { amount currency }
          lineTotal { amount currency }
        }
      }
    }
  }
}"""

FAST_ENTRY = """
mutation FastEntry($text: String!) {
  fastEntry(text: $text, addToCart: false) {
    lines { lineNumber status quantity message product { sku name netPrice { amount currency } } }
    userErrors { code message }
  }
}"""

#: scenario -> (GraphQL document, root field, hand-written path)
PAGES = {
    "products": (PRODUCTS, "products", "/bench/products"),
    "quotes": (QUOTES, "quotes", "/bench/quotes"),
    "orders": (ORDERS, "orders", "/bench/orders"),
}

LUA = """
local f = assert(io.open("%(body)s", "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.headers["Accept-Language"] = "nl"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%.0f %%.0f %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


class BenchError(SystemExit):
    def __init__(self, message: str) -> None:
        super().__init__(f"bench/run.py: {message}")


@dataclass
class Result:
    db: str
    scenario: str
    endpoint: str
    requests: int = 0
    seconds: float = 0.0
    p50s: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)
    #: p50 / p99 of the unloaded run (--latency-connections, default 1 connection)
    idle_p50: float = 0.0
    idle_p99: float = 0.0
    idle_rps: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return sum(self.p50s) / len(self.p50s) if self.p50s else 0.0

    @property
    def p99(self) -> float:
        return sum(self.p99s) / len(self.p99s) if self.p99s else 0.0


# ---------------------------------------------------------------------- the server


class Server:
    def __init__(self, db_url: str, port: int) -> None:
        self.db_url = db_url
        self.port = port
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile("w+", prefix="bench-uvicorn-", suffix=".log", delete=False)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "APP_ENV": "production",
            "DATABASE_URL": self.db_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdef"),
            "DELIVER_MAIL_IN_WEB": "false",
            # Production refuses to start without these; the bench sends no mail.
            "SMTP_HOST": os.environ.get("SMTP_HOST", "127.0.0.1"),
            "PUBLIC_URL": os.environ.get("PUBLIC_URL", "https://shop.bench.invalid"),
            "API_PUBLIC_URL": os.environ.get("API_PUBLIC_URL", f"http://{HOST}:{self.port}"),
            "MAIL_FROM": os.environ.get("MAIL_FROM", "no-reply@bench.invalid"),
            "HELPDESK_EMAIL": os.environ.get("HELPDESK_EMAIL", "helpdesk@bench.invalid"),
            "PYTHONPATH": str(ROOT),
        }
        command = [
            str(PYTHON),
            "-m",
            "uvicorn",
            "bench.app:app",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--http",
            "httptools",
            "--loop",
            "uvloop",
            "--workers",
            "1",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"uvicorn exited ({self.proc.returncode}); log: {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise BenchError(f"/healthz did not answer within 60 s; log: {self.log.name}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)  # the group of the uvicorn we started, nothing else
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)

    def post(self, path: str, body: dict, token: str) -> dict:
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}", "Accept-Language": "nl"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


# ---------------------------------------------------------------------- checks


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{path or '/'}: {type(a).__name__} {a!r:.80} != {type(b).__name__} {b!r:.80}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}/{key}: only on the {'GraphQL' if key in a else 'hand-written'} side"
            found = first_difference(a[key], b[key], f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}/{i}")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r:.80} != {b!r:.80}"


def without_extensions(body: dict) -> dict:
    """A GraphQL answer as the twin gives it: `extensions` (the document's cost, schema/core/cost.py)
    has no hand-written counterpart."""
    return {key: value for key, value in body.items() if key != "extensions"}


def check_same(server: Server, token: str, scenario: str) -> int:
    """Pages 1 and 2 of the scenario, GraphQL (without extensions) vs hand-written: equal JSON or BenchError."""
    document, root, path = PAGES[scenario]
    after = None
    edges = 0
    for page in (1, 2):
        graphql = without_extensions(
            server.post("/graphql", {"query": document, "variables": {"first": 20, "after": after}}, token)
        )
        hand = server.post(path, {"first": 20, "after": after}, token)
        if "errors" in graphql or not graphql.get("data"):
            raise BenchError(f"{scenario}: GraphQL answered errors: {json.dumps(graphql)[:500]}")
        difference = first_difference(graphql, hand)
        if difference is not None:
            raise BenchError(f"{scenario} page {page}: GraphQL and hand-written answers differ at {difference}")
        connection = graphql["data"][root]
        edges += len(connection["edges"])
        if page == 1 and len(connection["edges"]) != 20:
            raise BenchError(f"{scenario}: expected a full first page of 20, got {len(connection['edges'])}")
        after = connection["pageInfo"]["endCursor"]
    return edges


async def fast_entry_text(db_url: str, lines: int = 200) -> str:
    """200 lines: SKUs, some EANs (tab-separated) and a few unknown codes; quantity 10 fits
    every generated pack size (1, 2.5, 5, 10)."""
    import asyncpg

    conn = await asyncpg.connect(db_url)
    try:
        rows = await conn.fetch("SELECT sku, ean FROM product WHERE orderable ORDER BY md5(sku) LIMIT $1", lines)
    finally:
        await conn.close()
    text = []
    for i, r in enumerate(rows[: lines - 5]):
        text.append(f"{r['ean']}\t10" if i % 10 == 0 else f"{r['sku']} 10")
    text += [f"UNKNOWN-{i} 1" for i in range(lines - len(text))]
    return "\n".join(text)


def check_fast_entry(server: Server, token: str, text: str) -> None:
    body = server.post("/graphql", {"query": FAST_ENTRY, "variables": {"text": text}}, token)
    payload = (body.get("data") or {}).get("fastEntry")
    if "errors" in body or payload is None or payload["userErrors"]:
        raise BenchError(f"fast_entry: {json.dumps(body)[:500]}")
    if len(payload["lines"]) != 200 or sum(1 for line in payload["lines"] if line["status"] == "OK") < 190:
        raise BenchError(f"fast_entry: unexpected lines {json.dumps(payload['lines'][:3])}")


# ---------------------------------------------------------------------- wrk


def wrk(server: Server, path: str, body: dict, token: str, seconds: float, threads: int, connections: int) -> tuple:
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        body_file = Path(tmp) / "body.json"
        body_file.write_text(json.dumps(body))
        script = Path(tmp) / "post.lua"
        script.write_text(LUA % {"body": body_file, "token": token})
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"{server.base}{path}",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}")
    requests, duration_us, p50, p99, *errors = (float(x) for x in line.split()[1:])
    if any(errors):
        raise BenchError(f"wrk {path}: errors connect/read/write/status/timeout = {errors}\n{done.stdout}")
    return int(requests), duration_us / 1e6, p50 / 1000, p99 / 1000


def measure(server: Server, token: str, targets: list[tuple[Result, str, dict]], args: argparse.Namespace) -> None:
    """Alternate the targets in `rounds` slices (order reversed every round), adding up each."""
    slice_seconds = args.duration / args.rounds
    for _, path, body in targets:  # warm up: caches, pool connections, JIT-less but still
        wrk(server, path, body, token, 1, 1, min(4, args.connections))
    for round_ in range(args.rounds):
        for result, path, body in targets if round_ % 2 == 0 else list(reversed(targets)):
            requests, seconds, p50, p99 = wrk(server, path, body, token, slice_seconds, args.threads, args.connections)
            result.requests += requests
            result.seconds += seconds
            result.p50s.append(p50)
            result.p99s.append(p99)
            print(
                f"    {result.endpoint:12} {result.scenario:10} {requests / seconds:8.1f} req/s"
                f"  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  ({args.connections} connections)",
                flush=True,
            )
    if args.latency_duration > 0:
        for result, path, body in targets:
            requests, seconds, p50, p99 = wrk(
                server, path, body, token, args.latency_duration, 1, args.latency_connections
            )
            result.idle_rps, result.idle_p50, result.idle_p99 = requests / seconds, p50, p99
            print(
                f"    {result.endpoint:12} {result.scenario:10} {requests / seconds:8.1f} req/s"
                f"  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  ({args.latency_connections} connection)",
                flush=True,
            )


def bench_database(db: str, args: argparse.Namespace, port: int) -> list[Result]:
    db_url = f"{args.server}/{db}"
    token_file = HERE / f".token.{db}"
    if not token_file.exists():
        raise BenchError(f"{token_file} is missing: run bench/load.py --db {db} first")
    token = token_file.read_text().strip()
    server = Server(db_url, port)
    results: list[Result] = []
    print(f"== {db}: uvicorn on {server.base}", flush=True)
    server.start()
    try:
        for scenario in args.scenarios:
            if scenario == "fast_entry":
                text = asyncio.run(fast_entry_text(db_url))
                check_fast_entry(server, token, text)
                print("  fast_entry: checked (200 lines, addToCart false)", flush=True)
                result = Result(db, "fast_entry", "graphql")
                body = {"query": FAST_ENTRY, "variables": {"text": text}}
                measure(server, token, [(result, "/graphql", body)], args)
                results.append(result)
                continue
            edges = check_same(server, token, scenario)
            print(f"  {scenario}: GraphQL == hand-written on pages 1 and 2 ({edges} edges)", flush=True)
            document, _, path = PAGES[scenario]
            graphql = Result(db, scenario, "graphql")
            hand = Result(db, scenario, "handwritten")
            targets: list[tuple[Result, str, dict[Any, Any]]] = [
                (graphql, "/graphql", {"query": document, "variables": {"first": 20, "after": None}}),
                (hand, path, {"first": 20, "after": None}),
            ]
            measure(server, token, targets, args)
            results += [graphql, hand]
    finally:
        server.stop()
    return results


def report(results: list[Result]) -> str:
    out = [
        "",
        f"{'':37} {'loaded (-c connections)':>26}   {'unloaded (1 connection)':>26}",
        f"{'database':12} {'scenario':11} {'endpoint':12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
        f"   {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}",
    ]
    for r in results:
        out.append(
            f"{r.db:12} {r.scenario:11} {r.endpoint:12} {r.rps:8.1f} {r.p50:8.1f} {r.p99:8.1f}"
            f"   {r.idle_rps:8.1f} {r.idle_p50:8.1f} {r.idle_p99:8.1f}"
        )
    out += ["", "GraphQL / hand-written (req/s):"]
    index = {(r.db, r.scenario, r.endpoint): r for r in results}
    for (db, scenario, endpoint), r in index.items():
        hand = index.get((db, scenario, "handwritten"))
        if endpoint == "graphql" and hand and hand.rps:
            out.append(f"  {db:12} {scenario:10} {r.rps / hand.rps:5.2f}")
    dbs = list(dict.fromkeys(r.db for r in results))
    if len(dbs) > 1:
        out += ["", f"unloaded p50 / p99 ms, then loaded req/s, by database ({' vs '.join(dbs)}):"]
        for scenario in dict.fromkeys(r.scenario for r in results):
            for endpoint in ("graphql", "handwritten"):
                cells = [index.get((db, scenario, endpoint)) for db in dbs]
                if all(cells):
                    shown = "   ".join(
                        f"{c.idle_p50:6.1f} / {c.idle_p99:6.1f} ms, {c.rps:6.1f} req/s" for c in cells if c
                    )
                    out.append(f"  {scenario:10} {endpoint:12} {shown}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dbs", default="bench_1k,bench_100k", help="comma-separated databases made by load.py")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL, without the db")
    parser.add_argument("--scenarios", default="products,quotes,orders,fast_entry")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of wrk per scenario and endpoint")
    parser.add_argument("--rounds", type=int, default=1, help="alternating slices the duration is cut into")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--latency-duration",
        type=float,
        default=5.0,
        help="seconds of a second, unloaded wrk run per target for p50/p99 (0: skip)",
    )
    parser.add_argument("--latency-connections", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", type=Path, default=HERE / "last-run.json", help="where to write the results")
    args = parser.parse_args()
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - {*PAGES, "fast_entry"}
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if not all(h in args.server for h in ("127.0.0.1",)) and "localhost" not in args.server:
        parser.error("--server must be on 127.0.0.1 / localhost")
    if subprocess.run(["which", "wrk"], capture_output=True, check=False).returncode != 0:
        parser.error("wrk is not installed: apt-get install -y wrk")
    results: list[Result] = []
    for db in [d.strip() for d in args.dbs.split(",") if d.strip()]:
        results += bench_database(db, args, args.port)
    text = report(results)
    print(text)
    args.json.write_text(
        json.dumps(
            [
                {
                    "db": r.db,
                    "scenario": r.scenario,
                    "endpoint": r.endpoint,
                    "rps": round(r.rps, 1),
                    "p50_ms": round(r.p50, 2),
                    "p99_ms": round(r.p99, 2),
                    "unloaded_rps": round(r.idle_rps, 1),
                    "unloaded_p50_ms": round(r.idle_p50, 2),
                    "unloaded_p99_ms": round(r.idle_p99, 2),
                }
                for r in results
            ],
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
    sys.exit()
