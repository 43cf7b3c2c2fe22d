"""manage.py as the Procfile and the README run it: migrate a fresh database, seed twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import PG

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
async def fresh_url(tmp_path):
    if not PG:
        yield f"sqlite://{tmp_path / 'fresh.sqlite3'}"
        return
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"manage_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(os.environ["DATABASE_URL"], statement_cache_size=0)
    await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def _counts(url: str) -> dict[str, int]:
    tables = ["user", "company", "customer_number", "membership", "product", "branch_stock", "quote"]
    if url.startswith("sqlite://"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as db:
            return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    conn = await asyncpg.connect(url, statement_cache_size=0)
    try:
        return {t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables}
    finally:
        await conn.close()


async def _indexed_columns(url: str) -> list[tuple[str, str | None]]:
    """(index, column) of every index; SQLite reads a misspelt column as a constant (None)."""
    if url.startswith("sqlite://"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as db:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")]
            return [(n, row[2]) for n in names for row in db.execute(f'PRAGMA index_info("{n}")')]
    conn = await asyncpg.connect(url, statement_cache_size=0)
    try:
        rows = await conn.fetch(
            "SELECT i.relname, a.attname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_namespace n ON n.oid = i.relnamespace AND n.nspname = 'public' "
            "LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)"
        )
        return [(r["relname"], r["attname"]) for r in rows]
    finally:
        await conn.close()


async def test_migrate_then_seed_demo_twice_changes_nothing_the_second_time(fresh_url):
    migrated = manage("migrate", url=fresh_url)
    assert migrated.returncode == 0, migrated.stderr
    indexed = await _indexed_columns(fresh_url)
    assert any(name.startswith("idx_order_line_order") and column == "order_id" for name, column in indexed)
    assert [name for name, column in indexed if column is None] == []
    assert manage("migrate", url=fresh_url).returncode == 0  # nothing left to apply

    first = manage("seed-demo", url=fresh_url)
    assert first.returncode == 0, first.stderr
    after_first = await _counts(fresh_url)
    assert after_first["company"] >= 3 and after_first["product"] >= 1000 and after_first["quote"] > 0
    assert manage("seed-demo", url=fresh_url).returncode == 0
    assert await _counts(fresh_url) == after_first


def test_create_staff_takes_the_password_from_the_environment(tmp_path):
    url = f"sqlite://{tmp_path / 'staff.sqlite3'}"
    assert manage("migrate", url=url).returncode == 0
    env = {**os.environ, "DATABASE_URL": url, "STAFF_PASSWORD": "a long staff passphrase"}
    done = subprocess.run(
        [sys.executable, "manage.py", "create-staff", "Ann@Distributor.example", "--role", "ADMINISTRATOR"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(url.removeprefix("sqlite://")) as db:
        row = db.execute(
            'SELECT staff_role, email_verified FROM "user" WHERE email = ?', ("ann@distributor.example",)
        ).fetchone()
    assert row == ("ADMINISTRATOR", 1)
    weak = subprocess.run(
        [sys.executable, "manage.py", "create-staff", "bob@distributor.example", "--role", "ADMINISTRATOR"],
        cwd=ROOT,
        env={**env, "STAFF_PASSWORD": "short"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert weak.returncode != 0 and "error" in weak.stderr.lower()
