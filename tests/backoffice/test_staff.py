"""`manage.py create-staff` through resolvers.backoffice.create_staff: create or update a staff user."""

from __future__ import annotations

import pytest

from models import Session, StaffRole, User
from resolvers.auth.tokens import create_session, verify_password
from resolvers.backoffice import create_staff
from tests.factories import make_user

STRONG = "a long staff passphrase"
LOGIN = """
mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { session { token } userErrors { code } }
}
"""
BACKOFFICE = "query { viewer { staffRole } backoffice { companies { totalCount } } }"


@pytest.mark.parametrize("role", [r.value for r in StaffRole])
async def test_create_staff_makes_a_verified_staff_user(db, role):
    user = await create_staff(" Desk@Distributor.example ", STRONG, role)
    row = await User.get(id=user.id)
    assert row.email == "desk@distributor.example"
    assert row.staff_role == StaffRole(role)
    assert row.email_verified is True
    assert verify_password(row.password_hash, STRONG)


async def test_a_created_staff_user_signs_in_to_the_backoffice(api):
    await create_staff("desk@distributor.example", STRONG, "CUSTOMER_SERVICE")
    data = await api.ok(LOGIN, {"email": "desk@distributor.example", "password": STRONG})
    assert data["login"]["userErrors"] == []
    office = await api.ok(BACKOFFICE, token=data["login"]["session"]["token"])
    assert office == {"viewer": {"staffRole": "CUSTOMER_SERVICE"}, "backoffice": {"companies": {"totalCount": 0}}}


async def test_create_staff_updates_an_existing_user(db):
    existing = await make_user("someone@distributor.example", verified=False)
    _, _token = await create_session(existing, None, hours=1)
    user = await create_staff("someone@distributor.example", STRONG, "administrator")
    assert user.id == existing.id
    row = await User.get(id=existing.id)
    assert (row.staff_role, row.email_verified) == (StaffRole.ADMINISTRATOR, True)
    assert verify_password(row.password_hash, STRONG)
    assert await User.all().count() == 1
    # A new password ends the sessions opened with the old one, as a reset does.
    assert await Session.filter(user_id=existing.id, revoked_at=None).count() == 0
    again = await create_staff("someone@distributor.example", STRONG + "!", "REPRESENTATIVE")
    assert (await User.get(id=again.id)).staff_role == StaffRole.REPRESENTATIVE


@pytest.mark.parametrize(
    ("email", "password", "role", "message"),
    [
        ("desk@distributor.example", "short", "ADMINISTRATOR", "at least 10 characters"),
        ("desk@distributor.example", "desk@distributor.example", "ADMINISTRATOR", "e-mail address"),
        ("not-an-email", STRONG, "ADMINISTRATOR", "not a valid e-mail"),
        ("desk@distributor.example", STRONG, "BOSS", "unknown staff role"),
    ],
)
async def test_create_staff_refuses_bad_input(db, email, password, role, message):
    with pytest.raises(ValueError, match=message):
        await create_staff(email, password, role)
    assert await User.all().count() == 0


async def test_a_weak_password_leaves_an_existing_user_alone(db):
    existing = await make_user("someone@distributor.example")
    with pytest.raises(ValueError, match="password"):
        await create_staff("someone@distributor.example", "weak", "ADMINISTRATOR")
    row = await User.get(id=existing.id)
    assert row.staff_role is None
    assert row.password_hash == existing.password_hash
