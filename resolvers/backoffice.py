"""The distributor's back office: staff read every company and decide on requests.

Any staff role may read. Decisions that change an account (company review, fast entry,
representative, customer numbers, address changes) need CUSTOMER_SERVICE or ADMINISTRATOR;
a REPRESENTATIVE only reads (and resolves helpdesk tickets). Each change writes one audit event.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from models import (
    AddressChangeRequest,
    AuditEvent,
    Company,
    CompanyStatus,
    CustomerNumber,
    CustomerNumberKind,
    CustomerNumberRequest,
    HelpdeskTicket,
    RequestStatus,
    StaffRole,
    User,
)
from resolvers.auth.tokens import hash_password, revoke_sessions
from resolvers.company.loaders import company_by_id, customer_number_by_id
from resolvers.core import ids, validate
from resolvers.core.access import get_any, nothing, of_company
from resolvers.core.audit import record
from resolvers.core.context import Context
from resolvers.core.errors import DomainError, ErrorCode, Problems, not_found
from resolvers.core.i18n import tr
from resolvers.core.pagination import NEWEST_FIRST, Page, paginate
from resolvers.core.permissions import DECIDERS
from resolvers.core.sequence import next_customer_number

_VAT_NOISE = re.compile(r"[\s.\-]")


def _transition_error(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_STATUS_TRANSITION, message)


def _address(row: Any) -> dict[str, Any]:
    return {column: getattr(row, column) for column in validate.ADDRESS_COLUMNS}


def _audited_address(columns: dict[str, Any]) -> dict[str, Any]:
    """Address columns as the API names them (postalCode, countryCode), for audit details."""
    return {name.split("_")[0] + "".join(p.title() for p in name.split("_")[1:]): v for name, v in columns.items()}


# ---------------------------------------------------------------------- reading


async def companies(
    ctx: Context, statuses: list[CompanyStatus] | None, search: str | None, first: int | None, after: str | None
) -> Page[Company]:
    """Every company, newest first; search matches the name (contains, any case), the VAT number
    (spaces and dots ignored) or one of its customer numbers. A term longer than the column it
    would match is not looked for there (it cannot match)."""
    ctx.require_read_all()
    qs = Company.all()
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    term = (search or "").strip()
    if term:
        vat = _VAT_NOISE.sub("", term).upper()
        cond = Q(id=None)  # matches nothing: each part below is added only where the term fits
        if validate.fits(Company, "name", term):
            cond |= Q(name__icontains=term)
        if validate.fits(Company, "customer_number", term):
            cond |= Q(customer_number=term)
        if validate.fits(CustomerNumber, "number", term):
            cond |= Q(id__in=Subquery(CustomerNumber.filter(number=term).values("company_id")))
        if validate.fits(Company, "vat_number", vat):
            cond |= Q(vat_number__contains=vat)
        qs = qs.filter(cond)
    page = await paginate(qs, first, after, NEWEST_FIRST)
    for row in page.rows:
        company_by_id(ctx).prime(row.id, row)
    return page


async def address_change_requests(ctx: Context, status: RequestStatus | None) -> list[AddressChangeRequest]:
    """Every address change request (of one status, if given), newest first."""
    ctx.require_read_all()
    qs = AddressChangeRequest.all() if status is None else AddressChangeRequest.filter(status=status)
    return await qs.order_by(*NEWEST_FIRST)


async def customer_number_requests(ctx: Context, status: RequestStatus | None) -> list[CustomerNumberRequest]:
    """Every customer number request (of one status, if given), newest first."""
    ctx.require_read_all()
    qs = CustomerNumberRequest.all() if status is None else CustomerNumberRequest.filter(status=status)
    return await qs.order_by(*NEWEST_FIRST)


async def helpdesk_tickets(ctx: Context, resolved: bool | None) -> list[HelpdeskTicket]:
    """Every helpdesk ticket (resolved or open only, if given), newest first."""
    ctx.require_read_all()
    qs = HelpdeskTicket.all() if resolved is None else HelpdeskTicket.filter(resolved=resolved)
    return await qs.order_by(*NEWEST_FIRST)


async def audit_events(ctx: Context, company_id: str | None, first: int | None, after: str | None) -> Page[AuditEvent]:
    """The audit trail, newest first, of one company if given (an unknown company has none)."""
    ctx.require_read_all()
    qs = AuditEvent.all()
    if company_id is not None:
        pk = ids.decode_or_none(company_id, "Company")
        qs = of_company(qs, pk) if pk else nothing(AuditEvent)
    return await paginate(qs, first, after, NEWEST_FIRST)


# ---------------------------------------------------------------------- companies


async def _review(ctx: Context, company_id: str, to: CompanyStatus, action: str, reason: str | None = None) -> Company:
    """PENDING_REVIEW -> `to`; from any other status INVALID_STATUS_TRANSITION."""
    actor = ctx.require_staff(*DECIDERS)
    company = await get_any(Company, company_id, ["id"])
    after: dict[str, Any] = {"status": to.value}
    if reason is not None:
        after["reason"] = reason
    async with in_transaction():
        # Conditional UPDATE: of two staff members deciding at once, only one succeeds.
        changed = await Company.filter(id=company.id, status=CompanyStatus.PENDING_REVIEW).update(
            status=to, **({"rejection_reason": reason} if reason is not None else {})
        )
        if not changed:
            raise _transition_error(tr("This company has already been decided."))
        await record(
            actor,
            action,
            company_id=company.id,
            target_id=ids.encode("Company", company.id),
            before={"status": CompanyStatus.PENDING_REVIEW.value},
            after=after,
        )
    await company.refresh_from_db()
    return company


async def company_approve(ctx: Context, company_id: str) -> Company:
    """A company waiting for review becomes ACTIVE."""
    return await _review(ctx, company_id, CompanyStatus.ACTIVE, "company.approved")


async def company_reject(ctx: Context, company_id: str, reason: str) -> Company:
    """A company waiting for review becomes REJECTED, with a reason (required, at most 1000 characters)."""
    ctx.require_staff(*DECIDERS)
    problems = Problems()
    cleaned = validate.text(problems, reason, "reason", max_length=validate.MAX_REASON)
    problems.raise_any()
    return await _review(ctx, company_id, CompanyStatus.REJECTED, "company.rejected", cleaned)


async def company_fast_entry_set(ctx: Context, company_id: str, enabled: bool) -> Company:
    """Turn fast entry on or off for a company (audited when it changes)."""
    actor = ctx.require_staff(*DECIDERS)
    company = await get_any(Company, company_id, ["id"])
    if company.fast_entry_enabled == enabled:
        return company
    async with in_transaction():
        before = company.fast_entry_enabled
        company.fast_entry_enabled = enabled
        await company.save(update_fields=["fast_entry_enabled"])
        await record(
            actor,
            "company.fast_entry_changed",
            company_id=company.id,
            target_id=ids.encode("Company", company.id),
            before={"fastEntryEnabled": before},
            after={"fastEntryEnabled": enabled},
        )
    return company


async def company_representative_set(ctx: Context, company_id: str, user_id: str) -> Company:
    """Make a staff user the company's representative; any other user id is NOT_FOUND."""
    actor = ctx.require_staff(*DECIDERS)
    company = await get_any(Company, company_id, ["id"])
    pk = ids.decode_or_none(user_id, "User")
    user = await User.filter(id=pk, staff_role__isnull=False).first() if pk else None
    if user is None:
        raise not_found(["userId"])
    before = company.representative_id
    if before == user.id:
        return company
    async with in_transaction():
        company.representative_id = user.id
        await company.save(update_fields=["representative_id"])
        await record(
            actor,
            "company.representative_changed",
            company_id=company.id,
            target_id=ids.encode("Company", company.id),
            before={"representative": ids.encode("User", before) if before else None},
            after={"representative": ids.encode("User", user.id)},
        )
    return company


