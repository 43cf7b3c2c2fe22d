"""companyApprove, companyReject, companyFastEntrySet, companyRepresentativeSet."""

from __future__ import annotations

import pytest

from models import AuditEvent, Company, CompanyStatus, Role, StaffRole
from resolvers.core import ids
from tests.backoffice.conftest import audit_actions
from tests.factories import make_company, make_member, make_staff, make_user

APPROVE = """
mutation($id: ID!) {
  companyApprove(id: $id) { company { id status } userErrors { field code message } }
}
"""
REJECT = """
mutation($id: ID!, $reason: String!) {
  companyReject(id: $id, reason: $reason) { company { id status } userErrors { field code message } }
}
"""
FAST_ENTRY = """
mutation($id: ID!, $enabled: Boolean!) {
  companyFastEntrySet(id: $id, enabled: $enabled) { company { fastEntryEnabled } userErrors { field code } }
}
"""
REPRESENTATIVE = """
mutation($id: ID!, $userId: ID!) {
  companyRepresentativeSet(id: $id, userId: $userId) {
    company { representative { name email phone } }
    userErrors { field code }
  }
}
"""
VIEWER = "query { viewer { permissions company { representative { email } } } }"
UNKNOWN_UUID = "00000000-0000-0000-0000-000000000000"
UNKNOWN_COMPANY = ids.encode("Company", UNKNOWN_UUID)


async def details(action: str) -> dict:
    event = await AuditEvent.get(action=action)
    return event.details


# ---------------------------------------------------------------- companyApprove


async def test_approving_a_pending_company_activates_it(api, world):
    data = await api.ok(APPROVE, {"id": world.gid(world.pending)}, token=world.token)
    assert data["companyApprove"] == {
        "company": {"id": world.gid(world.pending), "status": "ACTIVE"},
        "userErrors": [],
    }
    assert (await Company.get(id=world.pending.id)).status == CompanyStatus.ACTIVE
    event = await AuditEvent.get()
    assert event.action == "company.approved"
    assert event.actor_id == world.staff.id  # type: ignore[attr-defined]
    assert event.company_id == world.pending.id  # type: ignore[attr-defined]
    assert event.target_id == world.gid(world.pending)
    assert event.details == {"before": {"status": "PENDING_REVIEW"}, "after": {"status": "ACTIVE"}}


async def test_an_approved_companys_members_can_work(api, world):
    member = await make_member(Role.VIEW_PRICES, company=world.pending)
    assert (await api.ok(VIEWER, token=member.token))["viewer"]["permissions"] == []
    await api.ok(APPROVE, {"id": world.gid(world.pending)}, token=world.token)
    assert "VIEW_PRICES" in (await api.ok(VIEWER, token=member.token))["viewer"]["permissions"]


@pytest.mark.parametrize("status", [CompanyStatus.ACTIVE, CompanyStatus.REJECTED, CompanyStatus.SUSPENDED])
async def test_only_a_pending_company_can_be_approved(api, world, status):
    company = await make_company(status=status)
    data = await api.ok(APPROVE, {"id": world.gid(company)}, token=world.token)
    assert data["companyApprove"]["company"] is None
    assert [e["code"] for e in data["companyApprove"]["userErrors"]] == ["INVALID_STATUS_TRANSITION"]
    assert (await Company.get(id=company.id)).status == status
    assert await audit_actions() == []


async def test_approving_twice_is_an_invalid_transition(api, world):
    await api.ok(APPROVE, {"id": world.gid(world.pending)}, token=world.token)
    data = await api.ok(APPROVE, {"id": world.gid(world.pending)}, token=world.token)
    assert [e["code"] for e in data["companyApprove"]["userErrors"]] == ["INVALID_STATUS_TRANSITION"]
    assert await audit_actions() == ["company.approved"]


@pytest.mark.parametrize("bad_id", [UNKNOWN_COMPANY, "not-an-id", ids.encode("User", UNKNOWN_UUID)])
async def test_approving_an_unknown_company_is_not_found(api, world, bad_id):
    data = await api.ok(APPROVE, {"id": bad_id}, token=world.token)
    assert data["companyApprove"]["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND", "message": "Not found."}]
    assert await audit_actions() == []


