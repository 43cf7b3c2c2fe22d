"""What a key does: a company client acts exactly as a member of its role (one statement to read
it, lastUsedAt kept within a minute), never as a person; distributor clients act by scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
import strawberry
from strawberry.types import Info

from models import ApiClient, AuditEvent, IntegrationScope, Role, StaffRole
from resolvers.core import ids
from resolvers.core.clock import now
from resolvers.core.context import Context, authenticate
from schema.core.permissions import requires
from tests.api_client.helpers import VIEWER, company_client, distributor_client
from tests.conftest import error_codes
from tests.factories import make_company, make_member, make_staff
from tests.membership.common import DEACTIVATE, INVITE

MEMBERS = "query($id: ID!) { node(id: $id) { ... on Company { memberships { user { email } } } } }"


async def test_a_company_client_has_its_role_permissions_in_its_company(api):
    key, _, admin = await company_client(api, role="ORDER_WITHOUT_PRICES")
    viewer = (await api.ok(VIEWER, token=key))["viewer"]
    assert viewer["company"] == {"name": admin.company.name}
    member = await make_member(Role.ORDER_WITHOUT_PRICES)
    assert viewer["permissions"] == (await api.ok(VIEWER, token=member.token))["viewer"]["permissions"]


async def test_a_key_is_read_in_one_statement_and_last_used_kept_within_a_minute(api, sql):
    key, client, _ = await company_client(api)
    pk = ids.decode(client["id"], "ApiClient")
    sql.statements.clear()
    await api.ok(VIEWER, token=key)
    assert len(sql.statements) == 2 and 'FROM "api_client"' in sql.statements[0]  # and the first lastUsedAt
    first = (await ApiClient.get(id=pk)).last_used_at
    assert first is not None
    sql.statements.clear()
    await api.ok(VIEWER, token=key)
    assert len(sql.statements) == 1, sql.statements  # used again within the minute: no UPDATE
    assert (await ApiClient.get(id=pk)).last_used_at == first
    await ApiClient.filter(id=pk).update(last_used_at=now() - timedelta(minutes=2))
    sql.statements.clear()
    await api.ok(VIEWER, token=key)
    assert len(sql.statements) == 2
    assert (await ApiClient.get(id=pk)).last_used_at > first


@pytest.mark.parametrize(
    "document",
    [
        'mutation { accountSwitch(companyId: "x") { userErrors { code } } }',
        'mutation { profileUpdate(input: {firstName: "X"}) { userErrors { code } } }',
        'mutation { passwordChange(input: {currentPassword: "a", newPassword: "b"}) { userErrors { code } } }',
    ],
)
async def test_a_client_is_never_a_person(api, document):
    key, _, _ = await company_client(api, role="ADMINISTRATOR")
    assert error_codes(await api(document, token=key)) == ["FORBIDDEN"]


async def test_a_client_neither_registers_nor_joins_companies(api):
    key, _, _ = await company_client(api, role="ADMINISTRATOR")
    document = (
        'mutation { accessRequest(input: {customerNumber: "1", vatNumber: "BE0403170701"}) { userErrors { code } } }'
    )
    assert error_codes(await api(document, token=key)) == ["FORBIDDEN"]
    assert (await api.ok("mutation { logout { ok } }", token=key)) == {"logout": {"ok": False}}
    assert (await api.ok(VIEWER, token=key))["viewer"] is not None  # logout does not revoke a key


async def test_a_company_client_never_reaches_the_back_office_or_another_company(api):
    key, _, _ = await company_client(api, role="ADMINISTRATOR")
    assert (await api.ok("{ backoffice { companies(first: 1) { totalCount } } }", token=key)) == {"backoffice": None}
    other = await make_company()
    assert (await api.ok(MEMBERS, {"id": ids.encode("Company", other.id)}, token=key))["node"] is None


async def test_service_users_are_no_members(api):
    key, _, admin = await company_client(api, role="ADMINISTRATOR")
    data = await api.ok(MEMBERS, {"id": admin.company_id}, token=admin.token)
    assert data["node"]["memberships"] == [{"user": {"email": admin.user.email}}]
    _, staff = await make_staff(StaffRole.CUSTOMER_SERVICE)
    data = await api.ok(MEMBERS, {"id": admin.company_id}, token=staff)
    assert data["node"]["memberships"] == [{"user": {"email": admin.user.email}}]


async def test_an_administrator_client_does_not_count_as_the_last_administrator(api):
    key, client, admin = await company_client(api, role="ADMINISTRATOR")
    data = await api.ok(DEACTIVATE, {"id": admin.membership_id}, token=key)
    assert [e["code"] for e in data["membershipDeactivate"]["userErrors"]] == ["LAST_ADMINISTRATOR"]
    backing = await ApiClient.get(id=ids.decode(client["id"], "ApiClient"))
    data = await api.ok(DEACTIVATE, {"id": ids.encode("Membership", backing.membership_id)}, token=admin.token)
    assert [e["code"] for e in data["membershipDeactivate"]["userErrors"]] == ["NOT_FOUND"]


async def test_a_client_address_cannot_be_invited(api):
    _, client, admin = await company_client(api)
    backing = await (await ApiClient.get(id=ids.decode(client["id"], "ApiClient"))).user
    other = await make_member()
    variables = {"input": {"email": backing.email, "firstName": "A", "lastName": "B", "role": "VIEW_PRICES"}}
    data = await api.ok(INVITE, variables, token=other.token)
    assert [e["code"] for e in data["membershipInvite"]["userErrors"]] == ["INVALID_EMAIL"]


# ---------------------------------------------------------------- distributor clients

COMPANIES = "{ backoffice { companies(first: 5) { edges { node { name memberships { role } } } } } }"


async def test_read_all_reads_what_staff_read_and_never_writes(api):
    key, _ = await distributor_client(api, "READ_ALL")
    member = await make_member()
    data = await api.ok(COMPANIES, token=key)
    assert data["backoffice"]["companies"]["edges"] == [
        {"node": {"name": member.company.name, "memberships": [{"role": "ADMINISTRATOR"}]}}
    ]
    body = await api(
        "mutation($id: ID!) { companyApprove(id: $id) { userErrors { code } } }", {"id": member.company_id}, token=key
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert (await api.ok(VIEWER, token=key))["viewer"]["permissions"] == []


async def test_other_scopes_do_not_read_everything(api):
    key, _ = await distributor_client(api, "MANAGE_WEBHOOKS", "WRITE_ERP")
    await make_member()
    assert error_codes(await api(COMPANIES, token=key)) == ["FORBIDDEN"]


@strawberry.type
class _Query:
    ok: bool = True


@strawberry.type
class _Mutation:
    @strawberry.mutation(extensions=[requires(IntegrationScope.WRITE_ERP, StaffRole.ADMINISTRATOR)])
    async def erp_write(self, info: Info) -> bool:
        info.context.require_erp()
        return True


async def test_every_erp_write_of_a_client_is_audited(api):
    """One audit row per ERP mutation a WRITE_ERP client runs (Context.require_erp + the declaration)."""
    toy = strawberry.Schema(query=_Query, mutation=_Mutation)
    key, client = await distributor_client(api, "WRITE_ERP")
    c = Context(settings=None, session=await authenticate(f"Bearer {key}"))  # type: ignore[arg-type]
    result = await toy.execute("mutation { a: erpWrite b: erpWrite }", context_value=c)
    assert result.errors is None and result.data == {"a": True, "b": True}
    rows = await AuditEvent.filter(action="api_client.erp_write").order_by("created_at")
    assert [(r.target_id, r.details["after"]["mutation"]) for r in rows] == [(client["id"], "erpWrite")] * 2
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    c = Context(settings=None, session=await authenticate(f"Bearer {staff}"))  # type: ignore[arg-type]
    assert (await toy.execute("mutation { erpWrite }", context_value=c)).errors is None
    assert await AuditEvent.filter(action="api_client.erp_write").count() == 2  # staff are audited by the write itself
    reader, _ = await distributor_client(api, "READ_ALL")
    c = Context(settings=None, session=await authenticate(f"Bearer {reader}"))  # type: ignore[arg-type]
    result = await toy.execute("mutation { erpWrite }", context_value=c)
    assert result.errors and result.errors[0].extensions == {"code": "FORBIDDEN"}
