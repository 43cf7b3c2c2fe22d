"""Demo API clients: the distributor's ERP (READ_ALL, WRITE_ERP, MANAGE_WEBHOOKS) and a partner
portal acting for Bouwbedrijf Peeters. Their keys are fixed, like the demo accounts' password:
seed-demo never runs in production, and prints them."""

from __future__ import annotations

import logging
import uuid

from models import ApiClient, Company, IntegrationScope, Membership, MembershipStatus, Role, User
from resolvers.api_client import SERVICE_DOMAIN, SHOWN_PREFIX
from resolvers.core.context import KEY_PREFIX, token_hash

log = logging.getLogger("demo")

#: Keys are KEY_PREFIX + 43 characters, as apiClientCreate makes them (authenticate tells them by that shape).
DEMO_ERP_KEY = KEY_PREFIX + "demo-erp".ljust(43, "0")
DEMO_PORTAL_KEY = KEY_PREFIX + "demo-portal".ljust(43, "0")
ERP_SCOPES = sorted(s.value for s in IntegrationScope)


async def _client(name: str, key: str, company: Company | None = None, role: Role | None = None) -> None:
    """A distributor client with every scope, or (company, role) a company client."""
    user = await User.create(
        email=f"{uuid.uuid4()}@{SERVICE_DOMAIN}", first_name=name, last_name="", is_api_client=True
    )
    membership = None
    if company is not None:
        membership = await Membership.create(user=user, company=company, role=role, status=MembershipStatus.ACTIVE)
    await ApiClient.create(
        name=name,
        key_hash=token_hash(key),
        key_prefix=key[:SHOWN_PREFIX],
        user=user,
        company=company,
        membership=membership,
        role=role,
        scopes=[] if role else ERP_SCOPES,
    )


async def seed_api_clients(peeters: Company) -> None:
    """Idempotent: clients already present (by their key) are left as they are."""
    if not await ApiClient.exists(key_hash=token_hash(DEMO_ERP_KEY)):
        await _client("ERP", DEMO_ERP_KEY)
    if not await ApiClient.exists(key_hash=token_hash(DEMO_PORTAL_KEY)):
        await _client("Procurement portal", DEMO_PORTAL_KEY, peeters, Role.VIEW_PRICES_AND_ORDER)
    print(f"demo API keys: ERP (READ_ALL, WRITE_ERP, MANAGE_WEBHOOKS) {DEMO_ERP_KEY}")
    print(f"               Bouwbedrijf Peeters' procurement portal (VIEW_PRICES_AND_ORDER) {DEMO_PORTAL_KEY}")
