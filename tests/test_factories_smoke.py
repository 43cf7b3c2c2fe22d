from __future__ import annotations

from models import Role
from tests.factories import make_member

VIEWER = "query { viewer { user { email } activeMembership { role status } company { name } permissions } }"


async def test_a_member_session_sees_its_viewer_and_permissions(api):
    member = await make_member(Role.VIEW_PRICES)
    data = await api.ok(VIEWER, token=member.token)
    assert data["viewer"]["user"]["email"] == member.user.email
    assert data["viewer"]["company"]["name"] == member.company.name
    assert "VIEW_PRICES" in data["viewer"]["permissions"]
    assert "PLACE_ORDERS" not in data["viewer"]["permissions"]
