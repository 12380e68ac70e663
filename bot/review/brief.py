"""The session brief: one printable A4 page to take into the next appointment — what needs
attention (each open flag in short: whether a call is safe first, what they wrote and since,
what they chose, whether it went to the seniors), what is new since the last appointment, the
person's own words on each tool, and the plan with their replies.

Conversations marked as holding sensitive information are not printed: the brief says they
exist and leaves them to be read on screen. A fixed number of queries, whatever the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue, in_lang
from bot.review.access import audited, person_for, staff_of
from bot.review.flags import flag_views
from bot.review.plan import plan_for
from bot.review.profile import ToolView, latest_by_tool, shared_conversations
from bot.review.web import config, render
from storage.models import Appointment, Conversation, Flag, PlanItem, Staff

router = APIRouter()

# With no earlier appointment on record, "new" means the last four weeks.
NEW_WINDOW = timedelta(days=28)
# Follow-up messages printed under a flag (the rest are on screen).
FLAG_MESSAGES = 1
# Times in a flag's line, short: the brief has room for little.
BRIEF_TIME = "%-d %b, %-I:%M%p"
APPOINTMENT_KINDS = {"in_person": "In person", "phone": "Phone call", "video": "Video call"}
STATUSES = {"open": "To do", "done": "Done", "dropped": "Dropped"}


@dataclass
class Attention:
    title: str
    shared_at: datetime | None
    reasons: list[str]


@dataclass
class NewItem:
    title: str
    conversation: Conversation


@dataclass
class PlanLine:
    item: PlanItem
    reply: str
    words: str | None


def tool_title(catalogue: Catalogue | None, tool: str) -> str:
    script = catalogue.get(tool) if catalogue else None
    return in_lang(script.title, "en") if script else tool.replace("_", " ").capitalize()


def labels(catalogue: Catalogue | None, views: list[ToolView]) -> dict[int, str]:
    """A few words naming each question (the script's `short`), by answer id: the brief has
    room for those, not for the whole question as it was asked."""
    found: dict[int, str] = {}
    for view in views:
        script = catalogue.get(view.conversation.script_id) if catalogue else None
        for section in view.sections:
            for answer in section.answers:
                if script is not None and script.has_step(answer.step_id):
                    found[answer.id] = script.step(answer.step_id).label("en")
                else:
                    found[answer.id] = answer.question
    return found


def reply_of(item: PlanItem) -> PlanLine:
    """The person's side of a plan item, in words for the page."""
    if item.response == "agree":
        reply = "Agreed"
    elif item.response == "change":
        reply = "Would change something"
    elif item.response == "talk":
        reply = "Wants to talk about it"
    elif item.sent_at is not None:
        reply = "Sent to them, no reply yet"
    else:
        reply = "Not sent to them yet"
    if item.sent_at and item.sent_revision is not None and item.sent_revision < item.revision:
        reply += " (changed since it was sent)"
    return PlanLine(item, reply, item.response_text)


async def appointments(
    session: AsyncSession, person_id: int, now: datetime
) -> tuple[Appointment | None, Appointment | None]:
    """The next appointment and the one before now (cancelled ones do not count)."""
    base = select(Appointment).where(
        Appointment.service_user_id == person_id, col(Appointment.cancelled_at).is_(None)
    )
    upcoming = (
        await session.exec(
            base.where(col(Appointment.at) > now).order_by(col(Appointment.at)).limit(1)
        )
    ).first()
    previous = (
        await session.exec(
            base.where(col(Appointment.at) <= now).order_by(col(Appointment.at).desc()).limit(1)
        )
    ).first()
    return upcoming, previous


async def brief_context(
    session: AsyncSession, catalogue: Catalogue | None, person_id: int, now: datetime
) -> dict[str, Any]:
    upcoming, previous = await appointments(session, person_id, now)
    since = previous.at if previous else now - NEW_WINDOW
    flags = list(
        (
            await session.exec(
                select(Flag)
                .where(Flag.service_user_id == person_id, col(Flag.resolved_at).is_(None))
                .order_by(col(Flag.created_at).desc())
            )
        ).all()
    )
    views = await flag_views(session, catalogue, flags)
    shared = await shared_conversations(session, person_id)
    attention = [
        Attention(tool_title(catalogue, c.script_id), c.shared_at, list(c.attention))
        for c in shared
        if c.attention and c.reviewed_at is None
    ]
    new = [
        NewItem(tool_title(catalogue, c.script_id), c)
        for c in shared
        if c.shared_at is not None and c.shared_at > since
    ]
    tools, _ = await latest_by_tool(session, catalogue, person_id)
    printed: list[ToolView] = [v for v in tools if not v.conversation.sensitive]
    withheld: list[ToolView] = [v for v in tools if v.conversation.sensitive]
    items = [i for i in await plan_for(session, person_id) if i.status != "dropped"]
    return {
        "upcoming": upcoming,
        "previous": previous,
        "since": since,
        "flags": views,
        "attention": attention,
        "new": new,
        "tools": printed,
        "labels": labels(catalogue, printed),
        "withheld": withheld,
        "plan": [reply_of(item) for item in items],
    }


@router.get("/people/{person_id}/brief")
async def brief(request: Request, person_id: int) -> Response:
    staff = staff_of(request)
    cfg = config(request)
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        context = await brief_context(session, cfg.catalogue, person_id, now)
        case_manager = (
            await session.get(Staff, person.case_manager_id) if person.case_manager_id else None
        )
        audited(session, staff, "view_brief", person_id)
    return render(
        request,
        "brief.html",
        {
            "title": f"Session brief: {person.name}",
            "section": "caseload",
            "person": person,
            "case_manager": case_manager,
            "flag_messages": FLAG_MESSAGES,
            "brief_time": BRIEF_TIME,
            "appointment_kinds": APPOINTMENT_KINDS,
            "statuses": STATUSES,
            **context,
        },
    )
