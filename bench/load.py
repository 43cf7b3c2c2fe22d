"""Create and fill a benchmark database on PostgreSQL (asyncpg COPY), then ANALYZE it.

    .venv/bin/python bench/load.py --products 100000 --db bench_100k
    .venv/bin/python bench/load.py --products 1000 --db bench_1k
    .venv/bin/python bench/load.py --products 1000 --orders 10000 --order-days 365 --db bench_dash_10k

The database is dropped and created again, the schema comes from Tortoise's generate_schemas
(settings.tortoise_config), and the rows are COPYed: products, 50 branches with stock for every
product, 2,000 companies (SOLD_TO number, an ADMINISTRATOR, a price list of ~200 products with
a net price and 1-2 quantity breaks), 20,000 issued quotes of 10-30 lines and 10,000 orders of
5-30 lines (`--orders N`, spread over the last `--order-days` days: 700 by default, like the
quotes). One more company, "Bench", has fast entry on, a price list covering the first
catalog page, 60 quotes and 60 orders, and an ADMINISTRATOR whose session token is written to
bench/.token.<db> (and bench/.token): bench/run.py sends it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import secrets
import struct
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.dataset import COMPANIES, HISTORY_DAYS, ORDERS, SCALE, Loader  # noqa: E402
from resolvers.core.context import token_hash  # noqa: E402  # the hash authenticate() looks up
from settings import tortoise_config  # noqa: E402

_NUMERIC_HEAD = struct.Struct("!hhHh")
_numeric_cache: dict[int, bytes] = {}


def encode_numeric(value: int) -> bytes:
    """PostgreSQL's binary numeric for an int in ten-thousandths (dscale 4, base-10000 digits)."""
    found = _numeric_cache.get(value)
    if found is not None:
        return found
    negative = value < 0
    whole, fraction = divmod(-value if negative else value, SCALE)
    groups: list[int] = []
    while whole:
        whole, group = divmod(whole, SCALE)
        groups.append(group)
    groups.reverse()
    digits = [*groups, fraction]
    encoded = _NUMERIC_HEAD.pack(len(digits), len(groups) - 1 if groups else -1, 0x4000 if negative else 0, 4)
    encoded += struct.pack(f"!{len(digits)}h", *digits)
    if len(_numeric_cache) < 500_000:
        _numeric_cache[value] = encoded
    return encoded


def decode_numeric(data: bytes) -> Decimal:  # pragma: no cover - the loader reads no numeric
    raise NotImplementedError


COLUMNS = {
    "category": ["id", "created_at", "path", "name_fr", "name_nl", "name_en", "parent_id"],
    "product": [
        "id",
        "created_at",
        "sku",
        "ean",
        "name_fr",
        "name_nl",
        "name_en",
        "description_fr",
        "brand",
        "unit",
        "order_multiple",
        "minimum_quantity",
        "orderable",
        "vat_rate",
        "list_price",
        "search_text",
        "category_id",
    ],
    "branch": [
        "id",
        "created_at",
        "code",
        "name",
        "line1",
        "line2",
        "postal_code",
        "city",
        "country_code",
        "phone",
        "opening_hours",
    ],
    "branch_stock": ["id", "quantity", "branch_id", "product_id"],
    "company": [
        "id",
        "created_at",
        "name",
        "vat_number",
        "work_domains",
        "status",
        "customer_number",
        "contact_name",
        "contact_email",
        "contact_phone",
        "fast_entry_enabled",
        "rejection_reason",
        "representative_id",
    ],
    "customer_number": [
        "id",
        "created_at",
        "line1",
        "line2",
        "postal_code",
        "city",
        "country_code",
        "number",
        "kind",
        "name",
        "company_id",
    ],
    "user": [
        "id",
        "created_at",
        "email",
        "password_hash",
        "first_name",
        "last_name",
        "phone",
        "locale",
        "email_verified",
        "staff_role",
        "failed_logins",
        "failed_login_window_start",
        "login_locked_until",
        "is_api_client",
    ],
    "membership": ["id", "created_at", "role", "status", "company_id", "user_id"],
    "company_price": ["id", "minimum_quantity", "unit_price", "company_id", "product_id"],
    "quote": [
        "id",
        "created_at",
        "number",
        "reference",
        "note",
        "status",
        "valid_until",
        "year",
        "total",
        "issued_at",
        "decided_at",
        "decline_reason",
        "company_id",
        "customer_number_id",
        "decided_by_id",
        "issued_by_id",
        "requested_by_id",
    ],
    "quote_line": ["id", "created_at", "quantity", "unit_price", "note", "position", "product_id", "quote_id"],
    "customer_order": [
        "id",
        "created_at",
        "delivery_method",
        "one_time_line1",
        "one_time_line2",
        "one_time_postal_code",
        "one_time_city",
        "one_time_country_code",
        "requested_date",
        "number",
        "status",
        "source",
        "reference",
        "note",
        "total",
        "year",
        "branch_id",
        "company_id",
        "customer_number_id",
        "membership_id",
        "placed_by_id",
        "ship_to_id",
        "validation_list_id",
        "version",
    ],
    "order_line": [
        "id",
        "created_at",
        "quantity",
        "note",
        "unit_price",
        "position",
        "order_id",
        "product_id",
        "quantity_shipped",
    ],
}


async def create_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def create_schema(url: str) -> None:
    from tortoise import Tortoise

    await Tortoise.init(config=tortoise_config(url))
    try:
        await Tortoise.generate_schemas()
    finally:
        await Tortoise.close_connections()


