"""The read side of schema/account.py: Company.memberships, customer numbers, the viewer's
memberships, the representative, and the SQL cost of the viewer's membership list."""

from __future__ import annotations

import pytest

from models import Company, CustomerNumberKind, MembershipCustomerNumber, MembershipStatus, Role, StaffRole
from tests.conftest import error_codes
from tests.factories import make_company, make_customer_number, make_member, make_staff, make_user
from tests.membership.common import ROLES_WITHOUT_MANAGE_USERS

COMPANY_MEMBERS = """query($status: MembershipStatus) { viewer { company {
  memberships(status: $status) { id role status user { email } } } } }"""
STAFF_COMPANY_MEMBERS = """query($id: ID!) { node(id: $id) { ... on Company {
  memberships { status user { email } } } } }"""
CUSTOMER_NUMBERS = """query($kind: CustomerNumberKind) { viewer { company {
  customerNumbers(kind: $kind) { number kind name address { city countryCode } } } } }"""
OWN_LIMIT = "query { viewer { activeMembership { customerNumbers { number } } } }"
MY_MEMBERSHIPS = """query { viewer { memberships { status role company { name } }
  activeMembership { company { name } } } }"""
REPRESENTATIVE = "query { viewer { company { representative { name email phone } } } }"
DEEP = """query { viewer { memberships {
  company { customerNumbers { number } } user { email } customerNumbers { number } } } }"""


async def limit(member, *numbers) -> None:
    await MembershipCustomerNumber.bulk_create(
        [MembershipCustomerNumber(membership_id=member.membership.id, customer_number_id=cn.id) for cn in numbers]
    )


# ---------------------------------------------------------------- Company.memberships


async def test_an_administrator_lists_the_companys_members_filtered_by_status(api):
    admin = await make_member(Role.ADMINISTRATOR)
    active = await make_member(Role.VIEW_PRICES, company=admin.company)
    pending = await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.PENDING)
    inactive = await make_member(Role.QUICK_LISTS_ONLY, company=admin.company, status=MembershipStatus.INACTIVE)
    await make_member(Role.VIEW_PRICES)  # another company's member

    everyone = (await api.ok(COMPANY_MEMBERS, token=admin.token))["viewer"]["company"]["memberships"]
    assert {(m["user"]["email"], m["status"]) for m in everyone} == {
        (admin.user.email, "ACTIVE"),
        (active.user.email, "ACTIVE"),
        (pending.user.email, "PENDING"),
        (inactive.user.email, "INACTIVE"),
    }
    only_pending = await api.ok(COMPANY_MEMBERS, {"status": "PENDING"}, token=admin.token)
    assert only_pending["viewer"]["company"]["memberships"] == [
        {"id": pending.membership_id, "role": "VIEW_PRICES", "status": "PENDING", "user": {"email": pending.user.email}}
    ]


@pytest.mark.parametrize("role", ROLES_WITHOUT_MANAGE_USERS, ids=lambda r: r.value)
async def test_members_without_manage_users_are_forbidden_the_member_list(api, role):
    member = await make_member(role)
    assert error_codes(await api(COMPANY_MEMBERS, token=member.token)) == ["FORBIDDEN"]


async def test_staff_see_any_companys_members(api):
    admin = await make_member(Role.ADMINISTRATOR)
    _, token = await make_staff(StaffRole.CUSTOMER_SERVICE)
    data = await api.ok(STAFF_COMPANY_MEMBERS, {"id": admin.company_id}, token=token)
    assert data["node"]["memberships"] == [{"status": "ACTIVE", "user": {"email": admin.user.email}}]


# ---------------------------------------------------------------- customer numbers


async def test_customer_numbers_are_filtered_by_kind(api):
    member = await make_member(Role.VIEW_PRICES)
    ship_a = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    ship_b = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    bill = await make_customer_number(member.company, CustomerNumberKind.BILL_TO)
    await make_customer_number(await make_company(), CustomerNumberKind.SHIP_TO)

    def numbers(data):
        return [(cn["number"], cn["kind"]) for cn in data["viewer"]["company"]["customerNumbers"]]

    assert numbers(await api.ok(CUSTOMER_NUMBERS, token=member.token)) == sorted(
        [
            (member.company.customer_number, "SOLD_TO"),
            (ship_a.number, "SHIP_TO"),
            (ship_b.number, "SHIP_TO"),
            (bill.number, "BILL_TO"),
        ]
    )
    assert numbers(await api.ok(CUSTOMER_NUMBERS, {"kind": "SHIP_TO"}, token=member.token)) == sorted(
        [(ship_a.number, "SHIP_TO"), (ship_b.number, "SHIP_TO")]
    )
    sold_to = (await api.ok(CUSTOMER_NUMBERS, {"kind": "SOLD_TO"}, token=member.token))["viewer"]["company"]
    assert sold_to["customerNumbers"][0]["address"] == {"city": "Bruxelles", "countryCode": "BE"}


