"""API clients: a company's (its ADMINISTRATOR, MANAGE_USERS) acting with a role, and the
distributor's (staff ADMINISTRATOR) acting with integration scopes.

Rules enforced here:
- a company client has a role and no scopes, and only the company's own customer numbers
  (another company's id is NOT_FOUND); a distributor client has scopes and no role or numbers;
- the key (`bk_` + 43 random characters) is returned once and stored as its sha256;
- a client is backed by a User that can never sign in (no password, `is_api_client`) and, for a
  company client, an ACTIVE Membership with its role and customer numbers, so it acts through
  every existing rule as a member with that role would;
- an API client never creates or revokes clients; creating and revoking are audited.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models import (
    ApiClient,
    CustomerNumber,
    IntegrationScope,
    Locale,
    Membership,
    MembershipCustomerNumber,
    MembershipStatus,
    Role,
    StaffRole,
    User,
)
from resolvers.core import access, audit, ids, validate
from resolvers.core.clock import now
from resolvers.core.context import KEY_PREFIX, Context, token_hash
from resolvers.core.errors import ErrorCode, Problems, forbidden
from resolvers.core.i18n import tr
from resolvers.core.loaders import by_key, many_by
from resolvers.core.permissions import Permission
from resolvers.membership import company_customer_numbers

api_client_by_id = by_key(ApiClient)
api_clients_by_company_id = many_by(ApiClient, "company_id", order_by=("created_at", "id"))
#: keyPrefix: "bk_" and the key's first characters, enough to tell keys apart in a list.
SHOWN_PREFIX = len(KEY_PREFIX) + 6
#: Backing users' addresses: a reserved domain (RFC 2606) that no person's address can be.
SERVICE_DOMAIN = "api-client.invalid"


def gid(row: ApiClient) -> str:
    return ids.encode("ApiClient", row.id)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _check_expiry(problems: Problems, expires_at: datetime | None) -> datetime | None:
    if expires_at is None:
        return None
    at = _aware(expires_at)
    if at <= now():
        problems.add(ErrorCode.INVALID, tr("Choose an expiry date in the future."), "input", "expiresAt")
    return at


def _forbid(problems: Problems, given: object, field: str) -> None:
    if given:
        problems.add(ErrorCode.INVALID, tr("Not allowed for this kind of API client."), "input", field)


async def create(
    ctx: Context,
    name: str,
    role: Role | None,
    customer_number_ids: Sequence[str] | None,
    scopes: Sequence[IntegrationScope] | None,
    expires_at: datetime | None,
) -> tuple[ApiClient, str]:
    """A new client and its key. Staff ADMINISTRATOR: a distributor client (scopes required;
    role and customer numbers forbidden). Otherwise a company ADMINISTRATOR (MANAGE_USERS): a
    client of the acting company (role required, scopes forbidden, the company's own customer
    numbers). An API client is FORBIDDEN."""
    if ctx.client_id is not None:
        raise forbidden()
    distributor = ctx.staff_role == StaffRole.ADMINISTRATOR
    membership = None if distributor else ctx.require(Permission.MANAGE_USERS)
    creator = ctx.require_user()
    p = Problems()
    label = validate.text(p, name, "input", "name", max_length=validate.max_length(ApiClient, "name"))
    at = _check_expiry(p, expires_at)
    numbers = []
    if distributor:
        if not scopes:
            p.add(ErrorCode.REQUIRED, tr("Give a distributor client at least one scope."), "input", "scopes")
        _forbid(p, role, "role")
        _forbid(p, customer_number_ids, "customerNumberIds")
    else:
        assert membership is not None
        if role is None:
            p.add(ErrorCode.REQUIRED, tr("Give a company client its role."), "input", "role")
        _forbid(p, scopes, "scopes")
        numbers = await company_customer_numbers(
            p, membership.company_id, customer_number_ids or [], "input", "customerNumberIds"
        )
    p.raise_any()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    scope_values = sorted({s.value for s in scopes or ()})
    async with in_transaction():
        client = await insert(
            label or "", key, membership.company_id if membership else None, role, scope_values, numbers, creator, at
        )
        await audit.record(
            creator,
            "api_client.created",
            company_id=client.company_id,
            target_id=gid(client),
            after={
                "name": client.name,
                "role": role.value if role and membership else None,
                "scopes": scope_values,
                "customerNumbers": sorted(cn.number for cn in numbers),
                "keyPrefix": client.key_prefix,
                "expiresAt": at.isoformat() if at else None,
            },
        )
    return client, key


async def insert(
    name: str,
    key: str,
    company_id: uuid.UUID | None,
    role: Role | None,
    scopes: list[str],
    numbers: Sequence[CustomerNumber] = (),
    creator: User | None = None,
    expires_at: datetime | None = None,
) -> ApiClient:
    """The rows of a client with this key (checked by the caller): its backing user, and for a
    company client (company_id) its ACTIVE membership with the role, limited to `numbers`."""
    user = await User.create(
        email=f"{uuid.uuid4()}@{SERVICE_DOMAIN}",
        password_hash=None,
        first_name=name[:100],
        last_name="",
        locale=creator.locale if creator else Locale.FR,
        is_api_client=True,
    )
    backing = None
    if company_id is not None:
        backing = await Membership.create(user=user, company_id=company_id, role=role, status=MembershipStatus.ACTIVE)
        await MembershipCustomerNumber.bulk_create(
            [MembershipCustomerNumber(membership_id=backing.id, customer_number_id=cn.id) for cn in numbers]
        )
    return await ApiClient.create(
        name=name,
        key_hash=token_hash(key),
        key_prefix=key[:SHOWN_PREFIX],
        user=user,
        company_id=company_id,
        membership=backing,
        role=role if company_id else None,
        scopes=scopes,
        created_by=creator,
        expires_at=expires_at,
    )


async def revoke(ctx: Context, global_id: str) -> ApiClient:
    """Revoke a client: its key is refused from the next request on. A company ADMINISTRATOR
    revokes the company's clients (another's id is NOT_FOUND); a staff ADMINISTRATOR any client.
    Revoking a revoked client changes nothing. An API client is FORBIDDEN."""
    if ctx.client_id is not None:
        raise forbidden()
    field = ("id",)
    if ctx.staff_role == StaffRole.ADMINISTRATOR:
        client = await access.get_any(ApiClient, global_id, field)
    else:
        ctx.require(Permission.MANAGE_USERS)
        client = await access.get_for_company(ApiClient, global_id, ctx, field)
    if client.revoked_at is not None:
        return client
    at = now()
    async with in_transaction():
        if not await ApiClient.filter(id=client.id, revoked_at=None).update(revoked_at=at):
            return await ApiClient.get(id=client.id)  # revoked meanwhile by someone else
        if client.membership_id is not None:
            await Membership.filter(id=client.membership_id).update(status=MembershipStatus.INACTIVE)
        await audit.record(
            ctx.user,
            "api_client.revoked",
            company_id=client.company_id,
            target_id=gid(client),
            before={"revokedAt": None},
            after={"revokedAt": at.isoformat()},
        )
    client.revoked_at = at
    api_client_by_id(ctx).clear(client.id)
    return client


async def distributor_clients(ctx: Context) -> list[ApiClient]:
    """Backoffice.apiClients: the distributor's clients (no company), oldest first (staff ADMINISTRATOR)."""
    ctx.require_staff(StaffRole.ADMINISTRATOR)
    return await access.of_company(ApiClient, None).order_by("created_at", "id")


def check_company_reader(ctx: Context, company_id: uuid.UUID) -> None:
    """Company.apiClients: staff, or the company's own members with MANAGE_USERS; FORBIDDEN otherwise."""
    if ctx.reads_all:
        return
    if ctx.company_id != company_id or Permission.MANAGE_USERS not in ctx.permissions:
        raise forbidden()
