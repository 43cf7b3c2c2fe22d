"""Hand-written twins of three GraphQL pages, for bench/run.py to compare against.

POST /bench/products, /bench/quotes, /bench/orders with a JSON body {"first": 20, "after": null}
and the same Authorization / Accept-Language headers as /graphql answer byte-for-byte the same
JSON as the GraphQL documents in bench/run.py (PRODUCTS, QUOTES, ORDERS): the same rules
(session, permission, price visibility, customer-number limits, locale fallback, stock status,
rounding), but plain SQL on an asyncpg pool and orjson, with no ORM and no GraphQL executor.

Served only by the benchmark twin, bench/app.py (the production app plus these routes).
The pure rules (ids, quantities, prices, stock status, roles) are imported from resolvers/ so
both sides compute values the same way; everything else here is deliberately hand-rolled.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models import Role
from resolvers.catalog.pricing import Break, line_total, net_price
from resolvers.catalog.products import plain, stock_status
from resolvers.core.context import locale_from_header
from resolvers.core.ids import encode
from resolvers.core.permissions import Permission, permissions_of

CENT = Decimal("0.01")
MAX_PAGE = 100

SESSION_SQL = """
SELECT u.staff_role, m.id AS membership_id, m.role, m.status AS membership_status, m.company_id,
       c.status AS company_status, c.fast_entry_enabled
