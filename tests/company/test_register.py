from __future__ import annotations

import asyncio
import threading

import pytest

from models import (
    AuditEvent,
    Company,
    CompanyStatus,
    CustomerNumber,
    CustomerNumberKind,
    Membership,
    MembershipStatus,
    OutboxMail,
    Role,
    User,
)
from resolvers.auth import tokens as auth_core
from resolvers.auth.tokens import verify_password
from resolvers.company import registration as company_rules
from resolvers.core.mail import body_to_send
from tests.company.helpers import DELIVERY, NEW_VAT, PASSWORD, address, counts, new_user, problems, register_input
from tests.factories import make_company, make_member, make_user

REGISTER = """
mutation Register($input: CompanyRegisterInput!) {
  companyRegister(input: $input) {
    company { id name vatNumber status customerNumber workDomains }
    membership { role status user { email emailVerified locale } }
    userErrors { field code message }
  }
}
"""


async def register(api, input, token=None):
    return (await api.ok(REGISTER, {"input": input}, token=token))["companyRegister"]


async def numbers_of(company_id) -> list[tuple[str, str]]:
    return [(n.number, n.kind.value) for n in await CustomerNumber.filter(company_id=company_id).order_by("number")]


# ---------------------------------------------------------------- anonymous registration


async def test_anonymous_registration_opens_an_active_account_with_its_administrator(api):
    payload = await register(api, register_input(vatNumber="be 0123.456.749"))

    assert payload["userErrors"] == []
    company = payload["company"]
    assert company["vatNumber"] == "BE0123456749"
    assert company["status"] == "ACTIVE"
    assert company["customerNumber"] == "100001"
    assert company["workDomains"] == ["PVC", "WOOD"]
    assert payload["membership"]["role"] == "ADMINISTRATOR"
    assert payload["membership"]["status"] == "ACTIVE"
    # No locale given: the request's (tests send Accept-Language: en).
    assert payload["membership"]["user"] == {"email": "anne@bouw.test", "emailVerified": False, "locale": "EN"}

    user = await User.get(email="anne@bouw.test")
    assert verify_password(user.password_hash, PASSWORD) and user.password_hash != PASSWORD
    row = await Company.get(vat_number="BE0123456749")
    assert (row.contact_name, row.contact_email, row.contact_phone) == (
        "Anne Peeters",
        "info@bouw.test",
        "+32 2 555 01 01",
    )
    sold_to = await CustomerNumber.get(company_id=row.id)
    assert (sold_to.number, sold_to.kind, sold_to.name) == ("100001", CustomerNumberKind.SOLD_TO, "Menuiserie Anne")
    assert (sold_to.line1, sold_to.postal_code, sold_to.city) == ("Rue de la Loi 16", "1000", "Bruxelles")
    event = await AuditEvent.get(action="company.registered")
    assert event.company_id == row.id and event.actor_id == user.id


async def test_the_new_user_gets_a_verification_link_under_the_public_url(api):
    await register(api, register_input(user=new_user(locale="NL")))

    mails = await OutboxMail.filter(to="anne@bouw.test")
    assert len(mails) == 1
    assert mails[0].subject == "Bevestig uw e-mailadres"
    assert "Beste Anne" in mails[0].body
    assert "https://shop.test/verify-email?token=" in mails[0].body


async def test_the_verification_link_lets_the_new_user_verify_and_sign_in(api):
    await register(api, register_input())
    body = body_to_send(await OutboxMail.get(to="anne@bouw.test"))
    token = body.split("token=")[1].split()[0]

    verified = await api.ok("mutation($t: String!) { emailVerify(token: $t) { user { emailVerified } } }", {"t": token})
    assert verified["emailVerify"]["user"]["emailVerified"] is True


async def test_a_different_delivery_address_becomes_the_first_ship_to_number(api):
    payload = await register(api, register_input(deliveryAddress=DELIVERY))

    company = await Company.get(customer_number=payload["company"]["customerNumber"])
    assert await numbers_of(company.id) == [("100001", "SOLD_TO"), ("100002", "SHIP_TO")]
    ship_to = await CustomerNumber.get(number="100002")
    assert (ship_to.line1, ship_to.postal_code, ship_to.city) == ("Chantier 4", "9000", "Gent")


