from __future__ import annotations

import uuid
from typing import Any

from models import AuditEvent, User


async def record(
    actor: User | None,
    action: str,
    *,
    company_id: uuid.UUID | None = None,
    target_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """One audit event per change of role, status, customer numbers, company data or decision."""
    return await AuditEvent.create(
        actor_id=actor.id if actor else None,
        company_id=company_id,
        action=action,
        target_id=target_id,
        details={"before": before or {}, "after": after or {}},
    )
