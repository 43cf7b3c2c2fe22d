"""The per-request Context: who is asking, for which company, and the request's loaders."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from models import (
    CartLine,
    Category,
    Company,
    CompanyStatus,
    CustomerNumber,
    Locale,
    Membership,
    MembershipCustomerNumber,
    MembershipStatus,
    Order,
    OrderLine,
    Product,
    QuickListLine,
    QuoteLine,
    ScanListLine,
    Session,
    StaffRole,
    User,
    ValidationList,
    ValidationListLine,
)
from resolvers.catalog import loaders as catalog_loaders
from resolvers.core import loaders
from resolvers.core.clock import now
from resolvers.core.errors import forbidden, unauthenticated
from resolvers.core.loaders import DataLoader
from resolvers.core.logs import current_request_id
from resolvers.core.permissions import Permission, permissions_of
from settings import Settings


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def locale_from_header(accept_language: str | None) -> Locale:
    """The first of FR, NL, EN named in Accept-Language (by q order); FR otherwise."""
    if not accept_language:
        return Locale.FR
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")):
        lang, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, lang.strip()[:2].upper()))
    for _, _, code in sorted(ranked):
        if code in Locale.__members__:
            return Locale(code)
    return Locale.FR


@dataclass
class Context:
    settings: Settings
    session: Session | None = None
    locale: Locale = Locale.FR
    request_id: str = field(default_factory=current_request_id)
    request: Any = None
    response: Any = None
    #: Mutations executed so far in this request (each counts against throttles).
    executions: int = 0

    # ------------------------------------------------------------------ who is asking
    @property
    def user(self) -> User | None:
        return self.session.user if self.session else None

    @property
    def membership(self) -> Membership | None:
        return self.session.membership if self.session else None

    @property
    def staff_role(self) -> StaffRole | None:
        return self.user.staff_role if self.user else None

    @cached_property
    def active_membership(self) -> Membership | None:
        """The membership this session acts for, if it may act at all (ACTIVE, company ACTIVE)."""
        m = self.membership
        if m is None or m.status != MembershipStatus.ACTIVE:
            return None
        if m.company.status != CompanyStatus.ACTIVE:
            return None
        return m

    @cached_property
    def permissions(self) -> frozenset[Permission]:
        m = self.active_membership
        if m is None:
            return frozenset()
        return permissions_of(m.role, m.company.fast_entry_enabled)

    @cached_property
    def can_see_prices(self) -> bool:
        """Read once per request by every Money field (no per-field permission extension)."""
        return Permission.VIEW_PRICES in self.permissions or self.staff_role is not None

    def act_as(self, session: Session | None) -> None:
        """From now on this request acts for `session` (login, accountSwitch, logout)."""
        self.session = session
        for name in ("active_membership", "permissions", "can_see_prices"):
            self.__dict__.pop(name, None)

    def require_user(self) -> User:
        if self.user is None:
            raise unauthenticated()
        return self.user

    def require(self, permission: Permission) -> Membership:
        """The acting membership, if it holds the permission; else UNAUTHENTICATED/FORBIDDEN."""
        self.require_user()
        m = self.active_membership
        if m is None or permission not in self.permissions:
            raise forbidden()
        return m

    def require_company(self) -> Membership:
        """Any active membership of an active company (no particular permission)."""
        self.require_user()
        if self.active_membership is None:
            raise forbidden()
        return self.active_membership

    def require_staff(self, *roles: StaffRole) -> User:
        user = self.require_user()
        if user.staff_role is None or (roles and user.staff_role not in roles):
            raise forbidden()
        return user

    @property
    def company_id(self) -> uuid.UUID | None:
        m = self.active_membership
        return m.company_id if m else None

    # ------------------------------------------------------------------ loaders
    @cached_property
    def user_by_id(self) -> DataLoader:
        return loaders.by_key(User)

    @cached_property
    def company_by_id(self) -> DataLoader:
        return loaders.by_key(Company)

    @cached_property
    def membership_by_id(self) -> DataLoader:
        return loaders.by_key(Membership)

    @cached_property
    def customer_number_by_id(self) -> DataLoader:
        return loaders.by_key(CustomerNumber)

    @cached_property
    def customer_numbers_by_company_id(self) -> DataLoader:
        return loaders.many_by(CustomerNumber, "company_id", order_by=("number",))

    @cached_property
    def memberships_by_user_id(self) -> DataLoader:
        return loaders.many_by(Membership, "user_id")

    @cached_property
    def memberships_by_company_id(self) -> DataLoader:
        return loaders.many_by(Membership, "company_id")

    @cached_property
    def customer_number_ids_by_membership_id(self) -> DataLoader:
        async def fetch(keys: list[uuid.UUID]) -> dict:
            rows = await MembershipCustomerNumber.filter(membership_id__in=keys).values_list(
                "membership_id", "customer_number_id"
            )
            found: dict[uuid.UUID, list[uuid.UUID]] = {k: [] for k in keys}
            for membership_id, cn_id in rows:
                found[membership_id].append(cn_id)
            return found

        return loaders.mapped(fetch)

    # ------------------------------------------------------------------ catalog loaders
    @cached_property
    def product_by_id(self) -> DataLoader:
        return loaders.by_key(Product)

    @cached_property
    def category_by_id(self) -> DataLoader:
        return loaders.by_key(Category)

    @cached_property
    def categories_by_parent_id(self) -> DataLoader:
        return loaders.many_by(Category, "parent_id", order_by=("path",))

    @cached_property
    def branch_list(self) -> DataLoader:
        """Every branch; `load(catalog_loaders.ALL)`."""
        return catalog_loaders.branch_list()

    @cached_property
    def stock_by_product_id(self) -> DataLoader:
        return catalog_loaders.stock_by_product_id(self.branch_list)

    @cached_property
    def prices_by_product_id(self) -> DataLoader:
        """The acting company's price-list rows (resolvers.catalog.pricing.Break) per product; [] for staff."""
        return catalog_loaders.prices_by_product_id(lambda: self.company_id)

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Values built once per request by the schema (e.g. one GraphQL Branch per branch)."""
        return {}

    # ------------------------------------------------------------------ cart loaders
    @cached_property
    def lines_by_cart_id(self) -> DataLoader:
        return loaders.many_by(CartLine, "cart_id", order_by=("position", "created_at", "id"))

    # ------------------------------------------------------------------ quick list loaders
    @cached_property
    def lines_by_quick_list_id(self) -> DataLoader:
        return loaders.many_by(QuickListLine, "quick_list_id", order_by=("position", "created_at", "id"))

    @cached_property
    def line_count_by_quick_list_id(self) -> DataLoader:
        from resolvers.quick_list.lists import line_counts  # the quick list rules import this module

        return loaders.mapped(line_counts)

    @cached_property
    def quick_list_product_ids(self) -> DataLoader:
        """The products on the quick lists this viewer may read (key: catalog_loaders.ALL)."""
        from resolvers.quick_list.lists import product_ids_on_visible_lists

        async def batch(keys: list[str]) -> list[set[uuid.UUID]]:
            found = await product_ids_on_visible_lists(self)
            return [found for _ in keys]

        return DataLoader(batch)

    @cached_property
    def prices_by_company_and_product(self) -> DataLoader:
        """(company id, product id) -> that company's price-list rows: for staff, who act for no
        company, reading a company's prices (one query per company in a batch)."""
        from resolvers.catalog.pricing import company_breaks

        async def fetch(keys: list[tuple[uuid.UUID, uuid.UUID]]) -> dict:
            companies: dict[uuid.UUID, list[uuid.UUID]] = {}
            for company_id, product_id in keys:
                companies.setdefault(company_id, []).append(product_id)
            found: dict[tuple[uuid.UUID, uuid.UUID], list] = {}
            for company_id, product_ids in companies.items():
                breaks = await company_breaks(company_id, product_ids)
                found.update({(company_id, p): breaks.get(p, []) for p in product_ids})
            return found

        return loaders.mapped(fetch)

    # ------------------------------------------------------------------ quote loaders
    @cached_property
    def lines_by_quote_id(self) -> DataLoader:
        return loaders.many_by(QuoteLine, "quote_id", order_by=("position",))

    # ------------------------------------------------------------------ scan list loaders
    @cached_property
    def lines_by_scan_list_id(self) -> DataLoader:
        return loaders.many_by(ScanListLine, "scan_list_id", order_by=("position",))

    # ------------------------------------------------------------------ validation list / order loaders
    @cached_property
    def validation_list_by_id(self) -> DataLoader:
        return loaders.by_key(ValidationList)

    @cached_property
    def lines_by_validation_list_id(self) -> DataLoader:
        return loaders.many_by(ValidationListLine, "validation_list_id", order_by=("position",))

    @cached_property
    def order_by_id(self) -> DataLoader:
        return loaders.by_key(Order)

    @cached_property
    def order_by_validation_list_id(self) -> DataLoader:
        return loaders.by_key(Order, "validation_list_id")

    @cached_property
    def lines_by_order_id(self) -> DataLoader:
        return loaders.many_by(OrderLine, "order_id", order_by=("position",))


async def authenticate(authorization: str | None) -> Session | None:
    """The live session behind a bearer token, with its user, membership and company."""
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    token = authorization[7:].strip()
    if not token:
        return None
    return (
        await Session.filter(token_hash=token_hash(token), revoked_at=None, expires_at__gt=now())
        .select_related("user", "membership", "membership__company")
        .first()
    )
