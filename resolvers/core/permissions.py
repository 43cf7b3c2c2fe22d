"""SPEC's role x permission matrix: the only place it is written down."""

from __future__ import annotations

from enum import Enum

from models import Role, StaffRole


class Permission(str, Enum):
    MANAGE_USERS = "MANAGE_USERS"
    MANAGE_COMPANY = "MANAGE_COMPANY"
    BROWSE_CATALOG = "BROWSE_CATALOG"
    VIEW_PRICES = "VIEW_PRICES"
    PLACE_ORDERS = "PLACE_ORDERS"
    FAST_ENTRY = "FAST_ENTRY"
    VIEW_QUICK_LISTS = "VIEW_QUICK_LISTS"
    MANAGE_QUICK_LISTS = "MANAGE_QUICK_LISTS"
    ORDER_FROM_QUICK_LISTS = "ORDER_FROM_QUICK_LISTS"
    VIEW_QUOTES = "VIEW_QUOTES"
    REQUEST_QUOTES = "REQUEST_QUOTES"
    ACCEPT_QUOTES = "ACCEPT_QUOTES"
    VIEW_COMPANY_ORDERS = "VIEW_COMPANY_ORDERS"
    VIEW_OWN_ORDERS = "VIEW_OWN_ORDERS"
    VIEW_INVOICES = "VIEW_INVOICES"


P = Permission
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.VIEW_PRICES: frozenset(
        {
            P.BROWSE_CATALOG,
            P.VIEW_PRICES,
            P.VIEW_QUICK_LISTS,
            P.VIEW_QUOTES,
            P.REQUEST_QUOTES,
            P.VIEW_COMPANY_ORDERS,
            P.VIEW_OWN_ORDERS,
            P.VIEW_INVOICES,
        }
    ),
    Role.VIEW_PRICES_AND_ORDER: frozenset(
        {
            P.BROWSE_CATALOG,
            P.VIEW_PRICES,
            P.PLACE_ORDERS,
            P.FAST_ENTRY,
            P.VIEW_QUICK_LISTS,
            P.ORDER_FROM_QUICK_LISTS,
            P.MANAGE_QUICK_LISTS,
            P.VIEW_QUOTES,
            P.REQUEST_QUOTES,
            P.ACCEPT_QUOTES,
            P.VIEW_COMPANY_ORDERS,
            P.VIEW_OWN_ORDERS,
            P.VIEW_INVOICES,
        }
    ),
    Role.ORDER_WITHOUT_PRICES: frozenset(
        {
            P.BROWSE_CATALOG,
            P.PLACE_ORDERS,
            P.FAST_ENTRY,
            P.VIEW_QUICK_LISTS,
            P.ORDER_FROM_QUICK_LISTS,
            P.MANAGE_QUICK_LISTS,
            P.VIEW_OWN_ORDERS,
        }
    ),
    Role.QUICK_LISTS_ONLY: frozenset({P.VIEW_QUICK_LISTS, P.ORDER_FROM_QUICK_LISTS, P.VIEW_OWN_ORDERS}),
}


def permissions_of(role: Role, fast_entry_enabled: bool) -> frozenset[Permission]:
    """A role's permissions; FAST_ENTRY only where the distributor enabled it."""
    granted = MATRIX[role]
    return granted if fast_entry_enabled else granted - {Permission.FAST_ENTRY}


#: Staff who decide (companies, customer numbers, addresses, validation lists, scan-list approval);
#: REPRESENTATIVEs read and build lists.
DECIDERS = (StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR)
