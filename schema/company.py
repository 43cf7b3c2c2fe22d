"""Company accounts: registration, access requests, contact data."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers.company import registration as rules
from schema.account import Company, Locale, Membership, WorkDomain
from schema.core.base import AddressInput, ContactInput, UserError, attempt, ctx, errors_field


@strawberry.input
class NewUserInput:
    email: str
    password: str
    first_name: str
    last_name: str
    phone: str | None = None
    locale: Locale | None = None  # type: ignore[valid-type]


@strawberry.input
class CompanyRegisterInput:
    company_name: str
    vat_number: str
    work_domains: list[WorkDomain]  # type: ignore[valid-type]
    billing_address: AddressInput
    contact: ContactInput
    delivery_address: AddressInput | None = strawberry.field(
        default=None, description="Defaults to the billing address."
    )
    user: NewUserInput | None = strawberry.field(
        default=None,
        description="Required when not signed in; a signed-in user adds the account to their own e-mail.",
    )


@strawberry.type
class CompanyRegisterPayload:
    company: Company | None = None
    membership: Membership | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class AccessRequestInput:
    customer_number: str = strawberry.field(description="The customer number the company already has.")
    vat_number: str
    user: NewUserInput | None = strawberry.field(default=None, description="Required when not signed in.")


@strawberry.type
class AccessRequestPayload:
    membership: Membership | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class CompanyPayload:
    company: Company | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class CompanyMutation:
    @strawberry.mutation
    async def company_register(self, info: Info, input: CompanyRegisterInput) -> CompanyRegisterPayload:
        action = rules.register_company(
            ctx(info),
            company_name=input.company_name,
            vat_number=input.vat_number,
            work_domains=input.work_domains,
            billing_address=input.billing_address,
            delivery_address=input.delivery_address,
            contact=input.contact,
            user=input.user,
        )
        return await attempt(
            CompanyRegisterPayload, action, membership=Membership.of, company=lambda mem: Company.of(mem.company)
        )

    @strawberry.mutation
    async def access_request(self, info: Info, input: AccessRequestInput) -> AccessRequestPayload:
        action = rules.request_access(
            ctx(info), customer_number=input.customer_number, vat_number=input.vat_number, user=input.user
        )
        return await attempt(AccessRequestPayload, action, membership=Membership.of)

    @strawberry.mutation
    async def company_contact_update(self, info: Info, input: ContactInput) -> CompanyPayload:
        return await attempt(CompanyPayload, rules.update_contact(ctx(info), input), company=Company.of)
