"""Signing in and one's own account: login, sessions, profile, passwords, e-mail verification."""

from __future__ import annotations

from datetime import timedelta

from tortoise.transactions import in_transaction

from models import (
    CompanyStatus,
    Membership,
    MembershipStatus,
    Session,
    TokenPurpose,
    User,
    UserToken,
)
from resolvers.auth import throttle
from resolvers.auth.tokens import (
    consume_token,
    create_session,
    hash_password_in_thread,
    issue_token,
    link,
    revoke_sessions,
    verify_password_in_thread,
)
from resolvers.core import ids, mail, validate
from resolvers.core.access import of_company
from resolvers.core.clock import now
from resolvers.core.context import Context, token_hash
from resolvers.core.errors import DomainError, ErrorCode, Problems, not_found
from resolvers.core.i18n import N_, tr

MAX_RESET_MAILS_PER_HOUR = 5

BAD_CREDENTIALS = N_("The e-mail address or the password is wrong.")
LOCKED = N_("Too many failed sign-ins: try again in 15 minutes, or choose a new password.")
INACTIVE = N_("This company account is no longer active for you; ask its administrator.")


# ---------------------------------------------------------------------- login
async def _user_by_email(email: str | None) -> User | None:
    """The user of a typed e-mail (trimmed, any case); None for anything no user can have."""
    address = (email or "").strip().lower()
    return await User.filter(email=address).first() if validate.is_email(address) else None


async def _membership_for_login(user: User, company_id: str | None) -> Membership | None:
    """The membership a new session acts for (see login); raises NOT_FOUND / ACCOUNT_INACTIVE."""
    if company_id is not None:
        field = ("input", "companyId")
        cid = ids.decode(company_id, "Company", field)
        chosen = await of_company(Membership, cid).filter(user_id=user.id).select_related("company").first()
        if chosen is None:
            raise not_found(field)
        if chosen.status == MembershipStatus.INACTIVE:
            raise DomainError(ErrorCode.ACCOUNT_INACTIVE, tr(INACTIVE), field)
        return chosen
    rows = await Membership.filter(user_id=user.id).select_related("company").order_by("created_at", "id")
    if not rows:
        return None
    if all(r.status == MembershipStatus.INACTIVE for r in rows):
        if user.staff_role is not None:
            return None  # staff work through the back office, not a membership
        raise DomainError(ErrorCode.ACCOUNT_INACTIVE, tr(INACTIVE))
    if len(rows) == 1:
        return rows[0]
    active = [r for r in rows if r.status == MembershipStatus.ACTIVE]
    # Prefer an account that may act (company ACTIVE), then any ACTIVE membership.
    usable = [r for r in active if r.company.status == CompanyStatus.ACTIVE]
    first: list[Membership | None] = [None]
    return (usable or active or first)[0]


async def login(ctx: Context, email: str, password: str, company_id: str | None = None) -> tuple[Session, str, User]:
    """Sign in: INVALID_CREDENTIALS (same for unknown e-mail), TOO_MANY_ATTEMPTS while locked,
    EMAIL_NOT_VERIFIED / ACCOUNT_INACTIVE / NOT_FOUND only once the password is right.

    Without companyId the session acts for the only membership, else the oldest ACTIVE one,
    else none. The rest of the request acts as the new session.
    """
    user = await _user_by_email(email)
    # Counted before the password is checked (autocommit, so a failure is never rolled back);
    # a refused attempt still pays for one argon2 check, so timing does not tell it apart.
    admitted = await throttle.count_login_attempt(ctx, user)
    right = await verify_password_in_thread(user.password_hash if user and admitted else None, password)
    if not admitted:
        raise DomainError(ErrorCode.TOO_MANY_ATTEMPTS, tr(LOCKED))
    if user is None or not right:
        if user is not None:
            await throttle.failed(user)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, tr(BAD_CREDENTIALS))
    await throttle.succeeded(ctx, user)
    user.update_from_dict(throttle.lifted())
    if not user.email_verified:
        message = tr("Confirm your e-mail address first (see the link we e-mailed).")
        raise DomainError(ErrorCode.EMAIL_NOT_VERIFIED, message, ("input", "email"))
    membership = await _membership_for_login(user, company_id)
    session, token = await create_session(user, membership, ctx.settings.session_hours)
    session.user = user
    session.membership = membership
    ctx.act_as(session)
    return session, token, user


async def logout(ctx: Context) -> bool:
    """Revoke the current session; false (no error) without one, or for an API key (revoked by
    apiClientRevoke only)."""
    if ctx.session is None or ctx.client_id is not None:
        return False
    await Session.filter(id=ctx.session.id, revoked_at=None).update(revoked_at=now())
    ctx.act_as(None)
    return True


