"""backoffice.events: staff and READ_ALL read the feed in sequence order, resumable from any
cursor, filtered by type and company; everyone else is refused."""

from __future__ import annotations

import base64
import json
import uuid
from decimal import Decimal

import orjson
import pytest
from tortoise.transactions import in_transaction

from models import Company, Event, EventType, IntegrationScope, Role, Session, StaffRole
from resolvers import event as re
from resolvers.core import ids
from resolvers.core.context import Context, Viewer
from resolvers.core.errors import AccessError
from resolvers.event import emit, money_json
from tests.conftest import error_codes
from tests.event.helpers import FEED, staff_token
from tests.factories import make_company, make_member

COMPANIES = "query($after: String) { backoffice { companies(first: 1, after: $after) { edges { cursor } } } }"
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Event { type subjectId } } }"


def gid(row: object) -> str:
    return ids.encode(type(row).__name__, row.id)  # type: ignore[attr-defined]


async def make_events(companies: list[Company], each: int = 1) -> list[str]:
    """`each` events per company, alternating QUOTE_ISSUED and ORDER_CREATED; their subject ids."""
    subjects = []
    for i in range(each):
        for company in companies:
            subject = ids.encode("Quote", uuid.uuid4())
            kind = EventType.QUOTE_ISSUED if len(subjects) % 2 == 0 else EventType.ORDER_CREATED
            async with in_transaction():
                await emit(kind, subject, {"n": len(subjects), "total": money_json(Decimal(i))}, company.id)
            subjects.append(subject)
    return subjects


def edges(data: dict) -> list[dict]:
    return data["backoffice"]["events"]["edges"]


async def walk(api, token: str, first: int, after: str | None = None, **filters) -> list[dict]:
    """Every node from `after` on, page by page."""
    nodes: list[dict] = []
    while True:
        data = await api.ok(FEED, {"first": first, "after": after, "filter": filters or None}, token=token)
        page = data["backoffice"]["events"]
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def test_staff_read_the_feed_in_sequence_order_page_by_page(api):
    companies = [await make_company(f"Feed {i}") for i in range(3)]
    subjects = await make_events(companies, each=2)
    token = await staff_token(StaffRole.REPRESENTATIVE)
    nodes = await walk(api, token, first=4)
    assert [n["subjectId"] for n in nodes] == subjects
    assert [n["type"] for n in nodes[:2]] == ["QUOTE_ISSUED", "ORDER_CREATED"]
    assert [n["company"]["name"] for n in nodes[:3]] == ["Feed 0", "Feed 1", "Feed 2"]
    first = nodes[0]
    assert orjson.loads(first["data"]) == {"n": 0, "total": {"amount": "0.00", "currency": "EUR"}}
    assert ids.parse(first["id"])[0] == "Event" and first["occurredAt"]  # type: ignore[index]


async def test_the_feed_resumes_from_any_cursor(api):
    subjects = await make_events([await make_company()], each=5)
    token = await staff_token()
    page = edges(await api.ok(FEED, {"first": 5}, token=token))
    for i, edge in enumerate(page):
        rest = await walk(api, token, first=2, after=edge["cursor"])
        assert [n["subjectId"] for n in rest] == subjects[i + 1 :]
    last = (await api.ok(FEED, {"first": 5, "after": page[-1]["cursor"]}, token=token))["backoffice"]["events"]
    assert last["edges"] == [] and last["pageInfo"]["hasNextPage"] is False
    # New events after the last cursor come next.
    more = await make_events([await make_company()])
    assert [n["subjectId"] for n in await walk(api, token, first=5, after=page[-1]["cursor"])] == more