async def test_a_delivery_address_equal_to_billing_gives_no_ship_to_number(api):
    payload = await register(api, register_input(deliveryAddress=address()))

    company = await Company.get(customer_number=payload["company"]["customerNumber"])
    assert await numbers_of(company.id) == [("100001", "SOLD_TO")]


async def test_customer_numbers_are_sequential_and_a_failed_registration_uses_none(api):
    first = await register(api, register_input(NEW_VAT[0], deliveryAddress=DELIVERY))
    failed = await register(api, register_input(NEW_VAT[0], user=new_user(email="other@bouw.test")))
    second = await register(api, register_input(NEW_VAT[1], user=new_user(email="bob@bouw.test")))

    assert failed["userErrors"] and failed["company"] is None
    assert first["company"]["customerNumber"] == "100001"
    assert second["company"]["customerNumber"] == "100003"
    numbers = [n.number for n in await CustomerNumber.all().order_by("number")]
    assert numbers == ["100001", "100002", "100003"]


async def test_numbers_already_in_use_are_skipped_never_reused(api):
    existing = await make_company()
    await CustomerNumber.filter(company_id=existing.id).update(number="100001")

    payload = await register(api, register_input())
    assert payload["company"]["customerNumber"] == "100002"


# ---------------------------------------------------------------- duplicates


async def test_anonymous_registration_of_a_known_vat_number_is_refused_with_the_ways_out(api):
    await make_company(vat="BE0123456749")
    before = await counts()

    payload = await register(api, register_input(vatNumber="BE 0123 456 749"))

    assert payload["company"] is None and payload["membership"] is None
    assert problems(payload) == [("COMPANY_ALREADY_REGISTERED", ["input", "vatNumber"])]
    message = payload["userErrors"][0]["message"]
    assert "ask your administrator" in message and "customer number" in message and "report abuse" in message
    assert await counts() == before


async def test_anonymous_registration_with_a_known_email_is_refused(api):
    await make_user("anne@bouw.test")
    before = await counts()

    payload = await register(api, register_input(user=new_user(email="Anne@Bouw.test")))

    assert problems(payload) == [("EMAIL_ALREADY_REGISTERED", ["input", "user", "email"])]
    assert await counts() == before


async def test_every_input_problem_is_reported_at_once_and_nothing_is_written(api):
    await make_user("anne@bouw.test")
    before = await counts()

    payload = await register(
        api,
        register_input(
            companyName=" ",
            vatNumber="BE0123456700",
            workDomains=[],
            billingAddress=address(postalCode="12"),
            deliveryAddress=address(countryCode="US"),
            contact={"name": "x" * 201, "email": "not-an-email"},
            user=new_user(password="short"),
        ),
    )

    assert problems(payload) == sorted(
        [
            ("REQUIRED", ["input", "companyName"]),
            ("INVALID_VAT_NUMBER", ["input", "vatNumber"]),
            ("REQUIRED", ["input", "workDomains"]),
            ("INVALID_POSTAL_CODE", ["input", "billingAddress", "postalCode"]),
            ("INVALID", ["input", "deliveryAddress", "countryCode"]),
            ("TOO_LONG", ["input", "contact", "name"]),
            ("INVALID_EMAIL", ["input", "contact", "email"]),
            ("WEAK_PASSWORD", ["input", "user", "password"]),
            ("EMAIL_ALREADY_REGISTERED", ["input", "user", "email"]),
        ],
        key=str,
    )
    assert await counts() == before


async def test_an_invalid_user_email_and_names_are_reported(api):
    payload = await register(api, register_input(user=new_user(email="anne@", firstName="", lastName="y" * 101)))

    assert problems(payload) == sorted(
        [
            ("INVALID_EMAIL", ["input", "user", "email"]),
            ("REQUIRED", ["input", "user", "firstName"]),
            ("TOO_LONG", ["input", "user", "lastName"]),
        ],
        key=str,
    )


async def test_anonymous_registration_needs_a_user(api):
    before = await counts()
    payload = await register(api, register_input(user=None))

    assert problems(payload) == [("REQUIRED", ["input", "user"])]
    assert await counts() == before


# ---------------------------------------------------------------- signed-in registration


