"""The per-request Context: who is asking, for which company, and the request's loaders (a
registry filled by the domains' loader declarations, resolvers.core.loaders)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, cast

from tortoise.expressions import Q

from models import (
    ApiClient,
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
from resolvers.core import audit, ids
from resolvers.core.clock import now
from resolvers.core.errors import forbidden, unauthenticated
from resolvers.core.logs import current_request_id
from resolvers.core.permissions import DECIDERS, Permission, permissions_of
from resolvers.core.ratelimit import Budgets
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
    #: The API client asking (None for people's sessions).
    client_id: uuid.UUID | None = None
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


_PEOPLE: tuple[tuple[str, type[Any]], ...] = (("u", User), ("m", Membership), ("c", Company))
#: What authenticate reads a bearer credential from: its table's alias, model, hash column and
#: what makes the row live (not revoked, not expired).
_HEADS: dict[str, tuple[str, type[Any], str, str]] = {
    "session": ("s", Session, "token_hash", 's."revoked_at" IS NULL AND s."expires_at" > {now}'),
    "api_client": (
        "a",
        ApiClient,
        "key_hash",
        'a."revoked_at" IS NULL AND (a."expires_at" IS NULL OR a."expires_at" > {now})',
    ),
}
_SQL: dict[tuple[str, str], str] = {}


def _session_sql(dialect: str, head: str = "session") -> str:
    """authenticate's one statement: the session (or API client), its user, membership and
    company, every column of each (aliased `<table letter>_<column>`), so models built from the
    row are complete; and the customer numbers the membership is limited to
    (`m_customer_number_ids`)."""
    key = (dialect, head)
    if key not in _SQL:
        alias, model, hashed, live = _HEADS[head]
        columns = ", ".join(
            f'{a}."{column}" AS "{a}_{column}"'
            for a, table in ((alias, model), *_PEOPLE)
            for column in table._meta.fields_db_projection.values()
        )
        # PostgreSQL: an array; SQLite has none: the ids comma-separated (UUIDs are text there).
        postgres = dialect == "postgres"
        limit = 'x."customer_number_id"' if postgres else 'group_concat(x."customer_number_id")'
        limits = f'SELECT {limit} FROM "{MembershipCustomerNumber._meta.db_table}" x WHERE x."membership_id" = m."id"'
        limits = f"ARRAY({limits})" if postgres else f"({limits})"
        first, second = ("$1", "$2") if postgres else ("?", "?")
        _SQL[key] = (
            f'SELECT {columns}, {limits} AS "m_customer_number_ids" FROM "{head}" {alias} '
            f'JOIN "user" u ON u."id" = {alias}."user_id" '
            f'LEFT JOIN "membership" m ON m."id" = {alias}."membership_id" '
            f'LEFT JOIN "company" c ON c."id" = m."company_id" '
            f'WHERE {alias}."{hashed}" = {first} AND {live.format(now=second)}'
        )
    return _SQL[key]


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
    #: The row's keys for the head table (the session's, or ClientRow's API client's).
    ID, USER_ID, MEMBERSHIP_ID = "s_id", "s_user_id", "s_membership_id"

    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row
        self._user: User | None = None
        self._membership: Membership | None = None
        self._membership_built = False
        self.id = _uuid(row[self.ID])
        self.user_id = _uuid(row[self.USER_ID])
        self.membership_id = _uuid(row[self.MEMBERSHIP_ID])
        #: The customer numbers `membership_id` is limited to ([]: none, it works under all),
        #: as read with the session; None once they may have changed (`forget_customer_numbers`).
        self.customer_number_ids: list[uuid.UUID] | None = _uuids(row["m_customer_number_ids"])
        self.viewer = self._viewer(row)

    def _viewer(self, row: dict[str, Any], **client: Any) -> Viewer:
        staff_role = StaffRole(row["u_staff_role"]) if row["u_staff_role"] is not None else None
        if row["m_id"] is None:
            return Viewer(self.user_id, staff_role, **client)
        return Viewer(
            self.user_id,
            staff_role,
            self.membership_id,
            Role(row["m_role"]),
            MembershipStatus(row["m_status"]),
            _uuid(row["m_company_id"]),
            CompanyStatus(row["c_status"]),
            bool(row["c_fast_entry_enabled"]),
            **client,
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


#: lastUsedAt is written when the stored one is older than this: at most one UPDATE a minute a key.
LAST_USED_EVERY = timedelta(minutes=1)


class ClientRow(SessionRow):
    """A live API client as authenticate read it (the same one statement): acts as its backing
    user and, for a company client, its membership; `viewer` carries its id and scopes."""

    __slots__ = ()
    ID, USER_ID, MEMBERSHIP_ID = "a_id", "a_user_id", "a_membership_id"

    def _viewer(self, row: dict[str, Any], **client: Any) -> Viewer:
        scopes = row["a_scopes"]
        if isinstance(scopes, str):  # the JSON column, as the driver gives it
            scopes = json.loads(scopes)
        return super()._viewer(row, client_id=_uuid(row["a_id"]), scopes=frozenset(map(IntegrationScope, scopes)))

    @property
    def client(self) -> ApiClient:
        return cast(ApiClient, _model(ApiClient, "a", self._row))

    async def touch(self, at: datetime) -> None:
        """Keep lastUsedAt within a minute: one conditional UPDATE when the stored one is older
        (or unset), nothing otherwise; of two processes racing, one writes."""
        last = self._row["a_last_used_at"]
        if isinstance(last, str):  # SQLite's text
            last = ApiClient._meta.fields_map["last_used_at"].to_python_value(last)
        if last is not None and at - last < LAST_USED_EVERY:
            return
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=at - LAST_USED_EVERY)
        await ApiClient.filter(stale, id=self.id).update(last_used_at=at)


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
    #: The budgets this request spends (schema.core.cost.spend_budget); None: unlimited.
    budgets: Budgets | None = field(default=None, repr=False)
    #: Times require_erp admitted a WRITE_ERP client in this request (audited: audit_erp_use).
    erp_grants: int = 0

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

    @property
    def client_id(self) -> uuid.UUID | None:
        """The API client asking, if the request came with a key (None for people)."""
        return self.viewer.client_id if self.viewer else None

    @cached_property
    def reads_all(self) -> bool:
        """Reads every company's data as staff do: any staff member, or a READ_ALL client (which
        never gets past a mutation's declaration, schema.core.permissions)."""
        return self.staff_role is not None or self.has_scope(IntegrationScope.READ_ALL)

    @cached_property
    def can_see_prices(self) -> bool:
        """Read once per request by every Money field (no per-field permission extension): members
        with VIEW_PRICES, staff, READ_ALL, and every distributor API client (the ERP's side)."""
        v = self.viewer
        return Permission.VIEW_PRICES in self.permissions or self.reads_all or bool(v and v.scopes)

    def act_as(self, session: Session | SessionRow | None) -> None:
        """From now on this request acts for `session` (login, accountSwitch, logout)."""
        self.session = session
        for name in ("viewer", "permissions", "reads_all", "can_see_prices"):
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
        """The ERP's writes: a WRITE_ERP client, or staff CUSTOMER_SERVICE / ADMINISTRATOR. Each
        grant to a client is audited once its mutation has run (audit_erp_use)."""
        if self.has_scope(IntegrationScope.WRITE_ERP):
            self.erp_grants += 1
            return self.require_user()
        return self.require_staff(*DECIDERS)

    async def audit_erp_use(self, mutation: str, granted_before: int) -> None:
        """One audit row (`api_client.erp_write`) for a root mutation in which require_erp
        admitted a WRITE_ERP client (erp_grants grew past `granted_before`), whatever its outcome:
        every use of the scope is on record. Called by the root fields' declaration."""
        if self.erp_grants > granted_before and self.client_id is not None:
            await audit.record(
                self.user,
                "api_client.erp_write",
                target_id=ids.encode("ApiClient", self.client_id),
                after={"mutation": mutation},
            )

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


