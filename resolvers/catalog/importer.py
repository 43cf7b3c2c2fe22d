"""`manage.py import-catalog`: branches, products, company prices and branch stock from CSV files.

Each file is an idempotent upsert by its key (branches: code; products: sku; prices: customer
number's company, sku, minimum quantity; stock: branch code, sku), in one transaction per file. Bad rows are
reported by line number and reason and never stop the valid ones. Work is batched: lookups,
inserts and updates go by chunks, never one query per row. Formats: samples/README.md.
"""

from __future__ import annotations

import csv
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO, TypeVar

from tortoise.models import Model
from tortoise.transactions import in_transaction

from models import Branch, BranchStock, Category, CompanyPrice, CustomerNumber, Product, SalesUnit
from models.catalog import search_text_of
from resolvers.core.validate import max_length

CHUNK = 500
T = TypeVar("T")

BRANCH_COLUMNS = ("code", "name_fr", "line1", "postal_code", "city", "country_code")
#: Stored as given; absent from the header leaves the stored value alone, present and empty clears it.
BRANCH_OPTIONAL = ("name_nl", "name_en", "line2", "phone", "opening_hours")
BRANCH_FIELDS = ("name", "line1", "postal_code", "city", "country_code", *BRANCH_OPTIONAL)
PRODUCT_COLUMNS = ("sku", "name_fr", "unit", "list_price")
PRICE_COLUMNS = ("customer_number", "sku", "unit_price")
STOCK_COLUMNS = ("branch_code", "sku", "quantity")
PRODUCT_FIELDS = (
    "ean", "name_fr", "name_nl", "name_en", "description_fr", "description_nl", "description_en", "brand",
    "category_id", "unit", "order_multiple", "minimum_quantity", "orderable", "vat_rate", "list_price", "search_text",
)  # fmt: skip


class Reject(Exception):
    """A row that cannot be imported: the message is the reason shown in the report."""


@dataclass
class Rejected:
    line: int
    reason: str


