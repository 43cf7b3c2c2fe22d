"""Python CPU per request, in-process, for each page and its hand-written twin; optionally the
cProfile shares by package and the objects left in reference cycles per request.

    .venv/bin/python bench/cpu.py --db bench_1k                 # CPU per request (best, median)
    .venv/bin/python bench/cpu.py --db bench_1k --profile       # + tottime share by package
    .venv/bin/python bench/cpu.py --db bench_1k --cycles        # + gc: objects freed per request

The app (bench.app, production settings) is served through httpx's ASGI transport, one request
at a time, so the numbers are the Python CPU of one request (`time.process_time`, which counts
this process only: PostgreSQL's own work is not in it).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.run import PAGES  # noqa: E402


def environment(db_url: str) -> None:
    os.environ.update(
        APP_ENV="production",
        DATABASE_URL=db_url,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdef"),
        DELIVER_MAIL_IN_WEB="false",
        SMTP_HOST="127.0.0.1",
        PUBLIC_URL="https://shop.bench.invalid",
        API_PUBLIC_URL="http://127.0.0.1:1",
        MAIL_FROM="no-reply@bench.invalid",
        HELPDESK_EMAIL="helpdesk@bench.invalid",
        # The budgets are counted (their cost is part of every request) but never run out here.
        RATE_LIMIT_REQUESTS=os.environ.get("RATE_LIMIT_REQUESTS", "1000000000"),
        RATE_LIMIT_COST=os.environ.get("RATE_LIMIT_COST", "1000000000000"),
    )


def package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    if filename.startswith("<compiled"):
        return "compiled selections"
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    if "/python3" in filename:
        return "stdlib:" + filename.rsplit("/", 1)[1].removesuffix(".py")
    rel = os.path.relpath(filename, HERE.parent)
    return rel.split("/")[0] if not rel.startswith("..") else filename


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_1k")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--scenarios", default="products,quotes,orders")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cycles", action="store_true")
    args = parser.parse_args()
    environment(f"{args.server}/{args.db}")

    import httpx
    from asgi_lifespan import LifespanManager

    from bench.app import create_bench_app

    token = (HERE / f".token.{args.db}").read_text().strip()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "nl"}
    app = create_bench_app()
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
            for scenario in args.scenarios.split(","):
                document, _, path = PAGES[scenario]
                targets = {
                    "graphql": ("/graphql", {"query": document, "variables": {"first": 20, "after": None}}),
                    "handwritten": (path, {"first": 20, "after": None}),
                }
                for endpoint, (url, body) in targets.items():
                    payload = json.dumps(body)

                    async def once(url: str = url, payload: str = payload) -> None:
                        response = await client.post(url, content=payload, headers={"Content-Type": "application/json"})
                        assert response.status_code == 200, response.text[:300]
                        assert "errors" not in response.json(), response.text[:300]

                    for _ in range(3):
                        await once()
                    cpu = []
                    for _ in range(args.repeat):
                        start = time.process_time()
                        await once()
                        cpu.append((time.process_time() - start) * 1000)
                    line = f"{scenario:10} {endpoint:12} cpu ms/request best {min(cpu):6.1f}"
                    line += f" median {statistics.median(cpu):6.1f}"
                    if args.cycles:
                        gc.collect()
                        gc.disable()
                        freed = []
                        for _ in range(5):
                            await once()
                            freed.append(gc.collect())
                        gc.enable()
                        line += f"   objects in cycles/request {statistics.median(freed):7.0f}"
                    print(line, flush=True)
                    if args.profile and endpoint == "graphql":
                        profiler = cProfile.Profile()
                        profiler.enable()
                        for _ in range(args.repeat):
                            await once()
                        profiler.disable()
                        stats = pstats.Stats(profiler)
                        shares: dict[str, float] = defaultdict(float)
                        calls = 0
                        for (filename, _, _), (_, ncalls, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
                            shares[package(filename)] += tottime
                            calls += ncalls
                        total = sum(shares.values())
                        top = sorted(shares.items(), key=lambda kv: -kv[1])[:10]
                        print(f"    {calls / args.repeat:,.0f} calls/request; tottime share:", flush=True)
                        for name, t in top:
                            print(f"      {name:28} {100 * t / total:5.1f} %", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
