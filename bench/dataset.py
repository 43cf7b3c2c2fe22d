"""The benchmark data set, made in memory by bench/load.py: rows as tuples in the column order of
load.py's COLUMNS.

Deterministic for a seed. Numbers are ints in ten-thousandths (SCALE): 12.5 is 125000.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

BRANCHES = 50
COMPANIES = 2000
QUOTES = 20000
ORDERS = 10000
#: Days the quotes and orders are spread over, newest last (load.py --order-days for the orders).
HISTORY_DAYS = 700
BENCH_QUOTES = 60
BENCH_ORDERS = 60
PRICE_LIST_SIZE = 200
#: Every numeric value is an int in ten-thousandths (12.5 -> 125000); load.py sends them with its
#: own binary encoder: asyncpg's Decimal encoder was the load's bottleneck.
SCALE = 10_000

BRANDS = [
    "Deceuninck",
    "Reynaers",
    "Schüco",
    "Veka",
    "Roto",
    "Hoppe",
    "Siegenia",
    "Fischer",
    "Soudal",
    "Würth",
    "Aluprof",
    "Rehau",
    "GU",
    "Maco",
    "Winkhaus",
    "Tremco",
    "Illbruck",
    "Sika",
    "Knauf",
    "Saint-Gobain",
]
WORDS_FR = ["profilé", "vis", "joint", "poignée", "charnière", "vitrage", "cornière", "silicone", "mousse", "cheville"]
WORDS_NL = [
    "profiel",
    "schroef",
    "dichting",
    "kruk",
    "scharnier",
    "beglazing",
    "hoekprofiel",
    "siliconen",
    "schuim",
    "plug",
]
WORDS_EN = ["profile", "screw", "gasket", "handle", "hinge", "glazing", "angle", "silicone", "foam", "plug"]
MATERIALS = ["PVC", "alu", "bois", "inox", "acier"]


def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def line_total(price: int, quantity: int) -> int:
    """price x quantity rounded half-up to cents, all in ten-thousandths (positive values)."""
    return (price * quantity + 500_000) // 1_000_000 * 100


class Loader:
    def __init__(self, products: int, seed: int, orders: int = ORDERS, order_days: int = HISTORY_DAYS) -> None:
        self.n = products
        self.order_count = orders
        self.order_days = order_days
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.today = self.now.date()

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # ------------------------------------------------------------------ catalog
    def categories(self) -> list[tuple]:
        rows: list[tuple] = []
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
            yield (
                pid,
                self.now,
                sku,
                ean,
                name_fr,
                name_nl,
                name_en,
                None,
                brand,
                "PIECE",
                multiple,
                minimum,
                orderable,
                21 * SCALE,
                price,
                search,
                rng.choice(self.category_ids),
            )

    def branches(self) -> list[tuple]:
        self.branch_ids = [self.uid() for _ in range(BRANCHES)]
        return [
            (
                bid,
                self.now,
                f"B{i:02d}",
                f"Branch {i:02d}",
                f"Rue du Dépôt {i + 1}",
                None,
                f"{1000 + i * 10}",
                f"City {i:02d}",
                "BE",
                f"+32 2 555 {i:04d}",
                "Mon-Fri 7:00-17:00",
            )
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
                (
                    cid,
                    self.now,
                    name,
                    f"BE0{rng.randrange(10**8, 10**9)}",
                    '["PVC"]',
                    "ACTIVE",
                    number,
                    name,
                    f"contact{i}@bench.example",
                    None,
                    bench,
                    None,
                    None,
                )
            )
            self.number_rows.append(
                (cnid, self.now, f"Rue {i} 1", None, "1000", "Bruxelles", "BE", number, "SOLD_TO", name, cid)
            )
            email = "bench@bench.example" if bench else f"user{i:05d}@bench.example"
            self.user_rows.append(
                (
                    uid_,
                    self.now,
                    email,
                    None,
                    "Bench" if bench else "User",
                    f"{i:05d}",
                    None,
                    "FR",
                    True,
                    None,
                    0,
                    None,
                    None,
                    False,
                )
            )
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
    def _when(self, index: int, count: int, days: int = HISTORY_DAYS) -> datetime:
        """Spread over the last `days` days, newest last, with distinct microseconds."""
        span = days * 86400
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
            quotes.append(
                (
                    qid,
                    created,
                    f"Q{year}-{seq[year]:06d}",
                    f"Site {i % 97}",
                    None,
                    "ISSUED",
                    valid_until,
                    year,
                    total,
                    created + timedelta(hours=4),
                    None,
                    None,
                    company["id"],
                    company["cn"],
                    None,
                    None,
                    company["user"],
                )
            )
            for pos, (p, quantity, price) in enumerate(chosen):
                lines.append((self.uid(), created, quantity, price, None, pos, self.product_ids[p], qid))
        self.quote_seq = seq
        return quotes, lines

    def orders(self) -> tuple[list[tuple], list[tuple]]:
        rng = self.rng
        owners = [i % COMPANIES for i in range(self.order_count)] + [COMPANIES] * BENCH_ORDERS
        rng.shuffle(owners)
        statuses = ["CONFIRMED", "PROCESSING", "SHIPPED", "DELIVERED", "READY_FOR_PICKUP"]
        orders, lines = [], []
        seq: dict[int, int] = {}
        for i, ci in enumerate(owners):
            company = self.companies_[ci]
            created = self._when(i, len(owners), self.order_days)
            year = created.year
            seq[year] = seq.get(year, 0) + 1
            oid = self.uid()
            chosen = self._lines(ci, rng.randrange(5, 31))
            total = sum(line_total(price, quantity) for _, quantity, price in chosen)
            orders.append(
                (
                    oid,
                    created,
                    "PICKUP",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    f"O{year}-{seq[year]:06d}",
                    rng.choice(statuses),
                    "CART",
                    f"PO {i}",
                    None,
                    total,
                    year,
                    self.branch_ids[i % BRANCHES],
                    company["id"],
                    company["cn"],
                    company["membership"],
                    company["user"],
                    None,
                    None,
                    1,  # version
                )
            )
            for pos, (p, quantity, price) in enumerate(chosen):
                shipped = 0
                lines.append((self.uid(), created, quantity, None, price, pos, oid, self.product_ids[p], shipped))
        self.order_seq = seq
        return orders, lines