async def test_a_membership_shows_the_customer_numbers_it_is_limited_to(api):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    assert (await api.ok(OWN_LIMIT, token=member.token))["viewer"]["activeMembership"]["customerNumbers"] == []
    ship = await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)
    bill = await make_customer_number(member.company, CustomerNumberKind.BILL_TO)
    await limit(member, ship, bill)
    shown = (await api.ok(OWN_LIMIT, token=member.token))["viewer"]["activeMembership"]["customerNumbers"]
    assert shown == [{"number": n} for n in sorted([ship.number, bill.number])]


# ---------------------------------------------------------------- Viewer.memberships


async def test_the_viewer_lists_every_company_account_with_its_status(api):
    first = await make_member(Role.ADMINISTRATOR)
    second = await make_member(Role.VIEW_PRICES, user=first.user, status=MembershipStatus.PENDING)
    await make_member(Role.VIEW_PRICES, company=first.company)  # a colleague: not the viewer's

    viewer = (await api.ok(MY_MEMBERSHIPS, token=first.token))["viewer"]

    assert sorted((m["company"]["name"], m["status"], m["role"]) for m in viewer["memberships"]) == sorted(
        [(first.company.name, "ACTIVE", "ADMINISTRATOR"), (second.company.name, "PENDING", "VIEW_PRICES")]
    )
    assert viewer["activeMembership"]["company"]["name"] == first.company.name
    # Acting for the PENDING one: the same list, and nothing of that company's data.
    acting_pending = (
        await api.ok("query { viewer { memberships { status } company { name } permissions } }", token=second.token)
    )["viewer"]
    assert sorted(m["status"] for m in acting_pending["memberships"]) == ["ACTIVE", "PENDING"]
    assert acting_pending["company"] is None and acting_pending["permissions"] == []


# ---------------------------------------------------------------- representative


async def test_the_representative_is_shown_when_the_company_has_one(api):
    member = await make_member(Role.QUICK_LISTS_ONLY)
    assert (await api.ok(REPRESENTATIVE, token=member.token))["viewer"]["company"]["representative"] is None

    rep = await make_user(
        first_name="Rita", last_name="Rep", staff_role=StaffRole.REPRESENTATIVE, phone="+32 2 555 00 00"
    )
    await Company.filter(id=member.company.id).update(representative_id=rep.id)
    shown = (await api.ok(REPRESENTATIVE, token=member.token))["viewer"]["company"]["representative"]
    assert shown == {"name": "Rita Rep", "email": rep.email, "phone": "+32 2 555 00 00"}


# ---------------------------------------------------------------- SQL cost


async def a_user_with_memberships(count: int):
    """A user in `count` companies, acting for the first; every membership limited to a number."""
    first = await make_member(Role.ADMINISTRATOR)
    members = [first]
    for _ in range(count - 1):
        members.append(await make_member(Role.VIEW_PRICES, user=first.user))
    for member in members:
        await limit(member, await make_customer_number(member.company, CustomerNumberKind.SHIP_TO))
    return first


@pytest.mark.parametrize("count", [1, 10])
async def test_the_viewers_memberships_cost_the_same_sql_for_1_or_10(api, sql, count):
    viewer = await a_user_with_memberships(count)
    sql.statements.clear()

    data = await api.ok(DEEP, token=viewer.token)

    assert len(data["viewer"]["memberships"]) == count
    acting = [m for m in data["viewer"]["memberships"] if m["customerNumbers"]]
    assert len(acting) == 1 and len(acting[0]["company"]["customerNumbers"]) == 2
    # session, memberships, companies, users, customer numbers by company, limits, limited numbers
    assert len(sql.statements) == 7, sql.statements
