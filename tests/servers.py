"""The app as a real uvicorn process, for tests that need several processes or the command line."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx

from settings import ROOT


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app on port {port} ended: {process.stderr.read() if process.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"the app on port {port} did not start")


@contextmanager
def uvicorn(env: dict[str, str], *ports: int, timeout: float = 30.0) -> Iterator[list[str]]:
    """One `uvicorn app:app` per port with `env`, each answering /healthz; yields their /graphql
    URLs, and stops them (killed if they do not end within 10 s)."""
    with ExitStack() as stack:
        processes = []
        for port in ports:
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            stack.callback(_stop, process)
            processes.append(process)
        for port, process in zip(ports, processes, strict=True):
            _wait_until_up(port, process, timeout)
        yield [f"http://127.0.0.1:{port}/graphql" for port in ports]


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
