"""The service as `make run` starts it: uvicorn in a subprocess, with the Makefile's own arguments,
on a free loopback port, against a temporary SQLite file holding the demo accounts."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tortoise.context import TortoiseContext

from demo import seed_accounts
from settings import ROOT, tortoise_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_run_uvicorn_args() -> list[str]:
    """The arguments `make run` gives uvicorn (after `uvicorn`), read from the Makefile."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "/uvicorn app:app" in line)
    return shlex.split(line.split("/uvicorn", 1)[1])


class LiveServer:
    def __init__(self, process: subprocess.Popen, url: str) -> None:
        self.process, self.url = process, url
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 20) -> str:
        """The first console line matching `pattern` (a regex), waiting for it to be printed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if re.search(pattern, line):
                    return line
            time.sleep(0.05)
        raise AssertionError(f"no console line matches {pattern!r}:\n" + "\n".join(self.lines))

    def graphql(self, query: str, variables: dict | None = None, headers: dict | None = None) -> httpx.Response:
        return httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


def prepare_database(url: str) -> None:
    async def run() -> None:
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(url))
            await ctx.generate_schemas(safe=False)
            await seed_accounts()

    asyncio.run(run())


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db_url = f"sqlite://{tmp_path_factory.mktemp('live') / 'app.sqlite3'}"
    # In a process of its own: initialising Tortoise here for SQLite would leave the SQLite
    # dialect cached on the models for the PostgreSQL tests that run after these.
    code = f"from tests.first_run.conftest import prepare_database; prepare_database({db_url!r})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
    port = free_port()
    args = [a.replace("$(HOST)", "127.0.0.1").replace("$(PORT)", str(port)) for a in make_run_uvicorn_args()]
    env = {k: v for k, v in os.environ.items() if k not in ("SMTP_HOST", "API_PUBLIC_URL", "APP_ENV")}
    env.update(DATABASE_URL=db_url, HOST="127.0.0.1", PORT=str(port), MAIL_POLL_SECONDS="0.1")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "uvicorn"), *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    server = LiveServer(process, f"http://127.0.0.1:{port}")
    try:
        server.wait_for(r"Application startup complete|Traceback")
        assert process.poll() is None, "\n".join(server.lines)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
