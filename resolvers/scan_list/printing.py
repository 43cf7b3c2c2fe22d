"""The printable page of an approved scan list: one real barcode per line (inline SVG).

The page is reached without a session (it is printed, or opened on a workshop tablet), so its
link carries a token: its expiry date and the HMAC-SHA256 of the list's id and that date under
SETTINGS.secret_key. Only approved lists have a link (`print_url`); an unknown or unapproved
list, a wrong token or a company that is not ACTIVE is "not found" whatever the reason; a
genuine link past its date is "gone" (LinkExpired). The page shows product names, SKUs, codes
and default quantities, never prices. Changing SECRET_KEY invalidates every printed link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import barcode
from barcode.writer import SVGWriter
from stdnum import ean as ean_check

from models import Company, CompanyStatus, Locale, Product, ScanList, ScanListLine
from resolvers.catalog import products as catalog
from resolvers.core import ids
from resolvers.core.clock import now
from settings import Settings

PURPOSE = b"scan-list-print:"
#: 2 px per module on a 96 dpi screen (25.4 / 96 * 2 mm): thinner bars blur into their
#: neighbours on a tablet and a camera scanner cannot decode them.
MODULE_MM = 0.53
HEADINGS = {
    Locale.FR: ("Code", "Article", "Quantité"),
    Locale.NL: ("Code", "Artikel", "Aantal"),
    Locale.EN: ("Code", "Item", "Quantity"),
}


class LinkExpired(Exception):
    """A genuine printable link past its expiry date."""


def print_token(settings: Settings, pk: uuid.UUID, expires: date) -> str:
    """`YYYYMMDD.signature`: the last day the link works, and the HMAC of the list's id and that
    day (URL-safe base64, no padding), so the date cannot be moved."""
    message = PURPOSE + f"{pk}:{expires.isoformat()}".encode()
    digest = hmac.new(settings.signing_key, message, hashlib.sha256).digest()
    return f"{expires:%Y%m%d}." + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def print_url(settings: Settings, row: ScanList) -> str | None:
    """`{API_PUBLIC_URL}/scan-lists/{id}/print?token=...` for an approved list, valid for
    PRINT_LINK_DAYS from today (the same link all day long); None before approval."""
    if row.approved_at is None:
        return None
    expires = now().date() + timedelta(days=settings.print_link_days)
    token = print_token(settings, row.id, expires)
    return f"{settings.api_url}/scan-lists/{ids.encode('ScanList', row.id)}/print?token={token}"


def _expiry_of(token: str) -> date | None:
    try:
        return datetime.strptime(token.split(".", 1)[0], "%Y%m%d").date()
    except ValueError:
        return None


def barcode_svg(code: str) -> str:
    """An inline <svg> without text (the page prints the code once, below it): EAN-13 for a
    valid EAN-13, else Code 128 (SKUs)."""
    if len(code) == 13 and code.isdigit() and ean_check.is_valid(code):
        symbol = barcode.get("ean13", code[:12], writer=SVGWriter())
    else:
        symbol = barcode.get("code128", code, writer=SVGWriter())
    out = io.BytesIO()
    symbol.write(out, options={"module_width": MODULE_MM, "module_height": 15.0, "write_text": False})
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline: without the XML declaration and doctype


def _plain(value: Decimal) -> str:
    return format(catalog.plain(Decimal(value)), "f")


async def printable(settings: Settings, global_id: str, token: str | None) -> tuple[ScanList, Company] | None:
    """The approved list of an ACTIVE company behind a printable link, or None (unknown id,
    unapproved, bad token, company not active); LinkExpired for a genuine link past its date."""
    pk = ids.decode_or_none(global_id, "ScanList")
    expires = _expiry_of(token or "")
    if pk is None or expires is None or not hmac.compare_digest(token or "", print_token(settings, pk, expires)):
        return None
    row = await ScanList.get_or_none(id=pk, approved_at__isnull=False)
    if row is None:
        return None
    company = await Company.get(id=row.company_id)
    if company.status != CompanyStatus.ACTIVE:
        return None
    if expires < now().date():
        raise LinkExpired
    return row, company


async def render(row: ScanList, company: Company, locale: Locale) -> str:
    """The HTML page: the list's name and company, then a table with one barcode per line."""
    lines = await ScanListLine.filter(scan_list_id=row.id).order_by("position")
    products = {p.id: p for p in await Product.filter(id__in=[ln.product_id for ln in lines])}
    e = html.escape
    body = []
    for line in lines:
        product = products[line.product_id]
        name = catalog.localized(product, "name", locale) or product.sku
        body.append(
            "<tr>"
            f'<td class="code">{barcode_svg(line.barcode)}<div>{e(line.barcode)}</div></td>'
            f"<td><strong>{e(name)}</strong><br>SKU {e(product.sku)}</td>"
            f'<td class="qty">{e(_plain(line.default_quantity))}</td>'
            "</tr>"
        )
    approved = row.approved_at.date().isoformat() if row.approved_at else ""
    code, item, quantity = HEADINGS[locale]
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
td.code {{ width: 80mm; text-align: center; font-family: monospace; font-size: 1.1em; }}
td.qty, th.qty {{ text-align: right; font-size: 1.4em; }}
tr {{ page-break-inside: avoid; }}
@media print {{ body {{ margin: 0; }} }}
</style>
</head>
<body>
<h1>{e(row.name)}</h1>
<p>{e(company.name)} &middot; {e(company.customer_number)} &middot; {e(approved)}</p>
<table>
<thead><tr><th>{code}</th><th>{item}</th><th class="qty">{quantity}</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
</body>
</html>
"""
