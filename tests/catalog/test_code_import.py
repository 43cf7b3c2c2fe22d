"""manage.py import-catalog --article-codes: good rows upserted, bad rows reported by line, reruns change nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import CompanyArticleCode, CustomerNumberKind
from resolvers.catalog.code_import import import_article_codes
from resolvers.catalog.importer import import_catalog
from tests.catalog.factories import make_product, set_article_code
from tests.factories import make_company, make_customer_number

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
HEADER = "customer_number,code,sku\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "codes.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


async def stored() -> list[tuple[str, str, str]]:
    rows = await CompanyArticleCode.all().select_related("company", "product").order_by("code")
    return sorted((r.company.name, r.code, r.product.sku) for r in rows)


async def test_codes_are_upserted_and_bad_rows_reported_by_line(db, tmp_path):
    acme, other = await make_company("Acme"), await make_company("Other")
    await make_customer_number(acme, CustomerNumberKind.SHIP_TO, "700001")
    first, second = await make_product("CI-1"), await make_product("CI-2")
    await set_article_code(acme, first, "MOVE-ME")
    await set_article_code(acme, first, "SAME")
    path = write(tmp_path, "\n".join([
        f"{acme.customer_number},NEW-1,CI-1",
        "700001,MOVE-ME,CI-2",
        f"{acme.customer_number},SAME,CI-1",
        f"{other.customer_number},NEW-1,CI-2",
        "999999,X-1,CI-1",
        f"{acme.customer_number},X-2,NOPE",
        f"{acme.customer_number},,CI-1",
        f"{acme.customer_number},\"TWO WORDS\",CI-1",
        f"{acme.customer_number},{'X' * 61},CI-1",
        f"{acme.customer_number},ci-2,CI-1",
        f"{acme.customer_number},{second.ean},CI-1",
        f"{acme.customer_number},CI-1,CI-1",
        "",
        "700001,NEW-1,CI-2",
    ]) + "\n")  # fmt: skip
    report = await import_article_codes(path)
    assert (report.kind, report.created, report.updated, report.unchanged) == ("article codes", 3, 1, 1)
    assert {r.line: r.reason for r in report.rejected} == {
        6: "unknown customer number '999999'",
        7: "unknown SKU 'NOPE'",
        8: "missing code",
        9: "bad code: 'TWO WORDS' (no spaces, quotes, ';' or ',')",
        10: "too long: code (at most 60 characters)",
        11: "code is another product's SKU or EAN: 'ci-2' is product CI-2",
        12: f"code is another product's SKU or EAN: '{second.ean}' is product CI-2",
        15: "duplicate row (first on line 2)",
    }
    assert "line 6: unknown customer number" in str(report)
    assert await stored() == [
        ("Acme", "CI-1", "CI-1"),
        ("Acme", "MOVE-ME", "CI-2"),
        ("Acme", "NEW-1", "CI-1"),
        ("Acme", "SAME", "CI-1"),
        ("Other", "NEW-1", "CI-2"),
    ]
    again = await import_article_codes(path)
    assert (again.created, again.updated, again.unchanged, len(again.rejected)) == (0, 0, 5, 8)


async def test_a_missing_column_stops_the_file_before_writing(db, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("customer_number,code\n100001,X\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        await import_article_codes(path)
    with pytest.raises(ValueError, match="no such file"):
        await import_article_codes(tmp_path / "nothing.csv")
    assert not await CompanyArticleCode.exists()


async def test_imports_are_batched_not_one_query_per_row(db, tmp_path, sql):
    company = await make_company()
    lines = [f"{company.customer_number},OWN-{n:04d},SKU-{n:04d}" for n in range(1200)]
    products = tmp_path / "p.csv"
    products.write_text("sku,name_fr,unit,list_price\n" + "".join(f"SKU-{n:04d},P,PIECE,1\n" for n in range(1200)))
    await import_catalog(products=products)
    path = write(tmp_path, "\n".join(lines) + "\n")
    sql.statements.clear()
    assert (await import_article_codes(path)).created == 1200
    assert len(sql.statements) < 30, len(sql.statements)
    sql.statements.clear()
    assert (await import_article_codes(path)).unchanged == 1200
    assert len(sql.statements) < 30


def test_manage_py_imports_the_sample_after_its_products(tmp_path):
    """The command as an operator runs it; the sample's customer number is made first."""
    url = f"sqlite://{tmp_path / 'import.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=SAMPLES.parent, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip

    assert manage("migrate").returncode == 0
    codes = str(SAMPLES / "article_codes.csv")
    unknown = manage("import-catalog", "--products", str(SAMPLES / "products.csv"), "--article-codes", codes)
    assert unknown.returncode == 0, unknown.stderr
    assert "products (" in unknown.stdout and "article codes (" in unknown.stdout
    assert "line 2: unknown customer number '100001'" in unknown.stdout


async def test_the_sample_imports_cleanly(db):
    company = await make_company()
    await make_customer_number(company, CustomerNumberKind.BILL_TO, "100001")
    await import_catalog(SAMPLES / "products.csv")
    report = await import_article_codes(SAMPLES / "article_codes.csv")
    assert (report.created, report.rejected) == (4, [])
