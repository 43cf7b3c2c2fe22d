from __future__ import annotations

import pytest

from models import HelpdeskTicket, OutboxMail, Role, TicketKind
from tests.company.helpers import counts, problems
from tests.factories import make_member

HELPDESK = """
mutation Helpdesk($input: HelpdeskRequestInput!) {
  helpdeskRequest(input: $input) {
    ticket { id number kind subject createdAt resolved }
    userErrors { field code message }
  }
}
"""


def ticket_input(**kw):
    return {
        "kind": "ABUSE_REPORT",
        "subject": "Someone registered our VAT number",
        "message": "We never opened this account.",
        "email": "Boss@Bouw.test",
        **kw,
    }


async def open_ticket(api, input, token=None):
    return (await api.ok(HELPDESK, {"input": input}, token=token))["helpdeskRequest"]


async def test_an_abuse_report_opens_a_numbered_ticket_and_emails_the_helpdesk(api, settings):
    payload = await open_ticket(api, ticket_input(vatNumber="be 0403.170.701"))

    assert payload["userErrors"] == []
    ticket = payload["ticket"]
    assert ticket["number"] == "T000001"
    assert (ticket["kind"], ticket["subject"], ticket["resolved"]) == (
        "ABUSE_REPORT",
        "Someone registered our VAT number",
        False,
    )
    row = await HelpdeskTicket.get(number="T000001")
    assert (row.email, row.vat_number, row.kind) == ("boss@bouw.test", "BE0403170701", TicketKind.ABUSE_REPORT)
    mail = await OutboxMail.get(to=settings.helpdesk_email)
    assert mail.subject == "Ticket T000001: Someone registered our VAT number"
    assert "Kind: ABUSE_REPORT" in mail.body and "From: boss@bouw.test" in mail.body
    assert "VAT: BE0403170701" in mail.body and "We never opened this account." in mail.body


async def test_tickets_are_numbered_in_sequence(api):
    first = await open_ticket(api, ticket_input(kind="QUESTION"))
    second = await open_ticket(api, ticket_input(kind="LOGIN_PROBLEM"))

    assert [first["ticket"]["number"], second["ticket"]["number"]] == ["T000001", "T000002"]


async def test_a_signed_in_user_writes_from_their_own_email(api):
    member = await make_member(Role.QUICK_LISTS_ONLY)

    payload = await open_ticket(api, ticket_input(kind="QUESTION", email=None), token=member.token)

    assert payload["userErrors"] == []
    row = await HelpdeskTicket.get(number=payload["ticket"]["number"])
    assert row.email == member.user.email and row.user_id == member.user.id


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"email": None}, [("REQUIRED", ["input", "email"])]),
        ({"email": "  "}, [("REQUIRED", ["input", "email"])]),
        ({"email": "boss@"}, [("INVALID_EMAIL", ["input", "email"])]),
        ({"vatNumber": "BE0403170700"}, [("INVALID_VAT_NUMBER", ["input", "vatNumber"])]),
        ({"subject": " "}, [("REQUIRED", ["input", "subject"])]),
        ({"subject": "s" * 201}, [("TOO_LONG", ["input", "subject"])]),
        ({"message": ""}, [("REQUIRED", ["input", "message"])]),
        ({"message": "m" * 5001}, [("TOO_LONG", ["input", "message"])]),
    ],
)
async def test_bad_input_opens_no_ticket(api, change, expected):
    before = await counts()

    payload = await open_ticket(api, ticket_input(**change))

    assert payload["ticket"] is None
    assert problems(payload) == expected
    assert await counts() == before


async def test_the_longest_subject_and_message_are_accepted(api):
    payload = await open_ticket(api, ticket_input(subject="s" * 200, message="m" * 5000))
    assert payload["userErrors"] == []
