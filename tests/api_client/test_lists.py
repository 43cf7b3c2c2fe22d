"""Company.apiClients (MANAGE_USERS or staff) and Backoffice.apiClients (staff ADMINISTRATOR):
who reads them, and the same SQL statements for 1 or many clients."""

from __future__ import annotations

import pytest

from models import CustomerNumberKind, Role, StaffRole
from resolvers.core import ids
from tests.api_client.helpers import CREATE, company_client, distributor_client
from tests.conftest import error_codes
from tests.factories import make_customer_number, make_member, make_staff

COMPANY = """
query($id: ID!) {
  node(id: $id) {
    ... on Company {
      apiClients { id name role keyPrefix customerNumbers { number } createdBy { email } }
    }
  }
}
"""
BACKOFFICE = "{ backoffice { apiClients { id name scopes createdBy { email } customerNumbers { number } } } }"


async def test_the_company_administrator_lists_the_company_clients(api):
    _, first, admin = await company_client(api, name="Portal A")
    _, second, _ = await company_client(api, admin, name="Portal B", role="ORDER_WITHOUT_PRICES")
    await distributor_client(api, "READ_ALL")
    await company_client(api)  # another company's
    data = await api.ok(COMPANY, {"id": admin.company_id}, token=admin.token)
    assert [(c["id"], c["name"], c["role"]) for c in data["node"]["apiClients"]] == [
        (first["id"], "Portal A", "VIEW_PRICES"),
        (second["id"], "Portal B", "ORDER_WITHOUT_PRICES"),
    ]
    _, staff = await make_staff(StaffRole.REPRESENTATIVE)
    assert len((await api.ok(COMPANY, {"id": admin.company_id}, token=staff))["node"]["apiClients"]) == 2


async def test_members_without_manage_users_may_not_list_them(api):
    _, _, admin = await company_client(api)
    member = await make_member(Role.VIEW_PRICES, company=admin.company)
    body = await api(COMPANY, {"id": admin.company_id}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_client_is_found_by_its_node_id_only_by_those_who_list_it(api):
    _, client, admin = await company_client(api)
    query = "query($id: ID!) { node(id: $id) { ... on ApiClient { name } } }"
    assert (await api.ok(query, {"id": client["id"]}, token=admin.token))["node"] == {"name": "Portal"}
    other = await make_member()
    assert (await api.ok(query, {"id": client["id"]}, token=other.token))["node"] is None
    viewer = await make_member(Role.VIEW_PRICES, company=admin.company)
    assert (await api.ok(query, {"id": client["id"]}, token=viewer.token))["node"] is None


async def test_backoffice_lists_the_distributor_clients_to_staff_administrators(api):
    _, erp = await distributor_client(api, "READ_ALL", "WRITE_ERP")
    await company_client(api)
    _, admin = await make_staff(StaffRole.ADMINISTRATOR)
    data = await api.ok(BACKOFFICE, token=admin)
    assert [(c["id"], c["scopes"]) for c in data["backoffice"]["apiClients"]] == [
        (erp["id"], ["READ_ALL", "WRITE_ERP"])
    ]
    for role in (StaffRole.REPRESENTATIVE, StaffRole.CUSTOMER_SERVICE):
        _, token = await make_staff(role)
        assert error_codes(await api(BACKOFFICE, token=token)) == ["FORBIDDEN"]


@pytest.mark.parametrize("count", [1, 6])
async def test_company_clients_cost_the_same_for_1_or_many(api, sql, count):
    admin = await make_member()
    depot = await make_customer_number(admin.company, CustomerNumberKind.SHIP_TO)
    for i in range(count):
        variables = {"input": {"name": f"P{i}", "role": "VIEW_PRICES"}}
        variables["input"]["customerNumberIds"] = [ids.encode("CustomerNumber", depot.id)]
        assert (await api.ok(CREATE, variables, token=admin.token))["apiClientCreate"]["userErrors"] == []
    sql.statements.clear()
    data = await api.ok(COMPANY, {"id": admin.company_id}, token=admin.token)
    assert len(data["node"]["apiClients"]) == count
    # session, company, clients, their customer numbers (limits, numbers), their creators
    assert len(sql.statements) == 6, sql.statements


@pytest.mark.parametrize("count", [1, 6])
async def test_distributor_clients_cost_the_same_for_1_or_many(api, sql, count):
    for i in range(count):
        await distributor_client(api, "READ_ALL", name=f"ERP {i}")
    _, admin = await make_staff(StaffRole.ADMINISTRATOR)
    sql.statements.clear()
    assert len((await api.ok(BACKOFFICE, token=admin))["backoffice"]["apiClients"]) == count
    assert len(sql.statements) == 3, sql.statements  # session, clients, their creators
