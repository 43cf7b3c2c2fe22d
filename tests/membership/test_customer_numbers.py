"""membershipCustomerNumbersSet: limit a member to some of the company's customer numbers."""

from __future__ import annotations

from models import AuditEvent, CustomerNumberKind, MembershipCustomerNumber, MembershipStatus, Role
from tests.factories import make_company, make_customer_number, make_member
from tests.membership.common import NUMBERS_SET, codes, gid, payload, snapshot


async def limit_of(member) -> set:
    return set(
        await MembershipCustomerNumber.filter(membership_id=member.membership.id).values_list(
            "customer_number_id", flat=True
        )
    )


async def test_the_limit_is_replaced_and_each_change_audited(api):
    admin = await make_member(Role.ADMINISTRATOR)
    member = await make_member(Role.VIEW_PRICES_AND_ORDER, company=admin.company)
    ship = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    bill = await make_customer_number(admin.company, CustomerNumberKind.BILL_TO)

    p = payload(
        await api.ok(NUMBERS_SET, {"id": member.membership_id, "ids": [gid(ship), gid(bill)]}, token=admin.token)
    )
    assert p["userErrors"] == []
    assert [cn["number"] for cn in p["membership"]["customerNumbers"]] == sorted([ship.number, bill.number])
    assert await limit_of(member) == {ship.id, bill.id}

    p = payload(await api.ok(NUMBERS_SET, {"id": member.membership_id, "ids": [gid(bill)]}, token=admin.token))
    assert [cn["number"] for cn in p["membership"]["customerNumbers"]] == [bill.number]
    assert await limit_of(member) == {bill.id}

    p = payload(await api.ok(NUMBERS_SET, {"id": member.membership_id, "ids": []}, token=admin.token))
    assert p["membership"]["customerNumbers"] == []  # no limit: all of the company's
    assert await limit_of(member) == set()

    events = await AuditEvent.all().order_by("created_at")
    assert [e.action for e in events] == ["membership.customer_numbers_changed"] * 3
    assert [e.details for e in events] == [
        {"before": {"customerNumbers": []}, "after": {"customerNumbers": sorted([ship.number, bill.number])}},
        {
            "before": {"customerNumbers": sorted([ship.number, bill.number])},
            "after": {"customerNumbers": [bill.number]},
        },
        {"before": {"customerNumbers": [bill.number]}, "after": {"customerNumbers": []}},
    ]
    assert {(e.actor_id, e.company_id, e.target_id) for e in events} == {
        (admin.user.id, admin.company.id, member.membership_id)
    }


async def test_the_same_numbers_again_change_and_audit_nothing(api):
    admin = await make_member(Role.ADMINISTRATOR)
    member = await make_member(Role.VIEW_PRICES, company=admin.company)
    ship = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    await api.ok(NUMBERS_SET, {"id": member.membership_id, "ids": [gid(ship)]}, token=admin.token)
    before = await snapshot()

    p = payload(
        await api.ok(NUMBERS_SET, {"id": member.membership_id, "ids": [gid(ship), gid(ship)]}, token=admin.token)
    )

    assert p["userErrors"] == [] and len(p["membership"]["customerNumbers"]) == 1
    assert await snapshot() == before


async def test_an_inactive_members_limit_can_be_prepared(api):
    admin = await make_member(Role.ADMINISTRATOR)
    member = await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.INACTIVE)
    ship = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    p = payload(await api.ok(NUMBERS_SET, {"id": member.membership_id, "ids": [gid(ship)]}, token=admin.token))
    assert p["userErrors"] == [] and p["membership"]["status"] == "INACTIVE"
    assert await limit_of(member) == {ship.id}


async def test_customer_numbers_of_another_company_are_not_found_at_their_index(api):
    admin = await make_member(Role.ADMINISTRATOR)
    member = await make_member(Role.VIEW_PRICES, company=admin.company)
    own = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    await api.ok(NUMBERS_SET, {"id": member.membership_id, "ids": [gid(own)]}, token=admin.token)
    foreign = await make_customer_number(await make_company(), CustomerNumberKind.SHIP_TO)
    before = await snapshot()

    p = payload(
        await api.ok(
            NUMBERS_SET, {"id": member.membership_id, "ids": [gid(foreign), gid(own), "nope"]}, token=admin.token
        )
    )

    assert p["membership"] is None
    assert [(e["code"], e["field"]) for e in p["userErrors"]] == [
        ("NOT_FOUND", ["customerNumberIds", "0"]),
        ("NOT_FOUND", ["customerNumberIds", "2"]),
    ]
    assert await snapshot() == before
    assert await limit_of(member) == {own.id}


async def test_nobody_limits_their_own_membership(api):
    admin = await make_member(Role.ADMINISTRATOR)
    ship = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    before = await snapshot()
    p = payload(await api.ok(NUMBERS_SET, {"id": admin.membership_id, "ids": [gid(ship)]}, token=admin.token))
    assert codes(p) == ["CANNOT_CHANGE_OWN_MEMBERSHIP"]
    assert await snapshot() == before