# ---------------------------------------------------------------- companyReject


async def test_rejecting_a_pending_company_keeps_the_reason(api, world):
    data = await api.ok(
        REJECT, {"id": world.gid(world.pending), "reason": "  VAT number belongs to another firm "}, token=world.token
    )
    assert data["companyReject"]["company"]["status"] == "REJECTED"
    row = await Company.get(id=world.pending.id)
    assert (row.status, row.rejection_reason) == (CompanyStatus.REJECTED, "VAT number belongs to another firm")
    assert await details("company.rejected") == {
        "before": {"status": "PENDING_REVIEW"},
        "after": {"status": "REJECTED", "reason": "VAT number belongs to another firm"},
    }
    assert await audit_actions() == ["company.rejected"]


@pytest.mark.parametrize(("reason", "code"), [("", "REQUIRED"), ("   ", "REQUIRED"), ("x" * 1001, "TOO_LONG")])
async def test_a_rejection_needs_a_reason_of_at_most_1000_characters(api, world, reason, code):
    data = await api.ok(REJECT, {"id": world.gid(world.pending), "reason": reason}, token=world.token)
    assert [(e["field"], e["code"]) for e in data["companyReject"]["userErrors"]] == [(["reason"], code)]
    row = await Company.get(id=world.pending.id)
    assert (row.status, row.rejection_reason) == (CompanyStatus.PENDING_REVIEW, None)
    assert await audit_actions() == []


async def test_a_reason_of_1000_characters_is_enough(api, world):
    data = await api.ok(REJECT, {"id": world.gid(world.pending), "reason": "x" * 1000}, token=world.token)
    assert data["companyReject"]["userErrors"] == []


async def test_an_active_company_cannot_be_rejected(api, world):
    data = await api.ok(REJECT, {"id": world.gid(world.member.company), "reason": "No"}, token=world.token)
    assert [e["code"] for e in data["companyReject"]["userErrors"]] == ["INVALID_STATUS_TRANSITION"]
    row = await Company.get(id=world.member.company.id)
    assert (row.status, row.rejection_reason) == (CompanyStatus.ACTIVE, None)
    assert await audit_actions() == []


async def test_rejecting_an_unknown_company_is_not_found(api, world):
    data = await api.ok(REJECT, {"id": UNKNOWN_COMPANY, "reason": "No"}, token=world.token)
    assert [(e["field"], e["code"]) for e in data["companyReject"]["userErrors"]] == [(["id"], "NOT_FOUND")]


# ---------------------------------------------------------------- companyFastEntrySet


async def test_enabling_fast_entry_gives_ordering_members_the_permission(api, world):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER, company=world.member.company)
    assert "FAST_ENTRY" not in (await api.ok(VIEWER, token=member.token))["viewer"]["permissions"]
    data = await api.ok(FAST_ENTRY, {"id": world.gid(world.member.company), "enabled": True}, token=world.token)
    assert data["companyFastEntrySet"] == {"company": {"fastEntryEnabled": True}, "userErrors": []}
    assert (await Company.get(id=world.member.company.id)).fast_entry_enabled is True
    assert "FAST_ENTRY" in (await api.ok(VIEWER, token=member.token))["viewer"]["permissions"]
    assert await details("company.fast_entry_changed") == {
        "before": {"fastEntryEnabled": False},
        "after": {"fastEntryEnabled": True},
    }


async def test_disabling_fast_entry(api, world):
    company = await make_company(fast_entry=True)
    data = await api.ok(FAST_ENTRY, {"id": world.gid(company), "enabled": False}, token=world.token)
    assert data["companyFastEntrySet"]["company"] == {"fastEntryEnabled": False}
    assert (await Company.get(id=company.id)).fast_entry_enabled is False
    assert await audit_actions() == ["company.fast_entry_changed"]


