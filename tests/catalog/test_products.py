"""products(filter, first, after): access, search, category tree, orderableOnly, pages, locale."""

from __future__ import annotations

import pytest

from models import MembershipStatus, Role, StaffRole
from resolvers.core.permissions import MATRIX, Permission
from tests.catalog.factories import gid, make_category, make_product
from tests.conftest import error_codes
from tests.factories import make_member, make_staff

PRODUCTS = """
query($filter: ProductFilter, $first: Int, $after: String) {
  products(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id sku ean name description brand unit orderMultiple minimumQuantity orderable vatRate } }
  }
}
"""
NO_BROWSE = [r for r, granted in MATRIX.items() if Permission.BROWSE_CATALOG not in granted]


def skus(data: dict) -> list[str]:
    return [e["node"]["sku"] for e in data["products"]["edges"]]


async def search(api, token, text: str | None = None, **filters) -> list[str]:
    data = await api.ok(PRODUCTS, {"filter": {"search": text, **filters}, "first": 100}, token=token)
    return skus(data)


async def test_a_member_browses_products_by_sku(api):
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    await make_product("B-2", name_fr="Vis", order_multiple=6, vat_rate=6)
    await make_product("A-1", name_fr="Cheville", name_en=None, description_fr="Pour béton")
    data = await api.ok(PRODUCTS, token=member.token)
    conn = data["products"]
    assert conn["totalCount"] == 2
    assert skus(data) == ["A-1", "B-2"]
    first = conn["edges"][0]["node"]
    assert first["name"] == "Cheville" and first["description"] == "Pour béton"
    assert first["unit"] == "PIECE" and first["orderable"] is True and first["brand"] == "Acme"
    assert len(first["ean"]) == 13
    second = conn["edges"][1]["node"]
    assert (second["orderMultiple"], second["minimumQuantity"], second["vatRate"]) == ("6", "1", "6")


