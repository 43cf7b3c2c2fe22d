"""The printable page of an approved scan list: one real barcode per line, behind a signed link."""

from __future__ import annotations

import re

from models import ScanList
from resolvers.scan_print import print_token
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
    assert with_ean.ean in page and "PVC-7001" in page and with_ean.sku in page
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
    assert "Profiel" in (await api.client.get(url, headers={"Accept-Language": "nl-BE"})).text
    assert "Profilé" in (await api.client.get(url)).text


async def test_a_wrong_missing_or_foreign_token_is_not_found(api, settings):
    member = await make_member()
    product = await make_product()
    approved = await make_scan_list(member.company, (product, "1"))
    other = await make_scan_list(member.company, (product, "1"))
    base = f"/scan-lists/{gid(approved)}/print"

    assert (await api.client.get(path_of(await print_url_of(api, member)))).status_code == 200
    assert (await api.client.get(base)).status_code == 404
    assert (await api.client.get(f"{base}?token=nope")).status_code == 404
    assert (await api.client.get(f"{base}?token={print_token(settings, other.id)}")).status_code == 404
    other_key = Settings(app_env="development", secret_key="another secret key of enough length!!")
    assert (await api.client.get(f"{base}?token={print_token(other_key, approved.id)}")).status_code == 404
    assert (await api.client.get("/scan-lists/garbage/print?token=x")).status_code == 404


async def test_an_unapproved_list_has_no_page_until_approved(api, settings):
    member = await make_member()
    draft = await make_scan_list(member.company, (await make_product(), "1"), approved=False)
    url = f"/scan-lists/{gid(draft)}/print?token={print_token(settings, draft.id)}"
    assert (await api.client.get(url)).status_code == 404

    _, token = await make_staff()
    approved = await api.ok(APPROVE, {"id": gid(draft)}, token=token)
    assert path_of(approved["scanListApprove"]["scanList"]["printUrl"]) == url
    assert (await api.client.get(url)).status_code == 200
    assert await ScanList.filter(approved_at__isnull=False).count() == 1
