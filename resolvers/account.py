"""The account domain: a user's own profile (name, phone, language)."""

from __future__ import annotations

from typing import Any

from models import (
    Locale,
    User,
)
from resolvers.core import validate
from resolvers.core.context import Context
from resolvers.core.errors import ErrorCode, Problems
from resolvers.core.i18n import tr
from resolvers.core.loaders import by_key

user_by_id = by_key(User)


# ---------------------------------------------------------------------- profile and password
async def profile_update(ctx: Context, changes: dict[str, Any]) -> User:
    """Change the signed-in user's names, phone, locale (only the keys given; names trimmed, never empty)."""
    user = ctx.require_user()
    problems = Problems()
    values: dict[str, Any] = {}
    for key, name in (("first_name", "firstName"), ("last_name", "lastName")):
        if key in changes:
            values[key] = validate.text(problems, changes[key], "input", name, max_length=100)
    if "phone" in changes:
        values["phone"] = validate.phone(problems, changes["phone"], "input", "phone")
    if "locale" in changes:
        if changes["locale"] is None:
            problems.add(ErrorCode.REQUIRED, tr("This value is required."), "input", "locale")
        else:
            values["locale"] = Locale(changes["locale"])
    problems.raise_any()
    if values:
        await User.filter(id=user.id).update(**values)
        user.update_from_dict(values)
        user_by_id(ctx).clear(user.id)
    return user
