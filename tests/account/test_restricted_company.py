"""A PENDING or INACTIVE member sees, of that company, its name (and id, to choose it at login)
and their own membership's status: nothing else, whether the session acts for that membership
or for another company account of the same person."""

from __future__ import annotations

import pytest

from models import CustomerNumberKind, MembershipStatus, Role, StaffRole
from tests.factories import make_customer_number, make_member, make_user

COMPANY = """ id name vatNumber customerNumber workDomains fastEntryEnabled
  customerNumbers { number } contact { name email phone } representative { name email phone } """
MEMBERSHIPS = "query { viewer { memberships { status company { %s } } } }" % COMPANY
NODE = "query($id: ID!) { node(id: $id) { ... on Membership { status company { %s } } } }" % COMPANY
ACTING = "query { viewer { activeMembership { status company { %s } } } }" % COMPANY


def hidden(member) -> dict:
    return {
        "id": member.company_id,
        "name": member.company.name,
        "vatNumber": "",
        "customerNumber": "",
        "workDomains": [],
        "fastEntryEnabled": False,
        "customerNumbers": [],
        "contact": {"name": None, "email": None, "phone": None},
        "representative": None,
    }


async def a_company_with_everything(member) -> None:
    """A representative with an e-mail and phone, a SHIP_TO number, fast entry on."""
    rep = await make_user(staff_role=StaffRole.REPRESENTATIVE, phone="+32 2 555 00 00")
    member.company.representative_id = rep.id
    member.company.fast_entry_enabled = True
    member.company.contact_phone = "+32 2 000 00 00"
    await member.company.save(update_fields=["representative_id", "fast_entry_enabled", "contact_phone"])
    await make_customer_number(member.company, CustomerNumberKind.SHIP_TO)


@pytest.mark.parametrize("status", [MembershipStatus.PENDING, MembershipStatus.INACTIVE], ids=lambda s: s.value)
async def test_a_member_not_active_sees_only_the_name_and_their_status(api, status):
    member = await make_member(Role.ADMINISTRATOR, status=status)
    await a_company_with_everything(member)
    elsewhere = await make_member(Role.ADMINISTRATOR, user=member.user)  # an ACTIVE account of the same person

    for token in (member.token, elsewhere.token):
        memberships = (await api.ok(MEMBERSHIPS, token=token))["viewer"]["memberships"]
        mine = next(m for m in memberships if m["company"]["id"] == member.company_id)
        assert mine == {"status": status.value, "company": hidden(member)}
    acting = (await api.ok(ACTING, token=member.token))["viewer"]["activeMembership"]
    assert acting == {"status": status.value, "company": hidden(member)}
    node = (await api.ok(NODE, {"id": member.membership_id}, token=elsewhere.token))["node"]
    assert node == {"status": status.value, "company": hidden(member)}


async def test_an_active_member_sees_the_company_details(api):
    member = await make_member(Role.VIEW_PRICES)
    await a_company_with_everything(member)
    company = (await api.ok(MEMBERSHIPS, token=member.token))["viewer"]["memberships"][0]["company"]
    assert company["vatNumber"] == member.company.vat_number
    assert company["customerNumber"] == member.company.customer_number
    assert company["workDomains"] == ["PVC"] and company["fastEntryEnabled"] is True
    assert len(company["customerNumbers"]) == 2
    assert company["contact"]["phone"] == "+32 2 000 00 00"
    assert company["representative"]["phone"] == "+32 2 555 00 00"


async def test_an_administrator_sees_the_company_of_a_pending_colleague(api):
    admin = await make_member(Role.ADMINISTRATOR)
    await make_member(Role.VIEW_PRICES, company=admin.company, status=MembershipStatus.PENDING)
    doc = "query { viewer { company { memberships { status company { vatNumber } } } } }"
    listed = (await api.ok(doc, token=admin.token))["viewer"]["company"]["memberships"]
    assert {m["company"]["vatNumber"] for m in listed} == {admin.company.vat_number}
