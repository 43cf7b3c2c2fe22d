"""webhookSubscriptionCreate / Update / Delete and the two lists: who may, what is checked, what changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from models import AuditEvent, EventType, IntegrationScope, Role, StaffRole, WebhookSubscription
from resolvers.core import ids
from resolvers.webhook.delivery import without_prices
from resolvers.webhook.fanout import latest_sequence
from tests.api_client.helpers import company_client
from tests.conftest import error_codes
from tests.factories import make_member, make_staff
from tests.webhook.conftest import CREATE, make_event

UPDATE = """
mutation($id: ID!, $input: WebhookSubscriptionUpdateInput!) {
  webhookSubscriptionUpdate(id: $id, input: $input) {
    subscription { id url events active }
    userErrors { code field }
  }
}
"""
DELETE = "mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { ok userErrors { code field } } }"
COMPANY_LIST = "{ viewer { company { webhookSubscriptions { id url events active } } } }"
BACKOFFICE_LIST = "{ backoffice { webhookSubscriptions { id url events } } }"
HOOK = "https://hooks.example.com/in"
INPUT = {"url": HOOK, "events": ["ORDER_CREATED", "INVOICE_RECORDED"]}


async def create(api, token: str, **input: object) -> dict:
    data = await api.ok(CREATE, {"input": {**INPUT, **input}}, token=token)
    return data["webhookSubscriptionCreate"]


async def test_a_company_administrator_subscribes_the_company(api):
    admin = await make_member(Role.ADMINISTRATOR)
    await make_event(admin.company.id)
    made = await create(api, admin.token)
    assert made["userErrors"] == []
    assert made["subscription"]["url"] == HOOK and made["subscription"]["active"] is True
    assert made["subscription"]["events"] == ["ORDER_CREATED", "INVOICE_RECORDED"]
    assert made["secret"].startswith("whsec_") and Webhook(made["secret"]).sign("x", datetime.now(UTC), "{}")
    row = await WebhookSubscription.get(id=ids.decode(made["subscription"]["id"], "WebhookSubscription"))
    assert (row.company_id, row.created_by_id, row.secret) == (admin.company.id, admin.user.id, made["secret"])
    assert row.from_sequence == await latest_sequence()  # the events before it are not its
    audit = await AuditEvent.get(action="webhook_subscription.created")
    assert audit.company_id == admin.company.id and "secret" not in str(audit.details)
    listed = await api.ok(COMPANY_LIST, token=admin.token)
    shown = {k: v for k, v in made["subscription"].items() if k != "createdAt"}
    assert listed["viewer"]["company"]["webhookSubscriptions"] == [shown]
    node = await api.ok(
        "query($id: ID!) { node(id: $id) { id } }", {"id": made["subscription"]["id"]}, token=admin.token
    )
    assert node["node"] == {"id": made["subscription"]["id"]}


async def test_the_secret_is_shown_once(api):
    admin = await make_member(Role.ADMINISTRATOR)
    made = await create(api, admin.token)
    body = await api(
        "query($id: ID!) { node(id: $id) { ... on WebhookSubscription { secret } } }",
        {"id": made["subscription"]["id"]},
        token=admin.token,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]  # no field reads it back


async def test_staff_administrators_and_manage_webhooks_clients_subscribe_the_distributor(api, scoped):
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    client = await scoped(IntegrationScope.MANAGE_WEBHOOKS)
    for token in (staff, client):
        made = await create(api, token)
        assert made["userErrors"] == [] and made["secret"]
    assert await WebhookSubscription.filter(company_id=None).count() == 2
    for token in (staff, client):
        listed = await api.ok(BACKOFFICE_LIST, token=token)
        assert len(listed["backoffice"]["webhookSubscriptions"]) == 2
    admin = await make_member(Role.ADMINISTRATOR)
    await create(api, admin.token)  # a company's: not the distributor's list
    assert len((await api.ok(BACKOFFICE_LIST, token=staff))["backoffice"]["webhookSubscriptions"]) == 2


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
async def test_members_without_manage_company_are_refused(api, role):
    member = await make_member(role)
    body = await api(CREATE, {"input": INPUT}, token=member.token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await WebhookSubscription.all().count() == 0


@pytest.mark.parametrize("staff_role", [StaffRole.CUSTOMER_SERVICE, StaffRole.REPRESENTATIVE])
async def test_other_staff_and_other_scopes_are_refused(api, scoped, staff_role):
    _, staff = await make_staff(staff_role)
    erp = await scoped(IntegrationScope.READ_ALL, IntegrationScope.WRITE_ERP)
    for token in (staff, erp):
        assert error_codes(await api(CREATE, {"input": INPUT}, token=token)) == ["FORBIDDEN"]
    assert error_codes(await api(CREATE, {"input": INPUT})) == ["UNAUTHENTICATED"]
    assert error_codes(await api(BACKOFFICE_LIST, token=staff)) == ["FORBIDDEN"]
    assert error_codes(await api(BACKOFFICE_LIST, token=erp)) == ["FORBIDDEN"]
    assert await WebhookSubscription.all().count() == 0


async def test_a_manage_webhooks_client_reads_no_other_backoffice_field(api, scoped):
    client = await scoped(IntegrationScope.MANAGE_WEBHOOKS)
    body = await api("{ backoffice { helpdeskTickets { id } } }", token=client)
    assert error_codes(body) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        ({"events": []}, "REQUIRED", ["input", "events"]),
        ({"events": ["ORDER_CREATED"] * (len(EventType) + 1)}, "LIMIT_EXCEEDED", ["input", "events"]),
        ({"url": "https://hooks.example.com/" + "a" * 2000}, "TOO_LONG", ["input", "url"]),
        ({"url": "not a url"}, "INVALID", ["input", "url"]),
        ({"url": "ftp://hooks.example.com/in"}, "INVALID", ["input", "url"]),
        ({"url": "https://hooks.example.com:99999/in"}, "INVALID", ["input", "url"]),
        ({"url": "http://hooks.example.com/in"}, "UNSAFE_URL", ["input", "url"]),  # http: localhost only
    ],
)
async def test_bad_input_changes_nothing(api, input, code, field):
    admin = await make_member(Role.ADMINISTRATOR)
    made = await create(api, admin.token, **input)
    assert made["subscription"] is None and made["secret"] is None
    assert [(e["code"], e["field"]) for e in made["userErrors"]] == [(code, field)]
    assert await WebhookSubscription.all().count() == 0


async def test_every_problem_is_reported_at_once(api):
    admin = await make_member(Role.ADMINISTRATOR)
    made = await create(api, admin.token, url="gopher://x", events=[])
    assert {e["code"] for e in made["userErrors"]} == {"INVALID", "REQUIRED"}


async def test_repeated_event_types_are_kept_once(api):
    admin = await make_member(Role.ADMINISTRATOR)
    made = await create(api, admin.token, events=["INVOICE_RECORDED", "ORDER_CREATED", "INVOICE_RECORDED"])
    assert made["subscription"]["events"] == ["ORDER_CREATED", "INVOICE_RECORDED"]


async def test_update_changes_what_is_given(api):
    admin = await make_member(Role.ADMINISTRATOR)
    made = await create(api, admin.token)
    sub_id = made["subscription"]["id"]
    data = await api.ok(UPDATE, {"id": sub_id, "input": {"events": ["PAYMENT_RECORDED"]}}, token=admin.token)
    assert data["webhookSubscriptionUpdate"] == {
        "subscription": {"id": sub_id, "url": HOOK, "events": ["PAYMENT_RECORDED"], "active": True},
        "userErrors": [],
    }
    data = await api.ok(UPDATE, {"id": sub_id, "input": {"url": "http://localhost:9/x"}}, token=admin.token)
    assert data["webhookSubscriptionUpdate"]["subscription"]["url"] == "http://localhost:9/x"
    bad = await api.ok(UPDATE, {"id": sub_id, "input": {"url": "https://", "events": []}}, token=admin.token)
    assert bad["webhookSubscriptionUpdate"]["subscription"] is None
    assert {e["code"] for e in bad["webhookSubscriptionUpdate"]["userErrors"]} == {"INVALID", "REQUIRED"}
    row = await WebhookSubscription.get(id=ids.decode(sub_id, "WebhookSubscription"))
    assert (row.url, row.events) == ("http://localhost:9/x", ["PAYMENT_RECORDED"])
    assert await AuditEvent.filter(action="webhook_subscription.updated").count() == 2


async def test_activating_again_starts_from_the_next_event(api):
    admin = await make_member(Role.ADMINISTRATOR)
    sub_id = (await create(api, admin.token))["subscription"]["id"]
    off = await api.ok(UPDATE, {"id": sub_id, "input": {"active": False}}, token=admin.token)
    assert off["webhookSubscriptionUpdate"]["subscription"]["active"] is False
    event = await make_event(admin.company.id)
    await api.ok(UPDATE, {"id": sub_id, "input": {"active": True}}, token=admin.token)
    row = await WebhookSubscription.get(id=ids.decode(sub_id, "WebhookSubscription"))
    assert row.active and row.from_sequence == event.sequence


async def test_delete_removes_it(api):
    admin = await make_member(Role.ADMINISTRATOR)
    sub_id = (await create(api, admin.token))["subscription"]["id"]
    assert (await api.ok(DELETE, {"id": sub_id}, token=admin.token))["webhookSubscriptionDelete"] == {
        "ok": True,
        "userErrors": [],
    }
    assert await WebhookSubscription.all().count() == 0
    again = await api.ok(DELETE, {"id": sub_id}, token=admin.token)
    assert again["webhookSubscriptionDelete"] == {"ok": False, "userErrors": [{"code": "NOT_FOUND", "field": ["id"]}]}
    assert await AuditEvent.filter(action="webhook_subscription.deleted").count() == 1


async def test_another_company_s_and_the_distributor_s_subscriptions_are_not_found(api, scoped):
    admin = await make_member(Role.ADMINISTRATOR)
    other = await make_member(Role.ADMINISTRATOR)
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    theirs = (await create(api, other.token))["subscription"]["id"]
    distributors = (await create(api, staff))["subscription"]["id"]
    client = await scoped(IntegrationScope.MANAGE_WEBHOOKS)
    for token, sub_id in ((admin.token, theirs), (admin.token, distributors), (client, theirs)):
        updated = await api.ok(UPDATE, {"id": sub_id, "input": {"active": False}}, token=token)
        assert updated["webhookSubscriptionUpdate"]["userErrors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
        deleted = await api.ok(DELETE, {"id": sub_id}, token=token)
        assert deleted["webhookSubscriptionDelete"]["userErrors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
    for bad_id in ("nonsense", ids.encode("Order", admin.company.id)):
        updated = await api.ok(UPDATE, {"id": bad_id, "input": {}}, token=admin.token)
        assert updated["webhookSubscriptionUpdate"]["userErrors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
    assert await WebhookSubscription.filter(active=True).count() == 2
    node = await api.ok("query($id: ID!) { node(id: $id) { id } }", {"id": theirs}, token=admin.token)
    assert node["node"] is None


async def test_staff_administrators_may_stop_a_company_s_subscription(api):
    """Staff reach every company through the back office: an ADMINISTRATOR may switch off a
    company's misbehaving subscription."""
    admin = await make_member(Role.ADMINISTRATOR)
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    sub_id = (await create(api, admin.token))["subscription"]["id"]
    data = await api.ok(UPDATE, {"id": sub_id, "input": {"active": False}}, token=staff)
    assert data["webhookSubscriptionUpdate"]["subscription"]["active"] is False


