"""scanListCreate and scanListApprove: staff prepare and approve a company's scan list."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import AuditEvent, ScanList, ScanListLine, StaffRole
from resolvers.core.permissions import MATRIX
from tests.catalog.factories import gid, make_product
from tests.conftest import error_codes
from tests.factories import make_company, make_member, make_staff
from tests.scan_list.helpers import APPROVE, CREATE, make_scan_list, snapshot


def create_input(company, *lines, name="Atelier Nord"):
    return {"input": {"companyId": gid(company), "name": name, "lines": list(lines)}}


async def test_staff_create_a_list_with_barcodes(api):
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    company = await make_company()
    with_ean = await make_product()
    without_ean = await make_product(ean=None, order_multiple=Decimal("0.5"), minimum_quantity=Decimal("0.5"))
    packs = await make_product(order_multiple=Decimal(5), minimum_quantity=Decimal(5))

    data = await api.ok(
        CREATE,
        create_input(
            company,
            {"code": with_ean.ean, "quantity": "2"},
            {"productId": gid(without_ean), "quantity": "1.5"},
            {"code": packs.sku.lower(), "quantity": "5"},
            {"code": with_ean.sku, "quantity": "3"},  # same product again: summed
            name="  Atelier Nord ",
        ),
        token=token,
    )

    payload = data["scanListCreate"]
    assert payload["userErrors"] == []
    scan_list = payload["scanList"]
    assert scan_list["name"] == "Atelier Nord"
    assert scan_list["approved"] is False and scan_list["approvedAt"] is None and scan_list["printUrl"] is None
    assert [(ln["product"]["sku"], ln["barcode"], ln["defaultQuantity"]) for ln in scan_list["lines"]] == [
        (with_ean.sku, with_ean.ean, "5"),
        (without_ean.sku, without_ean.sku, "1.5"),
        (packs.sku, packs.ean, "5"),
    ]
    row = await ScanList.get()
    assert row.company_id == company.id
    event = await AuditEvent.get(action="scan_list.created")
    assert event.company_id == company.id and event.target_id == scan_list["id"]


async def test_an_invalid_ean_prints_the_sku(api):
    _, token = await make_staff()
    company = await make_company()
    product = await make_product(ean="5400000000011")  # wrong check digit
    data = await api.ok(CREATE, create_input(company, {"productId": gid(product), "quantity": "1"}), token=token)
    assert data["scanListCreate"]["scanList"]["lines"][0]["barcode"] == product.sku


async def test_every_bad_line_is_reported_and_nothing_is_saved(api):
    _, token = await make_staff()
    company = await make_company()
    packs = await make_product(order_multiple=Decimal(5), minimum_quantity=Decimal(5))
    ok = await make_product()
    before = await snapshot()

    data = await api.ok(
        CREATE,
        create_input(
            company,
            {"code": ok.sku, "quantity": "1"},
            {"code": "NO-SUCH-CODE", "quantity": "1"},
            {"productId": gid(company), "quantity": "1"},
            {"code": packs.sku, "quantity": "7"},
            {"code": ok.sku, "quantity": "0"},
            name=" ",
        ),
        token=token,
    )

    errors = {(tuple(e["field"]), e["code"]) for e in data["scanListCreate"]["userErrors"]}
    assert errors == {
        (("input", "name"), "REQUIRED"),
        (("input", "lines", "1", "code"), "UNKNOWN_PRODUCT_CODE"),
        (("input", "lines", "2", "productId"), "NOT_FOUND"),
        (("input", "lines", "3", "quantity"), "QUANTITY_NOT_MULTIPLE"),
        (("input", "lines", "4", "quantity"), "INVALID_QUANTITY"),
    }
    assert data["scanListCreate"]["scanList"] is None
    assert await snapshot() == before


async def test_a_list_needs_lines_and_a_short_name(api):
    _, token = await make_staff()
    company = await make_company()
    data = await api.ok(CREATE, create_input(company, name="x" * 201), token=token)
    errors = {(tuple(e["field"]), e["code"]) for e in data["scanListCreate"]["userErrors"]}
    assert errors == {(("input", "name"), "TOO_LONG"), (("input", "lines"), "REQUIRED")}
    assert await ScanList.all().count() == 0


async def test_unknown_company_is_not_found(api):
    _, token = await make_staff()
    product = await make_product()
    member = await make_member()
    data = await api.ok(
        CREATE,
        {"input": {"companyId": member.membership_id, "name": "A", "lines": [{"code": product.sku, "quantity": "1"}]}},
        token=token,
    )
    assert data["scanListCreate"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert data["scanListCreate"]["userErrors"][0]["field"] == ["input", "companyId"]


@pytest.mark.parametrize("role", list(MATRIX))
async def test_customers_cannot_create_or_approve(api, role):
    member = await make_member(role)
    product = await make_product()
    pending = await make_scan_list(member.company, (product, "1"), approved=False)
    before = await snapshot()

    body = await api(CREATE, create_input(member.company, {"code": product.sku, "quantity": "1"}), token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    body = await api(APPROVE, {"id": gid(pending)}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await snapshot() == before


async def test_without_a_session(api):
    company = await make_company()
    product = await make_product()
    pending = await make_scan_list(company, (product, "1"), approved=False)
    body = await api(CREATE, create_input(company, {"code": product.sku, "quantity": "1"}))
    assert error_codes(body) == ["UNAUTHENTICATED"]
    body = await api(APPROVE, {"id": gid(pending)})
    assert error_codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("role", [StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR])
async def test_approve(api, settings, role):
    staff, token = await make_staff(role)
    company = await make_company()
    product = await make_product()
    pending = await make_scan_list(company, (product, "1"), approved=False)

    data = await api.ok(APPROVE, {"id": gid(pending)}, token=token)

    payload = data["scanListApprove"]
    assert payload["userErrors"] == []
    assert payload["scanList"]["approved"] is True and payload["scanList"]["approvedAt"]
    assert payload["scanList"]["printUrl"].startswith(f"http://127.0.0.1:8000/scan-lists/{gid(pending)}/print?token=")
    row = await ScanList.get(id=pending.id)
    assert row.approved_at is not None and row.approved_by_id == staff.id
    event = await AuditEvent.get(action="scan_list.approved")
    assert event.actor_id == staff.id and event.company_id == company.id
    assert event.details == {"before": {"approved": False}, "after": {"approved": True}}


async def test_approving_twice_is_an_invalid_transition(api):
    _, token = await make_staff()
    company = await make_company()
    approved = await make_scan_list(company, (await make_product(), "1"))
    before = await snapshot()
    first = (await ScanList.get(id=approved.id)).approved_at

    data = await api.ok(APPROVE, {"id": gid(approved)}, token=token)

    assert data["scanListApprove"]["userErrors"][0]["code"] == "INVALID_STATUS_TRANSITION"
    assert data["scanListApprove"]["userErrors"][0]["field"] == ["id"]
    assert await snapshot() == before
    assert (await ScanList.get(id=approved.id)).approved_at == first


async def test_a_representative_cannot_approve(api):
    _, token = await make_staff(StaffRole.REPRESENTATIVE)
    pending = await make_scan_list(await make_company(), (await make_product(), "1"), approved=False)
    body = await api(APPROVE, {"id": gid(pending)}, token=token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert (await ScanList.get(id=pending.id)).approved_at is None


async def test_approve_unknown_id_is_not_found(api):
    _, token = await make_staff()
    company = await make_company()
    data = await api.ok(APPROVE, {"id": gid(company)}, token=token)
    assert data["scanListApprove"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await ScanListLine.all().count() == 0


async def test_lines_keep_the_order_they_were_given_in(api):
    _, token = await make_staff()
    company = await make_company()
    a, b = await make_product(), await make_product()
    data = await api.ok(
        CREATE, create_input(company, {"code": b.ean, "quantity": "1"}, {"code": a.sku, "quantity": "2"}), token=token
    )
    assert [ln["product"]["sku"] for ln in data["scanListCreate"]["scanList"]["lines"]] == [b.sku, a.sku]
