"""Member administration (MANAGE_USERS): invite, activate, change role, deactivate,
reactivate and limit to customer numbers.

Rules enforced here, for every operation:
- another company's membership or customer number id is NOT_FOUND, like a missing one;
- nobody changes their own membership (CANNOT_CHANGE_OWN_MEMBERSHIP);
- every company keeps at least one ACTIVE ADMINISTRATOR (LAST_ADMINISTRATOR), counted
  inside the transaction with the rows locked (PostgreSQL; SQLite serialises writers);
- every change writes one audit event; a refusal changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import (
    CustomerNumber,
    EventType,
    Membership,
    MembershipCustomerNumber,
    MembershipStatus,
    Role,
    TokenPurpose,
    User,
)
from resolvers.auth.tokens import issue_token, link
from resolvers.company.events import user_json
from resolvers.core import access, audit, ids, mail, validate
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems, not_found
from resolvers.core.i18n import tr
from resolvers.core.loaders import by_key, many_by
from resolvers.core.permissions import Permission
from resolvers.event import emit, iso

ID_FIELD = ("id",)

membership_by_id = by_key(Membership)
memberships_by_user_id = many_by(Membership, "user_id")
#: The company's people (API clients' memberships left out, as access.people() does).
memberships_by_company_id = many_by(Membership, "company_id", user__is_api_client=False)


def _gid(row: Membership) -> str:
    return ids.encode("Membership", row.id)


def _forget(ctx: Context, row: Membership) -> None:
    """Drop this request's cached reads of the membership, so the payload shows the change."""
    membership_by_id(ctx).clear(row.id)
    memberships_by_company_id(ctx).clear(row.company_id)
    memberships_by_user_id(ctx).clear(row.user_id)
    access.forget_customer_numbers(ctx, row.id)


async def company_customer_numbers(
    problems: Problems, company_id: uuid.UUID, global_ids: Sequence[str], *field: str
) -> list[CustomerNumber]:
    """The company's own customer numbers behind the ids (in one query); NOT_FOUND at each bad index."""
    wanted = [ids.decode_or_none(g, "CustomerNumber") for g in global_ids]
    found = {
        row.id: row
        for row in await access.of_company(CustomerNumber, company_id).filter(id__in=[pk for pk in wanted if pk])
    }
    result: dict[uuid.UUID, CustomerNumber] = {}
    for index, pk in enumerate(wanted):
        row = found.get(pk) if pk else None
        if row is None:
            problems.add(ErrorCode.NOT_FOUND, tr("No such customer number in this company."), *field, str(index))
        else:
            result[row.id] = row  # repeated ids count once
    return list(result.values())


async def _numbers_of(membership_id: uuid.UUID) -> list[str]:
    numbers: list[Any] = await MembershipCustomerNumber.filter(membership_id=membership_id).values_list(
        "customer_number__number", flat=True
    )
    return sorted(numbers)


async def membership_json(row: Membership, user: User | None = None) -> dict[str, Any]:
    """The membership with its user and the customer numbers it is limited to ([]: all), in one
    query each (none for the user when given)."""
    user = user or await User.get(id=row.user_id)
    numbers = (
        await MembershipCustomerNumber.filter(membership_id=row.id)
        .order_by("customer_number__number")
        .values_list("customer_number_id", "customer_number__number")
    )
    return {
        "id": _gid(row),
        "companyId": ids.encode("Company", row.company_id),
        "user": user_json(user),
        "role": row.role.value,
        "status": row.status.value,
        "customerNumbers": [{"id": ids.encode("CustomerNumber", pk), "number": number} for pk, number in numbers],
        "createdAt": iso(row.created_at),
    }


async def membership_changed(row: Membership, change: str, user: User | None = None) -> None:
    """MEMBERSHIP_CHANGED, the last write of every change of a membership (created by a
    registration, an invitation or an access request; role, status, customer numbers); `change`
    says which (the audit action's name, upper case: REGISTERED, INVITED, ROLE_CHANGED, ...)."""
    data = {**await membership_json(row, user), "change": change}
    await emit(EventType.MEMBERSHIP_CHANGED, data["id"], data, row.company_id)


