"""Made-up conversations written straight to the database, shaped exactly as the engine stores
them (the question as asked, the value, and the words shown for it). Used by the demo, the
review app's tests and the benchmarks, which need people with history without chatting it all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue
from storage.models import Answer, Conversation


class UnknownStep(KeyError):
    pass


async def add_conversation(
    session: AsyncSession,
    catalogue: Catalogue,
    person_id: int,
    tool: str,
    answers: dict[str, Any],
    *,
    at: datetime,
    sharing: str = "shared",
    status: str = "finished",
    lang: str = "en",
    skipped: tuple[str, ...] = (),
) -> Conversation:
    """A conversation of `tool` with these answers (step id -> value, as the engine keeps it:
    a choice's value, a list of item dicts, a number...). `status="active"` leaves it in
    progress at its first unanswered question."""
    script = catalogue.get(tool)
    if script is None:
        raise UnknownStep(tool)
    version_id = await catalogue.version_id(session, script)
    finished = status == "finished"
    conv = Conversation(
        service_user_id=person_id,
        script_version_id=version_id,
        script_id=tool,
        step=script.check_step or script.first_step if finished else script.first_step,
        state={},
        status=status,
        sharing=sharing if finished else "undecided",
        shared_at=at if finished and sharing == "shared" else None,
        started_at=at,
        updated_at=at,
        finished_at=at if finished else None,
    )
    session.add(conv)
    await session.flush()
    assert conv.id is not None
    for step_id in (*answers, *skipped):
        step = script.step(step_id) if script.has_step(step_id) else None
        if step is None or step.kind is None:
            raise UnknownStep(f"{tool}.{step_id}")
        value = answers.get(step_id)
        session.add(
            Answer(
                conversation_id=conv.id,
                service_user_id=person_id,
                script_version_id=version_id,
                step_id=step_id,
                question=step.text.pick(lang),
                value=value,
                display="" if step_id in skipped else step.kind.show(value, lang),
                skipped=step_id in skipped,
                answered_at=at,
            )
        )
    return conv
