"""Regular check-ins for a person: start them (how often, how many days each stays open, the
first day), change them (starting again replaces the old schedule) or stop them.

Each check-in opens at 10am on the person's own clock (after quiet hours, before most
appointments) and stays open for the chosen number of days. The openings themselves are
bot/scheduling's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bot.review.access import audited, person_for, staff_of
from bot.review.appointments import Typed, parse_date
from bot.review.between import EVERY, every_words, first_name
from bot.review.web import UK, config, render
from bot.scheduling.checkins import (
    DEFAULT_TOOL,
    BadSchedule,
    active_schedule,
    start_schedule,
    stop_schedule,
)
from bot.scheduling.quiet import local_moment, zone
from storage.models import CheckinSchedule, ServiceUser

router = APIRouter()

OPENS_AT = time(10, 0)
FURTHEST = timedelta(days=366)
DEFAULT_WINDOW = "3"


@dataclass
class Chosen:
    every: str = "14"
    window: str = DEFAULT_WINDOW
    day: str = ""
    month: str = ""
    year: str = ""


def check(
    typed: Chosen, person: ServiceUser, now: datetime
) -> tuple[int, int, datetime | None, dict[str, str]]:
    """(every how many days, open for how many, the first opening, errors by field)."""
    errors: dict[str, str] = {}
    every = int(typed.every) if typed.every.isdigit() and int(typed.every) in EVERY else 0
    if not every:
        errors["every"] = "Select how often"
    window_text = typed.window.strip()
    window = int(window_text) if window_text.isascii() and window_text.isdigit() else 0
    if not window_text:
        errors["window"] = "Enter how many days each check-in stays open"
    elif not window:
        errors["window"] = "The number of days must be a whole number, like 3"
    elif window > (every or 28):
        errors["window"] = "A check-in must close before the next one opens"
    first_at = None
    day = parse_date(Typed(day=typed.day, month=typed.month, year=typed.year))
    if isinstance(day, tuple):
        errors["first-day"] = day[1].replace("of the appointment", "of the first check-in")
    else:
        tz = zone(person.timezone)
        if day < now.astimezone(tz).date():
            errors["first-day"] = "The first check-in must be today or in the future"
        else:
            first_at = local_moment(day, OPENS_AT, tz)
            if first_at - now > FURTHEST:
                errors["first-day"] = "The first check-in must be within a year"
    return every, window, (None if errors else first_at), errors


def _page(
    request: Request,
    person: ServiceUser,
    schedule: CheckinSchedule | None,
    typed: Chosen,
    errors: dict[str, str],
    has_tool: bool,
) -> Response:
    order = ["every", "window", "first-day"]
    return render(
        request,
        "checkins.html",
        {
            "title": f"Regular check-ins – {person.name}",
            "section": "caseload",
            "person": person,
            "first": first_name(person.name),
            "schedule": schedule,
            "every_text": every_words(schedule.every_days) if schedule else "",
            "typed": typed,
            "errors": errors,
            "has_tool": has_tool,
            "every_items": [
                {"value": str(days), "text": words, "checked": typed.every == str(days)}
                for days, words in EVERY.items()
            ],
            "error_summary": [{"text": errors[k], "href": f"#{k}"} for k in order if k in errors],
        },
        status=400 if errors else 200,
    )


def _has_tool(request: Request, person: ServiceUser) -> bool:
    catalogue = config(request).catalogue
    script = catalogue.get(DEFAULT_TOOL) if catalogue else None
    return script is not None and person.language in script.languages


@router.get("/people/{person_id:int}/checkins")
async def checkins_page(request: Request, person_id: int) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        schedule = await active_schedule(session, person_id)
        audited(session, staff, "view_checkins", person_id)
    if schedule is not None:
        typed = Chosen(every=str(schedule.every_days), window=str(schedule.window_days))
    else:
        typed = Chosen()
    start = (schedule.next_at if schedule else now).astimezone(UK)
    typed.day, typed.month, typed.year = str(start.day), str(start.month), str(start.year)
    return _page(request, person, schedule, typed, {}, _has_tool(request, person))


@router.post("/people/{person_id:int}/checkins")
async def change_checkins(
    request: Request,
    person_id: int,
    action: Annotated[str, Form()] = "start",
    every: Annotated[str, Form()] = "",
    window: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="first-day")] = "",
    month: Annotated[str, Form(alias="first-month")] = "",
    year: Annotated[str, Form(alias="first-year")] = "",
) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    now = cfg.clock()
    typed = Chosen(every[:4], window[:10], day[:10], month[:10], year[:10])
    errors: dict[str, str] = {}
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        has_tool = _has_tool(request, person)
        if action == "stop":
            stopped = await stop_schedule(session, person=person, now=now)
            audited(
                session,
                staff,
                "stop_checkins",
                person_id,
                schedule_id=stopped.id if stopped else None,
            )
            done = "checkins_stopped"
        else:
            every_days, window_days, first_at, errors = check(typed, person, now)
            if not has_tool:
                errors["every"] = "There is no check-in tool in their language"
            if first_at is not None and not errors:
                try:
                    schedule = await start_schedule(
                        session,
                        person=person,
                        every_days=every_days,
                        window_days=window_days,
                        first_at=first_at,
                        staff_id=staff.id,
                        now=now,
                    )
                except BadSchedule as problem:
                    errors["window"] = str(problem).capitalize()
                else:
                    audited(
                        session,
                        staff,
                        "start_checkins",
                        person_id,
                        schedule_id=schedule.id,
                        every_days=every_days,
                        window_days=window_days,
                    )
            done = "checkins_started"
        current = await active_schedule(session, person_id) if errors else None
    if errors:
        return _page(request, person, current, typed, errors, has_tool)
    if cfg.on_queued:
        cfg.on_queued()  # a first check-in may open today
    return RedirectResponse(f"/people/{person_id}?done={done}#between-heading", status_code=303)