@dataclass
class FileReport:
    kind: str
    path: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def __str__(self) -> str:
        head = (
            f"{self.kind} ({self.path}): {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected"
        )
        return "\n".join([head, *(f"  line {r.line}: {r.reason}" for r in self.rejected)])


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return sum(len(f.rejected) for f in self.files)

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.files) or "nothing to import"


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()

    def advance(self, n: int) -> None:
        self.done += n
        if self.enabled:
            width = 30
            filled = int(width * min(self.done, self.total) / self.total)
            self.stream.write(f"\r{self.label:9} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


# ---------------------------------------------------------------- parsing helpers


def chunks(items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def read_rows(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, trimmed row) for each non-blank row; a missing column is a ValueError."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in required if c not in header]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        reader.fieldnames = header
        for row in reader:
            values = {k: (v or "").strip() for k, v in row.items() if k}
            if any(values.values()):
                yield reader.line_num, values


def number(value: str, what: str, *, default: Decimal | None = None, places: int = 3) -> Decimal:
    """A decimal ("12.5" or "12,5"), rounded to the column's places; Reject("bad number") otherwise."""
    if not value:
        if default is None:
            raise Reject(f"bad number: {what} is required")
        return default
    try:
        parsed = Decimal(value.replace(",", ".") if "." not in value else value)
    except InvalidOperation:
        raise Reject(f"bad number: {what} {value!r}") from None
    if not parsed.is_finite():
        raise Reject(f"bad number: {what} {value!r}")
    return parsed.quantize(Decimal(1).scaleb(-places))


def positive(value: str, what: str, default: Decimal | None = None) -> Decimal:
    parsed = number(value, what, default=default)
    if parsed <= 0:
        raise Reject(f"bad number: {what} must be more than 0")
    return parsed


def price(value: str, what: str) -> Decimal:
    parsed = number(value, what, places=4)
    if parsed < 0:
        raise Reject(f"negative price: {what} {value}")
    return parsed


def ean13(value: str) -> str | None:
    """13 digits whose last is the GS1 check digit (weights 1, 3, 1, 3, ... from the left)."""
    if not value:
        return None
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        raise Reject(f"bad EAN check digit: {value} (13 digits expected)")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(value[:12]))
    if (10 - total % 10) % 10 != int(value[12]):
        raise Reject(f"bad EAN check digit: {value}")
    return value


async def ids_by(model: type[Model], column: str, values: Iterable[str], target: str = "id") -> dict[str, Any]:
    """{column value: target} for the given values, looked up in chunks."""
    found: dict[str, Any] = {}
    for part in chunks(sorted(set(values))):
        found.update(dict(await model.filter(**{f"{column}__in": part}).values_list(column, target)))
    return found


# ---------------------------------------------------------------- branches


def parse_branch(row: dict[str, str]) -> dict[str, Any]:
    """The branch columns of one CSV row; a value longer than its column is rejected, not cut."""
    code = row["code"]
    if not code or len(code) > 20:
        raise Reject("bad branch code: required, at most 20 characters")
    for name in ("name_fr", "line1", "postal_code", "city"):
        if not row[name]:
            raise Reject(f"missing {name}")
    country = row["country_code"].upper()
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        raise Reject(f"bad country code: {row['country_code']!r} (2 letters, e.g. BE)")
    columns: dict[str, Any] = {
        "code": code, "name": row["name_fr"], "line1": row["line1"], "postal_code": row["postal_code"],
        "city": row["city"], "country_code": country,
    }  # fmt: skip
    columns.update({name: row[name] or None for name in BRANCH_OPTIONAL if name in row})
    for name, value in columns.items():
        limit = max_length(Branch, name)
        if value and len(value) > limit:
            raise Reject(f"too long: {name} (at most {limit} characters)")
    return columns


async def import_branches(path: Path, report: FileReport) -> None:
    parsed: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, row in read_rows(path, BRANCH_COLUMNS):
        try:
            columns = parse_branch(row)
            if columns["code"] in parsed:
                raise Reject(f"duplicate row (first on line {parsed[columns['code']][0]})")
        except Reject as reason:
            report.rejected.append(Rejected(line, str(reason)))
            continue
        parsed[columns["code"]] = (line, columns)
    existing = {r[1]: r for r in await Branch.filter(code__in=list(parsed)).values_list("id", "code", *BRANCH_FIELDS)}
    new: list[Branch] = []
    changed: list[Branch] = []
    for code, (_, columns) in parsed.items():
        stored = existing.get(code)
        if stored is None:
            new.append(Branch(**columns))
            continue
        before = dict(zip(BRANCH_FIELDS, stored[2:], strict=True))
        after = {**before, **{k: v for k, v in columns.items() if k != "code"}}
        if after != before:
            changed.append(Branch(id=stored[0], code=code, **after))
    if new:
        await Branch.bulk_create(new, batch_size=CHUNK)
    if changed:
        await Branch.bulk_update(changed, BRANCH_FIELDS, batch_size=CHUNK)
    report.created += len(new)
    report.updated += len(changed)
    report.unchanged += len(parsed) - len(new) - len(changed)


# ---------------------------------------------------------------- products


def parse_product(row: dict[str, str]) -> dict[str, Any]:
    """The product columns of one CSV row (category still as its path)."""
    sku, name_fr = row["sku"], row["name_fr"]
    if not sku or len(sku) > 40:
        raise Reject("bad SKU: required, at most 40 characters")
    if not name_fr:
        raise Reject("missing name_fr")
    try:
        unit = SalesUnit(row["unit"].upper())
    except ValueError:
        raise Reject(f"bad unit: {row['unit']!r} (one of {', '.join(u.value for u in SalesUnit)})") from None
    orderable = row.get("orderable", "").lower()
    if orderable not in ("", "1", "0", "true", "false", "yes", "no"):
        raise Reject(f"bad number: orderable {orderable!r} (1 or 0)")
    vat_rate = number(row.get("vat_rate", ""), "vat_rate", default=Decimal(21), places=2)
    if vat_rate < 0 or vat_rate >= 100:
        raise Reject(f"bad number: vat_rate {vat_rate}")
    columns: dict[str, Any] = {
        "sku": sku,
        "ean": ean13(row.get("ean", "")),
        "name_fr": name_fr[:300],
        "brand": row.get("brand") or None,
        "unit": unit,
        "order_multiple": positive(row.get("order_multiple", ""), "order_multiple", Decimal(1)),
        "minimum_quantity": positive(row.get("minimum_quantity", ""), "minimum_quantity", Decimal(1)),
        "orderable": orderable not in ("0", "false", "no"),
        "vat_rate": vat_rate,
        "list_price": price(row["list_price"], "list_price"),
        "category_path": "/".join(p.strip() for p in row.get("category_path", "").split("/") if p.strip()),
    }
    # Optional columns: absent from the file leaves the stored text alone; present and empty clears it.
    for name in ("name_nl", "name_en", "description_fr", "description_nl", "description_en"):
        if name in row:
            columns[name] = row[name] or None
    return columns


async def ensure_categories(paths: set[str]) -> dict[str, uuid.UUID]:
    """{path: id} for each path, creating missing categories (and their parents) level by level."""
    wanted: set[str] = set()
    for path in paths:
        parts = path.split("/")
        wanted.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    known = await ids_by(Category, "path", wanted)
    for depth in sorted({p.count("/") for p in wanted - known.keys()}):
        new = [
            Category(path=p, name_fr=p.rsplit("/", 1)[-1], parent_id=known.get(p.rsplit("/", 1)[0]) if depth else None)
            for p in sorted(wanted - known.keys())
            if p.count("/") == depth
        ]
        await Category.bulk_create(new, batch_size=CHUNK)
        known.update({c.path: c.id for c in new})
    return known


async def import_products(path: Path, report: FileReport) -> None:
    parsed: dict[str, tuple[int, dict[str, Any]]] = {}
    ean_line: dict[str, tuple[int, str]] = {}
    for line, row in read_rows(path, PRODUCT_COLUMNS):
        try:
            columns = parse_product(row)
            if columns["sku"] in parsed:
                raise Reject(f"duplicate SKU {columns['sku']} (first on line {parsed[columns['sku']][0]})")
            if columns["ean"] and columns["ean"] in ean_line:
                raise Reject(f"duplicate EAN {columns['ean']} (first on line {ean_line[columns['ean']][0]})")
        except Reject as reason:
            report.rejected.append(Rejected(line, str(reason)))
            continue
        parsed[columns["sku"]] = (line, columns)
        if columns["ean"]:
            ean_line[columns["ean"]] = (line, columns["sku"])
    # An EAN already held by another product would break the unique index: reject that row.
    for code, owner in (await ids_by(Product, "ean", ean_line, "sku")).items():
        line, sku = ean_line[code]
        if owner != sku:
            report.rejected.append(Rejected(line, f"duplicate EAN {code}: already on product {owner}"))
            del parsed[sku]
    categories = await ensure_categories({c["category_path"] for _, c in parsed.values() if c["category_path"]})
    progress = Progress("products", len(parsed))
    for part in chunks(list(parsed)):
        # Plain tuples, not models: hydrating 100,000 products is the slow part of an import.
        existing = {row[1]: row for row in await Product.filter(sku__in=part).values_list("id", "sku", *PRODUCT_FIELDS)}
        new: list[Product] = []
        changed: list[Product] = []
        for sku in part:
            columns = dict(parsed[sku][1])
            cat_path = columns.pop("category_path")
            columns["category_id"] = categories[cat_path] if cat_path else None
            stored = existing.get(sku)
            if stored is None:
                new.append(Product(**columns, search_text=search_text_of(columns)))
                continue
            before = dict(zip(PRODUCT_FIELDS, stored[2:], strict=True))
            after = {**before, **columns}
            after["search_text"] = search_text_of(after)
            if any(after[f] != before[f] for f in PRODUCT_FIELDS):
                changed.append(Product(id=stored[0], **after))
        if new:
            await Product.bulk_create(new, batch_size=CHUNK)
        if changed:
            await Product.bulk_update(changed, PRODUCT_FIELDS, batch_size=CHUNK)
        report.created += len(new)
        report.updated += len(changed)
        report.unchanged += len(part) - len(new) - len(changed)
        progress.advance(len(part))
    progress.close()


# ---------------------------------------------------------------- prices and stock


async def upsert(
    report: FileReport,
    label: str,
    model: type[Model],
    rows: dict[tuple[Any, ...], tuple[int, Decimal]],
    existing_of: Callable[[list[tuple[Any, ...]]], Awaitable[dict[tuple[Any, ...], tuple[Any, Decimal]]]],
    make: Callable[[tuple[Any, ...], Decimal], Model],
    value_field: str,
) -> None:
    """Insert or update one value per key, by chunks of keys; counts created/updated/unchanged.

    `existing_of(keys)` answers {key: (primary key, stored value)} for the keys already stored.
    """
    progress = Progress(label, len(rows))
    for part in chunks(list(rows)):
        existing = await existing_of(part)
        new, changed = [], []
        for key in part:
            value = rows[key][1]
            stored = existing.get(key)
            if stored is None:
                new.append(make(key, value))
            elif stored[1] != value:
                changed.append(model(id=stored[0], **{value_field: value}))
        if new:
            await model.bulk_create(new, batch_size=CHUNK)
        if changed:
            await model.bulk_update(changed, [value_field], batch_size=CHUNK)
        report.created += len(new)
        report.updated += len(changed)
        report.unchanged += len(part) - len(new) - len(changed)
        progress.advance(len(part))
    progress.close()


def keep(report: FileReport, rows: dict, key: tuple, line: int, value: Decimal) -> None:
    if key in rows:
        report.rejected.append(Rejected(line, f"duplicate row (first on line {rows[key][0]})"))
    else:
        rows[key] = (line, value)


async def import_prices(path: Path, report: FileReport) -> None:
    raw = list(read_rows(path, PRICE_COLUMNS))
    companies = await ids_by(CustomerNumber, "number", (r["customer_number"] for _, r in raw), "company_id")
    products = await ids_by(Product, "sku", (r["sku"] for _, r in raw))
    rows: dict[tuple[Any, ...], tuple[int, Decimal]] = {}
    for line, row in raw:
        try:
            if row["customer_number"] not in companies:
                raise Reject(f"unknown customer number {row['customer_number']!r}")
            if row["sku"] not in products:
                raise Reject(f"unknown SKU {row['sku']!r}")
            minimum = positive(row.get("minimum_quantity", ""), "minimum_quantity", Decimal(1))
            key = (companies[row["customer_number"]], products[row["sku"]], minimum)
            keep(report, rows, key, line, price(row["unit_price"], "unit_price"))
        except Reject as reason:
            report.rejected.append(Rejected(line, str(reason)))

    async def existing_of(keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, Decimal]]:
        found = await CompanyPrice.filter(
            company_id__in=list({k[0] for k in keys}), product_id__in=list({k[1] for k in keys})
        ).values_list("id", "company_id", "product_id", "minimum_quantity", "unit_price")
        return {(c, p, m): (pk, v) for pk, c, p, m, v in found}

    await upsert(
        report, "prices", CompanyPrice, rows, existing_of,
        lambda k, v: CompanyPrice(company_id=k[0], product_id=k[1], minimum_quantity=k[2], unit_price=v),
        "unit_price",
    )  # fmt: skip


