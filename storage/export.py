"""One person's data as plain data: everything stored (`person_export`, for `tandem export`),
or what a case manager may take away (`shared_export`, for the review app's downloads)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Answer,
    Conversation,
    Organisation,
    PlanItem,
    ScriptVersion,
    ServiceUser,
)


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


async def shared_export(session: AsyncSession, person_id: int) -> dict[str, Any] | None:
    """What a case manager may take away for the case record: the person's name and CRN, the
    answers of conversations they chose to share (never private, undecided or unfinished ones),
    and the plan made with them. Four queries, whatever the size of the history."""
    person = await session.get(ServiceUser, person_id)
    if person is None:
        return None
    convs = list(
        (
            await session.exec(
                select(Conversation, ScriptVersion.title)
                .join(ScriptVersion, col(ScriptVersion.id) == col(Conversation.script_version_id))
                .where(Conversation.service_user_id == person_id, Conversation.sharing == "shared")
                .order_by(col(Conversation.shared_at), col(Conversation.id))
            )
        ).all()
    )
    ids = [conv.id for conv, _ in convs if conv.id is not None]
    answers: list[Answer] = []
    if ids:
        answers = list(
            (
                await session.exec(
                    select(Answer)
                    .where(col(Answer.conversation_id).in_(ids))
                    .order_by(col(Answer.conversation_id), col(Answer.id))
                )
            ).all()
        )
    by_conv: dict[int, list[dict[str, Any]]] = {}
    for a in answers:
        by_conv.setdefault(a.conversation_id, []).append(
            {
                "question": a.question,
                "answer": "" if a.skipped or a.declined else a.display,
                "skipped": a.skipped,
                "declined": a.declined,
                "answered_at": _time(a.answered_at),
            }
        )
    items = (
        await session.exec(
            select(PlanItem).where(PlanItem.service_user_id == person_id).order_by(col(PlanItem.id))
        )
    ).all()
    return {
        "person": {"name": person.name, "crn": person.crn},
        "conversations": [
            {
                "tool": conv.script_id,
                "title": title,
                "shared_at": _time(conv.shared_at),
                "sensitive": conv.sensitive,
                "answers": by_conv.get(conv.id or 0, []),
            }
            for conv, title in convs
        ],
        "plan": [
            {
                "what": item.what,
                "who": item.who,
                "by_when": item.by_when.isoformat() if item.by_when else None,
                "status": item.status,
                "response": item.response,
                "response_text": item.response_text,
                "responded_at": _time(item.responded_at),
                "sources": [
                    {k: s.get(k) for k in ("tool", "question", "display")} for s in item.sources
                ],
            }
            for item in items
        ],
    }
