"""The subscription lists and their deliveries cost the same number of SQL statements for 1 or
many subscriptions, deliveries and events (one statement per level, across subscriptions)."""

from __future__ import annotations

import pytest

from models import Role, StaffRole, WebhookSubscription
from resolvers.webhook import fanout
from tests.factories import make_member, make_staff
from tests.webhook.conftest import CREATE, make_event

DELIVERIES = "deliveries(first: 3) { status attempts event { id type data company { name } } }"
COMPANY = "{ viewer { company { webhookSubscriptions { id url %s } } } }" % DELIVERIES
BACKOFFICE = "{ backoffice { webhookSubscriptions { id url %s } } }" % DELIVERIES
#: session (with the viewer's company), subscriptions, deliveries, events, the events' companies
STATEMENTS = 5


async def _subscriptions(api, token: str, count: int, company_id: object, events: int) -> None:
    for i in range(count):
        variables = {"input": {"url": f"https://hooks.example.com/{i}", "events": ["ORDER_CREATED"]}}
        assert (await api.ok(CREATE, variables, token=token))["webhookSubscriptionCreate"]["userErrors"] == []
    for i in range(events):
        await make_event(company_id, number=f"N{i}")
    await fanout.fan_out_all()


@pytest.mark.parametrize(("subscriptions", "events"), [(1, 1), (8, 5)])
async def test_company_subscriptions(api, sql, subscriptions, events):
    admin = await make_member(Role.ADMINISTRATOR)
    await _subscriptions(api, admin.token, subscriptions, admin.company.id, events)
    sql.statements.clear()
    data = await api.ok(COMPANY, token=admin.token)
    listed = data["viewer"]["company"]["webhookSubscriptions"]
    assert len(listed) == subscriptions and all(len(s["deliveries"]) == min(events, 3) for s in listed)
    assert len(sql.statements) == STATEMENTS, sql.statements


@pytest.mark.parametrize(("subscriptions", "events"), [(1, 1), (8, 5)])
async def test_backoffice_subscriptions(api, sql, subscriptions, events):
    _, staff = await make_staff(StaffRole.ADMINISTRATOR)
    company = (await make_member(Role.ADMINISTRATOR)).company
    await _subscriptions(api, staff, subscriptions, company.id, events)
    assert await WebhookSubscription.filter(company_id=None).count() == subscriptions
    sql.statements.clear()
    data = await api.ok(BACKOFFICE, token=staff)
    listed = data["backoffice"]["webhookSubscriptions"]
    assert len(listed) == subscriptions and all(len(s["deliveries"]) == min(events, 3) for s in listed)
    assert len(sql.statements) == STATEMENTS, sql.statements
