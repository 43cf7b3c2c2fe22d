"""Identity types: users, companies, customer numbers, memberships, the viewer."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models as m
from models import Locale, StaffRole
from resolvers.core import ids
from schema.core.base import Node

strawberry.enum(Locale, name="Locale")
strawberry.enum(StaffRole, name="StaffRole", description="Distributor employees using the back office.")


@strawberry.type
class User(Node):
    email: str
    first_name: str
    last_name: str
    phone: str | None
    locale: Locale
    email_verified: bool
    created_at: datetime

    @staticmethod
    def of(row: m.User) -> User:
        return User(
            id=strawberry.ID(ids.encode("User", row.id)),
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            phone=row.phone,
            locale=row.locale,
            email_verified=row.email_verified,
            created_at=row.created_at,
        )