async def import_stock(path: Path, report: FileReport) -> None:
    raw = list(read_rows(path, STOCK_COLUMNS))
    branches = await ids_by(Branch, "code", (r["branch_code"] for _, r in raw))
    products = await ids_by(Product, "sku", (r["sku"] for _, r in raw))
    rows: dict[tuple[Any, ...], tuple[int, Decimal]] = {}
    for line, row in raw:
        try:
            if row["branch_code"] not in branches:
                raise Reject(f"unknown branch {row['branch_code']!r}")
            if row["sku"] not in products:
                raise Reject(f"unknown SKU {row['sku']!r}")
            quantity = number(row["quantity"], "quantity")
            if quantity < 0:
                raise Reject("bad number: quantity must not be negative")
            keep(report, rows, (products[row["sku"]], branches[row["branch_code"]]), line, quantity)
        except Reject as reason:
            report.rejected.append(Rejected(line, str(reason)))

    async def existing_of(keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, Decimal]]:
        found = await BranchStock.filter(product_id__in=list({k[0] for k in keys})).values_list(
            "id", "product_id", "branch_id", "quantity"
        )
        return {(p, b): (pk, q) for pk, p, b, q in found}

    await upsert(
        report, "stock", BranchStock, rows, existing_of,
        lambda k, v: BranchStock(product_id=k[0], branch_id=k[1], quantity=v),
        "quantity",
    )  # fmt: skip


async def import_catalog(
    products: str | Path | None = None,
    prices: str | Path | None = None,
    stock: str | Path | None = None,
    branches: str | Path | None = None,
) -> ImportReport:
    """Import the given files (branches and products first, so stock and prices can name new ones)."""
    report = ImportReport()
    steps = (
        ("branches", branches, import_branches),
        ("products", products, import_products),
        ("prices", prices, import_prices),
        ("stock", stock, import_stock),
    )
    for kind, path, run in steps:
        if path is None:
            continue
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"{path}: no such file")
        file_report = FileReport(kind, str(path))
        async with in_transaction():
            await run(path, file_report)
        file_report.rejected.sort(key=lambda r: r.line)
        report.files.append(file_report)
    return report
