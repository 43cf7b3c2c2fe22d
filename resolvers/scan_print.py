"""The printable page of an approved scan list: one real barcode per line (inline SVG).

The page is reached without a session (it is printed, or opened on a workshop tablet), so its
link carries a token: HMAC-SHA256 of the list's id under SETTINGS.secret_key. Only approved
lists have a link (`print_url`); an unknown or unapproved list, or a wrong token, is "not
found" whatever the reason. The page shows product names, SKUs, codes and default quantities,
never prices. Changing SECRET_KEY invalidates every printed link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import uuid
from decimal import Decimal

import barcode
from barcode.writer import SVGWriter
from stdnum import ean as ean_check

from models import Company, Locale, Product, ScanList, ScanListLine
from resolvers import catalog, ids
from settings import Settings

PURPOSE = b"scan-list-print:"


def print_token(settings: Settings, pk: uuid.UUID) -> str:
    """The token of a list's printable link (URL-safe, no padding)."""
    digest = hmac.new(settings.signing_key, PURPOSE + str(pk).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def print_url(settings: Settings, row: ScanList) -> str | None:
    """`{PUBLIC_URL}/scan-lists/{id}/print?token=...` for an approved list; None before approval."""
    if row.approved_at is None:
        return None
    base = settings.public_url.rstrip("/")
    return f"{base}/scan-lists/{ids.encode('ScanList', row.id)}/print?token={print_token(settings, row.id)}"


def barcode_svg(code: str) -> str:
    """An inline <svg>: EAN-13 for a valid EAN-13, else Code 128 (SKUs)."""
    if len(code) == 13 and code.isdigit() and ean_check.is_valid(code):
        symbol = barcode.get("ean13", code[:12], writer=SVGWriter())
    else:
        symbol = barcode.get("code128", code, writer=SVGWriter())
    out = io.BytesIO()
    symbol.write(out, options={"module_height": 12.0, "font_size": 8, "text_distance": 4.0})
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline: without the XML declaration and doctype


def _plain(value: Decimal) -> str:
    return format(catalog.plain(Decimal(value)), "f")


async def printable(settings: Settings, global_id: str, token: str | None) -> tuple[ScanList, Company] | None:
    """The approved list behind a printable link, or None (unknown id, unapproved, bad token)."""
    pk = ids.decode_or_none(global_id, "ScanList")
    if pk is None or not token or not hmac.compare_digest(token, print_token(settings, pk)):
        return None
    row = await ScanList.get_or_none(id=pk, approved_at__isnull=False)
    if row is None:
        return None
    return row, await Company.get(id=row.company_id)  # type: ignore[attr-defined]


async def render(row: ScanList, company: Company, locale: Locale) -> str:
    """The HTML page: the list's name and company, then a table with one barcode per line."""
    lines = await ScanListLine.filter(scan_list_id=row.id).order_by("position")
    products = {p.id: p for p in await Product.filter(id__in=[ln.product_id for ln in lines])}  # type: ignore[attr-defined]
    e = html.escape
    body = []
    for line in lines:
        product = products[line.product_id]  # type: ignore[attr-defined]
        name = catalog.localized(product, "name", locale) or product.sku
        body.append(
            "<tr>"
            f'<td class="code">{barcode_svg(line.barcode)}<div>{e(line.barcode)}</div></td>'
            f"<td><strong>{e(name)}</strong><br>SKU {e(product.sku)}</td>"
            f'<td class="qty">{e(_plain(line.default_quantity))}</td>'
            "</tr>"
        )
    approved = row.approved_at.date().isoformat() if row.approved_at else ""
    return f"""<!DOCTYPE html>
<html lang="{locale.value.lower()}">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>{e(row.name)}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5cm; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #999; padding: 4mm 2mm; text-align: left; vertical-align: middle; }}
td.code {{ width: 55mm; text-align: center; font-family: monospace; }}
td.qty, th.qty {{ text-align: right; font-size: 1.4em; }}
tr {{ page-break-inside: avoid; }}
@media print {{ body {{ margin: 0; }} }}
</style>
</head>
<body>
<h1>{e(row.name)}</h1>
<p>{e(company.name)} &middot; {e(company.customer_number)} &middot; {e(approved)}</p>
<table>
<thead><tr><th>Code</th><th>Article</th><th class="qty">Qty</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
</body>
</html>
"""
