"""node(id) for helpdesk tickets: the user who opened one, and staff; nobody else."""

from __future__ import annotations

from models import Role, StaffRole
from tests.company.test_helpdesk import open_ticket, ticket_input
from tests.factories import make_member, make_staff

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on HelpdeskTicket { number subject resolved } } }"


async def node(api, global_id: str, token: str | None = None):
    return (await api.ok(NODE, {"id": global_id}, token=token))["node"]


async def test_the_user_who_opened_a_ticket_reads_it_and_nobody_else(api):
    member = await make_member(Role.QUICK_LISTS_ONLY)
    colleague = await make_member(Role.ADMINISTRATOR, company=member.company)
    stranger = await make_member(Role.ADMINISTRATOR)
    ticket = (await open_ticket(api, ticket_input(), token=member.token))["ticket"]

    assert await node(api, ticket["id"], member.token) == {
        "__typename": "HelpdeskTicket",
        "id": ticket["id"],
        "number": ticket["number"],
        "subject": ticket["subject"],
        "resolved": False,
    }
    assert await node(api, ticket["id"], colleague.token) is None  # a ticket is its writer's, not the company's
    assert await node(api, ticket["id"], stranger.token) is None
    assert await node(api, ticket["id"]) is None


async def test_staff_read_every_ticket_even_anonymous_ones(api):
    ticket = (await open_ticket(api, ticket_input()))["ticket"]
    _, staff = await make_staff(StaffRole.REPRESENTATIVE)
    assert (await node(api, ticket["id"], staff))["number"] == ticket["number"]
    assert await node(api, ticket["id"]) is None  # anonymous writers have no session to read it with
