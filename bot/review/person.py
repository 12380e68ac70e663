"""A person's page: what needs attention first, their shared answers tool by tool in their own
words (what changed since last time, what is new since I last looked), the plan, what they
have started, and notes.

Staff only ever see answers of shared conversations: a conversation in progress or not shared
shows its tool and when it was started, never what was said.

The page runs a fixed number of queries whatever the length of the person's history: one for
the list of conversations (light columns), one for the answers on show, one for the script
versions they need, and one each for flags, the messages added to them, notes, names, the plan
and the next appointment. A flag shows the flagged messages only (bot/review/flags.py): the
conversation it was raised in is named, never opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue, in_lang
from bot.review import history
from bot.review.access import audited, person_for, staff_of
from bot.review.appointments import KINDS
from bot.review.between import DONE as BETWEEN_DONE
from bot.review.between import load_between
from bot.review.changes import what_changed
from bot.review.flags import FlagView, flag_views, is_new
from bot.review.profile import ToolView, latest_by_tool
from bot.review.web import config, render
from storage.appointments import next_appointment
from storage.models import (
    Appointment,
    Conversation,
    Flag,
    Note,
    PersonSeen,
    PlanItem,
    ScriptVersion,
    ServiceUser,
    Staff,
)

router = APIRouter()
router.include_router(history.router)

OPEN_STATUSES = ("active", "paused")
DONE = {
    "reviewed": "Marked as reviewed",
    "noted": "Note added",
    "resolved": "Flag resolved",
    "appointment": "Next appointment saved",
    **BETWEEN_DONE,
}


@dataclass
class Light:
    """A conversation without its engine state: enough to list it."""

    id: int
    script_id: str
    version_id: int
    status: str
    sharing: str
    shared_at: datetime | None
    started_at: datetime
    attention: list[str]
    reviewed_at: datetime | None


@dataclass
class Started:
    """A conversation in progress or not shared: its tool and when, never its answers."""

    id: int
    title: str
    started_at: datetime
    state: str


@dataclass
class NoteView:
    note: Note
    author: str
    about: Light | None
    about_title: str | None


@dataclass
class ToolCard:
    view: ToolView
    new: bool
    reviewer: str | None

    @property
    def conversation(self) -> Conversation:
        return self.view.conversation


@dataclass
class PersonPage:
    person: ServiceUser
    case_manager: str | None
    seen_before: datetime | None
    flags: list[FlagView]
    attention: list[tuple[Light, str]]
    tools: list[ToolCard]
    started: list[Started]
    notes: list[NoteView]
    plan_items: list[PlanItem]
    next_appointment: Appointment | None
    new: list[str] = field(default_factory=list)


def tool_title(catalogue: Catalogue | None, tool: str) -> str:
    script = catalogue.get(tool) if catalogue else None
    return in_lang(script.title, "en") if script else tool.replace("_", " ").capitalize()


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


async def conversations_of(session: AsyncSession, person_id: int) -> list[Light]:
    """All of a person's conversations, newest shared first, without their engine state."""
    # More columns than sqlmodel's typed `select` takes, so through the connection.
    connection = await session.connection()
    rows = await connection.execute(
        sa_select(
            col(Conversation.id),
            col(Conversation.script_id),
            col(Conversation.script_version_id),
            col(Conversation.status),
            col(Conversation.sharing),
            col(Conversation.shared_at),
            col(Conversation.started_at),
            col(Conversation.attention),
            col(Conversation.reviewed_at),
        )
        .where(col(Conversation.service_user_id) == person_id)
        .order_by(col(Conversation.shared_at).desc(), col(Conversation.id).desc())
    )
    return [
        Light(cid or 0, tool, version, status, sharing, shared, started, list(attn or []), reviewed)
        for cid, tool, version, status, sharing, shared, started, attn, reviewed in rows.all()
    ]


async def preload_versions(
    session: AsyncSession, version_ids: Iterable[int]
) -> list[ScriptVersion]:
    """Bring the script versions the page needs into the session in one query, so looking each
    one up later (`Catalogue.script_for_version`) asks the database nothing more. The caller
    keeps the list while it works: the session only holds rows someone refers to."""
    wanted = sorted(set(version_ids))
    if not wanted:
        return []
    rows = await session.exec(select(ScriptVersion).where(col(ScriptVersion.id).in_(wanted)))
    return list(rows.all())


async def staff_names(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = await session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(wanted)))
    return {sid: name for sid, name in rows.all() if sid is not None}


async def last_seen(session: AsyncSession, staff_id: int, person_id: int) -> datetime | None:
    rows = await session.exec(
        select(PersonSeen.seen_at).where(
            PersonSeen.staff_id == staff_id, PersonSeen.service_user_id == person_id
        )
    )
    return rows.first()


async def mark_seen(session: AsyncSession, staff_id: int, person_id: int, now: datetime) -> None:
    """Upsert: two tabs opening the page at once must not collide on the key."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = PersonSeen.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values(staff_id=staff_id, service_user_id=person_id, seen_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["staff_id", "service_user_id"], set_={"seen_at": stmt.excluded.seen_at}
    )
    await session.exec(stmt)


def _newest_two(lights: list[Light]) -> list[Light]:
    """The newest shared conversation of each tool and the one before it (latest_by_tool's
    choice, made here too so their script versions can be loaded in one go)."""
    counts: dict[str, int] = {}
    chosen: list[Light] = []
    for light in lights:
        if light.sharing != "shared":
            continue
        counts[light.script_id] = counts.get(light.script_id, 0) + 1
        if counts[light.script_id] <= 2:
            chosen.append(light)
    return chosen


async def fill_changes(
    session: AsyncSession,
    catalogue: Catalogue | None,
    views: list[ToolView],
    previous: Mapping[str, ToolView],
) -> None:
    """Say, on each tool's newest view, what changed since the time before."""
    for view in views:
        conv = view.conversation
        script = (
            await catalogue.script_for_version(session, conv.script_version_id)
            if catalogue
            else None
        )
        view.changes = what_changed(previous.get(conv.script_id), view, script)


