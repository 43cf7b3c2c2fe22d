"""User-facing messages follow the request's locale (Accept-Language FR, NL or EN; FR by default);
every message of resolvers/ has its French and Dutch in resolvers.core.i18n.CATALOGUE."""

from __future__ import annotations

import ast
import string
from decimal import Decimal
from pathlib import Path

import pytest

from models import OutboxMail, Role
from resolvers.core.i18n import CATALOGUE, tr
from tests.cart.helpers import ADD, FAST_ENTRY, line
from tests.catalog.factories import make_product
from tests.company.helpers import register_input
from tests.conftest import error_codes
from tests.factories import make_member

RESOLVERS = Path(__file__).resolve().parent.parent / "resolvers"
#: Calls that take a user-facing message, and the position of that message.
MESSAGE_ARGUMENT = {"DomainError": 1, "Problem": 1, "add": 1, "AccessError": 1, "limit_exceeded": 0}


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _is_text(node: ast.expr) -> bool:
    """A message written in place: a literal, an f-string or a concatenation."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _scan() -> tuple[dict[str, set[str]], list[str]]:
    """The messages given to tr()/N_() (text -> their keyword params, None for N_), and the
    places where a message is written without them."""
    used: dict[str, set[str]] = {}
    bare: list[str] = []
    for path in sorted(RESOLVERS.rglob("*.py")):
        if path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            where = f"{path.name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and _name(node) in ("tr", "N_"):
                text = node.args[0] if node.args else None
                if isinstance(text, ast.Constant) and isinstance(text.value, str):
                    used.setdefault(text.value, set()).update(k.arg for k in node.keywords if k.arg)
                elif _name(node) == "N_":
                    bare.append(f"{where}: N_ needs a literal")
            elif isinstance(node, ast.Call) and _name(node) in MESSAGE_ARGUMENT:
                i = MESSAGE_ARGUMENT[_name(node)]  # type: ignore[index]
                message = node.args[i] if len(node.args) > i else None
                if message is not None and not isinstance(message, ast.Starred) and _is_text(message):
                    bare.append(f"{where}: message without tr()")
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    pairs = (
                        zip(target.elts, node.value.elts, strict=False)
                        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                        else [(target, node.value)]
                    )
                    for t, value in pairs:
                        if isinstance(t, ast.Attribute) and t.attr == "message" and _is_text(value):
                            bare.append(f"{where}: message without tr()")
    return used, bare


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_is_translated_with_the_same_placeholders():
    used, bare = _scan()
    assert bare == []
    assert len(used) > 90  # the scan found the messages
    missing = sorted(text for text in used if text not in CATALOGUE)
    assert missing == []
    wrong = {
        text: translations
        for text, translations in CATALOGUE.items()
        if any(_placeholders(t) != _placeholders(text) or not t.strip() for t in translations)
    }
    assert wrong == {}
    unformatted = {text: params for text, params in used.items() if params and params != _placeholders(text)}
    assert unformatted == {}


def test_outside_a_request_messages_are_english():
    assert tr("The minimum quantity is {minimum}.", minimum=6) == "The minimum quantity is 6."


LANGUAGES = [
    ("fr-BE,fr;q=0.9", "FR"),
    ("nl-BE", "NL"),
    ("en-GB", "EN"),
    (None, "FR"),  # no Accept-Language
    ("de-DE", "FR"),  # none of ours
]
MINIMUM = {
    "FR": "La quantité minimale est de 6.",
    "NL": "De minimumhoeveelheid is 6.",
    "EN": "The minimum quantity is 6.",
}


@pytest.mark.parametrize(("accept", "locale"), LANGUAGES)
async def test_a_user_error_follows_the_request_locale_and_keeps_its_code(api, accept, locale):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER)
    product = await make_product("GLU-6", minimum_quantity=Decimal(6))
    body = await api(ADD, {"lines": [line(product, "2")]}, token=member.token, headers={"Accept-Language": accept})
    [error] = body["data"]["cartLinesAdd"]["userErrors"]
    assert (error["code"], error["message"]) == ("BELOW_MINIMUM_QUANTITY", MINIMUM[locale])


FAST_LINES = {
    "FR": ["Code produit inconnu 'NOPE-9'.", "'x' n'est pas une quantité.", "Quantité additionnée avec la ligne 4."],
    "NL": ["Onbekende productcode 'NOPE-9'.", "'x' is geen hoeveelheid.", "Hoeveelheid opgeteld bij regel 4."],
    "EN": ["Unknown product code 'NOPE-9'.", "'x' is not a quantity.", "Quantity summed with line 4."],
}


@pytest.mark.parametrize(("accept", "locale"), LANGUAGES)
async def test_fast_entry_lines_follow_the_request_locale(api, accept, locale):
    member = await make_member(Role.VIEW_PRICES_AND_ORDER, fast_entry=True)
    await make_product("PVC-1")
    body = await api(
        FAST_ENTRY,
        {"text": "PVC-1 1\nNOPE-9 1\nPVC-1 x\nPVC-1 2"},
        token=member.token,
        headers={"Accept-Language": accept},
    )
    lines = {x["lineNumber"]: (x["status"], x["message"]) for x in body["data"]["fastEntry"]["lines"]}
    assert [lines[2], lines[3], lines[1]] == [
        ("UNKNOWN_CODE", FAST_LINES[locale][0]),
        ("UNREADABLE", FAST_LINES[locale][1]),
        ("OK", FAST_LINES[locale][2]),
    ]


SIGN_IN_FIRST = {"FR": "Connectez-vous d'abord.", "NL": "Meld u eerst aan.", "EN": "Sign in first."}


@pytest.mark.parametrize(("accept", "locale"), LANGUAGES)
async def test_top_level_errors_follow_the_request_locale(api, accept, locale):
    body = await api("query { cart { id } }", headers={"Accept-Language": accept})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == SIGN_IN_FIRST[locale]


REGISTER = """
mutation($input: CompanyRegisterInput!) { companyRegister(input: $input) { userErrors { code message } } }
"""
VERIFY_SUBJECT = {
    "FR": "Confirmez votre adresse e-mail",
    "NL": "Bevestig uw e-mailadres",
    "EN": "Confirm your e-mail address",
}


@pytest.mark.parametrize(("accept", "locale"), LANGUAGES)
async def test_a_new_user_without_a_locale_gets_the_request_locale_and_its_mails(api, accept, locale):
    data = await api.ok(REGISTER, {"input": register_input()}, headers={"Accept-Language": accept})
    assert data["companyRegister"]["userErrors"] == []
    mail = await OutboxMail.get(to="anne@bouw.test")
    assert mail.subject == VERIFY_SUBJECT[locale]
