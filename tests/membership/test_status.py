"""membershipActivate / RoleSet / Deactivate / Reactivate: status and role of another member."""

from __future__ import annotations

import asyncio

import pytest

from models import AuditEvent, Membership, MembershipStatus, Role
from resolvers import membership as members
from resolvers.core.context import Context, authenticate
from resolvers.core.errors import DomainError, ErrorCode
from tests.conftest import error_codes
from tests.factories import make_member
from tests.membership.common import ACTIVATE, DEACTIVATE, REACTIVATE, ROLE_SET, codes, payload, snapshot

PERMISSIONS = "query { viewer { permissions activeMembership { status } } }"
COMPANY_MEMBERS = "query { viewer { memberships { company { memberships { id } } } } }"


async def audit_events() -> list[tuple[str, dict]]:
    return [(e.action, e.details) for e in await AuditEvent.all().order_by("created_at")]


# ---------------------------------------------------------------- membershipActivate


async def test_activate_gives_a_pending_member_a_role(api):
    admin = await make_member(Role.ADMINISTRATOR)
    pending = await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.PENDING)
    assert (await api.ok(PERMISSIONS, token=pending.token))["viewer"]["permissions"] == []

    p = payload(await api.ok(ACTIVATE, {"id": pending.membership_id, "role": "QUICK_LISTS_ONLY"}, token=admin.token))

    assert p["userErrors"] == []
    assert (p["membership"]["status"], p["membership"]["role"]) == ("ACTIVE", "QUICK_LISTS_ONLY")
    row = await Membership.get(id=pending.membership.id)
    assert (row.status, row.role) == (MembershipStatus.ACTIVE, Role.QUICK_LISTS_ONLY)
    assert await audit_events() == [
        (
            "membership.activated",
            {
                "before": {"status": "PENDING", "role": "VIEW_PRICES"},
                "after": {"status": "ACTIVE", "role": "QUICK_LISTS_ONLY"},
            },
        )
    ]
    event = await AuditEvent.get()
    assert (event.actor_id, event.company_id) == (admin.user.id, admin.company.id)
    assert event.target_id == pending.membership_id
    # The member's open session acts with the new role at once.
    viewer = (await api.ok(PERMISSIONS, token=pending.token))["viewer"]
    assert viewer["permissions"] == ["VIEW_QUICK_LISTS", "ORDER_FROM_QUICK_LISTS", "VIEW_OWN_ORDERS"]


@pytest.mark.parametrize("status", [MembershipStatus.ACTIVE, MembershipStatus.INACTIVE])
async def test_only_a_pending_membership_can_be_activated(api, status):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES, company=admin.company, status=status)
    before = await snapshot()

    p = payload(await api.ok(ACTIVATE, {"id": other.membership_id, "role": "ADMINISTRATOR"}, token=admin.token))

    assert p["membership"] is None
    assert [(e["code"], e["field"]) for e in p["userErrors"]] == [("INVALID_STATUS_TRANSITION", ["id"])]
    assert await snapshot() == before


# ---------------------------------------------------------------- membershipRoleSet


@pytest.mark.parametrize("status", [MembershipStatus.ACTIVE, MembershipStatus.PENDING])
async def test_role_set_changes_the_role_and_keeps_the_status(api, status):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES, company=admin.company, status=status)

    p = payload(await api.ok(ROLE_SET, {"id": other.membership_id, "role": "ADMINISTRATOR"}, token=admin.token))

    assert p["userErrors"] == []
    assert (p["membership"]["role"], p["membership"]["status"]) == ("ADMINISTRATOR", status.value)
    assert (await Membership.get(id=other.membership.id)).role == Role.ADMINISTRATOR
    assert await audit_events() == [
        (
            "membership.role_changed",
            {
                "before": {"role": "VIEW_PRICES", "status": status.value},
                "after": {"role": "ADMINISTRATOR", "status": status.value},
            },
        )
    ]


async def test_a_promoted_member_manages_users_on_the_next_request(api):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES, company=admin.company)
    await api.ok(ROLE_SET, {"id": other.membership_id, "role": "ADMINISTRATOR"}, token=admin.token)
    assert "MANAGE_USERS" in (await api.ok(PERMISSIONS, token=other.token))["viewer"]["permissions"]


