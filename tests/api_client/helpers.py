"""API clients in tests: made through apiClientCreate, as an administrator would."""

from __future__ import annotations

from typing import Any

from models import StaffRole
from tests.factories import Member, make_member, make_staff

CREATE = """
mutation Create($input: ApiClientInput!) {
  apiClientCreate(input: $input) {
    key
    apiClient { id name role scopes keyPrefix createdAt lastUsedAt expiresAt revokedAt
                customerNumbers { number } createdBy { email } }
    userErrors { code field }
  }
}
"""

REVOKE = """
mutation Revoke($id: ID!) {
  apiClientRevoke(id: $id) { apiClient { id revokedAt } userErrors { code field } }
}
"""

VIEWER = "{ viewer { user { email } company { name } permissions } }"


async def company_client(api: Any, admin: Member | None = None, **input: Any) -> tuple[str, dict, Member]:
    """A company client made by the company's administrator: (key, apiClient, administrator)."""
    admin = admin or await make_member()
    data = await api.ok(CREATE, {"input": {"name": "Portal", "role": "VIEW_PRICES", **input}}, token=admin.token)
    payload = data["apiClientCreate"]
    assert payload["userErrors"] == [], payload
    return payload["key"], payload["apiClient"], admin


async def distributor_client(api: Any, *scopes: str, **input: Any) -> tuple[str, dict]:
    """A distributor client made by a staff ADMINISTRATOR: (key, apiClient)."""
    _, token = await make_staff(StaffRole.ADMINISTRATOR)
    data = await api.ok(CREATE, {"input": {"name": "ERP", "scopes": list(scopes), **input}}, token=token)
    payload = data["apiClientCreate"]
    assert payload["userErrors"] == [], payload
    return payload["key"], payload["apiClient"]