#: API keys: this prefix and 43 characters (secrets.token_urlsafe(32)); a session token is those
#: 43 characters alone, so the two never look alike.
KEY_PREFIX = "bk_"
KEY_LENGTH = len(KEY_PREFIX) + 43


class InvalidKey(Exception):
    """An API key that is unknown, revoked or expired: the request is refused (UNAUTHENTICATED)."""


async def authenticate(authorization: str | None) -> SessionRow | None:
    """The live session or API client behind a bearer token (not revoked, not expired), with its
    user, membership and company: one statement, read as a plain row (SessionRow, ClientRow). A
    session token that is no longer live is no session; an API key that is not live raises
    InvalidKey (a machine should stop at once, not carry on anonymously)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    token = authorization[7:].strip()
    if not token:
        return None
    db = Session._meta.db
    dialect = db.capabilities.dialect
    if len(token) == KEY_LENGTH and token.startswith(KEY_PREFIX):
        rows = await db.execute_query_dict(_session_sql(dialect, "api_client"), [token_hash(token), now()])
        if not rows:
            raise InvalidKey
        client = ClientRow(rows[0])
        await client.touch(now())
        return client
    rows = await db.execute_query_dict(_session_sql(dialect), [token_hash(token), now()])
    return SessionRow(rows[0]) if rows else None