@pytest.mark.parametrize("role", NO_BROWSE)
async def test_roles_without_browse_catalog_are_forbidden(api, role):
    member = await make_member(role)
    await make_product()
    body = await api(PRODUCTS, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_pending_membership_is_forbidden(api):
    member = await make_member(Role.ADMINISTRATOR, status=MembershipStatus.PENDING)
    body = await api(PRODUCTS, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_without_a_session_it_is_unauthenticated(api):
    body = await api(PRODUCTS)
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_staff_browse_the_catalog(api):
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    await make_product("S-1")
    assert skus(await api.ok(PRODUCTS, token=token)) == ["S-1"]


async def test_search_needs_every_word(api):
    member = await make_member()
    await make_product("PVC-1", name_fr="Profilé dormant blanc", name_nl="Kaderprofiel wit", brand="Veka")
    await make_product("PVC-2", name_fr="Profilé dormant gris", name_nl="Kaderprofiel grijs", brand="Rehau")
    await make_product("ALU-1", name_fr="Tube carré", name_nl="Vierkante buis", brand="Veka")
    t = member.token
    assert await search(api, t, "profilé") == ["PVC-1", "PVC-2"]
    assert await search(api, t, "  Profilé   BLANC ") == ["PVC-1"]
    assert await search(api, t, "veka") == ["ALU-1", "PVC-1"]  # brand
    assert await search(api, t, "veka dormant") == ["PVC-1"]
    assert await search(api, t, "kaderprofiel grijs") == ["PVC-2"]  # the NL name, whatever the locale
    assert await search(api, t, "pvc-2") == ["PVC-2"]  # SKU
    assert await search(api, t, "dormant tube") == []
    assert await search(api, t, "") == ["ALU-1", "PVC-1", "PVC-2"]


async def test_search_words_longer_than_any_searched_text_match_nothing(api):
    member = await make_member()
    await make_product("LW-1", name_fr="P" * 300, brand="Veka")
    t = member.token
    assert await search(api, t, "x" * 50_000) == []  # SQLite refuses a LIKE pattern this long
    assert await search(api, t, f"veka {'p' * 301}") == []  # no name, SKU or brand is that long
    assert await search(api, t, "p" * 300) == ["LW-1"]
    # Only the first 10 words count: the rest are not searched.
    assert await search(api, t, "veka " * 10 + "nothing " * 10_000) == ["LW-1"]


async def test_search_by_ean(api):
    member = await make_member()
    wanted = await make_product("E-1")
    await make_product("E-2")
    assert await search(api, member.token, wanted.ean) == ["E-1"]


async def test_search_text_follows_a_renamed_product(api):
    member = await make_member()
    product = await make_product("R-1", name_fr="Ancien nom")
    product.name_fr = "Nouveau nom"
    await product.save(update_fields=["name_fr"])
    assert await search(api, member.token, "nouveau") == ["R-1"]
    assert await search(api, member.token, "ancien") == []


async def test_search_wildcards_are_plain_characters(api):
    member = await make_member()
    await make_product("W-1", name_fr="Vis 100% inox")
    await make_product("W-2", name_fr="Vis inox")
    assert await search(api, member.token, "100%") == ["W-1"]
    assert await search(api, member.token, "_") == []


async def test_category_filter_includes_sub_categories(api):
    member = await make_member()
    pvc = await make_category("PVC")
    profiles = await make_category("PVC/Profiles")
    windows = await make_category("PVC/Profiles/Windows")
    prefix_twin = await make_category("PVC Extra")  # shares the prefix "PVC" but is not under it
    await make_product("P-1", category=pvc)
    await make_product("P-2", category=profiles)
    await make_product("P-3", category=windows)
    await make_product("X-1", category=prefix_twin)
    await make_product("N-1")
    t = member.token
    assert await search(api, t, categoryId=gid(pvc)) == ["P-1", "P-2", "P-3"]
    assert await search(api, t, categoryId=gid(profiles)) == ["P-2", "P-3"]
    assert await search(api, t, categoryId=gid(windows)) == ["P-3"]
    assert await search(api, t, "p-3", categoryId=gid(pvc)) == ["P-3"]


async def test_an_unknown_category_has_no_products(api):
    member = await make_member()
    await make_product()
    assert await search(api, member.token, categoryId="nonsense") == []


async def test_orderable_only(api):
    member = await make_member()
    await make_product("O-1")
    await make_product("O-2", orderable=False)
    assert await search(api, member.token, orderableOnly=True) == ["O-1"]
    assert await search(api, member.token, orderableOnly=False) == ["O-1", "O-2"]


async def test_walking_pages_returns_every_product_once(api):
    member = await make_member()
    made = sorted([(await make_product(f"PG-{n:03d}")).sku for n in (5, 3, 11, 1, 8, 2, 13)])
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        data = await api.ok(PRODUCTS, {"first": 3, "after": after}, token=member.token)
        conn = data["products"]
        assert conn["totalCount"] == 7
        seen += skus(data)
        pages += 1
        assert conn["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
        assert after == conn["edges"][-1]["cursor"]
    assert seen == made and pages == 3


async def test_a_cursor_stays_valid_when_products_are_added_before_it(api):
    member = await make_member()
    for n in (2, 4, 6):
        await make_product(f"C-{n}")
    data = await api.ok(PRODUCTS, {"first": 2}, token=member.token)
    await make_product("C-1")
    await make_product("C-5")
    rest = await api.ok(PRODUCTS, {"first": 10, "after": data["products"]["pageInfo"]["endCursor"]}, token=member.token)
    assert skus(rest) == ["C-5", "C-6"]


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_page_size_out_of_range_is_limit_exceeded(api, first):
    member = await make_member()
    body = await api(PRODUCTS, {"first": first}, token=member.token)
    assert error_codes(body) == ["LIMIT_EXCEEDED"]
    assert body["data"] is None


async def test_page_size_100_is_allowed(api):
    member = await make_member()
    await make_product()
    data = await api.ok(PRODUCTS, {"first": 100}, token=member.token)
    assert data["products"]["totalCount"] == 1


@pytest.mark.parametrize(
    ("accept", "name", "description"),
    [
        ("nl-BE,nl;q=0.9", "Schroef", "Voor hout"),
        ("en", "Screw", "Pour bois"),  # no English description: French
        ("de-DE, en;q=0.5", "Screw", "Pour bois"),
        ("fr", "Vis", "Pour bois"),
        (None, "Vis", "Pour bois"),
    ],
)
async def test_names_follow_accept_language(api, accept, name, description):
    member = await make_member()
    await make_product("L-1", name_fr="Vis", name_nl="Schroef", name_en="Screw",
                       description_fr="Pour bois", description_nl="Voor hout", description_en=None)  # fmt: skip
    headers = {"Accept-Language": accept}  # None: no header
    data = await api.ok(PRODUCTS, token=member.token, headers=headers)
    node = data["products"]["edges"][0]["node"]
    assert (node["name"], node["description"]) == (name, description)


async def test_an_empty_dutch_name_falls_back_to_french(api):
    member = await make_member()
    await make_product("L-2", name_fr="Mastic", name_nl="", name_en=None)
    await make_product("L-3", name_fr="Colle", name_nl=None)
    data = await api.ok(PRODUCTS, token=member.token, headers={"Accept-Language": "nl"})
    assert [e["node"]["name"] for e in data["products"]["edges"]] == ["Mastic", "Colle"]