async def test_setting_fast_entry_to_its_current_value_changes_nothing(api, world):
    data = await api.ok(FAST_ENTRY, {"id": world.gid(world.member.company), "enabled": False}, token=world.token)
    assert data["companyFastEntrySet"] == {"company": {"fastEntryEnabled": False}, "userErrors": []}
    assert await audit_actions() == []


async def test_fast_entry_on_an_unknown_company_is_not_found(api, world):
    data = await api.ok(FAST_ENTRY, {"id": UNKNOWN_COMPANY, "enabled": True}, token=world.token)
    assert [(e["field"], e["code"]) for e in data["companyFastEntrySet"]["userErrors"]] == [(["id"], "NOT_FOUND")]
    assert await audit_actions() == []


# ---------------------------------------------------------------- companyRepresentativeSet


async def test_a_representative_is_shown_to_the_companys_members(api, world):
    rep, _ = await make_staff(StaffRole.REPRESENTATIVE)
    rep.phone = "+32 2 555 00 00"
    await rep.save(update_fields=["phone"])
    data = await api.ok(
        REPRESENTATIVE, {"id": world.gid(world.member.company), "userId": world.gid(rep)}, token=world.token
    )
    expected = {"name": f"{rep.first_name} {rep.last_name}", "email": rep.email, "phone": "+32 2 555 00 00"}
    assert data["companyRepresentativeSet"] == {"company": {"representative": expected}, "userErrors": []}
    member_view = await api.ok(VIEWER, token=world.member.token)
    assert member_view["viewer"]["company"]["representative"] == {"email": rep.email}
    assert await details("company.representative_changed") == {
        "before": {"representative": None},
        "after": {"representative": world.gid(rep)},
    }


async def test_changing_the_representative_records_both(api, world):
    first, _ = await make_staff(StaffRole.REPRESENTATIVE)
    second, _ = await make_staff(StaffRole.ADMINISTRATOR)
    for rep in (first, second):
        await api.ok(
            REPRESENTATIVE, {"id": world.gid(world.member.company), "userId": world.gid(rep)}, token=world.token
        )
    assert (await Company.get(id=world.member.company.id)).representative_id == second.id  # type: ignore[attr-defined]
    events = await AuditEvent.filter(action="company.representative_changed").order_by("created_at")
    assert [e.details for e in events][-1] == {
        "before": {"representative": world.gid(first)},
        "after": {"representative": world.gid(second)},
    }
    assert len(events) == 2


async def test_setting_the_same_representative_again_changes_nothing(api, world):
    rep, _ = await make_staff(StaffRole.REPRESENTATIVE)
    variables = {"id": world.gid(world.member.company), "userId": world.gid(rep)}
    await api.ok(REPRESENTATIVE, variables, token=world.token)
    data = await api.ok(REPRESENTATIVE, variables, token=world.token)
    assert data["companyRepresentativeSet"]["userErrors"] == []
    assert await audit_actions() == ["company.representative_changed"]


async def test_a_customer_cannot_be_a_representative(api, world):
    customer = await make_user()
    for user_id in (world.gid(customer), world.member.user_id, ids.encode("User", UNKNOWN_UUID), "garbage"):
        data = await api.ok(
            REPRESENTATIVE, {"id": world.gid(world.member.company), "userId": user_id}, token=world.token
        )
        assert [(e["field"], e["code"]) for e in data["companyRepresentativeSet"]["userErrors"]] == [
            (["userId"], "NOT_FOUND")
        ]
    assert (await Company.get(id=world.member.company.id)).representative_id is None  # type: ignore[attr-defined]
    assert await audit_actions() == []


async def test_a_representative_for_an_unknown_company_is_not_found(api, world):
    data = await api.ok(REPRESENTATIVE, {"id": UNKNOWN_COMPANY, "userId": world.gid(world.staff)}, token=world.token)
    assert [(e["field"], e["code"]) for e in data["companyRepresentativeSet"]["userErrors"]] == [(["id"], "NOT_FOUND")]
    assert await audit_actions() == []