async def defer_indexes(conn: asyncpg.Connection, tables: Iterable[str]) -> list[str]:
    """Drop the secondary indexes and unique constraints of `tables` (primary keys stay: foreign
    keys need them) and return the statements that build them again. Building an index once
    over sorted data is much cheaper than updating it row by row during COPY."""
    names = list(tables)
    recreate: list[str] = []
    constraints = await conn.fetch(
        "SELECT conrelid::regclass::text AS tab, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint"
        " WHERE contype = 'u' AND conrelid = ANY(SELECT oid FROM pg_class WHERE relname = ANY($1::text[]))",
        names,
    )
    indexes = await conn.fetch(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i"
        " JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY($1::text[]) AND NOT i.indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        names,
    )
    for c in constraints:
        await conn.execute(f'ALTER TABLE {c["tab"]} DROP CONSTRAINT "{c["conname"]}"')
        recreate.append(f'ALTER TABLE {c["tab"]} ADD CONSTRAINT "{c["conname"]}" {c["def"]}')
    for i in indexes:
        await conn.execute(f"DROP INDEX {i['name']}")
        recreate.append(i["def"])
    return recreate


class Timer:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    def step(self, what: str, rows: int | None = None) -> None:
        now = time.perf_counter()
        extra = f" ({rows:,} rows)" if rows is not None else ""
        print(f"  {what}{extra}: {now - self.start:.1f}s", flush=True)
        self.start = now


async def copy(conn: asyncpg.Connection, table: str, rows: Iterable[tuple] | list[tuple]) -> int:
    if isinstance(rows, list):
        await conn.copy_records_to_table(table, records=rows, columns=COLUMNS[table])
        return len(rows)
    counted = itertools.count()

    def tally() -> Iterator[tuple]:
        for row in rows:
            next(counted)
            yield row

    # A generator: COPY streams the rows as they are made, never holding millions in memory.
    await conn.copy_records_to_table(table, records=tally(), columns=COLUMNS[table])
    return next(counted)


async def load(args: argparse.Namespace) -> None:
    base = args.url.rsplit("/", 1)[0]
    url = f"{base}/{args.db}"
    started = time.perf_counter()
    t = Timer()
    await create_database(args.url, args.db)
    await create_schema(url)
    t.step("database and schema")
    data = Loader(args.products, args.seed, args.orders, args.order_days)
    conn = await asyncpg.connect(url)
    await conn.set_type_codec(
        "numeric", encoder=encode_numeric, decoder=decode_numeric, schema="pg_catalog", format="binary"
    )
    try:
        # Rows are generated consistent; skip the per-row foreign-key triggers (superuser only).
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET synchronous_commit = off")
        await conn.execute("SET maintenance_work_mem = '256MB'")
        rebuild = await defer_indexes(conn, [t for t in COLUMNS if t not in ("user", "membership", "category")])
        await copy(conn, "category", data.categories())
        t.step("product", await copy(conn, "product", data.products()))
        await copy(conn, "branch", data.branches())
        t.step("branch_stock", await copy(conn, "branch_stock", data.stock()))
        data.companies()
        await copy(conn, "company", data.company_rows)
        await copy(conn, "customer_number", data.number_rows)
        await copy(conn, "user", data.user_rows)
        await copy(conn, "membership", data.membership_rows)
        t.step("companies, numbers, users, memberships", len(data.company_rows))
        t.step("company_price", await copy(conn, "company_price", data.prices()))
        quotes, quote_lines = data.quotes()
        await copy(conn, "quote", quotes)
        t.step("quote + quote_line", len(quotes) + await copy(conn, "quote_line", quote_lines))
        orders, order_lines = data.orders()
        await copy(conn, "customer_order", orders)
        t.step("customer_order + order_line", len(orders) + await copy(conn, "order_line", order_lines))
        for statement in rebuild:
            await conn.execute(statement)
        t.step(f"{len(rebuild)} indexes and unique constraints")
        for table in ("branch_stock", "company_price"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        sequences = [("customer_number", 100001 + COMPANIES)]
        sequences += [(f"quote-{y}", v) for y, v in data.quote_seq.items()]
        sequences += [(f"order-{y}", v) for y, v in data.order_seq.items()]
        await conn.executemany('INSERT INTO "sequence" (name, value) VALUES ($1, $2)', sequences)
        token = secrets.token_urlsafe(32)
        bench = data.bench
        await conn.execute(
            "INSERT INTO session (id, created_at, token_hash, expires_at, revoked_at, membership_id, user_id)"
            " VALUES ($1, $2, $3, $4, NULL, $5, $6)",
            uuid.uuid4(),
            data.now,
            token_hash(token),
            data.now + timedelta(days=30),
            bench["membership"],
            bench["user"],
        )
        await conn.execute("SET session_replication_role = origin")
        await conn.execute("VACUUM ANALYZE")
        t.step("sequences, session, VACUUM ANALYZE")
    finally:
        await conn.close()
    for path in (HERE / f".token.{args.db}", HERE / ".token"):
        path.write_text(token + "\n")
    print(
        f"loaded {args.db} ({args.products:,} products) in {time.perf_counter() - started:.1f}s;"
        f" token in bench/.token.{args.db}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--db", default="bench")
    parser.add_argument(
        "--url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="any database on the server (used to drop and create --db)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--orders", type=int, default=ORDERS, help="orders of the 2,000 companies (COPY)")
    parser.add_argument(
        "--order-days", type=int, default=HISTORY_DAYS, help="days the orders are spread over, up to now"
    )
    args = parser.parse_args()
    if args.products < 40:
        parser.error("--products must be at least 40")
    if args.orders < 0 or args.order_days < 1:
        parser.error("--orders must be at least 0 and --order-days at least 1")
    asyncio.run(load(args))


if __name__ == "__main__":
    main()