async def _lock_target(ctx: Context, global_id: str) -> tuple[Membership, int]:
    """Inside a transaction: the acting company's membership behind `global_id`, locked, and how
    many OTHER active administrators the company has (their rows locked too, in id order)."""
    actor = ctx.require(Permission.MANAGE_USERS)
    pk = ids.decode_or_none(global_id, "Membership")
    if pk is None:
        raise not_found(ID_FIELD)
    rows = (
        await access.in_company(Membership, ctx)
        .filter(access.people(), Q(id=pk) | Q(role=Role.ADMINISTRATOR, status=MembershipStatus.ACTIVE))
        .order_by("id")
        .select_for_update()
    )
    target = next((r for r in rows if r.id == pk), None)
    if target is None:
        raise not_found(ID_FIELD)
    if target.id == actor.id:
        raise DomainError(
            ErrorCode.CANNOT_CHANGE_OWN_MEMBERSHIP, tr("Ask another administrator to change your membership."), ID_FIELD
        )
    other_admins = sum(
        1 for r in rows if r.id != pk and r.role == Role.ADMINISTRATOR and r.status == MembershipStatus.ACTIVE
    )
    return target, other_admins


def _check_status(target: Membership, *allowed: MembershipStatus) -> None:
    if target.status not in allowed:
        raise DomainError(
            ErrorCode.INVALID_STATUS_TRANSITION,
            tr("Not possible for a membership that is {status}.", status=target.status.value),
            ID_FIELD,
        )


def _keep_an_administrator(target: Membership, other_admins: int, new_role: Role, new_status: MembershipStatus) -> None:
    """LAST_ADMINISTRATOR when the change would leave the company with no active administrator."""
    was_admin = target.role == Role.ADMINISTRATOR and target.status == MembershipStatus.ACTIVE
    stays_admin = new_role == Role.ADMINISTRATOR and new_status == MembershipStatus.ACTIVE
    if was_admin and not stays_admin and other_admins == 0:
        raise DomainError(
            ErrorCode.LAST_ADMINISTRATOR, tr("The company must keep at least one active administrator."), ID_FIELD
        )


async def _change(
    ctx: Context,
    global_id: str,
    action: str,
    allowed: Sequence[MembershipStatus],
    *,
    role: Role | None = None,
    status: MembershipStatus | None = None,
) -> Membership:
    """Set the role and/or status of another member, with one audit event when anything changed."""
    async with in_transaction():
        target, other_admins = await _lock_target(ctx, global_id)
        _check_status(target, *allowed)
        new_role, new_status = role or target.role, status or target.status
        _keep_an_administrator(target, other_admins, new_role, new_status)
        if (new_role, new_status) == (target.role, target.status):
            return target  # nothing changes, nothing to audit
        before = {"role": target.role.value, "status": target.status.value}
        await Membership.filter(id=target.id).update(role=new_role, status=new_status)
        target.role, target.status = new_role, new_status
        await audit.record(
            ctx.user,
            action,
            company_id=target.company_id,
            target_id=_gid(target),
            before=before,
            after={"role": new_role.value, "status": new_status.value},
        )
        await membership_changed(target, action.removeprefix("membership.").upper())
    _forget(ctx, target)
    return target


async def activate(ctx: Context, global_id: str, role: Role) -> Membership:
    """A PENDING membership (an access request) becomes ACTIVE with the given role."""
    return await _change(
        ctx, global_id, "membership.activated", [MembershipStatus.PENDING], role=role, status=MembershipStatus.ACTIVE
    )


async def set_role(ctx: Context, global_id: str, role: Role) -> Membership:
    """Change the role of an ACTIVE or PENDING member (not one's own; not the last administrator)."""
    return await _change(
        ctx, global_id, "membership.role_changed", [MembershipStatus.ACTIVE, MembershipStatus.PENDING], role=role
    )


async def deactivate(ctx: Context, global_id: str) -> Membership:
    """ACTIVE or PENDING -> INACTIVE; the member loses every permission from their next request on."""
    return await _change(
        ctx,
        global_id,
        "membership.deactivated",
        [MembershipStatus.ACTIVE, MembershipStatus.PENDING],
        status=MembershipStatus.INACTIVE,
    )


