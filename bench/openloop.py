"""Open-loop HTTP/1.1 load: requests sent on a fixed schedule, latency from the scheduled time.

    .venv/bin/python bench/openloop.py --url http://127.0.0.1:8770/healthz --method GET --rate 500

A closed-loop client (wrk, or N clients each waiting for its reply) sends less when the server
slows down, so a stall is hidden behind the requests that were never sent ("coordinated
omission"). Here request i is due at t0 + i / rate whether or not earlier replies came back; it
goes out on an idle keep-alive connection from a pool (a new one is opened while fewer than
`max_connections` exist, otherwise it waits for one), and its latency runs from when it was
*due* to the last byte of the reply, so waiting at the client counts as it would for a user.

The generator must keep up for that to hold: a send more than 1 ms behind its schedule is
counted as late (the event loop woke late or no connection was free), and the generator's own
CPU is reported. It runs the standard asyncio loop on a select() selector: select() takes its timeout in
microseconds, while epoll (asyncio's default) rounds it up to the next millisecond, which made
about a third of the sends late at 200/s, and uvloop's clock and timers are milliseconds too.
select() is limited to 1,024 descriptors, far more than the pool holds. Only the host and port given are contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import selectors
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: a send this far behind its schedule counts as late
LATE = 0.001


def schedule(rate: float, duration: float) -> list[float]:
    """Send offsets in seconds from the start: evenly spaced at `rate` per second, covering `duration`."""
    if rate <= 0 or duration <= 0:
        return []
    return [i / rate for i in range(max(1, math.floor(rate * duration + 1e-9)))]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (the smallest value with at least p % of the values at or below it)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def http_request(host: str, port: int, path: str, body: bytes | None, headers: dict[str, str]) -> bytes:
    method = "GET" if body is None else "POST"
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


@dataclass
class OpenLoopResult:
    rate: float
    duration: float
    scheduled: int = 0
    sends: int = 0
    completed: int = 0
    errors: int = 0
    first_error: str = ""
    #: sends more than LATE behind their schedule, and the worst lag
    late: int = 0
    max_lag_ms: float = 0.0
    #: sends that found no idle connection and none could be opened (pool at max_connections)
    waited: int = 0
    connections: int = 0
    #: reused connections the server had closed meanwhile (the request was sent again on a new one)
    retried: int = 0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    #: how far behind its schedule each send went out
    lags_ms: list[float] = field(default_factory=list, repr=False)
    #: seconds from the first send to the last
    send_span: float = 0.0
    generator_cpu_s: float = 0.0

    @property
    def achieved_rate(self) -> float:
        """Sends per second actually made (the schedule's rate if the generator kept up)."""
        return (self.sends - 1) / self.send_span if self.sends > 1 and self.send_span > 0 else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    @property
    def max_ms(self) -> float:
        return max(self.latencies_ms, default=0.0)

    def summary(self) -> dict[str, float | int | str]:
        return {
            "target_rps": round(self.rate, 2),
            "achieved_rps": round(self.achieved_rate, 2),
            "duration_s": self.duration,
            "scheduled": self.scheduled,
            "completed": self.completed,
            "errors": self.errors,
            "p50_ms": round(self.p(50), 2),
            "p99_ms": round(self.p(99), 2),
            "max_ms": round(self.max_ms, 2),
            "late_sends": self.late,
            "p50_send_lag_ms": round(percentile(self.lags_ms, 50), 3),
            "p99_send_lag_ms": round(percentile(self.lags_ms, 99), 3),
            "max_send_lag_ms": round(self.max_lag_ms, 2),
            "waited_for_connection": self.waited,
            "connections": self.connections,
            "generator_cpu_s": round(self.generator_cpu_s, 3),
            **({"first_error": self.first_error} if self.first_error else {}),
        }


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class StaleConnection(Exception):
    """A reused keep-alive connection closed before any byte of the reply."""


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the connection may be kept, of one HTTP/1.1 response."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial:
            raise StaleConnection from e
        raise
    status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(chunk[:-2])
        body = b"".join(chunks)
    else:
        body = await reader.read()
        return status, body, False
    return status, body, headers.get("connection", "").lower() != "close"


class OpenLoop:
    def __init__(self, host: str, port: int, request: bytes, max_connections: int, error_marker: bytes | None) -> None:
        self.host, self.port, self.request = host, port, request
        self.max_connections = max_connections
        self.error_marker = error_marker
        self.idle: list[Connection] = []  # LIFO: the hot connections stay in use, idle ones may time out
        self.live = 0
        self.waiters: list[asyncio.Future[Connection | None]] = []
        self.result = OpenLoopResult(0, 0)
        self.first_send = self.last_send = 0.0

    async def connect(self) -> Connection:
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
        self.result.connections += 1
        return reader, writer

    def idle_connection(self) -> Connection | None:
        while self.idle:
            reader, writer = self.idle.pop()
            if not reader.at_eof() and not writer.is_closing():
                return reader, writer
            self.discard((reader, writer), wake=False)
        return None

    async def acquire(self) -> Connection:
        while True:
            conn = self.idle_connection()
            if conn is not None:
                return conn
            if self.live < self.max_connections:
                self.live += 1
                try:
                    return await self.connect()
                except BaseException:
                    self.live -= 1
                    raise
            waiter: asyncio.Future[Connection | None] = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            got = await waiter
            if got is not None:
                return got

    def release(self, conn: Connection) -> None:
        while self.waiters:
            waiter = self.waiters.pop(0)
            if not waiter.done():
                waiter.set_result(conn)
                return
        self.idle.append(conn)

    def discard(self, conn: Connection, wake: bool = True) -> None:
        conn[1].close()
        self.live -= 1
        if wake:  # a waiter may now open a connection of its own
            while self.waiters:
                waiter = self.waiters.pop(0)
                if not waiter.done():
                    waiter.set_result(None)
                    break

    def sent(self, due: float) -> None:
        now = time.perf_counter()
        result = self.result
        result.sends += 1
        if result.sends == 1:
            self.first_send = now
        self.last_send = now
        lag = now - due
        if lag > LATE:
            result.late += 1
        result.max_lag_ms = max(result.max_lag_ms, lag * 1000)
        result.lags_ms.append(lag * 1000)

    async def exchange(self, due: float, conn: Connection | None) -> None:
        """One request due at `due` (perf_counter): on `conn` (already sent) or on one acquired here."""
        result = self.result
        try:
            if conn is None:
                result.waited += 1 if self.live >= self.max_connections and not self.idle else 0
                conn = await self.acquire()
                conn[1].write(self.request)
                self.sent(due)
            fresh_retry_done = False
            while True:
                try:
                    status, body, keep = await read_response(conn[0])
                    break
                except (StaleConnection, ConnectionResetError, BrokenPipeError):
                    self.discard(conn)
                    if fresh_retry_done:
                        raise
                    fresh_retry_done = True
                    result.retried += 1
                    self.live += 1
                    try:
                        conn = await self.connect()
                    except BaseException:
                        self.live -= 1
                        raise
                    conn[1].write(self.request)
            finished = time.perf_counter()
        except Exception as e:  # noqa: BLE001 - counted and reported, the run goes on
            result.errors += 1
            result.first_error = result.first_error or f"{type(e).__name__}: {e}"
            return
        if keep:
            self.release(conn)
        else:
            self.discard(conn)
        if status != 200 or (self.error_marker is not None and self.error_marker in body):
            result.errors += 1
            result.first_error = result.first_error or f"HTTP {status}: {body[:300]!r}"
            return
        result.completed += 1
        result.latencies_ms.append((finished - due) * 1000)

    async def run(self, rate: float, duration: float, preopen: int, drain_timeout: float) -> OpenLoopResult:
        self.result = result = OpenLoopResult(rate, duration)
        offsets = schedule(rate, duration)
        result.scheduled = len(offsets)
        for _ in range(min(preopen, self.max_connections)):
            self.live += 1
            self.idle.append(await self.connect())
        tasks: set[asyncio.Task[None]] = set()
        cpu = time.process_time()
        start = time.perf_counter() + 0.05
        self.first_send = self.last_send = 0.0
        for offset in offsets:
            due = start + offset
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            conn = self.idle_connection()
            if conn is not None:  # send now, in the scheduler, so a send is never behind a task switch
                conn[1].write(self.request)
                self.sent(due)
            task = asyncio.create_task(self.exchange(due, conn))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            _, pending = await asyncio.wait(set(tasks), timeout=drain_timeout)
            for task in pending:
                task.cancel()
            result.errors += len(pending)
            if pending and not result.first_error:
                result.first_error = f"{len(pending)} replies not in within {drain_timeout} s after the last send"
        result.send_span = self.last_send - self.first_send
        result.generator_cpu_s = time.process_time() - cpu
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()
        return result


def run_open_loop(
    url: str,
    rate: float,
    duration: float,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    max_connections: int = 64,
    preopen: int = 8,
    drain_timeout: float = 10.0,
    error_marker: bytes | None = b'"errors":',
) -> OpenLoopResult:
    """Requests to `url` at `rate` per second for `duration` seconds (a fresh event loop)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = http_request(host, port, parts.path or "/", body, headers or {})
    loop = OpenLoop(host, port, request, max_connections, error_marker)
    with asyncio.Runner(loop_factory=lambda: asyncio.SelectorEventLoop(selectors.SelectSelector())) as runner:
        return runner.run(loop.run(rate, duration, preopen, drain_timeout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT/path")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--method", choices=("GET", "POST"), default="POST")
    parser.add_argument("--body", default="{}", help="JSON body for POST")
    parser.add_argument("--token", default="", help="bearer token")
    parser.add_argument("--connections", type=int, default=64, help="most connections open at once")
    args = parser.parse_args()
    host = urlsplit(args.url).hostname
    if host not in ("127.0.0.1", "localhost"):
        parser.error("only 127.0.0.1 / localhost")
    headers = {"Content-Type": "application/json", "Accept-Language": "nl"}
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    body = None if args.method == "GET" else args.body.encode()
    result = run_open_loop(args.url, args.rate, args.duration, body, headers, args.connections)
    print(json.dumps(result.summary(), indent=1))


if __name__ == "__main__":
    main()
