"""Throughput, server CPU and latency of the GraphQL API against hand-written SQL + orjson.

    .venv/bin/python bench/load.py --products 1000 --db bench_1k
    .venv/bin/python bench/load.py --products 100000 --db bench_100k
    .venv/bin/python bench/run.py --dbs bench_1k,bench_100k
    .venv/bin/python bench/run.py --dbs bench_1k --compare main      # this checkout against main

For each database: start uvicorn (httptools, uvloop, 1 worker, no access log) on bench.app:app
(the production app plus the hand-written twins) with APP_ENV=production on 127.0.0.1, wait
for /healthz, check that every GraphQL page and its hand-written twin (bench/handwritten.py)
answer the same JSON (pages 1 and 2; exit 1 if not), then run wrk on each scenario:

  products    products(first: 20): name, listPrice, netPrice, priceBreaks, availability (50 branches)
  quotes      quotes(first: 20): total, lines { product { sku name } quantity unitPrice lineTotal }
  orders      orders(first: 20): placedAt, total, lines { ... as quotes }
  fast_entry  fastEntry of 200 lines with addToCart: false (GraphQL only)

Each target gets a loaded run (--threads / --connections, --duration seconds, optionally cut
into --rounds slices that alternate the targets so all see the same noise; req/s is requests /
time over all slices, p50 / p99 the mean of the slices' wrk percentiles), an unloaded run
(--latency-connections, default 1, for --latency-duration seconds: the latency of one request,
which is what must stay flat from 1k to 100k products), and an open-loop run (bench/openloop.py)
at --openloop-fraction (0.5) of its loaded req/s for --openloop-duration seconds: requests sent
on a fixed schedule, latency from the scheduled send time, so queueing is not hidden.

"cpu ms/req" is the uvicorn process's utime + stime (/proc/<pid>/stat) over a run divided by the
requests it served: Python (and the C under it) of the server, not PostgreSQL's.

--compare REF checks REF out (`git worktree add --detach`, in a temporary directory removed at the
end), starts its GraphQL on --port + 1 and the current checkout's twin on --port + 2, and adds a
"graphql@REF" target to every scenario, alternating with the others slice by slice.
Only 127.0.0.1 is contacted; every wrk run is bounded by --duration.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
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

if __package__ in (None, ""):  # run as a script: bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.openloop import OpenLoopResult, run_open_loop  # noqa: E402

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


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    db: str
    scenario: str
    endpoint: str
    #: the commit the endpoint's server runs ("" for the current checkout's working tree)
    commit: str = ""
    requests: int = 0
    seconds: float = 0.0
    p50s: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)
    #: utime + stime of the uvicorn process over the loaded slices, in seconds, and the requests
    #: it served meanwhile (wrk's, plus the one each connection leaves in flight when wrk stops)
    cpu_seconds: float = 0.0
    cpu_requests: int = 0
    #: p50 / p99 of the unloaded run (--latency-connections, default 1 connection)
    idle_p50: float = 0.0
    idle_p99: float = 0.0
    idle_rps: float = 0.0
    idle_cpu_ms: float = 0.0
    #: the open-loop run at --openloop-fraction of `rps`
    openloop: OpenLoopResult | None = None
    openloop_cpu_ms: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return sum(self.p50s) / len(self.p50s) if self.p50s else 0.0

    @property
    def p99(self) -> float:
        return sum(self.p99s) / len(self.p99s) if self.p99s else 0.0

    @property
    def cpu_ms(self) -> float:
        """Server CPU (user + system) per request under load, in ms."""
        return self.cpu_seconds * 1000 / self.cpu_requests if self.cpu_requests else 0.0


# ---------------------------------------------------------------------- the server


class Server:
    """One uvicorn, 1 worker, serving `app` from the checkout at `root` (the current one by default)."""

    def __init__(self, db_url: str, port: int, root: Path = ROOT, app: str = "bench.app:app", name: str = "") -> None:
        self.db_url = db_url
        self.port = port
        self.root = root
        self.app = app
        self.name = name or str(root)
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
            # Budgets counted on every request, never run out by the load.
            "RATE_LIMIT_REQUESTS": os.environ.get("RATE_LIMIT_REQUESTS", "1000000000"),
            "RATE_LIMIT_COST": os.environ.get("RATE_LIMIT_COST", "1000000000000"),
            "PYTHONPATH": str(self.root),
        }
        command = [
            str(PYTHON),
            "-m",
            "uvicorn",
            self.app,
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
            command, cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"uvicorn exited ({self.proc.returncode}); log: {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        self.check_one_process()
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise BenchError(f"/healthz did not answer within 60 s; log: {self.log.name}")

    def check_one_process(self) -> None:
        """With --workers 1 uvicorn serves in the process we started (no supervisor, no fork), so its
        /proc/<pid>/stat CPU is the server's: fail if it has children (then it would not be)."""
        assert self.proc is not None
        children = [
            child
            for task in Path(f"/proc/{self.proc.pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
        if children:
            self.stop()
            raise BenchError(f"uvicorn {self.proc.pid} has child processes {children}: CPU per request would be wrong")

    def cpu_seconds(self) -> float:
        """utime + stime of the uvicorn process (all its threads), from /proc/<pid>/stat."""
        assert self.proc is not None
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": fields[0] is the state, field 3
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15: utime, stime

    def wait_quiet(self, quiet: float = 0.15, timeout: float = 30.0) -> float:
        """The process's CPU seconds once it has used none for `quiet` seconds (its in-flight requests
        done; a clock tick is 10 ms, so 0.15 s without one is idle), or after `timeout`."""
        last, since = self.cpu_seconds(), time.monotonic()
        deadline = since + timeout
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.cpu_seconds()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return last

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


class Checkout:
    """A detached `git worktree` of REF in a temporary directory, removed by close(): its .venv is a
    symlink to ours, and bench/.token.* are copied into it."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        self.commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-ref-"))
        self.root = self.tmp / "tree"
        try:
            git("worktree", "add", "--detach", str(self.root), self.commit)
            (self.root / ".venv").symlink_to((ROOT / ".venv").resolve())
            if (self.root / "bench").is_dir():
                for token in HERE.glob(".token*"):
                    shutil.copy2(token, self.root / "bench" / token.name)
        except BaseException:
            self.close()
            raise

    @property
    def app(self) -> str:
        """REF's bench.app:app (its GraphQL plus its twin) or, before bench/app.py existed, app:app."""
        return "bench.app:app" if (self.root / "bench" / "app.py").exists() else "app:app"

    def close(self) -> None:
        subprocess.run(["git", "worktree", "remove", "--force", str(self.root)], cwd=ROOT, capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def current_commit() -> str:
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT, check=False).returncode != 0
    return git("rev-parse", "HEAD") + ("+dirty" if dirty else "")


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


def check_same(graphql_server: Server, hand_server: Server, token: str, scenario: str) -> int:
    """Pages 1 and 2 of the scenario, GraphQL (without extensions) vs hand-written: equal JSON or BenchError."""
    document, root, path = PAGES[scenario]
    after = None
    edges = 0
    for page in (1, 2):
        graphql = without_extensions(
            graphql_server.post("/graphql", {"query": document, "variables": {"first": 20, "after": after}}, token)
        )
        hand = hand_server.post(path, {"first": 20, "after": after}, token)
        if "errors" in graphql or not graphql.get("data"):
            answer = json.dumps(graphql)[:500]
            raise BenchError(f"{scenario} ({graphql_server.name}): GraphQL answered errors: {answer}")
        difference = first_difference(graphql, hand)
        if difference is not None:
            where = f"{scenario} page {page} ({graphql_server.name})"
            raise BenchError(f"{where}: GraphQL and hand-written answers differ at {difference}")
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


@dataclass
class Target:
    result: Result
    server: Server
    path: str
    body: dict[str, Any]


def measured_wrk(target: Target, token: str, seconds: float, threads: int, connections: int) -> tuple:
    """wrk on one target, and the server's CPU seconds per request over the run.

    When wrk stops, each of its connections leaves one request in flight, which the server still
    completes: the CPU is read once the server has gone quiet again, and divided by the requests
    wrk completed plus those `connections`. (Read right after wrk, a 1 s slice at 15 req/s and 16
    connections gave twice the CPU per request of a 10 s one.) Draining also keeps that work out of
    the next target's slice."""
    before = target.server.cpu_seconds()
    requests, elapsed, p50, p99 = wrk(target.server, target.path, target.body, token, seconds, threads, connections)
    cpu = target.server.wait_quiet() - before
    return requests, elapsed, p50, p99, cpu, requests + connections


def say(target: Target, what: str, connections: str) -> None:
    r = target.result
    print(f"    {r.endpoint:16} {r.scenario:10} {what}  ({connections})", flush=True)


def measure(targets: list[Target], token: str, args: argparse.Namespace) -> None:
    """Alternate the targets in `rounds` slices (order reversed every round), adding up each; then
    the unloaded run and the open-loop run of each target."""
    slice_seconds = args.duration / args.rounds
    for t in targets:  # warm up: caches, pool connections
        wrk(t.server, t.path, t.body, token, 1, 1, min(4, args.connections))
        t.server.wait_quiet()
    for round_ in range(args.rounds):
        for t in targets if round_ % 2 == 0 else list(reversed(targets)):
            requests, seconds, p50, p99, cpu, served = measured_wrk(
                t, token, slice_seconds, args.threads, args.connections
            )
            result = t.result
            result.requests += requests
            result.seconds += seconds
            result.cpu_seconds += cpu
            result.cpu_requests += served
            result.p50s.append(p50)
            result.p99s.append(p99)
            say(
                t,
                f"{requests / seconds:8.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
                f"  cpu {cpu * 1000 / served:6.1f} ms/req",
                f"{args.connections} connections",
            )
    if args.latency_duration > 0:
        for t in targets:
            connections = args.latency_connections
            requests, seconds, p50, p99, cpu, served = measured_wrk(t, token, args.latency_duration, 1, connections)
            result = t.result
            result.idle_rps, result.idle_p50, result.idle_p99 = requests / seconds, p50, p99
            result.idle_cpu_ms = cpu * 1000 / served
            say(
                t,
                f"{result.idle_rps:8.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
                f"  cpu {result.idle_cpu_ms:6.1f} ms/req",
                f"{args.latency_connections} connection",
            )
    if args.openloop_duration > 0:
        for t in targets:
            result = t.result
            rate = result.rps * args.openloop_fraction
            if rate <= 0:
                continue
            before = t.server.cpu_seconds()
            run = run_open_loop(
                f"{t.server.base}{t.path}",
                rate,
                args.openloop_duration,
                json.dumps(t.body).encode(),
                {"Content-Type": "application/json", "Authorization": f"Bearer {token}", "Accept-Language": "nl"},
                max_connections=args.openloop_connections,
            )
            result.openloop = run
            result.openloop_cpu_ms = (t.server.cpu_seconds() - before) * 1000 / max(run.completed, 1)
            if run.errors:
                where = f"open loop {result.endpoint} {result.scenario}"
                raise BenchError(f"{where}: {run.errors} errors, first {run.first_error}")
            say(
                t,
                f"{run.achieved_rate:8.1f} req/s  p50 {run.p(50):7.1f} ms  p99 {run.p(99):7.1f} ms"
                f"  max {run.max_ms:7.1f} ms  cpu {result.openloop_cpu_ms:6.1f} ms/req"
                f"  late sends {run.late}/{run.scheduled}",
                f"open loop at {rate:.1f}/s, {run.connections} connections",
            )


def bench_database(db: str, args: argparse.Namespace, ref: Checkout | None) -> list[Result]:
    db_url = f"{args.server}/{db}"
    token_file = HERE / f".token.{db}"
    if not token_file.exists():
        raise BenchError(f"{token_file} is missing: run bench/load.py --db {db} first")
    token = token_file.read_text().strip()
    server = Server(db_url, args.port, name="current checkout")
    ref_server = Server(db_url, args.port + 1, ref.root, ref.app, f"{ref.ref} {ref.commit[:10]}") if ref else None
    # With --compare the twin gets a uvicorn of its own (the current checkout's, on port + 2), so
    # that each GraphQL process serves GraphQL only and the two are measured alike.
    hand_server = Server(db_url, args.port + 2, name="current checkout, twin") if ref else server
    ref_label = f"graphql@{ref.ref}" if ref else ""
    commit = current_commit()
    results: list[Result] = []
    print(f"== {db}: uvicorn on {server.base}", flush=True)
    try:
        server.start()
        if ref and ref_server:
            print(f"   {ref_label} ({ref.commit[:10]}, {ref.app}): uvicorn on {ref_server.base}", flush=True)
            ref_server.start()
            print(f"   handwritten: uvicorn on {hand_server.base}", flush=True)
            hand_server.start()
        for scenario in args.scenarios:
            targets: list[Target] = []
            if scenario == "fast_entry":
                text = asyncio.run(fast_entry_text(db_url))
                body = {"query": FAST_ENTRY, "variables": {"text": text}}
                check_fast_entry(server, token, text)
                targets.append(Target(Result(db, scenario, "graphql", commit), server, "/graphql", body))
                if ref and ref_server:
                    check_fast_entry(ref_server, token, text)
                    ours = without_extensions(server.post("/graphql", body, token))
                    difference = first_difference(ours, without_extensions(ref_server.post("/graphql", body, token)))
                    if difference is not None:
                        raise BenchError(f"fast_entry: the current checkout and {ref_label} differ at {difference}")
                    targets.append(Target(Result(db, scenario, ref_label, ref.commit), ref_server, "/graphql", body))
                print("  fast_entry: checked (200 lines, addToCart false)", flush=True)
            else:
                edges = check_same(server, hand_server, token, scenario)
                print(f"  {scenario}: GraphQL == hand-written on pages 1 and 2 ({edges} edges)", flush=True)
                document, _, path = PAGES[scenario]
                body = {"query": document, "variables": {"first": 20, "after": None}}
                targets.append(Target(Result(db, scenario, "graphql", commit), server, "/graphql", body))
                if ref and ref_server:
                    check_same(ref_server, hand_server, token, scenario)
                    print(f"  {scenario}: {ref_label} == hand-written on pages 1 and 2", flush=True)
                    targets.append(Target(Result(db, scenario, ref_label, ref.commit), ref_server, "/graphql", body))
                hand_body = {"first": 20, "after": None}
                targets.append(Target(Result(db, scenario, "handwritten", commit), hand_server, path, hand_body))
            measure(targets, token, args)
            results += [t.result for t in targets]
    finally:
        server.stop()
        if ref_server:
            ref_server.stop()
        hand_server.stop()
    return results


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def ratios(index: dict[tuple[str, str, str], Result]) -> list[str]:
    """GraphQL / hand-written of this checkout (and of REF, and this checkout / REF), as req/s and as
    1 / cpu ms/req: in every column, above 1 means the first is faster."""
    ref = next((endpoint for _, _, endpoint in index if endpoint.startswith("graphql@")), None)
    pairs = [("graphql/hand", "graphql", "handwritten")]
    if ref:
        pairs += [("REF/hand", ref, "handwritten"), ("graphql/REF", "graphql", ref)]
    names = " ".join(f"{name:>12}" for name, _, _ in pairs)
    span = max(16, 13 * len(pairs) - 1)
    out = [
        "",
        "ratios (above 1: the first is faster)" + (f", REF = {ref}:" if ref else ":"),
        f"{'':24} {' req/s ':-^{span}}   {' 1 / cpu ms/req ':-^{span}}",
        f"{'database':12} {'scenario':11} {names}   {names}",
    ]
    for db, scenario, endpoint in index:
        if endpoint != "graphql":
            continue
        rows = [(index.get((db, scenario, a)), index.get((db, scenario, b))) for _, a, b in pairs]
        rps = " ".join(f"{ratio(a.rps, b.rps) if a and b else '-':>12}" for a, b in rows)
        cpu = " ".join(f"{ratio(b.cpu_ms, a.cpu_ms) if a and b else '-':>12}" for a, b in rows)
        out.append(f"{db:12} {scenario:11} {rps}   {cpu}")
    return out


def report(results: list[Result], args: argparse.Namespace) -> str:
    width = max([12, *(len(r.endpoint) for r in results)])
    head = f"{'database':12} {'scenario':11} {'endpoint':{width}}"
    out = [
        "",
        f"{'':{26 + width}} {'loaded (' + str(args.connections) + ' connections)':>37}"
        f"   {'unloaded (' + str(args.latency_connections) + ' connection)':>37}",
        f"{head} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms/req':>10}"
        f"   {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms/req':>10}",
    ]
    for r in results:
        out.append(
            f"{r.db:12} {r.scenario:11} {r.endpoint:{width}} {r.rps:8.1f} {r.p50:8.1f} {r.p99:8.1f} {r.cpu_ms:10.1f}"
            f"   {r.idle_rps:8.1f} {r.idle_p50:8.1f} {r.idle_p99:8.1f} {r.idle_cpu_ms:10.1f}"
        )
    short = [r for r in results if r.requests and r.requests / args.rounds < 10 * args.connections]
    if short:
        # wrk counts only the replies within its duration: the request each connection has in flight
        # at the end is lost, about connections / 2 requests' worth of time per slice.
        worst = max(args.connections / 2 / (r.requests / args.rounds) for r in short)
        out.append(
            f"note: {len(short)} rows have fewer than 10 x {args.connections} requests per slice; their loaded"
            f" req/s reads up to {worst:.0%} low (longer --duration or fewer --rounds)"
        )
    if any(r.openloop for r in results):
        out += [
            "",
            f"open loop at {args.openloop_fraction:g} x the loaded req/s, {args.openloop_duration:g} s each"
            " (latency from the scheduled send time):",
            f"{head} {'target/s':>8} {'sent/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'cpu ms/req':>10}"
            f" {'late>1ms':>9} {'conns':>5}",
        ]
        for r in results:
            o = r.openloop
            if o:
                out.append(
                    f"{r.db:12} {r.scenario:11} {r.endpoint:{width}} {o.rate:8.1f} {o.achieved_rate:8.1f}"
                    f" {o.p(50):8.1f} {o.p(99):8.1f} {o.max_ms:8.1f} {r.openloop_cpu_ms:10.1f}"
                    f" {o.late:>4}/{o.scheduled:<4} {o.connections:5}"
                )
    index = {(r.db, r.scenario, r.endpoint): r for r in results}
    out += ratios(index)
    dbs = list(dict.fromkeys(r.db for r in results))
    if len(dbs) > 1:
        out += ["", f"unloaded p50 / p99 ms, then loaded req/s, by database ({' vs '.join(dbs)}):"]
        for scenario in dict.fromkeys(r.scenario for r in results):
            for endpoint in dict.fromkeys(r.endpoint for r in results):
                cells = [index.get((db, scenario, endpoint)) for db in dbs]
                if all(cells):
                    shown = "   ".join(
                        f"{c.idle_p50:6.1f} / {c.idle_p99:6.1f} ms, {c.rps:6.1f} req/s" for c in cells if c
                    )
                    out.append(f"  {scenario:10} {endpoint:{width}} {shown}")
    return "\n".join(out)


def as_json(r: Result) -> dict[str, Any]:
    return {
        "db": r.db,
        "scenario": r.scenario,
        "endpoint": r.endpoint,
        "commit": r.commit,
        "rps": round(r.rps, 1),
        "p50_ms": round(r.p50, 2),
        "p99_ms": round(r.p99, 2),
        "cpu_ms_per_req": round(r.cpu_ms, 2),
        "unloaded_rps": round(r.idle_rps, 1),
        "unloaded_p50_ms": round(r.idle_p50, 2),
        "unloaded_p99_ms": round(r.idle_p99, 2),
        "unloaded_cpu_ms_per_req": round(r.idle_cpu_ms, 2),
        "openloop": {**r.openloop.summary(), "cpu_ms_per_req": round(r.openloop_cpu_ms, 2)} if r.openloop else None,
    }


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
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="a git ref (commit, branch): also serve its GraphQL from a temporary checkout, alternately",
    )
    parser.add_argument(
        "--openloop-duration", type=float, default=5.0, help="seconds of open-loop load per target (0: skip)"
    )
    parser.add_argument(
        "--openloop-fraction", type=float, default=0.5, help="open-loop rate as a fraction of the loaded req/s"
    )
    parser.add_argument("--openloop-connections", type=int, default=64, help="most connections of the open loop")
    parser.add_argument("--port", type=int, default=8765, help="the current checkout's uvicorn; REF's gets port + 1")
    parser.add_argument("--json", type=Path, default=HERE / "last-run.json", help="where to write the results")
    args = parser.parse_args()
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - {*PAGES, "fast_entry"}
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if not all(h in args.server for h in ("127.0.0.1",)) and "localhost" not in args.server:
        parser.error("--server must be on 127.0.0.1 / localhost")
    if subprocess.run(["which", "wrk"], capture_output=True, check=False).returncode != 0:
        parser.error("wrk is not installed: apt-get install -y wrk")
    # SIGTERM unwinds like Ctrl-C, so the servers are stopped and REF's checkout removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ref = Checkout(args.compare) if args.compare else None
    try:
        results: list[Result] = []
        for db in [d.strip() for d in args.dbs.split(",") if d.strip()]:
            results += bench_database(db, args, ref)
    finally:
        if ref:
            ref.close()
    print(report(results, args))
    args.json.write_text(json.dumps([as_json(r) for r in results], indent=1) + "\n")


if __name__ == "__main__":
    main()
    sys.exit()