async def test_company_list_is_for_its_administrators_and_staff(api):
    admin = await make_member(Role.ADMINISTRATOR)
    await create(api, admin.token)
    buyer = await make_member(Role.VIEW_PRICES_AND_ORDER, company=admin.company)
    body = await api(COMPANY_LIST, token=buyer.token)
    assert error_codes(body) == ["FORBIDDEN"]
    _, staff = await make_staff(StaffRole.REPRESENTATIVE)
    query = "query($id: ID!) { node(id: $id) { ... on Company { webhookSubscriptions { url } } } }"
    data = await api.ok(query, {"id": admin.company_id}, token=staff)
    assert data["node"]["webhookSubscriptions"] == [{"url": HOOK}]


async def test_a_company_api_client_acts_as_its_role(api):
    """A partner portal's key with ADMINISTRATOR subscribes its company; with another role it may not.
    Its Money rule at delivery is its own membership's (the key's service user)."""
    key, _, admin = await company_client(api, role="ADMINISTRATOR")
    made = await create(api, key)
    assert made["userErrors"] == []
    row = await WebhookSubscription.get()
    assert row.company_id == admin.company.id and row.created_by_id not in (None, admin.user.id)
    assert await without_prices([row]) == set()
    viewer_key, _, _ = await company_client(api, admin, role="VIEW_PRICES")
    assert error_codes(await api(CREATE, {"input": INPUT}, token=viewer_key)) == ["FORBIDDEN"]
