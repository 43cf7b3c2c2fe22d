"""Sessions and one's own account: login, logout, accountSwitch, profile, passwords, e-mail verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

import models as m
from resolvers import account
from resolvers.auth import login as auth
from resolvers.membership import memberships_by_user_id
from schema.account import Locale, StaffRole, User
from schema.company import Company
from schema.core.base import OkPayload, UserError, attempt, ctx, errors_field
from schema.core.permissions import PUBLIC, SIGNED_IN, requires
from schema.membership import Membership, Permission


@strawberry.input
class LoginInput:
    email: str
    password: str
    company_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Which company account to act for; may be left out when the e-mail has only one.",
    )


@strawberry.type
class LoginPayload:
    session: Session | None = None
    viewer: Viewer | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.type
class LogoutPayload:
    ok: bool


@strawberry.type
class ViewerPayload:
    viewer: Viewer | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class ProfileUpdateInput:
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    locale: Locale | None = strawberry.UNSET


@strawberry.type
class UserPayload:
    user: User | None = None
    user_errors: list[UserError] = errors_field()


@strawberry.input
class PasswordChangeInput:
    current_password: str
    new_password: str


@strawberry.input
class PasswordResetInput:
    token: str
    new_password: str


@strawberry.type
class EmailVerifyPayload:
    user: User | None = None
    user_errors: list[UserError] = errors_field()


def _given(value: Any) -> Any:
    return None if value is strawberry.UNSET else value


def _ok(_: Any) -> bool:
    return True


@strawberry.type
class AuthMutation:
    @strawberry.mutation(extensions=[requires(PUBLIC)])
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        return await attempt(
            LoginPayload,
            auth.login(ctx(info), input.email, input.password, _given(input.company_id)),
            session=lambda r: Session(token=r[1], expires_at=r[0].expires_at),
            viewer=lambda r: viewer_of(r[2]),
        )

    @strawberry.mutation(extensions=[requires(PUBLIC)])
    async def logout(self, info: Info) -> LogoutPayload:
        return LogoutPayload(ok=await auth.logout(ctx(info)))

    @strawberry.mutation(extensions=[requires(SIGNED_IN)])
    async def account_switch(self, info: Info, company_id: strawberry.ID) -> ViewerPayload:
        return await attempt(ViewerPayload, auth.account_switch(ctx(info), company_id), viewer=viewer_of)

    @strawberry.mutation(extensions=[requires(SIGNED_IN)])
    async def profile_update(self, info: Info, input: ProfileUpdateInput) -> UserPayload:
        changes = {
            key: getattr(input, key)
            for key in ("first_name", "last_name", "phone", "locale")
            if getattr(input, key) is not strawberry.UNSET
        }
        return await attempt(UserPayload, account.profile_update(ctx(info), changes), user=User.of)

    @strawberry.mutation(extensions=[requires(SIGNED_IN)])
    async def password_change(self, info: Info, input: PasswordChangeInput) -> OkPayload:
        return await attempt(
            OkPayload, auth.password_change(ctx(info), input.current_password, input.new_password), ok=_ok
        )

    @strawberry.mutation(
        extensions=[requires(PUBLIC)], description="Always answers ok, whether or not the e-mail exists."
    )
    async def password_reset_request(self, info: Info, email: str) -> OkPayload:
        return await attempt(OkPayload, auth.password_reset_request(ctx(info), email), ok=_ok)

    @strawberry.mutation(extensions=[requires(PUBLIC)])
    async def password_reset(self, info: Info, input: PasswordResetInput) -> OkPayload:
        return await attempt(OkPayload, auth.password_reset(ctx(info), input.token, input.new_password), ok=_ok)

    @strawberry.mutation(extensions=[requires(PUBLIC)])
    async def email_verify(self, info: Info, token: str) -> EmailVerifyPayload:
        return await attempt(EmailVerifyPayload, auth.email_verify(ctx(info), token), user=User.of)


@strawberry.type(description="The signed-in person and the company account this session acts for.")
class Viewer:
    user: User
    staff_role: StaffRole | None = strawberry.field(description="Set for distributor employees only.")
    row: strawberry.Private[m.User]

    @strawberry.field(description="Every company account of this e-mail address (e.g. one per work domain).")
    async def memberships(self, info: Info) -> list[Membership]:
        return [Membership.of(r) for r in await memberships_by_user_id(ctx(info)).load(self.row.id)]

    @strawberry.field(description="The membership this session acts for; null until one is chosen.")
    def active_membership(self, info: Info) -> Membership | None:
        mem = ctx(info).membership
        return Membership.of(mem) if mem else None

    @strawberry.field
    def company(self, info: Info) -> Company | None:
        mem = ctx(info).active_membership
        return Company.of(mem.company) if mem else None

    @strawberry.field
    def permissions(self, info: Info) -> list[Permission]:
        return sorted(ctx(info).permissions, key=list(Permission).index)


def viewer_of(user: m.User) -> Viewer:
    return Viewer(user=User.of(user), staff_role=user.staff_role, row=user)


@strawberry.type
class Session:
    token: str = strawberry.field(
        description="Bearer token for the Authorization header. Shown once; stored only hashed."
    )
    expires_at: datetime


@strawberry.type
class AuthQuery:
    @strawberry.field(extensions=[requires(PUBLIC)], description="Null when the request carries no valid session.")
    def viewer(self, info: Info) -> Viewer | None:
        user = ctx(info).user
        return viewer_of(user) if user else None
