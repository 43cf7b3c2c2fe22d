"""Who may administer members: MANAGE_USERS of an ACTIVE membership of an ACTIVE company, and
only for that company's memberships."""

from __future__ import annotations

import uuid

import pytest

from models import CompanyStatus, CustomerNumberKind, Membership, MembershipStatus, Role
from resolvers.core import ids
from tests.conftest import error_codes
from tests.factories import make_company, make_customer_number, make_member, make_staff
from tests.membership.common import (
    ACTIVATE,
    DEACTIVATE,
    INVITE,
    NUMBERS_SET,
    REACTIVATE,
    ROLE_SET,
    ROLES_WITHOUT_MANAGE_USERS,
    gid,
    payload,
    snapshot,
)


def operations(target_id: str, customer_number_id: str) -> dict[str, tuple[str, dict]]:
    """Every member-administration mutation, with valid variables aimed at `target_id`."""
    return {
        "invite": (
            INVITE,
            {
                "input": {
                    "email": "someone@example.com",
                    "firstName": "S",
                    "lastName": "O",
                    "role": "VIEW_PRICES",
                    "customerNumberIds": [customer_number_id],
                }
            },
        ),
        "activate": (ACTIVATE, {"id": target_id, "role": "VIEW_PRICES"}),
        "role_set": (ROLE_SET, {"id": target_id, "role": "ADMINISTRATOR"}),
        "deactivate": (DEACTIVATE, {"id": target_id}),
        "reactivate": (REACTIVATE, {"id": target_id}),
        "numbers_set": (NUMBERS_SET, {"id": target_id, "ids": [customer_number_id]}),
    }


OPERATIONS = list(operations("", ""))
BY_ID = [name for name in OPERATIONS if name != "invite"]


async def a_company_with_a_pending_member():
    admin = await make_member(Role.ADMINISTRATOR)
    target = await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.PENDING)
    ship = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    return admin, target, ship


@pytest.mark.parametrize("role", ROLES_WITHOUT_MANAGE_USERS, ids=lambda r: r.value)
@pytest.mark.parametrize("operation", OPERATIONS)
async def test_roles_without_manage_users_are_forbidden(api, role, operation):
    admin, target, ship = await a_company_with_a_pending_member()
    actor = await make_member(role, company=admin.company)
    doc, variables = operations(target.membership_id, gid(ship))[operation]
    before = await snapshot()

    body = await api(doc, variables, token=actor.token)

    assert error_codes(body) == ["FORBIDDEN"]
    assert await snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_without_a_session_it_is_unauthenticated(api, operation):
    _, target, ship = await a_company_with_a_pending_member()
    doc, variables = operations(target.membership_id, gid(ship))[operation]
    before = await snapshot()
    assert error_codes(await api(doc, variables)) == ["UNAUTHENTICATED"]
    assert await snapshot() == before


@pytest.mark.parametrize("status", [MembershipStatus.PENDING, MembershipStatus.INACTIVE])
@pytest.mark.parametrize("operation", OPERATIONS)
async def test_an_administrator_whose_membership_is_not_active_is_forbidden(api, operation, status):
    admin, target, ship = await a_company_with_a_pending_member()
    idle = await make_member(Role.ADMINISTRATOR, company=admin.company, status=status)
    doc, variables = operations(target.membership_id, gid(ship))[operation]
    before = await snapshot()
    assert error_codes(await api(doc, variables, token=idle.token)) == ["FORBIDDEN"]
    assert await snapshot() == before


async def test_an_administrator_of_a_suspended_company_is_forbidden(api):
    company = await make_company(status=CompanyStatus.SUSPENDED)
    admin = await make_member(Role.ADMINISTRATOR, company=company)
    target = await make_member(Role.VIEW_PRICES, company=company)
    before = await snapshot()
    assert error_codes(await api(DEACTIVATE, {"id": target.membership_id}, token=admin.token)) == ["FORBIDDEN"]
    assert await snapshot() == before


async def test_staff_use_the_back_office_not_these_mutations(api):
    _, target, _ = await a_company_with_a_pending_member()
    _, staff_token = await make_staff()
    assert error_codes(await api(DEACTIVATE, {"id": target.membership_id}, token=staff_token)) == ["FORBIDDEN"]


@pytest.mark.parametrize("operation", BY_ID)
async def test_another_companys_membership_is_not_found(api, operation):
    admin = await make_member(Role.ADMINISTRATOR)
    _, foreign, foreign_ship = await a_company_with_a_pending_member()
    own_ship = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    # The same membership is INACTIVE for reactivate, so only the company can make it fail.
    if operation == "reactivate":
        await Membership.filter(id=foreign.membership.id).update(status=MembershipStatus.INACTIVE)
    doc, variables = operations(foreign.membership_id, gid(own_ship))[operation]
    before = await snapshot()

    p = payload(await api.ok(doc, variables, token=admin.token))

    assert p["membership"] is None
    assert [(e["code"], e["field"]) for e in p["userErrors"]] == [("NOT_FOUND", ["id"])]
    assert await snapshot() == before


@pytest.mark.parametrize(
    "bogus",
    ["", "garbage", ids.encode("Membership", uuid.uuid4()), ids.encode("Membership", "x")],
    ids=["empty", "garbage", "unknown-uuid", "not-a-uuid"],  # the same on every xdist worker
)
async def test_unknown_or_mistyped_ids_are_not_found(api, bogus):
    admin = await make_member(Role.ADMINISTRATOR)
    p = payload(await api.ok(DEACTIVATE, {"id": bogus}, token=admin.token))
    assert [(e["code"], e["field"]) for e in p["userErrors"]] == [("NOT_FOUND", ["id"])]


async def test_a_company_id_is_not_a_membership_id(api):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.VIEW_PRICES, company=admin.company)
    # Same UUID, other type: refused like any unknown id.
    wrong = ids.encode("Company", other.membership.id)
    p = payload(await api.ok(DEACTIVATE, {"id": wrong}, token=admin.token))
    assert [e["code"] for e in p["userErrors"]] == ["NOT_FOUND"]