async def reactivate(ctx: Context, global_id: str) -> Membership:
    """INACTIVE -> ACTIVE, with the role the member had."""
    return await _change(
        ctx, global_id, "membership.reactivated", [MembershipStatus.INACTIVE], status=MembershipStatus.ACTIVE
    )


async def set_customer_numbers(ctx: Context, global_id: str, customer_number_ids: Sequence[str]) -> Membership:
    """Replace the customer numbers a member is limited to (empty = all); ids must be the company's."""
    async with in_transaction():
        target, _ = await _lock_target(ctx, global_id)
        problems = Problems()
        numbers = await company_customer_numbers(
            problems,
            target.company_id,
            customer_number_ids,
            "customerNumberIds",
        )
        problems.raise_any()
        before = await _numbers_of(target.id)
        after = sorted(cn.number for cn in numbers)
        if before != after:
            await MembershipCustomerNumber.filter(membership_id=target.id).delete()
            await MembershipCustomerNumber.bulk_create(
                [MembershipCustomerNumber(membership_id=target.id, customer_number_id=cn.id) for cn in numbers]
            )
            await audit.record(
                ctx.user,
                "membership.customer_numbers_changed",
                company_id=target.company_id,
                target_id=_gid(target),
                before={"customerNumbers": before},
                after={"customerNumbers": after},
            )
            await membership_changed(target, "CUSTOMER_NUMBERS_CHANGED")
    _forget(ctx, target)
    return target


async def invite(
    ctx: Context,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    customer_number_ids: Sequence[str] | None = None,
) -> Membership:
    """Add a person to the acting company as an ACTIVE member with `role`, creating the user
    (no password, unverified) when the e-mail is new, and e-mail them an invitation link.

    The link's token is an INVITATION token: passwordReset with it sets the password and
    verifies the e-mail. ALREADY_MEMBER when the person has any membership of this company.
    """
    actor = ctx.require(Permission.MANAGE_USERS)
    inviter = ctx.require_user()
    company = actor.company
    problems = Problems()
    address = validate.email(problems, email, "input", "email")
    first = validate.text(problems, first_name, "input", "firstName", max_length=100)
    last = validate.text(problems, last_name, "input", "lastName", max_length=100)
    numbers = await company_customer_numbers(
        problems, company.id, customer_number_ids or [], "input", "customerNumberIds"
    )
    problems.raise_any()
    already = DomainError(
        ErrorCode.ALREADY_MEMBER,
        tr("This person already has a membership of this company; activate or reactivate it instead."),
        ("input", "email"),
    )
    try:
        async with in_transaction():
            user = await User.get_or_none(email=address)
            if user is not None and user.is_api_client:  # an API client's own address is nobody's
                raise DomainError(
                    ErrorCode.INVALID_EMAIL, tr("This is not a valid e-mail address."), ("input", "email")
                )
            if user is None:
                # A new person gets the inviting administrator's language until they choose one.
                user = await User.create(
                    email=address,
                    first_name=first or "",
                    last_name=last or "",
                    password_hash=None,
                    email_verified=False,
                    locale=inviter.locale,
                )
            elif await access.of_company(Membership, company.id).filter(user_id=user.id).exists():
                raise already
            membership = await Membership.create(user=user, company=company, role=role, status=MembershipStatus.ACTIVE)
            await MembershipCustomerNumber.bulk_create(
                [MembershipCustomerNumber(membership_id=membership.id, customer_number_id=cn.id) for cn in numbers]
            )
            token = await issue_token(user, TokenPurpose.INVITATION)
            await mail.enqueue(
                user.email,
                "invitation",
                user.locale,
                name=f"{user.first_name} {user.last_name}",
                company=company.name,
                link=link(ctx.settings.public_url, "accept-invitation", mail.SECRET),
                secret=token,
            )
            await audit.record(
                inviter,
                "membership.invited",
                company_id=company.id,
                target_id=_gid(membership),
                after={
                    "email": user.email,
                    "role": role.value,
                    "status": MembershipStatus.ACTIVE.value,
                    "customerNumbers": sorted(cn.number for cn in numbers),
                },
            )
            await membership_changed(membership, "INVITED", user)
    except IntegrityError:
        # A concurrent invitation of the same person won the unique (user, company) row.
        raise already from None
    _forget(ctx, membership)
    return membership
