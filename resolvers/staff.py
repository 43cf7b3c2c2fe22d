"""Distributor staff accounts, made from the command line (`manage.py create-staff`)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from models import StaffRole, User
from resolvers.auth.tokens import hash_password, revoke_sessions
from resolvers.core import validate
from resolvers.core.errors import Problems


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
