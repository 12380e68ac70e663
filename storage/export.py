"""Everything stored about one person, as plain data (for `tandem export`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Answer, Conversation, Organisation, ScriptVersion, ServiceUser


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def person_export(session: AsyncSession, person_id: int) -> dict[str, Any] | None:
    person = await session.get(ServiceUser, person_id)
    if person is None:
        return None
    org = await session.get(Organisation, person.organisation_id)
    convs = list(
        (
            await session.exec(
                select(Conversation, ScriptVersion)
                .join(ScriptVersion, col(ScriptVersion.id) == col(Conversation.script_version_id))
                .where(Conversation.service_user_id == person_id)
                .order_by(col(Conversation.id))
            )
        ).all()
    )
    answers = list(
        (
            await session.exec(
                select(Answer).where(Answer.service_user_id == person_id).order_by(col(Answer.id))
            )
        ).all()
    )
    by_conv: dict[int, list[dict[str, Any]]] = {}
    for a in answers:
        by_conv.setdefault(a.conversation_id, []).append(
            {
                "step_id": a.step_id,
                "question": a.question,
                "value": a.value,
                "display": a.display,
                "skipped": a.skipped,
                "declined": a.declined,
                "answered_at": _time(a.answered_at),
            }
        )
    return {
        "person": {
            "id": person.id,
            "name": person.name,
            "crn": person.crn,
            "organisation": org.name if org else None,
            "language": person.language,
            "linked_to_telegram": person.telegram_user_id is not None,
            "consented_at": _time(person.consented_at),
            "created_at": _time(person.created_at),
        },
        "conversations": [
            {
                "id": conv.id,
                "tool": conv.script_id,
                "script_version": version.content_hash,
                "status": conv.status,
                "sharing": conv.sharing,
                "shared_at": _time(conv.shared_at),
                "current_step": conv.step,
                "started_at": _time(conv.started_at),
                "updated_at": _time(conv.updated_at),
                "finished_at": _time(conv.finished_at),
                "answers": by_conv.get(conv.id or 0, []),
            }
            for conv, version in convs
        ],
    }
