"""manage.py import-catalog: good rows imported, bad rows reported by line, reruns change nothing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from models import Branch, BranchStock, Category, CompanyPrice, CustomerNumberKind, Product
from resolvers.catalog.importer import Progress, import_catalog
from tests.catalog.factories import make_branch, make_product, valid_ean
from tests.factories import make_company, make_customer_number

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
HEADER = (
    "sku,ean,name_fr,name_nl,name_en,unit,order_multiple,minimum_quantity,vat_rate,list_price,"
    "category_path,brand,orderable,description_fr\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def snapshot(model) -> list[dict]:
    rows = await model.all().values()
    return sorted(rows, key=lambda r: str(sorted((k, str(v)) for k, v in r.items())))


def reasons(file_report) -> dict[int, str]:
    return {r.line: r.reason for r in file_report.rejected}


async def test_products_import_good_rows_and_report_bad_ones(db, tmp_path):
    good1, good2, bad_check = valid_ean(701), valid_ean(702), valid_ean(703)[:-1] + "0"
    if bad_check == valid_ean(703):
        bad_check = valid_ean(703)[:-1] + "1"
    path = write(tmp_path, "products.csv", HEADER + "\n".join([
        f"PW-1,{good1},Profilé blanc,Profiel wit,White profile,meter,6,6,21,8.95,PVC/Profiles/Windows,Veka,1,"
        "Barre de 6 m",
        f"PW-2,{bad_check},Profilé gris,,,METER,6,6,21,9.10,PVC/Profiles,Veka,1,",
        "PW-3,,Profilé noir,,,BUCKET,1,1,21,9.10,PVC,Veka,1,",
        "PW-4,,Profilé rouge,,,METER,1,1,21,-1,PVC,Veka,1,",
        "PW-5,,Profilé vert,,,METER,abc,1,21,3,PVC,Veka,1,",
        "",
        f"PW-1,{good2},Doublon,,,METER,1,1,21,3,PVC,Veka,1,",
        "PW-6,,,,,METER,1,1,21,3,PVC,Veka,1,",
        f"OSB-18,{good2},Panneau OSB 18 mm,OSB-plaat 18 mm,,PIECE,1,1,6,\"24,90\",Wood/Panels/OSB,Kronospan,0,",
        "PW-7,,Profilé bleu,,,METER,0,1,21,3,PVC,Veka,1,",
    ]) + "\n")  # fmt: skip
    report = await import_catalog(products=path)
    products = report.files[0]
    assert (products.created, products.updated, products.unchanged) == (2, 0, 0)
    assert reasons(products) == {
        3: f"bad EAN check digit: {bad_check}",
        4: "bad unit: 'BUCKET' (one of PIECE, METER, SQUARE_METER, CUBIC_METER, KILOGRAM, LITER, BOX, PACK, ROLL, "
        "PALLET)",
        5: "negative price: list_price -1",
        6: "bad number: order_multiple 'abc'",
        8: "duplicate SKU PW-1 (first on line 2)",
        9: "missing name_fr",
        11: "bad number: order_multiple must be more than 0",
    }
    assert "line 3: bad EAN check digit" in str(report)

    pw1 = await Product.get(sku="PW-1")
    assert (pw1.ean, pw1.name_nl, pw1.unit.value) == (good1, "Profiel wit", "METER")
    assert (pw1.order_multiple, pw1.list_price) == (6, Decimal("8.95"))
    assert pw1.description_fr == "Barre de 6 m" and pw1.orderable is True
    assert pw1.search_text == f"pw-1 {good1} profilé blanc profiel wit white profile veka"
    osb = await Product.get(sku="OSB-18")
    assert (osb.list_price, osb.vat_rate, osb.orderable, osb.name_en) == (Decimal("24.90"), 6, False, None)
    paths = {c.path: c for c in await Category.all()}
    assert set(paths) == {"PVC", "PVC/Profiles", "PVC/Profiles/Windows", "Wood", "Wood/Panels", "Wood/Panels/OSB"}
    assert paths["PVC/Profiles/Windows"].parent_id == paths["PVC/Profiles"].id  # type: ignore[attr-defined]
    assert pw1.category_id == paths["PVC/Profiles/Windows"].id  # type: ignore[attr-defined]

    before = (await snapshot(Product), await snapshot(Category))
    again = (await import_catalog(products=path)).files[0]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert reasons(again) == reasons(products)
    assert (await snapshot(Product), await snapshot(Category)) == before


async def test_a_changed_product_is_updated_and_its_search_text_follows(db, tmp_path):
    await make_product("UP-1", name_fr="Ancien", list_price=Decimal("5"), name_nl="Oud")
    path = write(tmp_path, "p.csv", "sku,name_fr,unit,list_price\nUP-1,Nouveau,PIECE,6.5\nUP-2,Autre,PIECE,1\n")
    result = (await import_catalog(products=path)).files[0]
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    row = await Product.get(sku="UP-1")
    assert (row.name_fr, row.list_price, row.name_nl) == ("Nouveau", Decimal("6.5"), "Oud")  # absent column kept
    assert "nouveau" in row.search_text and "ancien" not in row.search_text


async def test_an_ean_held_by_another_product_is_rejected(db, tmp_path):
    holder = await make_product("HOLD-1")
    path = write(tmp_path, "p.csv", f"sku,ean,name_fr,unit,list_price\nNEW-1,{holder.ean},Nouveau,PIECE,1\n")
    result = (await import_catalog(products=path)).files[0]
    assert reasons(result) == {2: f"duplicate EAN {holder.ean}: already on product HOLD-1"}
    assert not await Product.exists(sku="NEW-1")


async def test_prices_import_by_any_customer_number_of_the_company(db, tmp_path):
    company = await make_company()
    ship_to = await make_customer_number(company, CustomerNumberKind.SHIP_TO, "700001")
    a = await make_product("PR-1")
    b = await make_product("PR-2")
    path = write(tmp_path, "prices.csv", "\n".join([
        "customer_number,sku,minimum_quantity,unit_price",
        f"{company.customer_number},PR-1,1,9.50",
        f"{ship_to.number},PR-1,10,9.00",
        "999999,PR-1,1,1",
        f"{company.customer_number},NOPE,1,1",
        f"{company.customer_number},PR-2,1,-3",
        f"{company.customer_number},PR-2,x,3",
        f"{company.customer_number},PR-2,,8",
        f"{company.customer_number},PR-1,1.000,9.40",
    ]) + "\n")  # fmt: skip
    result = (await import_catalog(prices=path)).files[0]
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert reasons(result) == {
        4: "unknown customer number '999999'",
        5: "unknown SKU 'NOPE'",
        6: "negative price: unit_price -3",
        7: "bad number: minimum_quantity 'x'",
        9: "duplicate row (first on line 2)",
    }
    columns = ("product_id", "minimum_quantity", "unit_price")
    stored = await CompanyPrice.filter(company_id=company.id).values_list(*columns)
    rows = sorted(stored)
    assert rows == sorted([(a.id, 1, Decimal("9.5")), (a.id, 10, Decimal(9)), (b.id, 1, Decimal(8))])

    before = await snapshot(CompanyPrice)
    again = (await import_catalog(prices=path)).files[0]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert await snapshot(CompanyPrice) == before

    text = f"customer_number,sku,minimum_quantity,unit_price\n{company.customer_number},PR-1,1,9.25\n"
    changed = write(tmp_path, "p2.csv", text)
    result = (await import_catalog(prices=changed)).files[0]
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert await CompanyPrice.filter(company_id=company.id).count() == 3


async def test_stock_import(db, tmp_path):
    bru = await make_branch("BRU")
    await make_branch("ANR")
    product = await make_product("ST-1")
    path = write(tmp_path, "stock.csv", "\n".join([
        "branch_code,sku,quantity",
        "BRU,ST-1,420",
        "XXX,ST-1,1",
        "BRU,NOPE,1",
        "ANR,ST-1,-4",
        "ANR,ST-1,lots",
        "ANR,ST-1,12.5",
    ]) + "\n")  # fmt: skip
    result = (await import_catalog(stock=path)).files[0]
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert reasons(result) == {
        3: "unknown branch 'XXX'",
        4: "unknown SKU 'NOPE'",
        5: "bad number: quantity must not be negative",
        6: "bad number: quantity 'lots'",
    }
    row = await BranchStock.get(product_id=product.id, branch_id=bru.id)
    assert row.quantity == 420
    before = await snapshot(BranchStock)
    again = (await import_catalog(stock=path)).files[0]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert await snapshot(BranchStock) == before


BRANCHES_HEADER = "code,name_fr,name_nl,name_en,line1,line2,postal_code,city,country_code,phone,opening_hours\n"
BRANCHES_QUERY = "{ branches { code name address { line1 line2 postalCode city countryCode } phone openingHours } }"


async def test_branches_import_upserts_by_code_and_reports_bad_rows(api, tmp_path):
    path = write(tmp_path, "branches.csv", BRANCHES_HEADER + "\n".join([
        "BRU,Bruxelles - Anderlecht,Brussel - Anderlecht,Brussels - Anderlecht,Boulevard Industriel 112,,1070,"
        "Anderlecht,be,+32 2 520 11 00,\"Mon-Fri 7:00-17:00, Sat 8:00-12:00\"",
        "GNT,Gand,Gent,Ghent,Ottergemsesteenweg-Zuid 731,Hal 2,9000,Gent,BE,,",
        ",Sans code,,,Rue 1,,1000,Bruxelles,BE,,",
        "NAM,,,,Rue 1,,5000,Namur,BE,,",
        "LGG,Liège,,,Rue 1,,4000,Liège,Belgique,,",
        "CRL,Charleroi,,,,,6000,Charleroi,BE,,",
        "BRU,Doublon,,,Rue 1,,1000,Bruxelles,BE,,",
        f"{'X' * 21},Trop long,,,Rue 1,,1000,Bruxelles,BE,,",
        f"HSL,Hasselt,,,Rue 1,,3500,Hasselt,BE,{'1' * 41},",
    ]) + "\n")  # fmt: skip

    result = (await import_catalog(branches=path)).files[0]

    assert (result.kind, result.created, result.updated, result.unchanged) == ("branches", 2, 0, 0)
    assert reasons(result) == {
        4: "bad branch code: required, at most 20 characters",
        5: "missing name_fr",
        6: "bad country code: 'Belgique' (2 letters, e.g. BE)",
        7: "missing line1",
        8: "duplicate row (first on line 2)",
        9: "bad branch code: required, at most 20 characters",
        10: "too long: phone (at most 40 characters)",
    }
    in_dutch = (await api.ok(BRANCHES_QUERY, headers={"Accept-Language": "nl"}))["branches"]
    assert {b["code"]: b["name"] for b in in_dutch} == {"BRU": "Brussel - Anderlecht", "GNT": "Gent"}
    french = (await api.ok(BRANCHES_QUERY, headers={"Accept-Language": "fr"}))["branches"]
    gnt = next(b for b in french if b["code"] == "GNT")
    assert gnt == {
        "code": "GNT", "name": "Gand", "phone": None, "openingHours": None,
        "address": {"line1": "Ottergemsesteenweg-Zuid 731", "line2": "Hal 2", "postalCode": "9000", "city": "Gent",
                    "countryCode": "BE"},
    }  # fmt: skip

    before = await snapshot(Branch)
    again = (await import_catalog(branches=path)).files[0]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert await snapshot(Branch) == before

    moved = write(tmp_path, "moved.csv", "code,name_fr,line1,postal_code,city,country_code,phone\n"
                  "GNT,Gand,Nieuwe Weg 1,9000,Gent,BE,+32 9 240 31 00\n")  # fmt: skip
    changed = (await import_catalog(branches=moved)).files[0]
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    gnt_row = await Branch.get(code="GNT")
    # Absent optional columns (name_nl, line2, opening_hours) leave the stored values alone.
    assert (gnt_row.line1, gnt_row.phone, gnt_row.name_nl, gnt_row.line2) == (
        "Nieuwe Weg 1",
        "+32 9 240 31 00",
        "Gent",
        "Hal 2",
    )


async def test_the_samples_import_cleanly(db):
    company = await make_company()
    await make_customer_number(company, CustomerNumberKind.BILL_TO, "100001")
    report = await import_catalog(
        SAMPLES / "products.csv", SAMPLES / "prices.csv", SAMPLES / "stock.csv", branches=SAMPLES / "branches.csv"
    )
    assert report.rejected == 0, str(report)
    assert [(f.kind, f.created) for f in report.files] == [
        ("branches", 3),
        ("products", 6),
        ("prices", 5),
        ("stock", 5),
    ]
    assert await Product.filter(orderable=False).count() == 1


async def test_a_missing_column_stops_the_file_before_writing(db, tmp_path):
    path = write(tmp_path, "p.csv", "sku,name_fr,list_price\nX-1,Nom,1\n")
    with pytest.raises(ValueError, match="missing column"):
        await import_catalog(products=path)
    assert not await Product.exists()


async def test_imports_are_batched_not_one_query_per_row(db, tmp_path, sql):
    await make_branch("BRU")
    lines = [f"BULK-{n:05d},{valid_ean(30000 + n)},Produit {n},PIECE,{n % 50 + 1}" for n in range(1500)]
    products = write(tmp_path, "p.csv", "sku,ean,name_fr,unit,list_price\n" + "\n".join(lines) + "\n")
    stock_lines = [f"BRU,BULK-{n:05d},{n}" for n in range(1500)]
    stock = write(tmp_path, "s.csv", "branch_code,sku,quantity\n" + "\n".join(stock_lines) + "\n")
    sql.statements.clear()
    report = await import_catalog(products=products, stock=stock)
    assert [f.created for f in report.files] == [1500, 1500]
    assert len(sql.statements) < 40, len(sql.statements)
    sql.statements.clear()
    report = await import_catalog(products=products, stock=stock)
    assert [f.unchanged for f in report.files] == [1500, 1500]
    assert len(sql.statements) < 40


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_only_on_a_terminal():
    plain = io.StringIO()
    bar = Progress("products", 10, plain)
    bar.advance(5)
    bar.close()
    assert plain.getvalue() == ""
    tty = FakeTerminal()
    bar = Progress("products", 10, tty)
    bar.advance(5)
    bar.close()
    assert "5/10" in tty.getvalue() and tty.getvalue().endswith("\n")


def test_manage_py_import_catalog_prints_the_report(tmp_path):
    """The command as an operator runs it: report on stdout, no progress bar when not on a terminal."""
    url = f"sqlite://{tmp_path / 'import.sqlite3'}"
    root = SAMPLES.parent

    def manage(*args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}
        return subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip

    assert manage("migrate").returncode == 0
    first = manage("import-catalog", "--products", str(SAMPLES / "products.csv"))
    assert first.returncode == 0, first.stderr
    assert "products (" in first.stdout and "6 created, 0 updated, 0 unchanged, 0 rejected" in first.stdout
    # A fresh database has no branch: --branches loads them, so stock can follow in the same run.
    stocked = manage(
        "import-catalog", "--branches", str(SAMPLES / "branches.csv"), "--stock", str(SAMPLES / "stock.csv")
    )
    assert stocked.returncode == 0, stocked.stderr
    assert "branches (" in stocked.stdout and "3 created, 0 updated, 0 unchanged, 0 rejected" in stocked.stdout
    assert "stock (" in stocked.stdout and "5 created" in stocked.stdout
    assert "[#" not in first.stderr
    again = manage("import-catalog", "--products", str(SAMPLES / "products.csv"))
    assert "0 created, 0 updated, 6 unchanged, 0 rejected" in again.stdout
    nothing = manage("import-catalog")
    assert nothing.returncode != 0 and "give at least one of --branches" in nothing.stderr