async def load_person_page(
    session: AsyncSession,
    catalogue: Catalogue | None,
    staff: Staff,
    person: ServiceUser,
    now: datetime,
) -> PersonPage:
    assert person.id is not None and staff.id is not None
    pid = person.id
    seen_before = await last_seen(session, staff.id, pid)
    lights = await conversations_of(session, pid)
    by_id = {light.id: light for light in lights}
    versions = await preload_versions(session, (c.version_id for c in _newest_two(lights)))
    views, previous = await latest_by_tool(session, catalogue, pid)
    await fill_changes(session, catalogue, views, previous)
    del versions  # held until every script was looked up (see preload_versions)

    flags = list(
        (
            await session.exec(
                select(Flag)
                .where(Flag.service_user_id == pid, col(Flag.resolved_at).is_(None))
                .order_by(col(Flag.created_at).desc(), col(Flag.id).desc())
            )
        ).all()
    )
    notes = list(
        (
            await session.exec(
                select(Note)
                .where(Note.service_user_id == pid)
                .order_by(col(Note.created_at).desc(), col(Note.id).desc())
            )
        ).all()
    )
    plan_items = list(
        (
            await session.exec(
                select(PlanItem).where(PlanItem.service_user_id == pid).order_by(col(PlanItem.id))
            )
        ).all()
    )
    names = await staff_names(
        session,
        [
            person.case_manager_id,
            *(v.conversation.reviewed_by for v in views),
            *(n.staff_id for n in notes),
        ],
    )
    appointment = await next_appointment(session, pid, now)

    def title_of(light: Light | None) -> str | None:
        return tool_title(catalogue, light.script_id) if light else None

    shared = [light for light in lights if light.sharing == "shared"]
    page = PersonPage(
        person=person,
        case_manager=names.get(person.case_manager_id or 0),
        seen_before=seen_before,
        flags=await flag_views(
            session,
            catalogue,
            flags,
            # The tool they were in, by name: never that conversation's answers.
            tools={light.id: tool_title(catalogue, light.script_id) for light in lights},
            seen_before=seen_before,
        ),
        attention=[
            (light, tool_title(catalogue, light.script_id))
            for light in shared
            if light.attention and light.reviewed_at is None
        ],
        tools=[
            ToolCard(
                v,
                is_new(v.conversation.shared_at, seen_before),
                names.get(v.conversation.reviewed_by or 0),
            )
            for v in views
        ],
        started=[
            Started(light.id, tool_title(catalogue, light.script_id), light.started_at, state)
            for light in sorted(lights, key=lambda c: (c.started_at, c.id), reverse=True)
            if (state := _state(light))
        ],
        notes=[
            NoteView(
                n,
                names.get(n.staff_id, "A member of staff"),
                about := by_id.get(n.conversation_id or 0),
                title_of(about),
            )
            for n in notes
        ],
        plan_items=plan_items,
        next_appointment=appointment,
    )
    page.new = _what_is_new(page, shared, plan_items, seen_before)
    return page


def _state(light: Light) -> str | None:
    if light.status == "active":
        return "Started, not finished"
    if light.status == "paused":
        return "Paused"
    if light.status == "finished" and light.sharing != "shared":
        return "Finished, not shared"
    return None


def _what_is_new(
    page: PersonPage, shared: list[Light], plan: list[PlanItem], seen_before: datetime | None
) -> list[str]:
    if seen_before is None:
        return []
    found = []
    conversations = sum(1 for light in shared if is_new(light.shared_at, seen_before))
    if conversations:
        found.append(_count(conversations, "shared conversation", "shared conversations"))
    flags = sum(1 for f in page.flags if f.new)
    if flags:
        found.append(_count(flags, "flag", "flags"))
    replies = sum(1 for item in plan if is_new(item.responded_at, seen_before))
    if replies:
        found.append(_count(replies, "reply to the plan", "replies to the plan"))
    return found


async def person_page(
    request: Request,
    person_id: int,
    *,
    errors: dict[str, str] | None = None,
    error_order: list[str] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The page, shown after a GET, or again with what was typed when a form on it was wrong."""
    cfg = config(request)
    staff = staff_of(request)
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        page = await load_person_page(session, cfg.catalogue, staff, person, now)
        between = await load_between(session, cfg.catalogue, person)
        audited(session, staff, "view_person", person_id)
        assert staff.id is not None
        await mark_seen(session, staff.id, person_id, now)
    errors = errors or {}
    done = request.query_params.get("done")
    return render(
        request,
        "person.html",
        {
            "title": person.name,
            "section": "caseload",
            "person": person,
            "page": page,
            "between": between,
            "plan_items": page.plan_items,
            "appointment_kinds": KINDS,
            "done": DONE.get(done or "") if not errors else None,
            "errors": errors,
            "form": form or {},
            "error_summary": [
                {"text": errors[key], "href": f"#{key}"} for key in (error_order or list(errors))
            ],
        },
        status=status,
    )


@router.get("/people/{person_id:int}")
async def show_person(request: Request, person_id: int) -> Response:
    return await person_page(request, person_id)
