"""The per-request Context: who is asking, for which company, and the request's loaders (a
registry filled by the domains' loader declarations, resolvers.core.loaders)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from models import CompanyStatus, Locale, Membership, MembershipStatus, Session, StaffRole, User
from resolvers.core.clock import now
from resolvers.core.errors import forbidden, unauthenticated
from resolvers.core.logs import current_request_id
from resolvers.core.permissions import Permission, permissions_of
from settings import Settings

if TYPE_CHECKING:
    from resolvers.core.loaders import DataLoader, Loader


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
    #: This request's DataLoaders, by declaration (`product_by_id(ctx)`, see resolvers.core.loaders).
    loaders: dict[Loader[Any, Any], DataLoader[Any, Any]] = field(default_factory=dict, repr=False)

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

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Values built once per request by the schema (e.g. one GraphQL Branch per branch)."""
        return {}


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
