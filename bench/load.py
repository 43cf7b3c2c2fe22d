"""Create and fill a benchmark database on PostgreSQL (asyncpg COPY), then ANALYZE it.

    .venv/bin/python bench/load.py --products 100000 --db bench_100k
    .venv/bin/python bench/load.py --products 1000 --db bench_1k

The database is dropped and created again, the schema comes from Tortoise's generate_schemas
(settings.tortoise_config), and the rows are COPYed: products, 50 branches with stock for every
product, 2,000 companies (SOLD_TO number, an ADMINISTRATOR, a price list of ~200 products with
a net price and 1-2 quantity breaks), 20,000 issued quotes of 10-30 lines and 10,000 orders of
5-30 lines. One more company, "Bench", has fast entry on, a price list covering the first
catalog page, 60 quotes and 60 orders, and an ADMINISTRATOR whose session token is written to
bench/.token.<db> (and bench/.token): bench/run.py sends it.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import struct
import random
import secrets
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from settings import tortoise_config  # noqa: E402

BRANCHES = 50
COMPANIES = 2000
QUOTES = 20000
ORDERS = 10000
BENCH_QUOTES = 60
BENCH_ORDERS = 60
PRICE_LIST_SIZE = 200
CHUNK = 100_000
#: Every numeric value is generated as an int in ten-thousandths (12.5 -> 125000) and sent with
#: the binary encoder below: asyncpg's Decimal encoder was the load's bottleneck.
SCALE = 10_000

BRANDS = ["Deceuninck", "Reynaers", "Schüco", "Veka", "Roto", "Hoppe", "Siegenia", "Fischer", "Soudal", "Würth",
          "Aluprof", "Rehau", "GU", "Maco", "Winkhaus", "Tremco", "Illbruck", "Sika", "Knauf", "Saint-Gobain"]
WORDS_FR = ["profilé", "vis", "joint", "poignée", "charnière", "vitrage", "cornière", "silicone", "mousse", "cheville"]
WORDS_NL = ["profiel", "schroef", "dichting", "kruk", "scharnier", "beglazing", "hoekprofiel", "siliconen", "schuim", "plug"]
WORDS_EN = ["profile", "screw", "gasket", "handle", "hinge", "glazing", "angle", "silicone", "foam", "plug"]
MATERIALS = ["PVC", "alu", "bois", "inox", "acier"]


def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def line_total(price: int, quantity: int) -> int:
    """price x quantity rounded half-up to cents, all in ten-thousandths (positive values)."""
    return (price * quantity + 500_000) // 1_000_000 * 100


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


async def chunked(rows: Iterable[tuple]) -> AsyncIterator[tuple]:
    """Yield rows, giving the event loop a turn every CHUNK rows (COPY streams meanwhile)."""
    for i, row in enumerate(rows):
        if i % CHUNK == 0:
            await asyncio.sleep(0)
        yield row


class Loader:
    def __init__(self, products: int, seed: int) -> None:
        self.n = products
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.today = self.now.date()

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # ------------------------------------------------------------------ catalog
    def categories(self) -> list[tuple]:
        rows = []
        self.category_ids = []
        for top in MATERIALS:
            top_id = self.uid()
            rows.append((top_id, self.now, top, top, top, top, None))
            for sub in ("Profiles", "Hardware", "Glazing", "Fixings"):
                sid = self.uid()
                rows.append((sid, self.now, f"{top}/{sub}", sub, sub, sub, top_id))
                self.category_ids.append(sid)
        return rows

    def products(self) -> Iterator[tuple]:
        rng = self.rng
        self.product_ids: list[uuid.UUID] = []
        self.product_skus: list[str] = []
        self.list_prices: list[int] = []
        self.multiples: list[int] = []
        multiples = [SCALE] * 7 + [5 * SCALE, 10 * SCALE, 25_000]
        for i in range(self.n):
            pid = self.uid()
            sku = f"SKU-{i:07d}"
            ean = ean13(f"54{i:010d}")
            w = rng.randrange(len(WORDS_FR))
            mat = rng.choice(MATERIALS)
            size = rng.randrange(10, 3000)
            name_fr = f"{WORDS_FR[w].capitalize()} {mat} {size} mm"
            name_nl = f"{WORDS_NL[w].capitalize()} {mat} {size} mm" if i % 5 else None  # some fall back to FR
            name_en = f"{WORDS_EN[w].capitalize()} {mat} {size} mm"
            brand = rng.choice(BRANDS)
            multiple = rng.choice(multiples)
            minimum = multiple
            price = rng.randrange(50, 50000) * 100 + rng.randrange(0, 100)
            orderable = rng.random() > 0.02
            search = " ".join(p for p in (sku, ean, name_fr, name_nl, name_en, brand) if p).lower()
            self.product_ids.append(pid)
            self.product_skus.append(sku)
            self.list_prices.append(price)
            self.multiples.append(multiple)
            yield (pid, self.now, sku, ean, name_fr, name_nl, name_en, None, brand, "PIECE", multiple, minimum,
                   orderable, 21 * SCALE, price, search, rng.choice(self.category_ids))

    def branches(self) -> list[tuple]:
        self.branch_ids = [self.uid() for _ in range(BRANCHES)]
        return [
            (bid, self.now, f"B{i:02d}", f"Branch {i:02d}", f"Rue du Dépôt {i + 1}", None, f"{1000 + i * 10}",
             f"City {i:02d}", "BE", f"+32 2 555 {i:04d}", "Mon-Fri 7:00-17:00")
            for i, bid in enumerate(self.branch_ids)
        ]

    def stock(self) -> Iterator[tuple]:
        """Every product in every branch, product by product (rows of one product stay together)."""
        rng = self.rng
        # 15 % out of stock, 15 % low, the rest 10-500; drawn from a pool for speed.
        pool = [
            0 if r < 0.15 else rng.randrange(1, 10) * SCALE if r < 0.3 else rng.randrange(10, 501) * SCALE
            for r in (rng.random() for _ in range(100_003))
        ]
        pk = 0
        at = 0
        size = len(pool)
        for pid in self.product_ids:
            at = (at + rng.randrange(size)) % size
            for bid in self.branch_ids:
                pk += 1
                at = at + 1 if at + 1 < size else 0
                yield (pk, pool[at], bid, pid)

    # ------------------------------------------------------------------ companies and people
    def companies(self) -> None:
        rng = self.rng
        self.company_rows: list[tuple] = []
        self.number_rows: list[tuple] = []
        self.user_rows: list[tuple] = []
        self.membership_rows: list[tuple] = []
        self.companies_: list[dict] = []  # id, customer_number_id, user_id, membership_id
        for i in range(COMPANIES + 1):
            bench = i == COMPANIES
            cid, cnid, uid_, mid = self.uid(), self.uid(), self.uid(), self.uid()
            number = str(100001 + i)
            name = "Bench" if bench else f"Company {i:05d}"
            self.company_rows.append(
                (cid, self.now, name, f"BE0{rng.randrange(10**8, 10**9)}", '["PVC"]', "ACTIVE", number,
                 name, f"contact{i}@bench.example", None, bench, None, None)
            )
            self.number_rows.append(
                (cnid, self.now, f"Rue {i} 1", None, "1000", "Bruxelles", "BE", number, "SOLD_TO", name, cid)
            )
            email = "bench@bench.example" if bench else f"user{i:05d}@bench.example"
            self.user_rows.append((uid_, self.now, email, None, "Bench" if bench else "User", f"{i:05d}", None, "FR",
                                   True, None, 0, None, None))
            self.membership_rows.append((mid, self.now, "ADMINISTRATOR", "ACTIVE", cid, uid_))
            self.companies_.append({"id": cid, "cn": cnid, "user": uid_, "membership": mid})
        self.bench = self.companies_[COMPANIES]

    def prices(self) -> Iterator[tuple]:
        """~200 products per company: net price at 1 (70-95 % of list) and 1-2 quantity breaks."""
        rng = self.rng
        self.breaks: dict[tuple[int, int], list[tuple[int, int]]] = {}
        pk = 0
        size = min(PRICE_LIST_SIZE, self.n)
        for ci, company in enumerate(self.companies_):
            if ci == COMPANIES:  # the bench company: the first catalog page and more
                chosen = list(range(min(40, self.n))) + rng.sample(range(self.n), size)
                chosen = list(dict.fromkeys(chosen))
            else:
                chosen = rng.sample(range(self.n), size)
            for p in chosen:
                net = (self.list_prices[p] * rng.randrange(70, 96) + 50) // 100
                m = self.multiples[p]
                rows = [(SCALE, net), (m * 10, (net * 95 + 50) // 100)]
                if rng.random() < 0.5:
                    rows.append((m * 50, (net * 90 + 50) // 100))
                self.breaks[(ci, p)] = rows
                for minimum, price in rows:
                    pk += 1
                    yield (pk, minimum, price, company["id"], self.product_ids[p])

    def price_of(self, ci: int, p: int, quantity: int) -> int:
        eligible = [price for minimum, price in self.breaks.get((ci, p), []) if minimum <= quantity]
        return min(eligible) if eligible else self.list_prices[p]

    # ------------------------------------------------------------------ quotes and orders
    def _when(self, index: int, count: int) -> datetime:
        """Spread over the last ~700 days, newest last, with distinct microseconds."""
        span = 700 * 86400
        offset = span - (span * index) // max(count, 1)
        return self.now - timedelta(seconds=offset, microseconds=self.rng.randrange(1_000_000))

    def _lines(self, ci: int, count: int) -> list[tuple[int, int, int]]:
        rng = self.rng
        picks = rng.sample(range(self.n), min(count, self.n))
        lines = []
        for p in picks:
            quantity = self.multiples[p] * rng.randrange(1, 60)
            lines.append((p, quantity, self.price_of(ci, p, quantity)))
        return lines

    def quotes(self) -> tuple[list[tuple], list[tuple]]:
        rng = self.rng
        owners = [i % COMPANIES for i in range(QUOTES)] + [COMPANIES] * BENCH_QUOTES
        rng.shuffle(owners)
        quotes, lines = [], []
        seq: dict[int, int] = {}
        for i, ci in enumerate(owners):
            company = self.companies_[ci]
            created = self._when(i, len(owners))
            year = created.year
            seq[year] = seq.get(year, 0) + 1
            qid = self.uid()
            chosen = self._lines(ci, rng.randrange(10, 31))
            total = sum(line_total(price, quantity) for _, quantity, price in chosen)
            valid_until = (created + timedelta(days=rng.choice([30, 60, 90, 365, 800]))).date()
            quotes.append((qid, created, f"Q{year}-{seq[year]:06d}", f"Site {i % 97}", None, "ISSUED", valid_until,
                           year, total, created + timedelta(hours=4), None, None, company["id"], company["cn"],
                           None, None, company["user"]))
            for pos, (p, quantity, price) in enumerate(chosen):
                lines.append((self.uid(), created, quantity, price, None, pos, self.product_ids[p], qid))
        self.quote_seq = seq
        return quotes, lines

    def orders(self) -> tuple[list[tuple], list[tuple]]:
        rng = self.rng
        owners = [i % COMPANIES for i in range(ORDERS)] + [COMPANIES] * BENCH_ORDERS
        rng.shuffle(owners)
        statuses = ["CONFIRMED", "PROCESSING", "SHIPPED", "DELIVERED", "READY_FOR_PICKUP"]
        orders, lines = [], []
        seq: dict[int, int] = {}
        for i, ci in enumerate(owners):
            company = self.companies_[ci]
            created = self._when(i, len(owners))
            year = created.year
            seq[year] = seq.get(year, 0) + 1
            oid = self.uid()
            chosen = self._lines(ci, rng.randrange(5, 31))
            total = sum(line_total(price, quantity) for _, quantity, price in chosen)
            orders.append((oid, created, "PICKUP", None, None, None, None, None, None, f"O{year}-{seq[year]:06d}",
                           rng.choice(statuses), "CART", f"PO {i}", None, total, year,
                           self.branch_ids[i % BRANCHES], company["id"], company["cn"], company["membership"],
                           company["user"], None, None))
            for pos, (p, quantity, price) in enumerate(chosen):
                lines.append((self.uid(), created, quantity, None, price, pos, oid, self.product_ids[p]))
        self.order_seq = seq
        return orders, lines


COLUMNS = {
    "category": ["id", "created_at", "path", "name_fr", "name_nl", "name_en", "parent_id"],
    "product": ["id", "created_at", "sku", "ean", "name_fr", "name_nl", "name_en", "description_fr", "brand", "unit",
                "order_multiple", "minimum_quantity", "orderable", "vat_rate", "list_price", "search_text",
                "category_id"],
    "branch": ["id", "created_at", "code", "name", "line1", "line2", "postal_code", "city", "country_code", "phone",
               "opening_hours"],
    "branch_stock": ["id", "quantity", "branch_id", "product_id"],
    "company": ["id", "created_at", "name", "vat_number", "work_domains", "status", "customer_number",
                "contact_name", "contact_email", "contact_phone", "fast_entry_enabled", "rejection_reason",
                "representative_id"],
    "customer_number": ["id", "created_at", "line1", "line2", "postal_code", "city", "country_code", "number", "kind",
                        "name", "company_id"],
    "user": ["id", "created_at", "email", "password_hash", "first_name", "last_name", "phone", "locale",
             "email_verified", "staff_role", "failed_logins", "failed_login_window_start", "login_locked_until"],
    "membership": ["id", "created_at", "role", "status", "company_id", "user_id"],
    "company_price": ["id", "minimum_quantity", "unit_price", "company_id", "product_id"],
    "quote": ["id", "created_at", "number", "reference", "note", "status", "valid_until", "year", "total",
              "issued_at", "decided_at", "decline_reason", "company_id", "customer_number_id", "decided_by_id",
              "issued_by_id", "requested_by_id"],
    "quote_line": ["id", "created_at", "quantity", "unit_price", "note", "position", "product_id", "quote_id"],
    "customer_order": ["id", "created_at", "delivery_method", "one_time_line1", "one_time_line2",
                       "one_time_postal_code", "one_time_city", "one_time_country_code", "requested_date", "number",
                       "status", "source", "reference", "note", "total", "year", "branch_id", "company_id",
                       "customer_number_id", "membership_id", "placed_by_id", "ship_to_id", "validation_list_id"],
    "order_line": ["id", "created_at", "quantity", "note", "unit_price", "position", "order_id", "product_id"],
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

    await conn.copy_records_to_table(table, records=chunked(tally()), columns=COLUMNS[table])
    return next(counted)


async def load(args: argparse.Namespace) -> None:
    base = args.url.rsplit("/", 1)[0]
    url = f"{base}/{args.db}"
    started = time.perf_counter()
    t = Timer()
    await create_database(args.url, args.db)
    await create_schema(url)
    t.step("database and schema")
    data = Loader(args.products, args.seed)
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
            uuid.uuid4(), data.now, token_hash(token), data.now + timedelta(days=30), bench["membership"],
            bench["user"],
        )
        await conn.execute("SET session_replication_role = origin")
        await conn.execute("VACUUM ANALYZE")
        t.step("sequences, session, VACUUM ANALYZE")
    finally:
        await conn.close()
    for path in (HERE / f".token.{args.db}", HERE / ".token"):
        path.write_text(token + "\n")
    print(f"loaded {args.db} ({args.products:,} products) in {time.perf_counter() - started:.1f}s;"
          f" token in bench/.token.{args.db}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--db", default="bench")
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="any database on the server (used to drop and create --db)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.products < 40:
        parser.error("--products must be at least 40")
    asyncio.run(load(args))


if __name__ == "__main__":
    main()
