"""A person's shared answers laid out the way the case manager reads them: tool by tool, under
each script's `summary` headings (one-page-profile style), in the person's own words, with the
question as it was asked and when.

Only shared conversations are ever read here. The queries are a fixed number whatever the size
of the history: the conversation list (light columns), then the answers of the conversations on
show in one `IN` query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue, in_lang
from bot.engine import Script
from storage.models import Answer, Conversation

OTHER_HEADING = "Other answers"


@dataclass
class ShownAnswer:
    id: int
    step_id: str
    question: str
    display: str
    value: Any
    skipped: bool
    declined: bool
    answered_at: datetime

    @property
    def media(self) -> dict[str, Any] | None:
        """A voice note or photo (kept by Telegram file id), if this answer is one."""
        if isinstance(self.value, dict) and self.value.get("file_id"):
            return self.value
        return None

    @property
    def said_nothing(self) -> bool:
        return self.skipped or self.declined


@dataclass
class Section:
    heading: str
    answers: list[ShownAnswer]


@dataclass
class ToolView:
    """One shared conversation of one tool."""

    conversation: Conversation
    title: str
    sections: list[Section]
    answers: dict[str, ShownAnswer] = field(default_factory=dict)
    # What moved since the person last did this tool (see changes.py); empty the first time.
    changes: list[str] = field(default_factory=list)
    # How many earlier shared conversations of the same tool there are.
    earlier: int = 0


def shown(answer: Answer) -> ShownAnswer:
    assert answer.id is not None
    return ShownAnswer(
        id=answer.id,
        step_id=answer.step_id,
        question=answer.question,
        display=answer.display,
        value=answer.value,
        skipped=answer.skipped,
        declined=answer.declined,
        answered_at=answer.answered_at,
    )


def lay_out(script: Script | None, answers: list[ShownAnswer], lang: str = "en") -> list[Section]:
    """Answers under the script's summary headings, in the heading's order; answers to steps no
    heading names (or of a script that has none) come last, in the order they were given."""
    by_step = {a.step_id: a for a in answers}
    sections: list[Section] = []
    placed: set[str] = set()
    if script is not None:
        for section in script.summary:
            found = [by_step[s] for s in section.steps if s in by_step]
            placed.update(section.steps)
            if found:
                sections.append(Section(section.heading.pick(lang), found))
    rest = [a for a in answers if a.step_id not in placed]
    if rest:
        sections.append(Section(OTHER_HEADING, rest))
    return sections


async def shared_conversations(session: AsyncSession, person_id: int) -> list[Conversation]:
    """All of a person's shared conversations, newest first."""
    return list(
        (
            await session.exec(
                select(Conversation)
                .where(Conversation.service_user_id == person_id, Conversation.sharing == "shared")
                .order_by(col(Conversation.shared_at).desc(), col(Conversation.id).desc())
            )
        ).all()
    )


async def answers_by_conversation(
    session: AsyncSession, conversation_ids: list[int]
) -> dict[int, list[ShownAnswer]]:
    found: dict[int, list[ShownAnswer]] = defaultdict(list)
    if not conversation_ids:
        return found
    rows = await session.exec(
        select(Answer)
        .where(col(Answer.conversation_id).in_(conversation_ids))
        .order_by(col(Answer.conversation_id), col(Answer.id))
    )
    for answer in rows.all():
        found[answer.conversation_id].append(shown(answer))
    return found


async def tool_view(
    session: AsyncSession,
    catalogue: Catalogue | None,
    conv: Conversation,
    answers: list[ShownAnswer],
) -> ToolView:
    script = (
        await catalogue.script_for_version(session, conv.script_version_id) if catalogue else None
    )
    title = in_lang(script.title, "en") if script else conv.script_id.replace("_", " ").capitalize()
    return ToolView(
        conversation=conv,
        title=title,
        sections=lay_out(script, answers),
        answers={a.step_id: a for a in answers},
    )


async def latest_by_tool(
    session: AsyncSession, catalogue: Catalogue | None, person_id: int
) -> tuple[list[ToolView], dict[str, ToolView]]:
    """The newest shared conversation of each tool (newest tool first), and the one before it
    for each tool that has one (to say what changed)."""
    convs = await shared_conversations(session, person_id)
    newest: dict[str, Conversation] = {}
    before: dict[str, Conversation] = {}
    counts: dict[str, int] = defaultdict(int)
    for conv in convs:
        counts[conv.script_id] += 1
        if conv.script_id not in newest:
            newest[conv.script_id] = conv
        elif conv.script_id not in before:
            before[conv.script_id] = conv
    wanted = [c.id for c in (*newest.values(), *before.values()) if c.id is not None]
    answers = await answers_by_conversation(session, wanted)
    views = []
    for tool, conv in newest.items():
        view = await tool_view(session, catalogue, conv, answers.get(conv.id or 0, []))
        view.earlier = counts[tool] - 1
        views.append(view)
    previous = {
        tool: await tool_view(session, catalogue, conv, answers.get(conv.id or 0, []))
        for tool, conv in before.items()
    }
    return views, previous
