"""Every time a person shared a tool, and one shared conversation in full: its answers under the
script's headings, what changed since the time before, the review and its notes.

A conversation that is not shared, or not this person's, is "not found": staff never see
answers a person kept to themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue, in_lang
from bot.review.access import NotFound, audited, person_for, staff_of
from bot.review.changes import what_changed
from bot.review.profile import ToolView, answers_by_conversation, tool_view
from bot.review.web import config, render
from storage.models import Conversation, Note, Staff

router = APIRouter()

NOTE_MAX = 5000


@dataclass
class Shared:
    id: int
    shared_at: datetime | None
    reviewed_at: datetime | None
    sensitive: bool
    attention: list[str]


async def shared_conversation(
    session: AsyncSession, person_id: int, conversation_id: int
) -> Conversation:
    conv = await session.get(Conversation, conversation_id)
    if conv is None or conv.service_user_id != person_id or conv.sharing != "shared":
        raise NotFound()
    return conv


async def _previous(session: AsyncSession, conv: Conversation) -> Conversation | None:
    """The shared conversation of the same tool just before this one."""
    assert conv.shared_at is not None and conv.id is not None
    earlier = (col(Conversation.shared_at) < conv.shared_at) | (
        (col(Conversation.shared_at) == conv.shared_at) & (col(Conversation.id) < conv.id)
    )
    rows = await session.exec(
        select(Conversation)
        .where(
            Conversation.service_user_id == conv.service_user_id,
            Conversation.script_id == conv.script_id,
            Conversation.sharing == "shared",
            earlier,
        )
        .order_by(col(Conversation.shared_at).desc(), col(Conversation.id).desc())
        .limit(1)
    )
    return rows.first()


async def conversation_view(
    session: AsyncSession, catalogue: Catalogue | None, conv: Conversation
) -> tuple[ToolView, ToolView | None]:
    """One conversation laid out, with what changed since the time before (and that time)."""
    before = await _previous(session, conv)
    ids = [c.id for c in (conv, before) if c is not None and c.id is not None]
    answers = await answers_by_conversation(session, ids)
    view = await tool_view(session, catalogue, conv, answers.get(conv.id or 0, []))
    earlier = None
    if before is not None:
        earlier = await tool_view(session, catalogue, before, answers.get(before.id or 0, []))
    script = (
        await catalogue.script_for_version(session, conv.script_version_id) if catalogue else None
    )
    view.changes = what_changed(earlier, view, script)
    return view, earlier


async def conversation_page(
    request: Request,
    person_id: int,
    conversation_id: int,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        conv = await shared_conversation(session, person_id, conversation_id)
        view, earlier = await conversation_view(session, cfg.catalogue, conv)
        notes = list(
            (
                await session.exec(
                    select(Note, Staff.name)
                    .join(Staff, col(Staff.id) == col(Note.staff_id))
                    .where(Note.conversation_id == conversation_id)
                    .order_by(col(Note.created_at).desc(), col(Note.id).desc())
                )
            ).all()
        )
        reviewer = await session.get(Staff, conv.reviewed_by) if conv.reviewed_by else None
        audited(session, staff, "view_conversation", person_id, conversation_id=conversation_id)
    errors = errors or {}
    return render(
        request,
        "conversation.html",
        {
            "title": f"{view.title} – {person.name}",
            "section": "caseload",
            "person": person,
            "view": view,
            "earlier": earlier,
            "notes": notes,
            "reviewer": reviewer.name if reviewer else None,
            "done": request.query_params.get("done") == "reviewed" and not errors,
            "errors": errors,
            "form": form or {},
            "note_max": NOTE_MAX,
            "error_summary": [{"text": text, "href": f"#{key}"} for key, text in errors.items()],
        },
        status=status,
    )


@router.get("/people/{person_id:int}/conversations/{conversation_id:int}")
async def show_conversation(request: Request, person_id: int, conversation_id: int) -> Response:
    return await conversation_page(request, person_id, conversation_id)


@router.get("/people/{person_id:int}/tools/{tool}")
async def tool_history(request: Request, person_id: int, tool: str) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    if len(tool) > 64:
        raise NotFound()
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        # More columns than sqlmodel's typed `select` takes, so through the connection.
        connection = await session.connection()
        found = await connection.execute(
            sa_select(
                col(Conversation.id),
                col(Conversation.shared_at),
                col(Conversation.reviewed_at),
                col(Conversation.sensitive),
                col(Conversation.attention),
            )
            .where(
                col(Conversation.service_user_id) == person_id,
                col(Conversation.script_id) == tool,
                col(Conversation.sharing) == "shared",
            )
            .order_by(col(Conversation.shared_at).desc(), col(Conversation.id).desc())
        )
        rows = list(found.all())
        if not rows:
            raise NotFound()
        audited(session, staff, "view_tool_history", person_id, tool=tool)
    script = cfg.catalogue.get(tool) if cfg.catalogue else None
    title = in_lang(script.title, "en") if script else tool.replace("_", " ").capitalize()
    return render(
        request,
        "tool_history.html",
        {
            "title": f"{title} – {person.name}",
            "section": "caseload",
            "person": person,
            "tool_title": title,
            "times": [
                Shared(cid or 0, shared, reviewed, sensitive, list(attention or []))
                for cid, shared, reviewed, sensitive, attention in rows
            ],
        },
    )
