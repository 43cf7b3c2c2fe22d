"""Who may call a root field, declared on the field: `requires(...)`.

Every root Query and Mutation field, and every field of the Backoffice namespace, carries one
declaration (Saleor's PermissionsField is the model): a company Permission, a staff role, a
distributor API client's IntegrationScope, any signed-in user, any active membership, or
PUBLIC. The declaration is enforced by one field extension, before the resolver runs, with the
outcome the resolvers' own checks always had: a top-level error UNAUTHENTICATED without a
session, FORBIDDEN otherwise (or null, for a field declared `null=True`). It also appends
"Requires X." to the field's description in the SDL, and tests/test_roles.py reads it to check
it against SPEC's role matrix.

Only root fields carry it: leaf fields stay free of extensions (Money has its own rule).
Resolvers may still call `ctx.require(...)` for the membership they act for.

API clients (models.api_client) get past a declaration by an IntegrationScope it names; a
READ_ALL client also past a query any staff member may make (never a mutation); a company client
as a member of its role would, except for SIGNED_IN fields (one's own account: accountSwitch,
profile, password), which are a person's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

from graphql import GraphQLField, OperationType
from strawberry.extensions import FieldExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from models import IntegrationScope, Role, StaffRole
from resolvers.core.context import Context, Viewer
from resolvers.core.errors import AccessError, forbidden, unauthenticated
from resolvers.core.permissions import DECIDERS, MATRIX, Permission


class Audience(str, Enum):
    """Declarations that name no Permission."""

    PUBLIC = "PUBLIC"  # anyone, with or without a session
    SIGNED_IN = "SIGNED_IN"  # any signed-in user (customer or staff), whatever their membership
    MEMBER = "MEMBER"  # any active membership of an active company, whatever its role
    STAFF = "STAFF"  # any staff role


PUBLIC = Audience.PUBLIC
SIGNED_IN = Audience.SIGNED_IN
MEMBER = Audience.MEMBER
STAFF = Audience.STAFF

Need = Permission | StaffRole | Audience | IntegrationScope

#: Validation lists and orders: one's own (VIEW_OWN_ORDERS) or the company's will do.
READ_ORDERS = (Permission.VIEW_OWN_ORDERS, Permission.VIEW_COMPANY_ORDERS)

__all__ = [
    "DECIDERS",
    "MEMBER",
    "PUBLIC",
    "READ_ORDERS",
    "SIGNED_IN",
    "STAFF",
    "IntegrationScope",
    "Permission",
    "requires",
]


def _words(names: list[str]) -> str:
    return " or ".join(names)


class Declaration(FieldExtension):
    """What a field needs: any one of `needs` will do. Takes no part in resolving (PUBLIC);
    `Enforced` below is the same declaration with the check."""

    def __init__(self, needs: tuple[Need, ...], null: bool = False) -> None:
        self.permissions = frozenset(n for n in needs if isinstance(n, Permission))
        self.staff_roles = frozenset(n for n in needs if isinstance(n, StaffRole))
        self.scopes = frozenset(n for n in needs if isinstance(n, IntegrationScope))
        audiences = {n for n in needs if isinstance(n, Audience)}
        self.public = PUBLIC in audiences
        self.signed_in = SIGNED_IN in audiences
        self.member = MEMBER in audiences
        #: Every staff role admitted (STAFF), or only `staff_roles`.
        self.any_staff = STAFF in audiences
        self.null = null
        if not needs or (self.public and len(needs) > 1):
            raise ValueError(f"requires{needs}: name what the field needs (PUBLIC alone)")

    # ------------------------------------------------------------------ the rule
    def admits_role(self, role: Role) -> bool:
        """Whether an active member with `role` (of an active company) gets past the declaration.
        The role's own permissions count (MATRIX): FAST_ENTRY's company switch is the resolver's."""
        if self.public or self.signed_in or self.member:
            return True
        return bool(self.permissions & MATRIX[role])

    def admits_staff(self, staff_role: StaffRole) -> bool:
        return self.public or self.signed_in or self.any_staff or staff_role in self.staff_roles

    def refusal(self, c: Context, mutation: bool = False) -> AccessError | None:
        """None when `c` may call the field (a mutation's, with `mutation`); else the error it
        gets (UNAUTHENTICATED, FORBIDDEN). Read from the session's plain values: no model is built."""
        if self.public:
            return None
        v = c.viewer
        if v is None:
            return unauthenticated()
        if v.client_id is not None:
            return self.client_refusal(v, mutation)
        if self.signed_in:
            return None
        if v.staff_role is not None and self.admits_staff(v.staff_role):
            return None
        return None if self.admits_member(v) else forbidden()

    def admits_member(self, v: Viewer) -> bool:
        return v.acting and v.role is not None and self.admits_role(v.role)

    def client_refusal(self, v: Viewer, mutation: bool) -> AccessError | None:
        if self.scopes & v.scopes:
            return None
        if self.any_staff and not mutation and IntegrationScope.READ_ALL in v.scopes:
            return None
        return None if not self.signed_in and self.admits_member(v) else forbidden()

    # ------------------------------------------------------------------ the SDL
    @property
    def sentence(self) -> str:
        if self.public:
            return "Requires nothing: public, with or without a session."
        if self.signed_in:
            return "Requires a signed-in user."
        who = [p.value for p in Permission if p in self.permissions]
        if self.member:
            who.append("an active membership")
        if self.any_staff:
            who.append("a staff role")
        elif self.staff_roles:
            who.append("staff role " + _words([r.value for r in StaffRole if r in self.staff_roles]))
        if self.scopes:
            who.append("API client scope " + _words([s.value for s in IntegrationScope if s in self.scopes]))
        return f"Requires {_words(who)}." + (" Null otherwise." if self.null else "")

    def apply(self, field: StrawberryField) -> None:
        # Idempotent: the same field object is converted by every schema built from its class.
        description = field.description or ""
        if not description.endswith(self.sentence):
            field.description = f"{description.rstrip()}\n\n{self.sentence}" if description else self.sentence


def _mutation(info: Info) -> bool:
    return info.operation.operation == OperationType.MUTATION


class Enforced(Declaration):
    """A declaration that checks the caller before the resolver runs; a mutation run by an API
    client then has its uses of WRITE_ERP audited (Context.audit_erp_use)."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        refused = self.refusal(info.context, _mutation(info))
        if refused is not None:
            if self.null:
                return None
            raise refused
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any) -> Any:
        c, mutation = info.context, _mutation(info)
        refused = self.refusal(c, mutation)
        if refused is not None:
            if self.null:
                return None
            raise refused
        if not mutation or c.client_id is None:
            return await next_(source, info, **kwargs)
        granted = c.erp_grants
        result = await next_(source, info, **kwargs)
        await c.audit_erp_use(info.field_name, granted)
        return result


def requires(*needs: Need, null: bool = False) -> Declaration:
    """Declare what a root field needs, for `extensions=[requires(...)]`: any one of `needs`
    (Permission members, StaffRole members, IntegrationScope members, STAFF, MEMBER, SIGNED_IN)
    admits the caller, or
    PUBLIC alone. With `null`, a refused caller reads null instead of a top-level error."""
    if needs == (PUBLIC,):
        return Declaration(needs, null)
    return Enforced(needs, null)


def declaration_of(field: GraphQLField) -> Declaration | None:
    """The declaration of a field of the served schema, if it has one."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField):
        return None
    return next((e for e in definition.extensions if isinstance(e, Declaration)), None)