# ---------------------------------------------------------------------- customer numbers


async def _new_customer_number(company_id: Any, kind: CustomerNumberKind, name: str, columns: dict) -> CustomerNumber:
    """Inside a transaction: the next number of the shared sequence, never reused."""
    number = await next_customer_number()
    return await CustomerNumber.create(company_id=company_id, number=number, kind=kind, name=name, **columns)


async def customer_number_create(
    ctx: Context, company_id: str, kind: CustomerNumberKind, name: str, address: Any
) -> CustomerNumber:
    """Staff add a BILL_TO or SHIP_TO number to a company (it already has its one SOLD_TO)."""
    actor = ctx.require_staff(*DECIDERS)
    company = await get_any(Company, company_id, ["input", "companyId"])
    problems = Problems()
    if (
        kind == CustomerNumberKind.SOLD_TO
        and await of_company(CustomerNumber, company.id).filter(kind=CustomerNumberKind.SOLD_TO).exists()
    ):
        problems.add(
            ErrorCode.INVALID, tr("A company has one SOLD_TO number; add BILL_TO or SHIP_TO."), "input", "kind"
        )
    cleaned = validate.text(problems, name, "input", "name")
    columns = validate.address(problems, address, "input", "address")
    problems.raise_any()
    async with in_transaction():
        row = await _new_customer_number(company.id, kind, cleaned or "", columns)
        await record(
            actor,
            "customer_number.created",
            company_id=company.id,
            target_id=ids.encode("CustomerNumber", row.id),
            after={"number": row.number, "kind": kind.value, "name": row.name, "address": _audited_address(columns)},
        )
    return row