async def test_an_administrator_may_demote_another_administrator(api):
    admin = await make_member(Role.ADMINISTRATOR)
    second = await make_member(Role.ADMINISTRATOR, company=admin.company)
    p = payload(await api.ok(ROLE_SET, {"id": second.membership_id, "role": "VIEW_PRICES"}, token=admin.token))
    assert p["userErrors"] == [] and p["membership"]["role"] == "VIEW_PRICES"
    assert "MANAGE_USERS" not in (await api.ok(PERMISSIONS, token=second.token))["viewer"]["permissions"]


async def test_setting_the_same_role_changes_and_audits_nothing(api):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES, company=admin.company)
    before = await snapshot()
    p = payload(await api.ok(ROLE_SET, {"id": other.membership_id, "role": "VIEW_PRICES"}, token=admin.token))
    assert p["userErrors"] == [] and p["membership"]["role"] == "VIEW_PRICES"
    assert await snapshot() == before


async def test_the_role_of_an_inactive_membership_cannot_be_set(api):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.INACTIVE)
    before = await snapshot()
    p = payload(await api.ok(ROLE_SET, {"id": other.membership_id, "role": "ADMINISTRATOR"}, token=admin.token))
    assert codes(p) == ["INVALID_STATUS_TRANSITION"]
    assert await snapshot() == before


# ---------------------------------------------------------------- membershipDeactivate


async def test_deactivation_takes_effect_on_the_members_next_request(api):
    admin = await make_member(Role.ADMINISTRATOR)
    second = await make_member(Role.ADMINISTRATOR, company=admin.company)
    assert "MANAGE_USERS" in (await api.ok(PERMISSIONS, token=second.token))["viewer"]["permissions"]
    assert await api.ok(COMPANY_MEMBERS, token=second.token)

    p = payload(await api.ok(DEACTIVATE, {"id": second.membership_id}, token=admin.token))

    assert p["userErrors"] == []
    assert (p["membership"]["status"], p["membership"]["role"]) == ("INACTIVE", "ADMINISTRATOR")
    assert (await Membership.get(id=second.membership.id)).status == MembershipStatus.INACTIVE
    assert await audit_events() == [
        (
            "membership.deactivated",
            {
                "before": {"role": "ADMINISTRATOR", "status": "ACTIVE"},
                "after": {"role": "ADMINISTRATOR", "status": "INACTIVE"},
            },
        )
    ]
    # The same (still open) session: no permissions, and permissioned reads and writes are refused.
    viewer = (await api.ok(PERMISSIONS, token=second.token))["viewer"]
    assert viewer == {"permissions": [], "activeMembership": {"status": "INACTIVE"}}
    assert error_codes(await api(COMPANY_MEMBERS, token=second.token)) == ["FORBIDDEN"]
    refused = await api(ROLE_SET, {"id": admin.membership_id, "role": "VIEW_PRICES"}, token=second.token)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert (await Membership.get(id=admin.membership.id)).role == Role.ADMINISTRATOR


async def test_a_pending_membership_can_be_deactivated(api):
    admin = await make_member(Role.ADMINISTRATOR)
    pending = await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.PENDING)
    p = payload(await api.ok(DEACTIVATE, {"id": pending.membership_id}, token=admin.token))
    assert p["userErrors"] == [] and p["membership"]["status"] == "INACTIVE"
    assert [a for a, _ in await audit_events()] == ["membership.deactivated"]


async def test_an_inactive_membership_cannot_be_deactivated_again(api):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.INACTIVE)
    before = await snapshot()
    p = payload(await api.ok(DEACTIVATE, {"id": other.membership_id}, token=admin.token))
    assert codes(p) == ["INVALID_STATUS_TRANSITION"]
    assert await snapshot() == before


# ---------------------------------------------------------------- membershipReactivate


async def test_reactivation_restores_the_member_with_their_role(api):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.INACTIVE)

    p = payload(await api.ok(REACTIVATE, {"id": other.membership_id}, token=admin.token))

    assert p["userErrors"] == []
    assert (p["membership"]["status"], p["membership"]["role"]) == ("ACTIVE", "VIEW_PRICES")
    assert await audit_events() == [
        (
            "membership.reactivated",
            {
                "before": {"role": "VIEW_PRICES", "status": "INACTIVE"},
                "after": {"role": "VIEW_PRICES", "status": "ACTIVE"},
            },
        )
    ]
    assert "VIEW_PRICES" in (await api.ok(PERMISSIONS, token=other.token))["viewer"]["permissions"]


