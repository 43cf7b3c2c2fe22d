"""The per-request Context: who is asking, for which company, and the request's loaders (a
registry filled by the domains' loader declarations, resolvers.core.loaders)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from models import (
    Company,
    CompanyStatus,
    IntegrationScope,
    Locale,
    Membership,
    MembershipCustomerNumber,
    MembershipStatus,
    Role,
    Session,
    StaffRole,
    User,
)
from resolvers.core.clock import now
from resolvers.core.errors import forbidden, unauthenticated
from resolvers.core.logs import current_request_id
from resolvers.core.permissions import DECIDERS, Permission, permissions_of
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


def _uuid(value: Any) -> uuid.UUID | None:
    """A key as the ORM gives it: asyncpg's own UUIDs as they are, SQLite's text parsed."""
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(value)


class _Acting(Protocol):
    """What decides a request's rights: a Session model, authenticate's SessionRow, or a test's stand-in."""

    @property
    def user(self) -> User | None: ...
    @property
    def membership(self) -> Membership | None: ...


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking, as the plain values every permission check reads."""

    user_id: uuid.UUID | None
    staff_role: StaffRole | None
    membership_id: uuid.UUID | None = None
    role: Role | None = None
    membership_status: MembershipStatus | None = None
    company_id: uuid.UUID | None = None
    company_status: CompanyStatus | None = None
    fast_entry_enabled: bool = False
    #: A distributor API client's scopes (empty for people and company clients).
    scopes: frozenset[IntegrationScope] = frozenset()

    @property
    def acting(self) -> bool:
        """The membership may act: it is ACTIVE, and so is its company."""
        return self.membership_status == MembershipStatus.ACTIVE and self.company_status == CompanyStatus.ACTIVE

    @classmethod
    def of(cls, session: _Acting) -> Viewer:
        """From models (a session made by login or accountSwitch, or a test's stand-in)."""
        user, m = session.user, session.membership
        staff_role = user.staff_role if user is not None else None
        user_id = getattr(user, "id", None)
        if m is None:
            return cls(user_id, staff_role)
        company = m.company
        return cls(
            user_id,
            staff_role,
            getattr(m, "id", None),
            m.role,
            m.status,
            getattr(m, "company_id", None),
            company.status,
            bool(company.fast_entry_enabled),
        )


_TABLES: tuple[tuple[str, type[Any]], ...] = (("s", Session), ("u", User), ("m", Membership), ("c", Company))
_SQL: dict[str, str] = {}


def _session_sql(dialect: str) -> str:
    """authenticate's one statement: the session, its user, membership and company, every column
    of each (aliased `<table letter>_<column>`), so models built from the row are complete; and
    the customer numbers the membership is limited to (`m_customer_number_ids`)."""
    if dialect not in _SQL:
        columns = ", ".join(
            f'{alias}."{column}" AS "{alias}_{column}"'
            for alias, model in _TABLES
            for column in model._meta.fields_db_projection.values()
        )
        # PostgreSQL: an array; SQLite has none: the ids comma-separated (UUIDs are text there).
        postgres = dialect == "postgres"
        limit = 'x."customer_number_id"' if postgres else 'group_concat(x."customer_number_id")'
        limits = f'SELECT {limit} FROM "{MembershipCustomerNumber._meta.db_table}" x WHERE x."membership_id" = m."id"'
        limits = f"ARRAY({limits})" if postgres else f"({limits})"
        first, second = ("$1", "$2") if postgres else ("?", "?")
        _SQL[dialect] = (
            f'SELECT {columns}, {limits} AS "m_customer_number_ids" FROM "session" s '
            f'JOIN "user" u ON u."id" = s."user_id" '
            f'LEFT JOIN "membership" m ON m."id" = s."membership_id" '
            f'LEFT JOIN "company" c ON c."id" = m."company_id" '
            f'WHERE s."token_hash" = {first} AND s."revoked_at" IS NULL AND s."expires_at" > {second}'
        )
    return _SQL[dialect]


def _uuids(value: Any) -> list[uuid.UUID]:
    """The ids of an array column (PostgreSQL) or of a comma-separated text (SQLite's group_concat)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [uuid.UUID(v) for v in value.split(",")]
    return list(value)


def _model(model: type[Any], alias: str, row: dict[str, Any]) -> Any:
    prefix = f"{alias}_"
    return model._init_from_db(**{column: row[prefix + column] for column in model._meta.fields_db_projection.values()})


class SessionRow:
    """The live session as authenticate read it, in one statement: plain values for the checks
    every request makes (`viewer`), and its User and Membership (with its Company) as models
    built from the same row only when a resolver asks for them: no second statement, and, every
    column being read, models a mutation may save."""

    __slots__ = (
        "_membership",
        "_membership_built",
        "_row",
        "_user",
        "customer_number_ids",
        "id",
        "membership_id",
        "user_id",
        "viewer",
    )

    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row
        self._user: User | None = None
        self._membership: Membership | None = None
        self._membership_built = False
        self.id = _uuid(row["s_id"])
        self.user_id = _uuid(row["s_user_id"])
        self.membership_id = _uuid(row["s_membership_id"])
        #: The customer numbers `membership_id` is limited to ([]: none, it works under all),
        #: as read with the session; None once they may have changed (`forget_customer_numbers`).
        self.customer_number_ids: list[uuid.UUID] | None = _uuids(row["m_customer_number_ids"])
        staff_role = StaffRole(row["u_staff_role"]) if row["u_staff_role"] is not None else None
        if row["m_id"] is None:
            self.viewer = Viewer(self.user_id, staff_role)
        else:
            self.viewer = Viewer(
                self.user_id,
                staff_role,
                self.membership_id,
                Role(row["m_role"]),
                MembershipStatus(row["m_status"]),
                _uuid(row["m_company_id"]),
                CompanyStatus(row["c_status"]),
                bool(row["c_fast_entry_enabled"]),
            )

    @property
    def user(self) -> User:
        if self._user is None:
            self._user = _model(User, "u", self._row)
        return self._user

    @property
    def membership(self) -> Membership | None:
        if not self._membership_built:
            if self._row["m_id"] is not None:
                membership = _model(Membership, "m", self._row)
                membership.company = _model(Company, "c", self._row)
                self._membership = membership
            self._membership_built = True
        return self._membership

    @membership.setter
    def membership(self, membership: Membership | None) -> None:
        """accountSwitch: the session acts for another membership (its company loaded) from now on."""
        self._membership, self._membership_built = membership, True
        self.membership_id = membership.id if membership else None
        self.customer_number_ids = None  # read with the session for the membership before
        self.viewer = Viewer.of(self)


@dataclass
class Context:
    settings: Settings
    session: Session | SessionRow | None = None
    locale: Locale = Locale.FR
    request_id: str = field(default_factory=current_request_id)
    request: Any = None
    response: Any = None
    #: Mutations executed so far in this request (each counts against throttles).
    executions: int = 0
    #: This request's DataLoaders, by declaration (`product_by_id(ctx)`, see resolvers.core.loaders).
    loaders: dict[Loader[Any, Any], DataLoader[Any, Any]] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ who is asking
    @cached_property
    def viewer(self) -> Viewer | None:
        """Who is asking, as plain values (no model is built for the checks)."""
        if self.session is None:
            return None
        if isinstance(self.session, SessionRow):
            return self.session.viewer
        return Viewer.of(self.session)

    @property
    def user(self) -> User | None:
        """The signed-in user's model (built on first use from authenticate's row)."""
        return self.session.user if self.session else None

    @property
    def membership(self) -> Membership | None:
        return self.session.membership if self.session else None

    @property
    def staff_role(self) -> StaffRole | None:
        return self.viewer.staff_role if self.viewer else None

    @property
    def acting_membership_id(self) -> uuid.UUID | None:
        """The id of `active_membership`, from the session's plain values (no model is built)."""
        v = self.viewer
        return v.membership_id if v is not None and v.acting else None

    @property
    def active_membership(self) -> Membership | None:
        """The membership this session acts for, if it may act at all (ACTIVE, company ACTIVE)."""
        return self.membership if self.viewer is not None and self.viewer.acting else None

    @cached_property
    def permissions(self) -> frozenset[Permission]:
        v = self.viewer
        if v is None or not v.acting or v.role is None:
            return frozenset()
        return permissions_of(v.role, v.fast_entry_enabled)

    @cached_property
    def can_see_prices(self) -> bool:
        """Read once per request by every Money field (no per-field permission extension)."""
        return Permission.VIEW_PRICES in self.permissions or self.staff_role is not None

    def act_as(self, session: Session | SessionRow | None) -> None:
        """From now on this request acts for `session` (login, accountSwitch, logout)."""
        self.session = session
        for name in ("viewer", "permissions", "can_see_prices"):
            self.__dict__.pop(name, None)

    def require_user(self) -> User:
        user = self.user
        if user is None:
            raise unauthenticated()
        return user

    def require(self, permission: Permission) -> Membership:
        """The acting membership, if it holds the permission; else UNAUTHENTICATED/FORBIDDEN."""
        self.check(permission)
        return self.active_membership  # type: ignore[return-value]  # acting: checked above

    def check(self, permission: Permission) -> None:
        """`require` for reads that need no model: UNAUTHENTICATED/FORBIDDEN unless the acting
        membership holds the permission."""
        if self.viewer is None:
            raise unauthenticated()
        if not self.viewer.acting or permission not in self.permissions:
            raise forbidden()

    def require_company(self) -> Membership:
        """Any active membership of an active company (no particular permission)."""
        if self.viewer is None:
            raise unauthenticated()
        m = self.active_membership
        if m is None:
            raise forbidden()
        return m

    def require_staff(self, *roles: StaffRole) -> User:
        user = self.require_user()
        if user.staff_role is None or (roles and user.staff_role not in roles):
            raise forbidden()
        return user

    def has_scope(self, scope: IntegrationScope) -> bool:
        return self.viewer is not None and scope in self.viewer.scopes

    def require_erp(self) -> User:
        """The ERP's writes: a WRITE_ERP client, or staff CUSTOMER_SERVICE / ADMINISTRATOR."""
        if self.has_scope(IntegrationScope.WRITE_ERP):
            return self.require_user()
        return self.require_staff(*DECIDERS)

    def require_read_all(self) -> None:
        """Reads across every company: any staff member, or a READ_ALL client."""
        if not self.has_scope(IntegrationScope.READ_ALL):
            self.require_staff()

    @property
    def company_id(self) -> uuid.UUID | None:
        v = self.viewer
        return v.company_id if v is not None and v.acting else None

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Values built once per request by the schema (e.g. one GraphQL Branch per branch)."""
        return {}


async def authenticate(authorization: str | None) -> SessionRow | None:
    """The live session behind a bearer token (not revoked, not expired), with its user,
    membership and company: one statement, read as a plain row (SessionRow)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    token = authorization[7:].strip()
    if not token:
        return None
    db = Session._meta.db
    rows = await db.execute_query_dict(_session_sql(db.capabilities.dialect), [token_hash(token), now()])
    return SessionRow(rows[0]) if rows else None