Request = TypeVar("Request", CustomerNumberRequest, AddressChangeRequest)
#: What approving a request did, for the audit event: (before, after) details beside the status.
Applied = tuple[dict[str, Any], dict[str, Any]]


async def _decide(
    ctx: Context,
    model: type[Request],
    request_id: str,
    approve: bool,
    event: str,
    apply: Callable[[Request], Awaitable[Applied]],
) -> Request:
    """Approve or reject a PENDING request once (a conditional UPDATE, so two staff members cannot
    both decide it; else INVALID_STATUS_TRANSITION); an approval runs `apply` in the same
    transaction, and one audit event `{event}.approved` / `.rejected` records the decision."""
    actor = ctx.require_staff(*DECIDERS)
    request = await get_any(model, request_id, ["id"])
    status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    async with in_transaction():
        if not await model.filter(id=request.id, status=RequestStatus.PENDING).update(status=status):
            raise _transition_error(tr("This request has already been decided."))
        before: dict[str, Any] = {"status": RequestStatus.PENDING.value}
        after: dict[str, Any] = {"status": status.value}
        if approve:
            applied_before, applied_after = await apply(request)
            before.update(applied_before)
            after.update(applied_after)
        await record(
            actor,
            f"{event}.{status.value.lower()}",
            company_id=request.company_id,
            target_id=ids.encode(model.__name__, request.id),
            before=before,
            after=after,
        )
    await request.refresh_from_db()
    return request


async def customer_number_request_decide(ctx: Context, request_id: str, approve: bool) -> CustomerNumberRequest:
    """Approve (creates the customer number from the request) or reject a PENDING request."""

    async def create_number(request: CustomerNumberRequest) -> Applied:
        company_id = request.company_id
        row = await _new_customer_number(company_id, request.kind, request.name, _address(request))
        await CustomerNumberRequest.filter(id=request.id).update(customer_number_id=row.id)
        return {}, {"customerNumber": row.number}

    return await _decide(ctx, CustomerNumberRequest, request_id, approve, "customer_number_request", create_number)


async def address_change_request_decide(ctx: Context, request_id: str, approve: bool) -> AddressChangeRequest:
    """Approve (the address is copied onto the customer number) or reject a PENDING request."""

    async def copy_address(request: AddressChangeRequest) -> Applied:
        number = await CustomerNumber.get(id=request.customer_number_id)
        before = {"address": _audited_address(_address(number))}
        await CustomerNumber.filter(id=number.id).update(**_address(request))
        customer_number_by_id(ctx).clear(number.id)
        return before, {"address": _audited_address(_address(request))}

    return await _decide(ctx, AddressChangeRequest, request_id, approve, "address_change_request", copy_address)


async def helpdesk_ticket_resolve(ctx: Context, ticket_id: str) -> HelpdeskTicket:
    """Close an open helpdesk ticket (any staff role); a resolved one is INVALID_STATUS_TRANSITION."""
    actor = ctx.require_staff()
    ticket = await get_any(HelpdeskTicket, ticket_id, ["id"])
    async with in_transaction():
        if not await HelpdeskTicket.filter(id=ticket.id, resolved=False).update(resolved=True):
            raise DomainError(ErrorCode.INVALID_STATUS_TRANSITION, tr("This ticket is already resolved."))
        await record(
            actor,
            "helpdesk_ticket.resolved",
            target_id=ids.encode("HelpdeskTicket", ticket.id),
            before={"resolved": False},
            after={"resolved": True},
        )
    ticket.resolved = True
    return ticket


async def create_staff(email: str, password: str, role: str) -> User:
    """Create a staff user, or update the one with that e-mail: sets its staff role and password
    and marks the e-mail verified. A new password revokes the user's open sessions, as a reset
    does. Raises ValueError (with the reason) on an unknown role, a bad e-mail or a weak password."""
    try:
        staff_role = StaffRole(role.strip().upper())
    except ValueError:
        raise ValueError(f"unknown staff role {role!r}; use one of {', '.join(r.value for r in StaffRole)}") from None
    problems = Problems()
    address = validate.email(problems, email, "email")
    validate.password(problems, password, address, "password")
    if problems.items:
        raise ValueError("; ".join(f"{'.'.join(p.field or ())}: {p.message}" for p in problems.items))
    async with in_transaction():
        user = await User.get_or_none(email=address)
        if user is None:
            local = address.split("@", 1)[0]
            return await User.create(
                email=address,
                password_hash=hash_password(password),
                first_name=local[:100],
                last_name="",
                email_verified=True,
                staff_role=staff_role,
            )
        user.staff_role = staff_role
        user.password_hash = hash_password(password)
        user.email_verified = True
        await user.save(update_fields=["staff_role", "password_hash", "email_verified"])
        await revoke_sessions(user)
        return user