async def test_the_feed_filters_by_types_and_company(api):
    a, b = await make_company("A"), await make_company("B")
    subjects = await make_events([a, b], each=2)  # QUOTE_ISSUED for a, ORDER_CREATED for b
    token = await staff_token()
    only_a = await walk(api, token, first=10, companyId=gid(a))
    assert [n["subjectId"] for n in only_a] == subjects[0::2]
    orders = await walk(api, token, first=10, types=["ORDER_CREATED"])
    assert [n["subjectId"] for n in orders] == subjects[1::2]
    assert await walk(api, token, first=10, types=["ORDER_CREATED"], companyId=gid(a)) == []
    assert len(await walk(api, token, first=10, types=["ORDER_CREATED", "QUOTE_ISSUED"], companyId=None)) == 4
    for unknown in (ids.encode("Company", uuid.uuid4()), "not-an-id", ids.encode("User", a.id)):
        assert await walk(api, token, first=10, companyId=unknown) == []


def cursor_of(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    ["garbage", cursor_of(["abc"]), cursor_of([1]), cursor_of(["1", "2"]), cursor_of(["9" * 30]), cursor_of({})],
)
async def test_a_bad_cursor_is_refused_as_on_every_connection(api, cursor):
    await make_events([await make_company()])
    token = await staff_token()
    expected = error_codes(await api(COMPANIES, {"after": "garbage"}, token=token))
    body = await api(FEED, {"after": cursor}, token=token)
    assert error_codes(body) == expected == ["INVALID"], body


@pytest.mark.parametrize(("first", "ok"), [(0, False), (1, True), (100, True), (101, False), (-1, False)])
async def test_the_page_size_is_bounded_as_on_every_connection(api, first, ok):
    await make_events([await make_company()])
    body = await api(FEED, {"first": first}, token=await staff_token())
    if ok:
        assert "errors" not in body and len(edges(body["data"])) == 1
    else:
        assert error_codes(body) == ["LIMIT_EXCEEDED"], body


async def test_the_default_page_is_100(api):
    company = await make_company()
    await make_events([company], each=101)
    data = await api.ok(FEED, {}, token=await staff_token())
    assert len(edges(data)) == 100 and data["backoffice"]["events"]["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize("role", list(Role))
async def test_members_read_no_feed(api, settings, role):
    member = await make_member(role)
    await make_events([member.company])
    body = await api(FEED, {}, token=member.token)
    assert "errors" not in body and body["data"] == {"backoffice": None}
    event_id = ids.encode("Event", (await Event.get()).id)
    assert (await api.ok(NODE, {"id": event_id}, token=member.token)) == {"node": None}
    as_member = Context(settings, session=Session(user=member.user, membership=member.membership))
    with pytest.raises(AccessError):  # the resolver's own check, whatever the declaration
        await re.events(as_member, None, None, 10, None)


async def test_a_read_all_client_reads_the_feed_and_no_other_scope_does(api, settings):
    company = await make_company()
    subjects = await make_events([company], each=3)
    for scopes, allowed in (({IntegrationScope.READ_ALL}, True), ({IntegrationScope.WRITE_ERP}, False)):
        ctx = Context(settings)
        ctx.__dict__["viewer"] = Viewer(uuid.uuid4(), None, scopes=frozenset(scopes))
        if allowed:
            page = await re.events(ctx, [EventType.QUOTE_ISSUED, EventType.ORDER_CREATED], None, 2, None)
            assert [r.subject_id for r in page.rows] == subjects[:2] and page.has_next
        else:
            with pytest.raises(AccessError):
                await re.events(ctx, None, None, 2, None)


async def test_staff_fetch_an_event_by_node(api):
    (subject,) = await make_events([await make_company()])
    token = await staff_token()
    (edge,) = edges(await api.ok(FEED, {}, token=token))
    node = (await api.ok(NODE, {"id": edge["node"]["id"]}, token=token))["node"]
    assert node == {"__typename": "Event", "id": edge["node"]["id"], "type": "QUOTE_ISSUED", "subjectId": subject}


@pytest.mark.parametrize("count", [1, 50])
async def test_the_feed_costs_the_same_statements_for_1_or_50_events(api, sql, count):
    companies = [await make_company(f"Q {i}") for i in range(count)]
    await make_events(companies)
    token = await staff_token()
    sql.statements.clear()
    data = await api.ok(FEED, {"first": 100}, token=token)
    assert len(edges(data)) == count and all(e["node"]["company"]["name"] for e in edges(data))
    assert len(sql.statements) == 3, sql.statements  # the session, the page, the companies
