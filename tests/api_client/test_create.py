"""apiClientCreate and apiClientRevoke: who may, what input is refused (the exact code, nothing
written), keys shown once and stored hashed, audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from models import ApiClient, AuditEvent, CustomerNumberKind, Membership, MembershipStatus, Role, StaffRole, User
from resolvers.core import ids
from resolvers.core.clock import now
from tests.api_client.helpers import CREATE, REVOKE, VIEWER, company_client, distributor_client
from tests.conftest import error_codes
from tests.factories import make_company, make_customer_number, make_member, make_staff


async def written() -> tuple[int, int, int]:
    return (await ApiClient.all().count(), await User.all().count(), await Membership.all().count())


async def test_a_company_administrator_makes_a_client_with_a_role(api):
    key, client, admin = await company_client(api)
    assert key.startswith("bk_") and len(key) == 46
    assert client["keyPrefix"] == key[:9] and client["role"] == "VIEW_PRICES" and client["scopes"] == []
    assert client["createdBy"] == {"email": admin.user.email} and client["customerNumbers"] == []
    assert client["lastUsedAt"] is None and client["revokedAt"] is None
    row = await ApiClient.get(id=ids.decode(client["id"], "ApiClient"))
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()  # only the hash is kept
    assert row.company_id == admin.company.id
    backing = await User.get(id=row.user_id)
    assert backing.is_api_client and backing.password_hash is None and backing.email.endswith("@api-client.invalid")
    membership = await Membership.get(id=row.membership_id)
    assert (membership.role, membership.status, membership.company_id) == (
        Role.VIEW_PRICES,
        MembershipStatus.ACTIVE,
        admin.company.id,
    )
    audit = await AuditEvent.get(action="api_client.created")
    assert audit.actor_id == admin.user.id and audit.target_id == client["id"]
    assert audit.details["after"]["role"] == "VIEW_PRICES" and audit.details["after"]["keyPrefix"] == key[:9]


async def test_a_company_client_is_limited_to_the_company_numbers_given(api):
    admin = await make_member()
    depot = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO, "700001")
    _, client, _ = await company_client(
        api, admin, customerNumberIds=[ids.encode("CustomerNumber", depot.id)], expiresAt="2099-01-01T00:00:00Z"
    )
    assert client["customerNumbers"] == [{"number": "700001"}]
    assert client["expiresAt"].startswith("2099-01-01")


async def test_another_company_customer_number_is_not_found(api):
    admin = await make_member()
    foreign = await make_customer_number(await make_company(), CustomerNumberKind.SHIP_TO)
    before = await written()
    data = await api.ok(
        CREATE,
        {
            "input": {
                "name": "P",
                "role": "VIEW_PRICES",
                "customerNumberIds": [ids.encode("CustomerNumber", foreign.id)],
            }
        },
        token=admin.token,
    )
    assert data["apiClientCreate"] == {
        "key": None,
        "apiClient": None,
        "userErrors": [{"code": "NOT_FOUND", "field": ["input", "customerNumberIds", "0"]}],
    }
    assert await written() == before


PAST = "2020-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        ({"name": "  ", "role": "VIEW_PRICES"}, "REQUIRED", "name"),
        ({"name": "x" * 101, "role": "VIEW_PRICES"}, "TOO_LONG", "name"),
        ({"name": "P"}, "REQUIRED", "role"),
        ({"name": "P", "role": "VIEW_PRICES", "scopes": ["READ_ALL"]}, "INVALID", "scopes"),
        ({"name": "P", "role": "VIEW_PRICES", "expiresAt": PAST}, "INVALID", "expiresAt"),
        ({"name": "P", "role": "VIEW_PRICES", "expiresAt": "2020-01-01T00:00:00"}, "INVALID", "expiresAt"),
    ],
)
async def test_bad_input_of_a_company_client(api, input, code, field):
    admin = await make_member()
    before = await written()
    data = await api.ok(CREATE, {"input": input}, token=admin.token)
    assert data["apiClientCreate"]["userErrors"] == [{"code": code, "field": ["input", field]}]
    assert data["apiClientCreate"]["key"] is None
    assert await written() == before


async def test_a_staff_administrator_makes_a_distributor_client_with_scopes(api):
    key, client = await distributor_client(api, "WRITE_ERP", "READ_ALL", "READ_ALL")
    assert client["scopes"] == ["READ_ALL", "WRITE_ERP"] and client["role"] is None
    row = await ApiClient.get(id=ids.decode(client["id"], "ApiClient"))
    assert row.company_id is None and row.membership_id is None
    assert await AuditEvent.filter(action="api_client.created", company_id=None).count() == 1


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        ({"name": "ERP"}, "REQUIRED", "scopes"),
        ({"name": "ERP", "scopes": []}, "REQUIRED", "scopes"),
        ({"name": "ERP", "scopes": ["READ_ALL"], "role": "ADMINISTRATOR"}, "INVALID", "role"),
        ({"name": "ERP", "scopes": ["READ_ALL"], "customerNumberIds": ["x"]}, "INVALID", "customerNumberIds"),
        ({"name": "", "scopes": ["READ_ALL"]}, "REQUIRED", "name"),
    ],
)
async def test_bad_input_of_a_distributor_client(api, input, code, field):
    _, token = await make_staff(StaffRole.ADMINISTRATOR)
    before = await written()
    data = await api.ok(CREATE, {"input": input}, token=token)
    assert data["apiClientCreate"]["userErrors"] == [{"code": code, "field": ["input", field]}]
    assert await written() == before


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
async def test_members_without_manage_users_are_refused(api, role):
    member = await make_member(role)
    body = await api(CREATE, {"input": {"name": "P", "role": "VIEW_PRICES"}}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await ApiClient.all().count() == 0


@pytest.mark.parametrize("role", [StaffRole.REPRESENTATIVE, StaffRole.CUSTOMER_SERVICE])
async def test_staff_other_than_administrators_are_refused(api, role):
    _, token = await make_staff(role)
    body = await api(CREATE, {"input": {"name": "ERP", "scopes": ["READ_ALL"]}}, token=token)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_anonymous_callers_are_unauthenticated(api):
    body = await api(CREATE, {"input": {"name": "ERP", "scopes": ["READ_ALL"]}})
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_a_client_never_makes_or_revokes_clients(api):
    key, client, _ = await company_client(api, role="ADMINISTRATOR")
    body = await api(CREATE, {"input": {"name": "P2", "role": "VIEW_PRICES"}}, token=key)
    assert error_codes(body) == ["FORBIDDEN"]
    body = await api(REVOKE, {"id": client["id"]}, token=key)
    assert error_codes(body) == ["FORBIDDEN"]
    erp_key, erp = await distributor_client(api, "READ_ALL", "WRITE_ERP", "MANAGE_WEBHOOKS")
    body = await api(CREATE, {"input": {"name": "P3", "scopes": ["READ_ALL"]}}, token=erp_key)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await ApiClient.all().count() == 2


async def test_revoking_refuses_the_key_at_once(api):
    key, client, admin = await company_client(api)
    assert (await api.ok(VIEWER, token=key))["viewer"]["company"]["name"] == admin.company.name
    data = await api.ok(REVOKE, {"id": client["id"]}, token=admin.token)
    assert data["apiClientRevoke"]["userErrors"] == [] and data["apiClientRevoke"]["apiClient"]["revokedAt"]
    response = await api.client.post("/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]
    row = await ApiClient.get(id=ids.decode(client["id"], "ApiClient"))
    assert (await Membership.get(id=row.membership_id)).status == MembershipStatus.INACTIVE
    assert await AuditEvent.filter(action="api_client.revoked", target_id=client["id"]).count() == 1
    again = await api.ok(REVOKE, {"id": client["id"]}, token=admin.token)  # a repeat changes nothing
    assert again["apiClientRevoke"]["apiClient"]["revokedAt"] == data["apiClientRevoke"]["apiClient"]["revokedAt"]
    assert await AuditEvent.filter(action="api_client.revoked").count() == 1


async def test_an_expired_key_is_refused(api):
    key, client, _ = await company_client(api)
    await ApiClient.filter(id=ids.decode(client["id"], "ApiClient")).update(expires_at=now() - timedelta(seconds=1))
    response = await api.client.post("/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401 and response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_another_company_client_is_not_found(api):
    _, client, _ = await company_client(api)
    other = await make_member()
    data = await api.ok(REVOKE, {"id": client["id"]}, token=other.token)
    assert data["apiClientRevoke"]["userErrors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
    assert await ApiClient.filter(revoked_at=None).count() == 1
    data = await api.ok(REVOKE, {"id": "bm90LWFuLWlk"}, token=other.token)
    assert data["apiClientRevoke"]["userErrors"] == [{"code": "NOT_FOUND", "field": ["id"]}]


async def test_a_staff_administrator_revokes_any_client(api):
    _, erp = await distributor_client(api, "READ_ALL")
    _, portal, _ = await company_client(api)
    _, token = await make_staff(StaffRole.ADMINISTRATOR)
    for client in (erp, portal):
        data = await api.ok(REVOKE, {"id": client["id"]}, token=token)
        assert data["apiClientRevoke"]["userErrors"] == [] and data["apiClientRevoke"]["apiClient"]["revokedAt"]
    _, service = await make_staff(StaffRole.CUSTOMER_SERVICE)
    assert error_codes(await api(REVOKE, {"id": erp["id"]}, token=service)) == ["FORBIDDEN"]