async def account_switch(ctx: Context, company_id: str) -> User:
    """Make the session act for the user's membership of that company (NOT_FOUND, ACCOUNT_INACTIVE)."""
    user = ctx.require_user()
    field = ("companyId",)
    cid = ids.decode(company_id, "Company", field)
    membership = await of_company(Membership, cid).filter(user_id=user.id).select_related("company").first()
    if membership is None:
        raise not_found(field)
    if membership.status == MembershipStatus.INACTIVE:
        raise DomainError(ErrorCode.ACCOUNT_INACTIVE, tr(INACTIVE), field)
    session = ctx.session
    assert session is not None
    await Session.filter(id=session.id).update(membership_id=membership.id)
    session.membership = membership
    ctx.act_as(session)
    return user


async def password_change(ctx: Context, current_password: str, new_password: str) -> bool:
    """Needs the current password (INVALID_CREDENTIALS; counts as a failed login); WEAK_PASSWORD rules.

    Revokes the user's other sessions; the current one stays valid.
    """
    user = ctx.require_user()
    fresh = await User.get(id=user.id)
    admitted = await throttle.count_account_attempt(fresh)
    right = await verify_password_in_thread(fresh.password_hash if admitted else None, current_password)
    if not admitted:
        raise DomainError(ErrorCode.TOO_MANY_ATTEMPTS, tr(LOCKED), ("input", "currentPassword"))
    if not right:
        await throttle.failed(fresh)
        raise DomainError(
            ErrorCode.INVALID_CREDENTIALS, tr("The current password is wrong."), ("input", "currentPassword")
        )
    await throttle.succeeded(None, fresh)
    problems = Problems()
    validate.password(problems, new_password, user.email, "input", "newPassword")
    problems.raise_any()
    password_hash = await hash_password_in_thread(new_password)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=password_hash)
        await revoke_sessions(user, keep=ctx.session)
    return True


async def password_reset_request(ctx: Context, email: str) -> bool:
    """Always true. E-mails a 30-minute single-use link to a known address, at most 5 per hour."""
    user = await _user_by_email(email)
    if user is None:
        return True
    async with in_transaction():
        # The user's row lock (PostgreSQL; SQLite runs one transaction at a time) makes the
        # count and the new token one step, so parallel requests cannot all see room left.
        await User.select_for_update().filter(id=user.id).first()
        sent = await UserToken.filter(
            user_id=user.id, purpose=TokenPurpose.RESET_PASSWORD, created_at__gt=now() - timedelta(hours=1)
        ).count()
        if sent >= MAX_RESET_MAILS_PER_HOUR:
            return True
        token = await issue_token(user, TokenPurpose.RESET_PASSWORD)
        await mail.enqueue(
            user.email,
            "password_reset",
            user.locale,
            name=user.first_name,
            link=link(ctx.settings.public_url, "reset-password", mail.SECRET),
            secret=token,
        )
    return True


async def password_reset(ctx: Context, token: str, new_password: str) -> bool:
    """Set a password with a RESET_PASSWORD or INVITATION token (INVALID_TOKEN, WEAK_PASSWORD).

    Revokes all the user's sessions and other open reset/invitation links, lifts the login lock
    and marks the e-mail verified (the link reached the mailbox). A weak password is refused
    before the token is used up.
    """
    purposes = (TokenPurpose.RESET_PASSWORD, TokenPurpose.INVITATION)
    row = await UserToken.filter(
        token_hash=token_hash(token or ""), purpose__in=list(purposes), used_at=None, expires_at__gt=now()
    ).first()
    if row is None:
        raise DomainError(ErrorCode.INVALID_TOKEN, tr("This link is invalid or has expired."), ("input", "token"))
    user = await User.get(id=row.user_id)
    problems = Problems()
    validate.password(problems, new_password, user.email, "input", "newPassword")
    problems.raise_any()
    password_hash = await hash_password_in_thread(new_password)
    async with in_transaction():
        # Conditional update: of two concurrent uses of one token, only one succeeds.
        if not await UserToken.filter(id=row.id, used_at=None).update(used_at=now()):
            raise DomainError(ErrorCode.INVALID_TOKEN, tr("This link is invalid or has expired."), ("input", "token"))
        await User.filter(id=user.id).update(password_hash=password_hash, email_verified=True, **throttle.lifted())
        # Every other link that could set this password is void now (older mails, backups).
        await UserToken.filter(user_id=user.id, purpose__in=list(purposes), used_at=None).update(used_at=now())
        await throttle.forget_account(user)
        await revoke_sessions(user)
    if ctx.user is not None and ctx.user.id == user.id:
        ctx.act_as(None)
    return True


async def email_verify(ctx: Context, token: str) -> User:
    """Mark the e-mail of a VERIFY_EMAIL token's user verified (INVALID_TOKEN otherwise)."""
    async with in_transaction():
        user = await consume_token(token or "", TokenPurpose.VERIFY_EMAIL)
        if user is None:
            raise DomainError(ErrorCode.INVALID_TOKEN, tr("This link is invalid or has expired."), ("token",))
        if not user.email_verified:
            await User.filter(id=user.id).update(email_verified=True)
            user.email_verified = True
    return user
