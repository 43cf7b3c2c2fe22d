"""Validation lists: who reads them, the customer's cancel, and the staff's decisions.

Members with VIEW_COMPANY_ORDERS see the company's lists made for customer numbers they may
use; members with only VIEW_OWN_ORDERS see their own submissions. Transitions are
SUBMITTED -> APPROVED | REJECTED | CANCELLED, nothing else; every change raises `version`
through a conditional UPDATE, so two deciders can never both win.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models import Locale, OrderSource, Role, User, ValidationList, ValidationStatus
from resolvers.core import ids, mail, validate
from resolvers.core.audit import record
from resolvers.core.clock import now
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems, forbidden, not_found
from resolvers.core.i18n import tr
from resolvers.core.pagination import NEWEST_FIRST, Page, paginate
from resolvers.core.permissions import DECIDERS
from resolvers.order import create_order, visible
from resolvers.validation.loaders import validation_list_by_id

OLDEST_FIRST = ("created_at", "id")
#: Staff roles that decide on validation lists; a REPRESENTATIVE reads only.

#: The decision as the submitter reads it in the e-mail, per locale.
STATUS_WORDS: dict[Locale, dict[ValidationStatus, str]] = {
    Locale.FR: {ValidationStatus.APPROVED: "approuvée", ValidationStatus.REJECTED: "refusée"},
    Locale.NL: {ValidationStatus.APPROVED: "goedgekeurd", ValidationStatus.REJECTED: "afgewezen"},
    Locale.EN: {ValidationStatus.APPROVED: "approved", ValidationStatus.REJECTED: "rejected"},
}
REASON_PREFIX = {Locale.FR: "Motif : ", Locale.NL: "Reden: ", Locale.EN: "Reason: "}


# ---------------------------------------------------------------------- reading


def _filtered(
    qs: QuerySet[ValidationList], statuses: Sequence[ValidationStatus] | None, sources: Sequence[OrderSource] | None
) -> QuerySet[ValidationList]:
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if sources:
        qs = qs.filter(source__in=list(sources))
    return qs


async def validation_lists(
    ctx: Context,
    statuses: Sequence[ValidationStatus] | None,
    sources: Sequence[OrderSource] | None,
    first: int | None,
    after: str | None,
) -> Page[ValidationList]:
    """The validation lists the member may read, newest first; empty filters mean all."""
    qs = _filtered(await visible(ValidationList, ctx), statuses, sources)
    page = await paginate(qs, first, after, NEWEST_FIRST)
    for row in page.rows:
        validation_list_by_id(ctx).prime(row.id, row)
    return page


async def validation_list(ctx: Context, global_id: str) -> ValidationList | None:
    """One validation list the member may read; None for unknown, foreign or unseen ids."""
    qs = await visible(ValidationList, ctx)
    pk = ids.decode_or_none(global_id, "ValidationList")
    return await qs.get_or_none(id=pk) if pk else None


async def queue(
    ctx: Context,
    statuses: Sequence[ValidationStatus] | None,
    sources: Sequence[OrderSource] | None,
    first: int | None,
    after: str | None,
) -> Page[ValidationList]:
    """Staff: validation lists of every company, oldest first; SUBMITTED only unless the
    filter names statuses (the queue waiting for a decision)."""
    ctx.require_read_all()
    qs = _filtered(ValidationList.all(), statuses or [ValidationStatus.SUBMITTED], sources)
    page = await paginate(qs, first, after, OLDEST_FIRST)
    for row in page.rows:
        validation_list_by_id(ctx).prime(row.id, row)
    return page


# ---------------------------------------------------------------------- changes


def _audit_target(row: ValidationList) -> str:
    return ids.encode("ValidationList", row.id)


async def _refused(pk: uuid.UUID, expected_version: int | None, field: Sequence[str]) -> DomainError:
    """Why a conditional UPDATE changed nothing: a stale version, or a list no longer SUBMITTED."""
    current = await ValidationList.get(id=pk)
    if expected_version is not None and current.version != expected_version:
        return DomainError(
            ErrorCode.VERSION_CONFLICT,
            tr(
                "This validation list has changed (version {version}); reload it and decide again.",
                version=current.version,
            ),
            ["input", "expectedVersion"],
        )
    return DomainError(
        ErrorCode.INVALID_STATUS_TRANSITION,
        tr("A validation list with status {status} cannot change any more.", status=current.status.value),
        field,
    )


async def cancel(ctx: Context, global_id: str) -> ValidationList:
    """The submitter (or a company ADMINISTRATOR) withdraws a SUBMITTED list: CANCELLED."""
    membership = ctx.require_company()
    row = await validation_list(ctx, global_id)
    if row is None:
        raise not_found(["id"])
    if row.membership_id != membership.id and membership.role != Role.ADMINISTRATOR:
        raise forbidden()
    async with in_transaction():
        changed = await ValidationList.filter(id=row.id, status=ValidationStatus.SUBMITTED).update(
            status=ValidationStatus.CANCELLED,
            version=F("version") + 1,
            decided_at=now(),
            decided_by_id=ctx.require_user().id,
        )
        if not changed:
            raise await _refused(row.id, None, ["id"])
        await record(
            ctx.user,
            "validation_list.cancelled",
            company_id=row.company_id,
            target_id=_audit_target(row),
            before={"status": row.status.value},
            after={"status": ValidationStatus.CANCELLED.value},
        )
    return await ValidationList.get(id=row.id)


async def _decide(
    ctx: Context, global_id: str, expected_version: int, to: ValidationStatus, reason: str | None = None
) -> ValidationList:
    staff = ctx.require_staff(*DECIDERS)
    field = ["input", "id"]
    pk = ids.decode_or_none(global_id, "ValidationList")
    if pk is None or not await ValidationList.exists(id=pk):
        raise not_found(field)
    async with in_transaction():
        extra: dict[str, Any] = {"rejection_reason": reason} if to == ValidationStatus.REJECTED else {}
        changed = await ValidationList.filter(
            id=pk, version=expected_version, status=ValidationStatus.SUBMITTED
        ).update(status=to, version=F("version") + 1, decided_at=now(), decided_by_id=staff.id, **extra)
        if not changed:
            raise await _refused(pk, expected_version, field)
        row = await ValidationList.get(id=pk)
        after: dict[str, Any] = {"status": to.value, "version": row.version}
        if to == ValidationStatus.APPROVED:
            order = await create_order(row)
            after["order"] = order.number
        else:
            after["reason"] = reason
        await record(
            staff,
            f"validation_list.{to.value.lower()}",
            company_id=row.company_id,
            target_id=_audit_target(row),
            before={"status": ValidationStatus.SUBMITTED.value, "version": expected_version},
            after=after,
        )
        await _notify(row, to, reason)
    return row


async def _notify(row: ValidationList, status: ValidationStatus, reason: str | None) -> None:
    """E-mail the submitter the decision (outbox, same transaction), in their language."""
    user = await User.get(id=row.submitted_by_id)
    locale = Locale(user.locale)
    await mail.enqueue(
        user.email,
        "validation_decided",
        locale,
        name=user.first_name,
        number=row.number,
        status=STATUS_WORDS[locale][status],
        reason=f"{REASON_PREFIX[locale]}{reason}" if reason else "",
    )


async def approve(ctx: Context, global_id: str, expected_version: int) -> ValidationList:
    """Staff (CUSTOMER_SERVICE, ADMINISTRATOR): SUBMITTED at the quoted version -> APPROVED, and
    the CONFIRMED order is created with the frozen prices; VERSION_CONFLICT on a stale version."""
    return await _decide(ctx, global_id, expected_version, ValidationStatus.APPROVED)


async def reject(ctx: Context, global_id: str, expected_version: int, reason: str) -> ValidationList:
    """Staff: SUBMITTED at the quoted version -> REJECTED with a reason (required, <= 1000 chars)."""
    ctx.require_staff(*DECIDERS)
    problems = Problems()
    cleaned = validate.text(problems, reason, "input", "reason", max_length=validate.MAX_REASON)
    problems.raise_any()
    return await _decide(ctx, global_id, expected_version, ValidationStatus.REJECTED, cleaned)
