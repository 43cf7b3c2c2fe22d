"""profileUpdate: the signed-in user's own names, phone and locale."""

from __future__ import annotations

from models import Locale, User
from tests.auth.helpers import codes, viewer
from tests.conftest import error_codes
from tests.factories import make_member

UPDATE = """
mutation Update($input: ProfileUpdateInput!) {
  profileUpdate(input: $input) {
    user { id firstName lastName phone locale }
    userErrors { field message code }
  }
}
"""


async def test_profile_update_trims_and_saves(api):
    member = await make_member()
    variables = {
        "input": {"firstName": "  Anne ", "lastName": " Peeters", "phone": " +32 2 555 01 02 ", "locale": "NL"}
    }
    payload = (await api.ok(UPDATE, variables, token=member.token))["profileUpdate"]
    assert payload["userErrors"] == []
    assert payload["user"] == {
        "id": member.user_id,
        "firstName": "Anne",
        "lastName": "Peeters",
        "phone": "+32 2 555 01 02",
        "locale": "NL",
    }
    user = await User.get(id=member.user.id)
    saved = (user.first_name, user.last_name, user.phone, user.locale)
    assert saved == ("Anne", "Peeters", "+32 2 555 01 02", Locale.NL)
    assert (await viewer(api, member.token))["user"]["firstName"] == "Anne"


async def test_fields_left_out_stay_and_an_empty_phone_clears_it(api):
    member = await make_member()
    await User.filter(id=member.user.id).update(phone="0470 00 00 00", locale=Locale.EN)
    payload = (await api.ok(UPDATE, {"input": {"phone": ""}}, token=member.token))["profileUpdate"]
    assert payload["userErrors"] == []
    user = await User.get(id=member.user.id)
    assert user.phone is None
    assert user.first_name == member.user.first_name and user.locale == Locale.EN


async def test_empty_names_are_required_and_nothing_changes(api):
    member = await make_member()
    variables = {"input": {"firstName": "   ", "lastName": None, "phone": "0470 11 22 33"}}
    payload = (await api.ok(UPDATE, variables, token=member.token))["profileUpdate"]
    assert payload["user"] is None
    assert sorted((e["code"], tuple(e["field"])) for e in payload["userErrors"]) == [
        ("REQUIRED", ("input", "firstName")),
        ("REQUIRED", ("input", "lastName")),
    ]
    user = await User.get(id=member.user.id)
    assert (user.first_name, user.last_name, user.phone) == (member.user.first_name, member.user.last_name, None)


async def test_too_long_values_are_refused_and_nothing_changes(api):
    member = await make_member()
    variables = {"input": {"firstName": "A" * 101, "phone": "1" * 41, "locale": "EN"}}
    payload = (await api.ok(UPDATE, variables, token=member.token))["profileUpdate"]
    assert codes(payload) == ["TOO_LONG", "TOO_LONG"]
    assert [e["field"] for e in payload["userErrors"]] == [["input", "firstName"], ["input", "phone"]]
    user = await User.get(id=member.user.id)
    assert user.first_name == member.user.first_name and user.locale == Locale.FR


async def test_profile_update_needs_a_session(api):
    body = await api(UPDATE, {"input": {"firstName": "Anne"}}, token="")
    assert error_codes(body) == ["UNAUTHENTICATED"]
