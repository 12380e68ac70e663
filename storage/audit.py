"""The audit log: who looked at or took away whose data, and when."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEvent
from storage.types import utcnow


def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    person_id: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=utcnow(), actor=actor, action=action, service_user_id=person_id, detail=detail or {}
        )
    )
