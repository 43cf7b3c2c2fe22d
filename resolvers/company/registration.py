"""Company accounts: registration, access requests with a customer number, contact data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    Company,
    CompanyStatus,
    CustomerNumber,
    CustomerNumberKind,
    Locale,
    Membership,
    MembershipStatus,
    Role,
    TokenPurpose,
    User,
    WorkDomain,
)
from resolvers.auth import tokens as auth_core
from resolvers.core import audit, ids, mail, validate
from resolvers.core.access import of_company, people
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems, forbidden
from resolvers.core.i18n import N_, current_locale, tr
from resolvers.core.permissions import Permission
from resolvers.core.sequence import next_customer_number

ALREADY_REGISTERED = N_(
    "This VAT number already has an account: ask your administrator, request access with your "
    "customer number, or report abuse."
)
#: Until an administrator activates an access request with a real role, the PENDING membership
#: carries the role with the fewest permissions (a PENDING membership has none anyway).
PENDING_ROLE = Role.QUICK_LISTS_ONLY


class NewUserLike(Protocol):
    @property
    def email(self) -> str: ...
    @property
    def password(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def locale(self) -> Locale | None: ...


class ContactLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def phone(self) -> str | None: ...


@dataclass
class NewUser:
    """A checked NewUserInput, ready to be created."""

    email: str
    password: str
    first_name: str
    last_name: str
    phone: str | None
    locale: Locale


def check_new_user(problems: Problems, value: NewUserLike, *field: str) -> NewUser:
    """A new user's data: valid e-mail, names, a strong password; locale defaults to the request's."""
    email = validate.email(problems, value.email, *field, "email")
    return NewUser(
        email=email,
        password=validate.password(problems, value.password, email, *field, "password"),
        first_name=validate.text(problems, value.first_name, *field, "firstName", max_length=100) or "",
        last_name=validate.text(problems, value.last_name, *field, "lastName", max_length=100) or "",
        phone=validate.phone(problems, value.phone, *field, "phone"),
        locale=Locale(value.locale) if value.locale else current_locale(),
    )


async def email_taken(problems: Problems, email: str, *field: str) -> None:
    """EMAIL_ALREADY_REGISTERED when a user has this e-mail (checked only for a valid one)."""
    if validate.is_email(email) and await User.filter(email=email).exists():
        problems.add(ErrorCode.EMAIL_ALREADY_REGISTERED, tr("This e-mail address already has an account."), *field)


async def create_unverified_user(ctx: Context, new: NewUser, password_hash: str, *field: str) -> User:
    """Create the user (not verified) and e-mail the verification link; inside a transaction.

    The password is hashed beforehand (hash_password_in_thread), outside the transaction, so no
    row lock is held while argon2 runs."""
    try:
        user = await User.create(
            email=new.email,
            password_hash=password_hash,
            first_name=new.first_name,
            last_name=new.last_name,
            phone=new.phone,
            locale=new.locale,
            email_verified=False,
        )
    except IntegrityError:  # the same e-mail registered concurrently
        raise DomainError(
            ErrorCode.EMAIL_ALREADY_REGISTERED, tr("This e-mail address already has an account."), (*field, "email")
        ) from None
    token = await auth_core.issue_token(user, TokenPurpose.VERIFY_EMAIL)
    link = auth_core.link(ctx.settings.public_url, "verify-email", mail.SECRET)
    await mail.enqueue(user.email, "verify_email", user.locale, secret=token, name=user.first_name, link=link)
    return user


def check_contact(problems: Problems, value: ContactLike, *field: str) -> dict[str, Any]:
    """The company contact columns: a name, a valid e-mail, an optional phone."""
    return {
        "contact_name": validate.text(problems, value.name, *field, "name"),
        "contact_email": validate.email(problems, value.email, *field, "email"),
        "contact_phone": validate.phone(problems, value.phone, *field, "phone"),
    }


def _person(ctx: Context) -> User | None:
    """The signed-in person registering or asking for access; an API client may do neither for
    itself (it would join another company): FORBIDDEN."""
    if ctx.client_id is not None:
        raise forbidden()
    return ctx.user


async def _registration_status(problems: Problems, vat: str, actor: User | None) -> CompanyStatus:
    """ACTIVE for a new VAT number. An existing one is open only to an ACTIVE ADMINISTRATOR of an
    active account with that number, and the new account waits for staff (PENDING_REVIEW)."""
    if not await Company.filter(vat_number=vat).exists():
        return CompanyStatus.ACTIVE
    if (
        actor is not None
        and await Membership.filter(
            user_id=actor.id,
            role=Role.ADMINISTRATOR,
            status=MembershipStatus.ACTIVE,
            company__vat_number=vat,
            company__status=CompanyStatus.ACTIVE,
        ).exists()
    ):
        return CompanyStatus.PENDING_REVIEW
    problems.add(ErrorCode.COMPANY_ALREADY_REGISTERED, tr(ALREADY_REGISTERED), "input", "vatNumber")
    return CompanyStatus.ACTIVE


async def register_company(
    ctx: Context,
    *,
    company_name: str,
    vat_number: str,
    work_domains: Sequence[WorkDomain],
    billing_address: Any,
    delivery_address: Any | None,
    contact: ContactLike,
    user: NewUserLike | None,
) -> Membership:
    """Open a company account: SOLD_TO number (billing), a SHIP_TO number when delivery differs,
    the registering user as ADMINISTRATOR. Anonymous callers create their (unverified) user."""
    p = Problems()
    name = validate.text(p, company_name, "input", "companyName")
    vat = validate.vat_number(p, vat_number, "input", "vatNumber")
    if not work_domains:
        p.add(ErrorCode.REQUIRED, tr("Choose at least one work domain."), "input", "workDomains")
    domains = [WorkDomain(d).value for d in dict.fromkeys(work_domains)]
    billing = validate.address(p, billing_address, "input", "billingAddress")
    delivery = validate.address(p, delivery_address, "input", "deliveryAddress") if delivery_address else billing
    contact_columns = check_contact(p, contact, "input", "contact")
    actor = _person(ctx)
    new_user: NewUser | None = None
    if actor is None:
        if user is None:
            p.add(ErrorCode.REQUIRED, tr("Sign in or give the user to create."), "input", "user")
        else:
            new_user = check_new_user(p, user, "input", "user")
    vat_ok = not any(pr.field == ("input", "vatNumber") for pr in p.items)
    # Before the transaction: the customer-number row lock taken in it serialises registrations.
    password_hash = await auth_core.hash_password_in_thread(new_user.password) if new_user and not p.items else ""

    async with in_transaction():
        # Taken first: on PostgreSQL the sequence row lock serialises registrations, so the
        # duplicate checks below also hold against a concurrent registration.
        sold_to = await next_customer_number()
        status = await _registration_status(p, vat, actor) if vat_ok else CompanyStatus.ACTIVE
        if new_user is not None:
            await email_taken(p, new_user.email, "input", "user", "email")
        p.raise_any()
        assert name is not None
        if new_user is not None:
            actor = await create_unverified_user(ctx, new_user, password_hash, "input", "user")
        assert actor is not None
        company = await Company.create(
            name=name, vat_number=vat, work_domains=domains, status=status, customer_number=sold_to, **contact_columns
        )
        numbers = [
            await CustomerNumber.create(
                company=company, number=sold_to, kind=CustomerNumberKind.SOLD_TO, name=name, **billing
            )
        ]
        if delivery != billing:
            ship_to = await next_customer_number()
            numbers.append(
                await CustomerNumber.create(
                    company=company, number=ship_to, kind=CustomerNumberKind.SHIP_TO, name=name, **delivery
                )
            )
        membership = await Membership.create(
            user=actor, company=company, role=Role.ADMINISTRATOR, status=MembershipStatus.ACTIVE
        )
        await audit.record(
            actor,
            "company.registered",
            company_id=company.id,
            target_id=ids.encode("Company", company.id),
            after={
                "name": name,
                "vatNumber": vat,
                "status": status.value,
                "workDomains": domains,
                "customerNumbers": {n.number: n.kind.value for n in numbers},
                "administrator": actor.email,
            },
        )
    membership.company = company
    return membership


async def request_access(
    ctx: Context, *, customer_number: str, vat_number: str, user: NewUserLike | None
) -> Membership:
    """A PENDING membership of the company that has both this customer number and this VAT
    number (CUSTOMER_NUMBER_MISMATCH otherwise, without saying which); its administrators,
    or the helpdesk when it has none, are e-mailed."""
    p = Problems()
    number = validate.text(p, customer_number, "input", "customerNumber", max_length=20)
    vat = validate.vat_number(p, vat_number, "input", "vatNumber")
    actor = _person(ctx)
    new_user: NewUser | None = None
    if actor is None:
        if user is None:
            p.add(ErrorCode.REQUIRED, tr("Sign in or give the user to create."), "input", "user")
        else:
            new_user = check_new_user(p, user, "input", "user")
            await email_taken(p, new_user.email, "input", "user", "email")
    company: Company | None = None
    if not p.items:
        row = await CustomerNumber.filter(number=number).select_related("company").first()
        if row is not None and row.company.vat_number == vat and row.company.status != CompanyStatus.REJECTED:
            company = row.company
        else:
            p.add(
                ErrorCode.CUSTOMER_NUMBER_MISMATCH, tr("This customer number and VAT number do not match an account.")
            )
    p.raise_any()
    assert company is not None
    if actor is not None and await of_company(Membership, company.id).filter(user_id=actor.id).exists():
        raise DomainError(ErrorCode.ALREADY_MEMBER, tr("You already belong to this account."))

    password_hash = await auth_core.hash_password_in_thread(new_user.password) if new_user else ""
    async with in_transaction():
        if new_user is not None:
            actor = await create_unverified_user(ctx, new_user, password_hash, "input", "user")
        assert actor is not None
        try:
            membership = await Membership.create(
                user=actor, company=company, role=PENDING_ROLE, status=MembershipStatus.PENDING
            )
        except IntegrityError:  # a concurrent request of the same user
            raise DomainError(ErrorCode.ALREADY_MEMBER, tr("You already belong to this account.")) from None
        params = {"requester": f"{actor.first_name} {actor.last_name}", "email": actor.email, "company": company.name}
        admins = (
            await of_company(Membership, company.id)
            .filter(people(), role=Role.ADMINISTRATOR, status=MembershipStatus.ACTIVE)
            .select_related("user")
        )
        for admin in admins:
            await mail.enqueue(
                admin.user.email, "access_request", admin.user.locale, name=admin.user.first_name, **params
            )
        if not admins:  # nobody at the company can activate it: staff handle the request
            await mail.enqueue(ctx.settings.helpdesk_email, "access_request", Locale.EN, name="helpdesk", **params)
        await audit.record(
            actor,
            "membership.requested",
            company_id=company.id,
            target_id=ids.encode("Membership", membership.id),
            after={"user": actor.email, "status": membership.status.value, "role": membership.role.value},
        )
    membership.company = company
    return membership


async def update_contact(ctx: Context, contact: ContactLike) -> Company:
    """Administrators (MANAGE_COMPANY) change the contact name, e-mail and phone of their account."""
    company = ctx.require(Permission.MANAGE_COMPANY).company
    p = Problems()
    after = check_contact(p, contact, "input")
    p.raise_any()
    before = {k: getattr(company, k) for k in after}
    async with in_transaction():
        await Company.filter(id=company.id).update(**after)
        await audit.record(
            ctx.user,
            "company.contact_changed",
            company_id=company.id,
            target_id=ids.encode("Company", company.id),
            before={k.removeprefix("contact_"): v for k, v in before.items()},
            after={k.removeprefix("contact_"): v for k, v in after.items()},
        )
    for key, value in after.items():
        setattr(company, key, value)
    return company
