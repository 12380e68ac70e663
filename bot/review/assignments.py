"""Tools set for a person to do before an appointment: the form to set them (with an optional
note in the case manager's own words), the list of what was set and how far each has got, and
taking one back.

Only tools written in the person's language are offered. A tool is due at the appointment it
is set before, or, when none is booked, by the end of a chosen day (UK time). Scheduling the
invitation, nudges and expiry is bot/scheduling's; this module only asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue, in_lang
from bot.engine import Script
from bot.review.access import NotFound, audited, person_for, staff_of
from bot.review.appointments import KINDS, Typed, parse_date
from bot.review.web import UK, config, render, uk_date, uk_time
from bot.scheduling.assignments import NotSettable, cancel_assignment, set_tools
from storage.models import Appointment, Assignment, ServiceUser

router = APIRouter()

NOTE_MAX = 500
FURTHEST = timedelta(days=366)
OPEN = ("set", "started")
# How far a tool has got, in staff's words, and its tag colour.
STATUSES: dict[str, tuple[str, str]] = {
    "set": ("Set", "blue"),
    "invited": ("Invited", "light-blue"),
    "started": ("Started", "yellow"),
    "shared": ("Shared", "green"),
    "reviewed": ("Reviewed", "grey"),
    "expired": ("Not done in time", "orange"),
    "cancelled": ("Cancelled", "grey"),
}
# Older assignments than this many are left off the person's page (the newest are shown).
SHOWN = 20


def status_of(assignment: Assignment) -> str:
    """The status shown: "set" splits into set (not sent yet) and invited (sent)."""
    if assignment.status == "set" and assignment.invited_at is not None:
        return "invited"
    return assignment.status


def offered_tools(catalogue: Catalogue | None, person: ServiceUser) -> list[Script]:
    """The tools the person can do in their language, by English title."""
    tools = catalogue.tools() if catalogue else []
    return sorted(
        (s for s in tools if person.language in s.languages),
        key=lambda s: in_lang(s.title, "en").casefold(),
    )


def tool_title(catalogue: Catalogue | None, tool: str) -> str:
    script = catalogue.get(tool) if catalogue else None
    return in_lang(script.title, "en") if script else tool.replace("_", " ").capitalize()


@dataclass
class AssignmentRow:
    assignment: Assignment
    title: str
    status: str
    label: str
    colour: str
    due_text: str
    set_by: str | None

    @property
    def open(self) -> bool:
        return self.assignment.status in OPEN


async def upcoming_appointments(
    session: AsyncSession, person_id: int, now: datetime
) -> list[Appointment]:
    rows = await session.exec(
        select(Appointment)
        .where(
            Appointment.service_user_id == person_id,
            col(Appointment.at) > now,
            col(Appointment.cancelled_at).is_(None),
        )
        .order_by(col(Appointment.at), col(Appointment.id))
        .limit(10)
    )
    return list(rows.all())


async def assignment_rows(
    session: AsyncSession,
    catalogue: Catalogue | None,
    person_id: int,
    names: dict[int, str],
) -> list[AssignmentRow]:
    """The person's assignments, open ones first, then the newest; staff names from `names`
    (the caller fetches them with the page's other names, in one query)."""
    rows = await session.exec(
        select(Assignment)
        .where(Assignment.service_user_id == person_id)
        .order_by(col(Assignment.created_at).desc(), col(Assignment.id).desc())
        .limit(SHOWN)
    )
    found = []
    for a in rows.all():
        status = status_of(a)
        label, colour = STATUSES.get(status, (status.capitalize(), "grey"))
        if a.checkin_schedule_id is not None:
            due_text = f"Regular check-in, open until {uk_time(a.due_at)}"
        elif a.appointment_id is not None:
            due_text = f"Before the appointment on {uk_time(a.due_at)}"
        else:
            due_text = f"By {uk_date(a.due_at - timedelta(seconds=1))}"
        found.append(
            AssignmentRow(
                a,
                tool_title(catalogue, a.tool),
                status,
                label,
                colour,
                due_text,
                names.get(a.set_by or 0),
            )
        )
    return sorted(found, key=lambda r: not r.open)


# --- the form ------------------------------------------------------------------------------


@dataclass
class Chosen:
    """What was typed, kept to show again when something is wrong."""

    tools: list[str] = field(default_factory=list)
    when: str = ""  # an appointment id, or "date"
    day: str = ""
    month: str = ""
    year: str = ""
    note: str = ""


def end_of_day(day: date) -> datetime:
    """The start of the next day, UK time: "by Friday" means all of Friday."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UK).astimezone(UTC)


def check(
    chosen: Chosen,
    offered: list[Script],
    appointments: list[Appointment],
    now: datetime,
) -> tuple[Appointment | None, datetime | None, dict[str, str]]:
    """(the appointment, the moment it is due, errors by field)."""
    errors: dict[str, str] = {}
    ids = {s.id for s in offered}
    if not chosen.tools:
        errors["tools"] = "Select at least one tool"
    elif any(t not in ids for t in chosen.tools):
        errors["tools"] = "Select tools from the list"
    appointment = None
    due_at = None
    by_id = {str(a.id): a for a in appointments}
    if chosen.when in by_id:
        appointment = by_id[chosen.when]
        due_at = appointment.at
    elif chosen.when == "date" or not appointments:
        day = parse_date(Typed(day=chosen.day, month=chosen.month, year=chosen.year))
        if isinstance(day, tuple):
            errors["by-day"] = day[1].replace("of the appointment", "to do it by")
        else:
            due_at = end_of_day(day)
            if day < now.astimezone(UK).date():
                errors["by-day"] = "The date to do it by must be today or in the future"
            elif due_at - now > FURTHEST:
                errors["by-day"] = "The date to do it by must be within a year"
    else:
        errors["when"] = "Select when it is for"
    if len(chosen.note.strip()) > NOTE_MAX:
        errors["note"] = f"The note must be {NOTE_MAX} characters or fewer"
    return appointment, (None if errors else due_at), errors


def _form(
    request: Request,
    person: ServiceUser,
    offered: list[Script],
    appointments: list[Appointment],
    chosen: Chosen,
    errors: dict[str, str],
) -> Response:
    order = ["tools", "when", "by-day", "note"]
    first = person.name.split()[0] if person.name.split() else person.name
    when_items = [
        {
            "value": str(a.id),
            "text": f"The appointment on {uk_time(a.at, '%A %-d %B %Y, %-I:%M%p')}",
            "hint": {"text": KINDS.get(a.kind, a.kind) + (f": {a.place}" if a.place else "")},
            "checked": chosen.when == str(a.id),
        }
        for a in appointments
    ]
    return render(
        request,
        "assignment_new.html",
        {
            "title": f"Set tools – {person.name}",
            "section": "caseload",
            "person": person,
            "first": first,
            "chosen": chosen,
            "errors": errors,
            "tool_items": [
                {
                    "value": s.id,
                    "text": in_lang(s.title, "en"),
                    "hint": {"text": in_lang(s.about, "en")},
                    "checked": s.id in chosen.tools,
                }
                for s in offered
            ],
            "when_items": when_items,
            "no_appointment": not appointments,
            "note_max": NOTE_MAX,
            "error_summary": [{"text": errors[k], "href": f"#{k}"} for k in order if k in errors],
        },
        status=400 if errors else 200,
    )


@router.get("/people/{person_id:int}/assignments/new")
async def new_assignment(request: Request, person_id: int) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        appointments = await upcoming_appointments(session, person_id, cfg.clock())
        audited(session, staff, "view_assignment_form", person_id)
    chosen = Chosen(when=str(appointments[0].id) if appointments else "date")
    offered = offered_tools(cfg.catalogue, person)
    return _form(request, person, offered, appointments, chosen, {})


@router.post("/people/{person_id:int}/assignments/new")
async def add_assignment(
    request: Request,
    person_id: int,
    tools: Annotated[list[str] | None, Form()] = None,
    when: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="by-day")] = "",
    month: Annotated[str, Form(alias="by-month")] = "",
    year: Annotated[str, Form(alias="by-year")] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    now = cfg.clock()
    chosen = Chosen(
        tools=[t[:64] for t in (tools or [])[:50]],
        when=when[:20],
        day=day[:10],
        month=month[:10],
        year=year[:10],
        note=note[:5000],
    )
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        appointments = await upcoming_appointments(session, person_id, now)
        offered = offered_tools(cfg.catalogue, person)
        appointment, due_at, errors = check(chosen, offered, appointments, now)
        if due_at is not None:
            try:
                made = await set_tools(
                    session,
                    person=person,
                    tools=chosen.tools,
                    appointment_id=appointment.id if appointment else None,
                    due_at=due_at,
                    note=chosen.note.strip() or None,
                    staff_id=staff.id,
                    now=now,
                )
            except NotSettable as problem:
                errors["tools"] = str(problem).capitalize()
            else:
                audited(
                    session,
                    staff,
                    "set_tools",
                    person_id,
                    assignment_ids=[a.id for a in made],
                    tools=chosen.tools,
                    appointment_id=appointment.id if appointment else None,
                )
    if errors:
        return _form(request, person, offered, appointments, chosen, errors)
    if cfg.on_queued:
        cfg.on_queued()  # the invitation is due now (or when quiet hours end)
    return RedirectResponse(f"/people/{person_id}?done=tools#between-heading", status_code=303)


@router.post("/people/{person_id:int}/assignments/{assignment_id:int}/cancel")
async def cancel(request: Request, person_id: int, assignment_id: int) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        await person_for(session, staff, person_id)
        assignment = await session.get(Assignment, assignment_id)
        if assignment is None or assignment.service_user_id != person_id:
            raise NotFound()
        was = assignment.status
        if was in OPEN:
            await cancel_assignment(session, assignment, now)
            audited(session, staff, "cancel_assignment", person_id, assignment_id=assignment_id)
    done = "tool_cancelled" if was in OPEN else "tool_not_open"
    return RedirectResponse(f"/people/{person_id}?done={done}#between-heading", status_code=303)