@pytest.mark.parametrize("status", [MembershipStatus.ACTIVE, MembershipStatus.PENDING])
async def test_only_an_inactive_membership_can_be_reactivated(api, status):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES, company=admin.company, status=status)
    before = await snapshot()
    p = payload(await api.ok(REACTIVATE, {"id": other.membership_id}, token=admin.token))
    assert [(e["code"], e["field"]) for e in p["userErrors"]] == [("INVALID_STATUS_TRANSITION", ["id"])]
    assert await snapshot() == before


# ---------------------------------------------------------------- own membership, last administrator


@pytest.mark.parametrize(
    "doc,extra",
    [(ACTIVATE, {"role": "VIEW_PRICES"}), (ROLE_SET, {"role": "VIEW_PRICES"}), (DEACTIVATE, {}), (REACTIVATE, {})],
    ids=["activate", "role_set", "deactivate", "reactivate"],
)
async def test_nobody_changes_their_own_membership(api, doc, extra):
    admin = await make_member(Role.ADMINISTRATOR)
    await make_member(Role.ADMINISTRATOR, company=admin.company)  # another admin: not the last-admin rule
    before = await snapshot()

    p = payload(await api.ok(doc, {"id": admin.membership_id, **extra}, token=admin.token))

    assert p["membership"] is None
    assert [(e["code"], e["field"]) for e in p["userErrors"]] == [("CANNOT_CHANGE_OWN_MEMBERSHIP", ["id"])]
    assert await snapshot() == before


async def acting_context(settings, token: str) -> Context:
    return Context(settings=settings, session=await authenticate(f"Bearer {token}"))


@pytest.mark.parametrize("change", ["deactivate", "demote"])
async def test_the_last_active_administrator_stays(api, settings, change):
    """Two administrators remove each other at the same moment: A's request authenticated while
    A was active, then B's deactivation of A committed. A's change must not leave no administrator."""
    a = await make_member(Role.ADMINISTRATOR)
    b = await make_member(Role.ADMINISTRATOR, company=a.company)
    ctx_a = await acting_context(settings, a.token)
    await Membership.filter(id=a.membership.id).update(status=MembershipStatus.INACTIVE)  # B's change, committed
    before = await snapshot()

    with pytest.raises(DomainError) as refused:
        if change == "deactivate":
            await members.deactivate(ctx_a, b.membership_id)
        else:
            await members.set_role(ctx_a, b.membership_id, Role.VIEW_PRICES)

    assert [(p.code, p.field) for p in refused.value.problems] == [(ErrorCode.LAST_ADMINISTRATOR, ("id",))]
    assert await snapshot() == before


@pytest.mark.real_db
async def test_two_administrators_deactivating_each_other_at_once_leave_one(api):
    a = await make_member(Role.ADMINISTRATOR)
    b = await make_member(Role.ADMINISTRATOR, company=a.company)

    bodies = await asyncio.gather(
        api(DEACTIVATE, {"id": b.membership_id}, token=a.token),
        api(DEACTIVATE, {"id": a.membership_id}, token=b.token),
    )

    succeeded = [body for body in bodies if "errors" not in body and payload(body["data"])["membership"]]
    assert len(succeeded) == 1
    refused = [b for b in bodies if b not in succeeded]
    assert error_codes(refused[0]) == ["FORBIDDEN"] or codes(payload(refused[0]["data"])) == ["LAST_ADMINISTRATOR"]
    assert (
        await Membership.filter(
            company_id=a.company.id, role=Role.ADMINISTRATOR, status=MembershipStatus.ACTIVE
        ).count()
        == 1
    )
    assert await AuditEvent.all().count() == 1


async def test_demoting_a_pending_administrator_needs_no_other_administrator(api):
    """Only ACTIVE administrators count: changing a PENDING administrator never hits LAST_ADMINISTRATOR."""
    admin = await make_member(Role.ADMINISTRATOR)
    pending = await make_member(Role.ADMINISTRATOR, company=admin.company, status=MembershipStatus.PENDING)
    p = payload(await api.ok(ROLE_SET, {"id": pending.membership_id, "role": "VIEW_PRICES"}, token=admin.token))
    assert p["userErrors"] == []
    assert (await Membership.get(id=pending.membership.id)).role == Role.VIEW_PRICES
