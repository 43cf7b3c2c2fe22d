"""`manage.py seed-demo`: demo companies, users in every role, staff, catalog, quotes, ordering, invoices,
shipments and API clients (the ERP, a partner portal).

Idempotent: a second run finds the demo administrator and changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from tortoise.transactions import in_transaction

from demo.api_clients import seed_api_clients
from demo.catalog import seed_catalog
from demo.invoices import seed_invoices
from demo.ordering import seed_ordering
from demo.quotes import seed_quotes
from demo.shipments import seed_shipments
from models import (
    Company,
    CompanyStatus,
    CustomerNumber,
    CustomerNumberKind,
    Locale,
    Membership,
    MembershipCustomerNumber,
    MembershipStatus,
    Role,
    StaffRole,
    User,
)
from resolvers.auth.tokens import hash_password
from resolvers.core.sequence import next_customer_number

log = logging.getLogger("demo")
DEMO_PASSWORD = "demo-password-2026"

STAFF = [
    ("admin@distributor.example", "Ann", "Admin", StaffRole.ADMINISTRATOR),
    ("service@distributor.example", "Sam", "Service", StaffRole.CUSTOMER_SERVICE),
    ("rep@distributor.example", "Rita", "Representative", StaffRole.REPRESENTATIVE),
]

ADDRESSES = {
    "dubois": dict(line1="Rue de l'Industrie 12", postal_code="5000", city="Namur", country_code="BE"),
    "dubois_site": dict(line1="Chaussée de Louvain 220", postal_code="5020", city="Namur", country_code="BE"),
    "peeters": dict(line1="Industrieweg 8", postal_code="2800", city="Mechelen", country_code="BE"),
    "peeters_depot": dict(line1="Havenlaan 3", postal_code="2030", city="Antwerpen", country_code="BE"),
    "peeters_billing": dict(line1="Grote Markt 1", postal_code="2800", city="Mechelen", country_code="BE"),
}

# (e-mail, first, last, locale, role) of the members of Bouwbedrijf Peeters: one per role.
PEETERS_MEMBERS = [
    ("admin@peeters-bouw.be", "Pieter", "Peeters", Locale.NL, Role.ADMINISTRATOR),
    ("prices@peeters-bouw.be", "Els", "Janssens", Locale.NL, Role.VIEW_PRICES),
    ("buyer@peeters-bouw.be", "Koen", "Maes", Locale.NL, Role.VIEW_PRICES_AND_ORDER),
    ("orders@peeters-bouw.be", "Lotte", "Claes", Locale.EN, Role.ORDER_WITHOUT_PRICES),
    ("site@peeters-bouw.be", "Jonas", "Wouters", Locale.FR, Role.QUICK_LISTS_ONLY),
]


async def _user(email: str, first: str, last: str, locale: Locale = Locale.FR, staff: StaffRole | None = None) -> User:
    return await User.create(
        email=email,
        first_name=first,
        last_name=last,
        locale=locale,
        staff_role=staff,
        password_hash=hash_password(DEMO_PASSWORD),
        email_verified=True,
    )


async def _number(company: Company, kind: CustomerNumberKind, name: str, address: dict) -> CustomerNumber:
    number = await next_customer_number()
    return await CustomerNumber.create(company=company, kind=kind, name=name, number=number, **address)


async def _company(name: str, vat: str, domains: list[str], address: dict, contact_email: str, **kw: Any) -> Company:
    number = await next_customer_number()
    company = await Company.create(
        name=name,
        vat_number=vat,
        work_domains=domains,
        customer_number=number,
        contact_name=name,
        contact_email=contact_email,
        contact_phone="+32 2 555 01 00",
        **kw,
    )
    await CustomerNumber.create(company=company, kind=CustomerNumberKind.SOLD_TO, name=name, number=number, **address)
    return company


async def seed_accounts() -> list[Company]:
    async with in_transaction():
        staff = [await _user(e, f, last, Locale.EN, role) for e, f, last, role in STAFF]
        rep = staff[2]

        # One e-mail, two company accounts (PVC and aluminium) under one VAT number.
        marc = await _user("marc@dubois-chassis.be", "Marc", "Dubois")
        pvc = await _company(
            "Dubois Châssis PVC",
            "BE0403170701",
            ["PVC"],
            ADDRESSES["dubois"],
            "info@dubois-chassis.be",
            fast_entry_enabled=True,
            representative=rep,
        )
        alu = await _company(
            "Dubois Châssis Aluminium",
            "BE0403170701",
            ["ALUMINIUM", "GLASS"],
            ADDRESSES["dubois"],
            "alu@dubois-chassis.be",
            representative=rep,
        )
        await _number(pvc, CustomerNumberKind.SHIP_TO, "Chantier Namur-Nord", ADDRESSES["dubois_site"])
        for company in (pvc, alu):
            await Membership.create(user=marc, company=company, role=Role.ADMINISTRATOR, status=MembershipStatus.ACTIVE)

        # Every role, two delivery numbers, a separate invoicing number, one limited member.
        peeters = await _company(
            "Bouwbedrijf Peeters NV",
            "BE0202239951",
            ["CONSTRUCTION", "WOOD"],
            ADDRESSES["peeters"],
            "info@peeters-bouw.be",
            fast_entry_enabled=True,
        )
        depot = await _number(peeters, CustomerNumberKind.SHIP_TO, "Depot Antwerpen", ADDRESSES["peeters_depot"])
        await _number(peeters, CustomerNumberKind.SHIP_TO, "Werf Mechelen", ADDRESSES["peeters"])
        await _number(peeters, CustomerNumberKind.BILL_TO, "Peeters Facturatie", ADDRESSES["peeters_billing"])
        for email, first, last, locale, role in PEETERS_MEMBERS:
            user = await _user(email, first, last, locale)
            membership = await Membership.create(user=user, company=peeters, role=role, status=MembershipStatus.ACTIVE)
            if role == Role.QUICK_LISTS_ONLY:
                await MembershipCustomerNumber.create(membership=membership, customer_number=depot)
        pending = await _user("newcomer@peeters-bouw.be", "Nina", "Nieuw", Locale.NL)
        await Membership.create(
            user=pending, company=peeters, role=Role.QUICK_LISTS_ONLY, status=MembershipStatus.PENDING
        )

        review = await _company(
            "Vitrerie Lambert SRL",
            "BE0417497106",
            ["GLASS"],
            dict(line1="Rue du Port 5", postal_code="4000", city="Liège", country_code="BE"),
            "contact@vitrerie-lambert.be",
            status=CompanyStatus.PENDING_REVIEW,
        )
        lambert = await _user("lambert@vitrerie-lambert.be", "Luc", "Lambert")
        await Membership.create(user=lambert, company=review, role=Role.ADMINISTRATOR, status=MembershipStatus.ACTIVE)
    return [pvc, alu, peeters]


async def seed_demo() -> None:
    if await User.exists(email=STAFF[0][0]):
        log.info("demo accounts already present")
        companies = await Company.filter(status=CompanyStatus.ACTIVE)
    else:
        companies = await seed_accounts()
        log.info("demo accounts created (password %s)", DEMO_PASSWORD)
    company_ids = [c.id for c in companies]
    await seed_catalog(company_ids)
    await seed_quotes(company_ids)
    await seed_ordering(company_ids)
    await seed_invoices(company_ids)
    await seed_shipments(company_ids)
    await seed_api_clients(await Company.get(name="Bouwbedrijf Peeters NV"))
