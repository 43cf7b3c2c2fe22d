"""`manage.py import-catalog --article-codes FILE`: the companies' own article codes from CSV.

An idempotent upsert by (the customer number's company, code), in one transaction, like the
other catalog files (resolvers.catalog.importer): a code already stored for the company is
moved to the row's product, as articleCodeSet does. Rows are rejected by line number and reason
(unknown customer number or SKU, a code fast entry could not read or that is another product's
SKU or EAN, the same company and code twice in the file) and never stop the valid ones. Format:
samples/README.md.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from tortoise.transactions import in_transaction

from models import CompanyArticleCode, CustomerNumber, Product
from resolvers.catalog.article_codes import MAX_CODE, catalog_matches, has_separator
from resolvers.catalog.importer import FileReport, Progress, Reject, Rejected, chunks, ids_by, read_rows
from resolvers.catalog.products import ean_of
from resolvers.core import validate
from resolvers.core.access import of_companies

CODE_COLUMNS = ("customer_number", "code", "sku")
Key = tuple[uuid.UUID, str]  # (company id, code)


def parse_code(code: str) -> str:
    """The code of a row (already trimmed): 1 to MAX_CODE characters, no separator."""
    if not code:
        raise Reject("missing code")
    if len(code) > MAX_CODE:
        raise Reject(f"too long: code (at most {MAX_CODE} characters)")
    if has_separator(code):
        raise Reject(f"bad code: {validate.quoted(code)} (no spaces, quotes, ';' or ',')")
    return code


Hit = tuple[uuid.UUID, str]  # (product id, SKU)


async def catalog_codes(codes: list[str]) -> tuple[dict[str, Hit], dict[str, Hit]]:
    """The products these codes would find by SKU or EAN, by SKU and by EAN, read by chunks."""
    by_sku: dict[str, Hit] = {}
    by_ean: dict[str, Hit] = {}
    for part in chunks(sorted(set(codes))):
        for pk, sku, ean in await Product.filter(catalog_matches(part)).values_list("id", "sku", "ean"):
            by_sku[sku] = (pk, sku)
            if ean:
                by_ean[ean] = (pk, sku)
    return by_sku, by_ean


def other_product(code: str, product_id: uuid.UUID, by_sku: dict[str, Hit], by_ean: dict[str, Hit]) -> str | None:
    """The SKU of another product that `code` finds by SKU or EAN (resolve_codes' matching)."""
    for hit in (by_sku.get(code), by_sku.get(code.upper()), by_ean.get(ean_of(code))):
        if hit is not None and hit[0] != product_id:
            return hit[1]
    return None


async def read_codes(path: Path, report: FileReport) -> dict[Key, tuple[int, uuid.UUID]]:
    """{(company, code): (line, product)} of the file's good rows; the others rejected."""
    raw = list(read_rows(path, CODE_COLUMNS))
    numbers = (r["customer_number"] for _, r in raw if validate.fits(CustomerNumber, "number", r["customer_number"]))
    companies = await ids_by(CustomerNumber, "number", numbers, "company_id")
    products = await ids_by(Product, "sku", (r["sku"] for _, r in raw if validate.fits(Product, "sku", r["sku"])))
    by_sku, by_ean = await catalog_codes([r["code"] for _, r in raw if 0 < len(r["code"]) <= MAX_CODE])
    rows: dict[Key, tuple[int, uuid.UUID]] = {}
    for line, row in raw:
        try:
            if row["customer_number"] not in companies:
                raise Reject(f"unknown customer number {row['customer_number']!r}")
            code = parse_code(row["code"])
            if row["sku"] not in products:
                raise Reject(f"unknown SKU {row['sku']!r}")
            product_id = products[row["sku"]]
            owner = other_product(code, product_id, by_sku, by_ean)
            if owner is not None:
                raise Reject(f"code is another product's SKU or EAN: {validate.quoted(code)} is product {owner}")
            key = (companies[row["customer_number"]], code)
            if key in rows:
                raise Reject(f"duplicate row (first on line {rows[key][0]})")
            rows[key] = (line, product_id)
        except Reject as reason:
            report.rejected.append(Rejected(line, str(reason)))
    return rows


async def upsert_codes(rows: dict[Key, tuple[int, uuid.UUID]], report: FileReport) -> None:
    """Insert new codes and move stored ones to their row's product, by chunks of keys."""
    progress = Progress("codes", len(rows))
    for part in chunks(list(rows)):
        found = (
            await of_companies(CompanyArticleCode, list({c for c, _ in part}))
            .filter(code__in=list({code for _, code in part}))
            .values_list("id", "company_id", "code", "product_id")
        )
        stored = {(c, code): (pk, p) for pk, c, code, p in found}
        new, changed = [], []
        for key in part:
            product_id = rows[key][1]
            before = stored.get(key)
            if before is None:
                new.append(CompanyArticleCode(company_id=key[0], code=key[1], product_id=product_id))
            elif before[1] != product_id:
                changed.append(CompanyArticleCode(id=before[0], product_id=product_id))
        if new:
            await CompanyArticleCode.bulk_create(new)
        if changed:
            await CompanyArticleCode.bulk_update(changed, ["product_id"])
        report.created += len(new)
        report.updated += len(changed)
        report.unchanged += len(part) - len(new) - len(changed)
        progress.advance(len(part))
    progress.close()


async def import_article_codes(path: str | Path) -> FileReport:
    """Import one article codes file in one transaction (after the products it names)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    report = FileReport("article codes", str(path))
    async with in_transaction():
        await upsert_codes(await read_codes(path, report), report)
    report.rejected.sort(key=lambda r: r.line)
    return report
