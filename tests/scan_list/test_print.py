"""The printable page of an approved scan list: one real barcode per line, behind a signed link."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from models import CompanyStatus, ScanList
from resolvers.scan_list.printing import print_token
from settings import Settings
from tests.catalog.factories import gid, make_product
from tests.factories import make_member, make_staff
from tests.scan_list.helpers import APPROVE, SCAN_LISTS, make_scan_list, path_of


async def print_url_of(api, member) -> str:
    return (await api.ok(SCAN_LISTS, token=member.token))["scanLists"][0]["printUrl"]


async def test_the_page_has_a_barcode_per_line(api):
    member = await make_member()
    with_ean = await make_product(name_fr="Vis inox 4x40 <A2>")
    sku_only = await make_product(sku="PVC-7001", ean=None)
    await make_scan_list(member.company, (with_ean, "25"), (sku_only, "1.5"), name="Chantier Gare")

    response = await api.client.get(path_of(await print_url_of(api, member)))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "private, no-store"
    page = response.text
    assert page.count("<svg") == 2
    assert "<?xml" not in page  # inline SVG, no document prologue
    assert "Chantier Gare" in page and member.company.name in page
    assert "Vis inox 4x40 &lt;A2&gt;" in page  # names are escaped
    assert page.count(with_ean.ean) == 1 and page.count("PVC-7001") == 2 and with_ean.sku in page  # SKU line too
    assert "<text" not in page  # the digits are printed once, under the bars, as page text
    assert ">25<" in page and ">1.5<" in page
    # EAN-13 has 95 modules (30 bars); Code 128 for the SKU ends with the 13-module stop pattern.
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(re.findall(r"<rect x=", svgs[0])) == 30
    assert len(re.findall(r"<rect x=", svgs[1])) > 20


async def test_the_page_is_in_the_readers_language(api):
    member = await make_member()
    product = await make_product(name_fr="Profilé", name_nl="Profiel")
    await make_scan_list(member.company, (product, "1"))
    url = path_of(await print_url_of(api, member))
    dutch = (await api.client.get(url, headers={"Accept-Language": "nl-BE"})).text
    assert "Profiel" in dutch and '<th>Artikel</th><th class="qty">Aantal</th>' in dutch
    french = (await api.client.get(url)).text
    assert "Profilé" in french and '<th>Article</th><th class="qty">Quantité</th>' in french
    english = (await api.client.get(url, headers={"Accept-Language": "en"})).text
    assert '<th>Item</th><th class="qty">Quantity</th>' in english


def narrowest_bar_px(svg: str, dpi: int = 96) -> float:
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+mm" y="[\d.]+mm" width="([\d.]+)mm"', svg)]
    return min(widths) * dpi / 25.4


async def test_barcodes_have_modules_of_at_least_two_pixels_at_96_dpi(api):
    member = await make_member()
    await make_scan_list(
        member.company, (await make_product(), "1"), (await make_product(sku="PVC-7002", ean=None), "1")
    )

    page = (await api.client.get(path_of(await print_url_of(api, member)))).text

    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 2 and all(narrowest_bar_px(svg) >= 2 for svg in svgs)


async def test_the_print_link_is_served_by_the_api_not_the_shop(api, settings):
    member = await make_member()
    await make_scan_list(member.company, (await make_product(), "1"))

    url = await print_url_of(api, member)

    assert settings.public_url == "https://shop.test"
    assert url.startswith("http://127.0.0.1:8000/scan-lists/")
    assert Settings(host="0.0.0.0", port=9000).api_url == "http://127.0.0.1:9000"
    assert Settings(api_public_url="https://api.example.com/").api_url == "https://api.example.com"


async def test_a_print_link_expires_after_print_link_days(api, settings):
    member = await make_member()
    scan_list = await make_scan_list(member.company, (await make_product(), "1"))
    token = parse_qs(urlsplit(await print_url_of(api, member)).query)["token"][0]
    today = datetime.now(UTC).date()
    base = f"/scan-lists/{gid(scan_list)}/print"

    assert token.startswith(f"{today + timedelta(days=90):%Y%m%d}.")
    assert (await api.client.get(f"{base}?token={print_token(settings, scan_list.id, today)}")).status_code == 200
    expired = await api.client.get(f"{base}?token={print_token(settings, scan_list.id, today - timedelta(days=1))}")
    assert expired.status_code == 410 and "expired" in expired.text
    # The expiry is signed: moving it forward breaks the signature.
    forged = f"{date(2099, 1, 1):%Y%m%d}.{token.split('.', 1)[1]}"
    assert (await api.client.get(f"{base}?token={forged}")).status_code == 404
    assert Settings(print_link_days=7).print_link_days == 7


async def test_a_print_link_stops_working_when_the_company_is_not_active(api):
    member = await make_member()
    await make_scan_list(member.company, (await make_product(), "1"))
    path = path_of(await print_url_of(api, member))
    assert (await api.client.get(path)).status_code == 200

    member.company.status = CompanyStatus.SUSPENDED
    await member.company.save(update_fields=["status"])

    assert (await api.client.get(path)).status_code == 404


async def test_a_wrong_missing_or_foreign_token_is_not_found(api, settings):
    member = await make_member()
    product = await make_product()
    approved = await make_scan_list(member.company, (product, "1"))
    other = await make_scan_list(member.company, (product, "1"))
    base = f"/scan-lists/{gid(approved)}/print"

    assert (await api.client.get(path_of(await print_url_of(api, member)))).status_code == 200
    assert (await api.client.get(base)).status_code == 404
    assert (await api.client.get(f"{base}?token=nope")).status_code == 404
    later = datetime.now(UTC).date() + timedelta(days=30)
    assert (await api.client.get(f"{base}?token={print_token(settings, other.id, later)}")).status_code == 404
    other_key = Settings(app_env="development", secret_key="another secret key of enough length!!")
    assert (await api.client.get(f"{base}?token={print_token(other_key, approved.id, later)}")).status_code == 404
    assert (await api.client.get(f"{base}?token=2027x101.abc")).status_code == 404
    assert (await api.client.get("/scan-lists/garbage/print?token=x")).status_code == 404


async def test_an_unapproved_list_has_no_page_until_approved(api, settings):
    member = await make_member()
    draft = await make_scan_list(member.company, (await make_product(), "1"), approved=False)
    expires = datetime.now(UTC).date() + timedelta(days=settings.print_link_days)
    url = f"/scan-lists/{gid(draft)}/print?token={print_token(settings, draft.id, expires)}"
    assert (await api.client.get(url)).status_code == 404

    _, token = await make_staff()
    approved = await api.ok(APPROVE, {"id": gid(draft)}, token=token)
    assert path_of(approved["scanListApprove"]["scanList"]["printUrl"]) == url
    assert (await api.client.get(url)).status_code == 200
    assert await ScanList.filter(approved_at__isnull=False).count() == 1