FROM session s
JOIN "user" u ON u.id = s.user_id
LEFT JOIN membership m ON m.id = s.membership_id
LEFT JOIN company c ON c.id = m.company_id
WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
"""


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message


class Viewer:
    def __init__(self, row: asyncpg.Record | None) -> None:
        self.staff = row is not None and row["staff_role"] is not None
        active = (
            row is not None
            and row["membership_id"] is not None
            and row["membership_status"] == "ACTIVE"
            and row["company_status"] == "ACTIVE"
        )
        member = row if active else None
        self.membership_id = member["membership_id"] if member is not None else None
        self.company_id = member["company_id"] if member is not None else None
        self.permissions = (
            permissions_of(Role(member["role"]), member["fast_entry_enabled"]) if member is not None else frozenset()
        )
        self.can_see_prices = Permission.VIEW_PRICES in self.permissions or self.staff
        self.signed_in = row is not None

    def require(self, permission: Permission) -> None:
        if not self.signed_in:
            raise Refused("UNAUTHENTICATED", "Sign in first.")
        if self.membership_id is None or permission not in self.permissions:
            raise Refused("FORBIDDEN", "You may not do this.")


class Database:
    """One asyncpg pool per app, made on first use (same size as Tortoise's default), closed by
    bench/app.py's lifespan. Behind a PgBouncer in transaction pooling (the suite's CI run) no
    statement is cached on a server connection, as settings.connection_config does for the app."""

    def __init__(self, url: str, *, transaction_pooling: bool = False) -> None:
        parts = urlsplit(url)
        self.dsn = urlunsplit(parts._replace(query=""))
        self.statement_cache_size = 0 if transaction_pooling else 100  # asyncpg's default
        self.pool: asyncpg.Pool | None = None
        self.lock = asyncio.Lock()

    async def get(self) -> asyncpg.Pool:
        if self.pool is None:
            async with self.lock:
                if self.pool is None:
                    self.pool = await asyncpg.create_pool(
                        self.dsn, min_size=1, max_size=5, statement_cache_size=self.statement_cache_size
                    )
        return self.pool

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None


def money(viewer: Viewer, amount: Decimal | None) -> dict | None:
    if amount is None or not viewer.can_see_prices:
        return None
    return {"amount": str(amount.quantize(CENT, ROUND_HALF_UP)), "currency": "EUR"}


def cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def uncursor(value: str) -> list[str]:
    raw = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    if not isinstance(raw, list):
        raise ValueError
    return raw


def name_of(row: asyncpg.Record, locale: str) -> str:
    return row[f"name_{locale}"] or row["name_fr"] or ""


def page_size(body: dict) -> int:
    first = body.get("first", 20)
    first = 20 if first is None else first
    if not isinstance(first, int) or not 1 <= first <= MAX_PAGE:
        raise Refused("LIMIT_EXCEEDED", f"first must be between 1 and {MAX_PAGE}.")
    return first


def connection(page_rows: list, size: int, total: int, after: str | None, edges: list[dict]) -> dict:
    return {
        "totalCount": total,
        "pageInfo": {
            "hasNextPage": len(page_rows) > size,
            "hasPreviousPage": bool(after),
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "edges": edges,
    }


async def products(conn: asyncpg.Connection, viewer: Viewer, locale: str, body: dict) -> dict:
    if not viewer.staff:
        viewer.require(Permission.BROWSE_CATALOG)
    size = page_size(body)
    after = body.get("after")
    total = await conn.fetchval("SELECT count(*) FROM product")
    columns = "id, sku, name_fr, name_nl, name_en, order_multiple, list_price"
    if after:
        rows = await conn.fetch(
            f"SELECT {columns} FROM product WHERE sku > $1 ORDER BY sku LIMIT $2", uncursor(after)[0], size + 1
        )
    else:
        rows = await conn.fetch(f"SELECT {columns} FROM product ORDER BY sku LIMIT $1", size + 1)
    page = rows[:size]
    ids = [r["id"] for r in page]
    breaks: dict[uuid.UUID, list[Break]] = defaultdict(list)
    if viewer.can_see_prices and viewer.company_id is not None and ids:
        for r in await conn.fetch(
            "SELECT product_id, minimum_quantity, unit_price FROM company_price"
            " WHERE company_id = $1 AND product_id = ANY($2::uuid[]) ORDER BY product_id, minimum_quantity",
            viewer.company_id,
            ids,
        ):
            breaks[r["product_id"]].append(Break(r["minimum_quantity"], r["unit_price"]))
    branches = await conn.fetch("SELECT id, code FROM branch ORDER BY name, code")
    stock: dict[tuple[uuid.UUID, uuid.UUID], Decimal] = {}
    if ids:
        stock = {
            (r["product_id"], r["branch_id"]): r["quantity"]
            for r in await conn.fetch(
                "SELECT product_id, branch_id, quantity FROM branch_stock WHERE product_id = ANY($1::uuid[])", ids
            )
        }
    zero = Decimal(0)
    edges = []
    for r in page:
        own = breaks.get(r["id"], [])
        multiple = r["order_multiple"]
        availability = []
        for b in branches:
            q = stock.get((r["id"], b["id"]), zero)
            availability.append(
                {"branch": {"code": b["code"]}, "quantity": str(plain(q)), "status": stock_status(q, multiple).value}
            )
        node = {
            "id": encode("Product", r["id"]),
            "sku": r["sku"],
            "name": name_of(r, locale),
            "listPrice": money(viewer, r["list_price"]),
            "netPrice": money(viewer, net_price(r["list_price"], own)),
            "priceBreaks": [
                {"minimumQuantity": str(plain(b.minimum_quantity)), "unitPrice": money(viewer, b.unit_price)}
                for b in own
            ]
            if viewer.can_see_prices
            else None,
            "availability": availability,
        }
        edges.append({"cursor": cursor([r["sku"]]), "node": node})
    return {"products": connection(rows, size, total, after, edges)}


async def _allowed_numbers(conn: asyncpg.Connection, viewer: Viewer) -> list[uuid.UUID] | None:
    rows = await conn.fetch(
        "SELECT customer_number_id FROM membership_customer_number WHERE membership_id = $1", viewer.membership_id
    )
    return [r[0] for r in rows] or None


async def _newest_first(
    conn: asyncpg.Connection, viewer: Viewer, body: dict, table: str, columns: str
) -> tuple[list, list, int, int, str | None]:
    """count + one page of `table` for the acting company, newest first, keyset after a cursor."""
    size = page_size(body)
    after = body.get("after")
    allowed = await _allowed_numbers(conn, viewer)
    where = "company_id = $1"
    args: list[Any] = [viewer.company_id]
    if allowed is not None:
        args.append(allowed)
        where += f" AND customer_number_id = ANY(${len(args)}::uuid[])"
    total = await conn.fetchval(f"SELECT count(*) FROM {table} WHERE {where}", *args)
    if after:
        created, pk = uncursor(after)
        args += [datetime.fromisoformat(created), uuid.UUID(pk)]
        where += f" AND (created_at, id) < (${len(args) - 1}, ${len(args)})"
    args.append(size + 1)
    rows = await conn.fetch(
        f"SELECT {columns} FROM {table} WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ${len(args)}", *args
    )
    return rows, rows[:size], size, total, after


def _line(viewer: Viewer, kind: str, r: asyncpg.Record, locale: str) -> dict:
    price = r["unit_price"]
    return {
        "id": encode(kind, r["id"]),
        "product": {"sku": r["sku"], "name": name_of(r, locale)},
        "quantity": str(plain(r["quantity"])),
        "unitPrice": money(viewer, price),
        "lineTotal": money(viewer, line_total(price, r["quantity"]) if price is not None else None),
    }


async def _lines(conn: asyncpg.Connection, table: str, key: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, list]:
    found: dict[uuid.UUID, list] = defaultdict(list)
    if ids:
        for r in await conn.fetch(
            f"SELECT l.{key} AS owner, l.id, l.quantity, l.unit_price, p.sku, p.name_fr, p.name_nl, p.name_en"
            f" FROM {table} l JOIN product p ON p.id = l.product_id"
            f" WHERE l.{key} = ANY($1::uuid[]) ORDER BY l.{key}, l.position",
            ids,
        ):
            found[r["owner"]].append(r)
    return found


def quote_status(state: str, valid_until: date | None, today: date) -> str:
    if state == "ISSUED":
        return "ACTIVE" if valid_until is not None and valid_until >= today else "EXPIRED"
    return state


async def quotes(conn: asyncpg.Connection, viewer: Viewer, locale: str, body: dict) -> dict:
    viewer.require(Permission.VIEW_QUOTES)
    rows, page, size, total, after = await _newest_first(
        conn, viewer, body, "quote", "id, created_at, number, status, valid_until, total"
    )
    lines = await _lines(conn, "quote_line", "quote_id", [r["id"] for r in page])
    today = datetime.now(UTC).date()
    edges = []
    for r in page:
        node = {
            "id": encode("Quote", r["id"]),
            "number": r["number"],
            "status": quote_status(r["status"], r["valid_until"], today),
            "total": money(viewer, r["total"] if r["status"] != "REQUESTED" else None),
            "lines": [_line(viewer, "QuoteLine", line, locale) for line in lines.get(r["id"], [])],
        }
        edges.append({"cursor": cursor([r["created_at"], r["id"]]), "node": node})
    return {"quotes": connection(rows, size, total, after, edges)}


async def orders(conn: asyncpg.Connection, viewer: Viewer, locale: str, body: dict) -> dict:
    if not viewer.signed_in:
        raise Refused("UNAUTHENTICATED", "Sign in first.")
    readers = {Permission.VIEW_COMPANY_ORDERS, Permission.VIEW_OWN_ORDERS}
    if viewer.membership_id is None or not readers & viewer.permissions:
        raise Refused("FORBIDDEN", "You may not do this.")
    if Permission.VIEW_COMPANY_ORDERS not in viewer.permissions:  # pragma: no cover - the bench user is admin
        raise Refused("FORBIDDEN", "The hand-written twin only serves VIEW_COMPANY_ORDERS.")
    rows, page, size, total, after = await _newest_first(
        conn, viewer, body, "customer_order", "id, created_at, number, status, total"
    )
    lines = await _lines(conn, "order_line", "order_id", [r["id"] for r in page])
    edges = []
    for r in page:
        node = {
            "id": encode("Order", r["id"]),
            "number": r["number"],
            "status": r["status"],
            "placedAt": r["created_at"].isoformat(),
            "total": money(viewer, r["total"]),
            "lines": [_line(viewer, "OrderLine", line, locale) for line in lines.get(r["id"], [])],
        }
        edges.append({"cursor": cursor([r["created_at"], r["id"]]), "node": node})
    return {"orders": connection(rows, size, total, after, edges)}


def endpoint(db: Database, handler: Any) -> Any:
    async def serve(request: Request) -> Response:
        try:
            body = orjson.loads(await request.body() or b"{}")
        except orjson.JSONDecodeError:
            return Response(b'{"errors":[{"message":"Invalid JSON."}]}', 400, media_type="application/json")
        authorization = request.headers.get("authorization") or ""
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        locale = locale_from_header(request.headers.get("accept-language")).value.lower()
        pool = await db.get()
        async with pool.acquire() as conn:
            row = await conn.fetchrow(SESSION_SQL, hashlib.sha256(token.encode()).hexdigest()) if token else None
            try:
                data = await handler(conn, Viewer(row), locale, body)
            except Refused as refused:
                error = {"message": refused.message, "extensions": {"code": refused.code}}
                return Response(orjson.dumps({"data": None, "errors": [error]}), media_type="application/json")
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    return serve


def routes(db: Database) -> list[Route]:
    return [
        Route("/bench/products", endpoint(db, products), methods=["POST"]),
        Route("/bench/quotes", endpoint(db, quotes), methods=["POST"]),
        Route("/bench/orders", endpoint(db, orders), methods=["POST"]),
    ]