async def test_a_signed_in_user_adds_an_account_for_a_new_vat_number_to_their_email(api):
    member = await make_member(Role.VIEW_PRICES)
    before_users = await User.all().count()

    payload = await register(api, register_input(user=None), token=member.token)

    assert payload["userErrors"] == []
    assert payload["company"]["status"] == "ACTIVE"
    assert payload["membership"]["user"]["email"] == member.user.email
    assert await User.all().count() == before_users
    assert await OutboxMail.filter(to=member.user.email).count() == 0  # already verified
    assert await Membership.filter(user_id=member.user.id).count() == 2


async def test_the_administrator_opens_a_second_account_for_the_same_vat_number_pending_review(api):
    admin = await make_member(Role.ADMINISTRATOR)

    payload = await register(
        api,
        register_input(admin.company.vat_number, workDomains=["ALUMINIUM"], user=new_user(email="ignored@bouw.test")),
        token=admin.token,
    )

    assert payload["userErrors"] == []
    assert payload["company"]["status"] == "PENDING_REVIEW"
    assert payload["company"]["customerNumber"] != admin.company.customer_number
    assert payload["membership"]["role"] == "ADMINISTRATOR"
    assert payload["membership"]["user"]["email"] == admin.user.email
    assert not await User.filter(email="ignored@bouw.test").exists()
    new = await Company.get(customer_number=payload["company"]["customerNumber"])
    assert new.status == CompanyStatus.PENDING_REVIEW and new.vat_number == admin.company.vat_number
    membership = await Membership.get(company_id=new.id)
    assert (membership.user_id, membership.role, membership.status) == (
        admin.user.id,
        Role.ADMINISTRATOR,
        MembershipStatus.ACTIVE,
    )


async def test_the_administrator_of_another_vat_number_cannot_open_an_account_for_a_known_one(api):
    admin = await make_member(Role.ADMINISTRATOR, company=await make_company(vat=NEW_VAT[1]))
    other = await make_company(vat=NEW_VAT[2])
    before = await counts()

    payload = await register(api, register_input(other.vat_number, user=None), token=admin.token)

    assert problems(payload) == [("COMPANY_ALREADY_REGISTERED", ["input", "vatNumber"])]
    assert await counts() == before


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
async def test_a_member_who_is_not_administrator_cannot_open_a_second_account(api, role):
    member = await make_member(role)
    before = await counts()

    payload = await register(api, register_input(member.company.vat_number, user=None), token=member.token)

    assert problems(payload) == [("COMPANY_ALREADY_REGISTERED", ["input", "vatNumber"])]
    assert await counts() == before


@pytest.mark.parametrize("status", [MembershipStatus.PENDING, MembershipStatus.INACTIVE])
async def test_an_administrator_membership_that_is_not_active_cannot_open_a_second_account(api, status):
    member = await make_member(Role.ADMINISTRATOR, status=status)

    payload = await register(api, register_input(member.company.vat_number, user=None), token=member.token)

    assert problems(payload) == [("COMPANY_ALREADY_REGISTERED", ["input", "vatNumber"])]


@pytest.mark.real_db
async def test_concurrent_registrations_of_one_vat_number_open_one_account(api):
    results = await asyncio.gather(
        *[register(api, register_input(user=new_user(email=f"user{i}@bouw.test"))) for i in range(4)]
    )

    assert sorted(bool(r["userErrors"]) for r in results) == [False, True, True, True]
    assert await Company.filter(vat_number=NEW_VAT[0]).count() == 1
    numbers = [n.number for n in await CustomerNumber.all()]
    assert numbers == ["100001"]


async def test_the_password_is_hashed_in_a_thread_before_the_transaction_opens(api, monkeypatch):
    events: list[str] = []
    hasher = auth_core.HASHER

    class SpyHasher:
        def hash(self, password: str) -> str:
            events.append("hash" if threading.current_thread() is not threading.main_thread() else "hash on loop")
            return hasher.hash(password)

    real_transaction = company_rules.in_transaction

    def spy_transaction(*args, **kwargs):
        events.append("transaction")
        return real_transaction(*args, **kwargs)

    monkeypatch.setattr(auth_core, "HASHER", SpyHasher())
    monkeypatch.setattr(company_rules, "in_transaction", spy_transaction)

    payload = await register(api, register_input())

    assert payload["userErrors"] == []
    assert events == ["hash", "transaction"]
