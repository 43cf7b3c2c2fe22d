"""Demo API clients: the distributor's ERP (READ_ALL, WRITE_ERP, MANAGE_WEBHOOKS) and a partner
portal acting for Bouwbedrijf Peeters. Their keys are fixed, like the demo accounts' password:
seed-demo never runs in production, and prints them."""

from __future__ import annotations

from models import ApiClient, Company, IntegrationScope, Role
from resolvers.api_client import insert
from resolvers.core.context import KEY_PREFIX, token_hash

#: Keys are KEY_PREFIX + 43 characters, as apiClientCreate makes them (authenticate tells them by that shape).
DEMO_ERP_KEY = KEY_PREFIX + "demo-erp".ljust(43, "0")
DEMO_PORTAL_KEY = KEY_PREFIX + "demo-portal".ljust(43, "0")


async def seed_api_clients(peeters: Company) -> None:
    """Idempotent: clients already present (by their key) are left as they are."""
    if not await ApiClient.exists(key_hash=token_hash(DEMO_ERP_KEY)):
        await insert("ERP", DEMO_ERP_KEY, None, None, sorted(s.value for s in IntegrationScope))
    if not await ApiClient.exists(key_hash=token_hash(DEMO_PORTAL_KEY)):
        await insert("Procurement portal", DEMO_PORTAL_KEY, peeters.id, Role.VIEW_PRICES_AND_ORDER, [])
    print(f"demo API keys: ERP (READ_ALL, WRITE_ERP, MANAGE_WEBHOOKS) {DEMO_ERP_KEY}")
    print(f"               Bouwbedrijf Peeters' procurement portal (VIEW_PRICES_AND_ORDER) {DEMO_PORTAL_KEY}")
