"""Conversations, their answers, and published script versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Answer, Conversation, ScriptVersion
from storage.types import utcnow

OPEN = ("active", "paused")


async def publish_version(
    session: AsyncSession, *, script_id: str, content_hash: str, title: str, source: str
) -> ScriptVersion:
    """Store a script version once, by content hash; return the stored row. Several Tandem
    processes starting at once may publish the same version: the second insert is a no-op."""
    stmt = select(ScriptVersion).where(ScriptVersion.content_hash == content_hash)
    version = (await session.exec(stmt)).first()
    if version is None:
        bind = session.bind
        postgres = bind is not None and bind.dialect.name == "postgresql"
        insert: Any = (pg_insert if postgres else sqlite_insert)(ScriptVersion)
        values = {
            "script_id": script_id,
            "content_hash": content_hash,
            "title": title,
            "source": source,
            "published_at": utcnow(),
        }
        await session.exec(
            insert.values(values).on_conflict_do_nothing(index_elements=["content_hash"])
        )
        version = (await session.exec(stmt)).one()
    return version


async def version_by_id(session: AsyncSession, version_id: int) -> ScriptVersion | None:
    return await session.get(ScriptVersion, version_id)


async def open_conversations(session: AsyncSession, person_id: int) -> list[Conversation]:
    """The person's unfinished conversations, most recently touched first."""
    stmt = (
        select(Conversation)
        .where(Conversation.service_user_id == person_id, col(Conversation.status).in_(OPEN))
        .order_by(col(Conversation.updated_at).desc(), col(Conversation.id).desc())
    )
    return list((await session.exec(stmt)).all())


async def latest_finished(
    session: AsyncSession, person_id: int, script_id: str
) -> Conversation | None:
    """The person's most recently finished conversation with a tool, if any."""
    stmt = (
        select(Conversation)
        .where(
            Conversation.service_user_id == person_id,
            Conversation.script_id == script_id,
            Conversation.status == "finished",
        )
        .order_by(col(Conversation.finished_at).desc(), col(Conversation.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def conversation_for(
    session: AsyncSession, person_id: int, conversation_id: int
) -> Conversation | None:
    conv = await session.get(Conversation, conversation_id)
    if conv is None or conv.service_user_id != person_id:
        return None
    return conv


async def start_conversation(
    session: AsyncSession,
    *,
    person_id: int,
    version_id: int,
    script_id: str,
    step: str,
    state: dict[str, Any],
    now: datetime,
) -> Conversation:
    conv = Conversation(
        service_user_id=person_id,
        script_version_id=version_id,
        script_id=script_id,
        step=step,
        state=state,
        status="active",
        started_at=now,
        updated_at=now,
    )
    session.add(conv)
    await session.flush()
    return conv


async def drop_answers(session: AsyncSession, conversation_id: int, step_ids: list[str]) -> None:
    if not step_ids:
        return
    await session.exec(
        delete(Answer).where(
            col(Answer.conversation_id) == conversation_id, col(Answer.step_id).in_(step_ids)
        )
    )


async def put_answer(
    session: AsyncSession,
    conv: Conversation,
    *,
    step_id: str,
    question: str,
    value: Any,
    display: str,
    skipped: bool,
    declined: bool = False,
    update_id: int | None,
    now: datetime,
) -> Answer:
    """Store the answer to a step, replacing any earlier answer to the same step."""
    await drop_answers(session, conv.id or 0, [step_id])
    answer = Answer(
        conversation_id=conv.id or 0,
        service_user_id=conv.service_user_id,
        script_version_id=conv.script_version_id,
        step_id=step_id,
        question=question,
        value=value,
        display=display,
        skipped=skipped,
        declined=declined,
        update_id=update_id,
        answered_at=now,
    )
    session.add(answer)
    await session.flush()
    return answer


async def answers_of(session: AsyncSession, conversation_id: int) -> list[Answer]:
    stmt = select(Answer).where(Answer.conversation_id == conversation_id).order_by(col(Answer.id))
    return list((await session.exec(stmt)).all())


async def kept_to_themselves(
    session: AsyncSession, person_id: int, limit: int = 10
) -> list[Conversation]:
    """Finished conversations the person chose to keep private, newest first: they can still
    share them (from the menu, "Things you kept to yourself")."""
    stmt = (
        select(Conversation)
        .where(
            Conversation.service_user_id == person_id,
            Conversation.status == "finished",
            Conversation.sharing == "private",
        )
        .order_by(col(Conversation.finished_at).desc(), col(Conversation.id).desc())
        .limit(limit)
    )
    return list((await session.exec(stmt)).all())
