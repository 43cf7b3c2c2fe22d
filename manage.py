#!/usr/bin/env python
"""Command line: migrate, seed-demo, create-staff, import-catalog, worker (alias deliver-mail), prune-events."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate as migrate_api

from settings import get_settings, tortoise_config

COMMANDS: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, None]]] = {}


def command(name: str) -> Callable:
    def register(fn: Callable[[argparse.Namespace], Coroutine[Any, Any, None]]) -> Callable:
        COMMANDS[name] = fn
        return fn

    return register


def _ensure_sqlite_dir(url: str | dict) -> None:
    if isinstance(url, str) and url.startswith("sqlite://") and ":memory:" not in url:  # PostgreSQL: a dict
        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


async def _with_db(action: Callable[[], Awaitable[None]]) -> None:
    config = tortoise_config(get_settings().db_url)
    _ensure_sqlite_dir(config["connections"]["default"])
    await Tortoise.init(config=config)
    try:
        await action()
    finally:
        await Tortoise.close_connections()


@command("migrate")
async def cmd_migrate(args: argparse.Namespace) -> None:
    config = tortoise_config(get_settings().db_url)
    _ensure_sqlite_dir(config["connections"]["default"])
    try:
        await migrate_api(config=config)
    finally:
        await Tortoise.close_connections()
    print("migrated")


@command("seed-demo")
async def cmd_seed_demo(args: argparse.Namespace) -> None:
    from demo import seed_demo

    if get_settings().production:  # the demo accounts' password is printed in the README
        raise ValueError("seed-demo refuses to run with APP_ENV=production (its accounts share a public password)")
    await _with_db(seed_demo)


@command("create-staff")
async def cmd_create_staff(args: argparse.Namespace) -> None:
    from resolvers.backoffice import create_staff

    password = os.environ.get("STAFF_PASSWORD") or getpass.getpass("Password: ")

    async def action() -> None:
        user = await create_staff(args.email, password, args.role)
        print(f"staff user {user.email} ({user.staff_role.value if user.staff_role else ''}) ready")

    await _with_db(action)


@command("import-catalog")
async def cmd_import_catalog(args: argparse.Namespace) -> None:
    from resolvers.catalog.code_import import import_article_codes
    from resolvers.catalog.importer import import_catalog

    if not (args.branches or args.products or args.prices or args.stock or args.article_codes):
        raise ValueError("give at least one of --branches, --products, --prices, --stock, --article-codes")

    async def action() -> None:
        report = await import_catalog(
            products=args.products, prices=args.prices, stock=args.stock, branches=args.branches
        )
        if args.article_codes:  # last: its rows may name products of this run
            report.files.append(await import_article_codes(args.article_codes))
        print(report)

    await _with_db(action)


@command("worker")
async def cmd_worker(args: argparse.Namespace) -> None:
    """The outboxes: e-mails and webhooks (`deliver-mail`, its former name, is the same command)."""
    from resolvers.core import mail
    from resolvers.webhook import delivery as webhooks

    settings = get_settings()

    async def action() -> None:
        if args.once:
            print(f"{await mail.deliver_due(settings)} mails sent")
            print(f"{await webhooks.deliver_due(settings)} webhooks delivered")
        else:
            await asyncio.gather(
                mail.deliver_forever(settings, settings.mail_poll_seconds),
                webhooks.deliver_forever(settings, settings.mail_poll_seconds),
            )

    await _with_db(action)


@command("prune-events")
async def cmd_prune_events(args: argparse.Namespace) -> None:
    from resolvers.event import MIN_RETENTION_DAYS, prune

    days = get_settings().event_retention_days if args.days is None else args.days
    if days < MIN_RETENTION_DAYS:  # refused before connecting
        raise ValueError(f"events are kept at least {MIN_RETENTION_DAYS} days (asked: {days})")

    async def action() -> None:
        print(f"{await prune(days)} events older than {days} days deleted")

    await _with_db(action)


COMMANDS["deliver-mail"] = cmd_worker


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    parser = argparse.ArgumentParser(prog="manage.py")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the database migrations")
    sub.add_parser("seed-demo", help="load the demo data (idempotent)")
    staff = sub.add_parser("create-staff", help="create or update a staff user (password: $STAFF_PASSWORD or prompt)")
    staff.add_argument("email")
    staff.add_argument("--role", required=True, choices=["REPRESENTATIVE", "CUSTOMER_SERVICE", "ADMINISTRATOR"])
    catalog = sub.add_parser(
        "import-catalog",
        help="upsert branches, products, company prices, stock and article codes from CSV (samples/README.md)",
    )
    catalog.add_argument("--branches", metavar="FILE", help="branches CSV")
    catalog.add_argument("--products", metavar="FILE", help="products CSV")
    catalog.add_argument("--prices", metavar="FILE", help="company prices CSV")
    catalog.add_argument("--stock", metavar="FILE", help="branch stock CSV")
    catalog.add_argument("--article-codes", metavar="FILE", help="companies' own article codes CSV")
    for name in ("worker", "deliver-mail"):
        worker = sub.add_parser(name, help="deliver the outboxes, e-mails and webhooks (the worker process)")
        worker.add_argument("--once", action="store_true", help="deliver what is due, then stop")
    prune = sub.add_parser("prune-events", help="delete events older than EVENT_RETENTION_DAYS (at least 90)")
    prune.add_argument("--days", type=int, help="keep this many days instead (at least 90)")
    args = parser.parse_args(argv)
    try:
        asyncio.run(COMMANDS[args.command](args))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
