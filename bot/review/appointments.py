"""Recording a person's next appointment: date, time, how (in person, phone, video) and where.

Saving replaces the next appointment (it is marked cancelled, not deleted, so the record of
what was booked stays). Times are typed and shown in UK time and kept in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.review.access import audited, person_for, staff_of
from bot.review.web import UK, config, render
from bot.scheduling.appointments import appointment_changed
from storage.appointments import next_appointment
from storage.models import Appointment

router = APIRouter()

KINDS = {"in_person": "In person", "phone": "Phone call", "video": "Video call"}
PLACE_MAX = 200
FURTHEST = timedelta(days=366 * 2)
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


async def book(
    session: AsyncSession,
    *,
    person_id: int,
    at: datetime,
    kind: str,
    place: str,
    staff_id: int | None,
    now: datetime,
) -> tuple[Appointment, Appointment | None]:
    """Record the next appointment, replacing the one booked (kept, marked cancelled); the
    reminders and any tools set before the old one follow. Returns (new, replaced)."""
    current = await next_appointment(session, person_id, now)
    if current is not None:
        current.cancelled_at = now
        session.add(current)
    appointment = Appointment(
        service_user_id=person_id,
        at=at,
        kind=kind,
        place=place,
        created_by=staff_id,
        created_at=now,
    )
    session.add(appointment)
    await session.flush()
    if current is not None:
        await appointment_changed(session, current, now)
    await appointment_changed(session, appointment, now)
    return appointment, current


async def cancel_next(session: AsyncSession, person_id: int, now: datetime) -> Appointment | None:
    """Cancel the next appointment (kept, marked cancelled); its reminders stop."""
    current = await next_appointment(session, person_id, now)
    if current is not None:
        current.cancelled_at = now
        session.add(current)
        await session.flush()
        await appointment_changed(session, current, now)
    return current


@dataclass
class Typed:
    day: str = ""
    month: str = ""
    year: str = ""
    time: str = ""
    place: str = ""
    kind: str = ""


def parse_time(text: str) -> time | str:
    """A time as people write it (2pm, 2:30pm, 14:30, 9.15am, noon), or what is wrong."""
    words = " ".join(text.strip().lower().split())
    if words in ("noon", "midday", "12 noon"):
        return time(12, 0)
    found = _TIME.match(words)
    if found is None:
        return "Enter the time like 2:30pm or 14:30"
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    half = (found.group(3) or "").replace(".", "")
    if minute > 59:
        return "Enter the time like 2:30pm or 14:30"
    if half:
        if not 1 <= hour <= 12:
            return "Enter the time like 2:30pm or 14:30"
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif hour > 23:
        return "Enter the time like 2:30pm or 14:30"
    elif 1 <= hour < 8 and not words.startswith("0"):
        # "2:30" is far more likely the afternoon than the night: ask rather than guess.
        return "Add am or pm to the time, or use the 24-hour clock (like 14:30)"
    return time(hour, minute)


def parse_date(typed: Typed) -> date | tuple[str, str]:
    """The date, or (field to highlight, what is wrong)."""
    parts = {"day": typed.day.strip(), "month": typed.month.strip(), "year": typed.year.strip()}
    missing = [name for name, value in parts.items() if not value]
    if len(missing) == 3:
        return "day", "Enter the date of the appointment"
    if missing:
        return missing[0], f"The date of the appointment must include a {missing[0]}"
    if not all(v.isascii() and v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
        return "day", "The date of the appointment must be a real date"
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return "day", "The date of the appointment must be a real date"


def check(typed: Typed, now: datetime) -> tuple[datetime | None, dict[str, str]]:
    """The appointment's moment in UTC, or the errors keyed by the field they belong to."""
    errors: dict[str, str] = {}
    day = parse_date(typed)
    if isinstance(day, tuple):
        errors[f"at-{day[0]}"] = day[1]
    at_time = parse_time(typed.time) if typed.time.strip() else "Enter the time of the appointment"
    if isinstance(at_time, str):
        errors["time"] = at_time
    if typed.kind not in KINDS:
        errors["kind"] = "Select how the appointment will happen"
    if len(typed.place.strip()) > PLACE_MAX:
        errors["place"] = f"Where must be {PLACE_MAX} characters or fewer"
    if errors or isinstance(day, tuple) or isinstance(at_time, str):
        return None, errors
    at = datetime.combine(day, at_time, tzinfo=UK).astimezone(UTC)
    if at <= now:
        errors["at-day"] = "The appointment must be in the future"
    elif at - now > FURTHEST:
        errors["at-day"] = "The appointment must be in the next 2 years"
    return (None if errors else at), errors


def _form(
    request: Request,
    person_id: int,
    name: str,
    typed: Typed,
    errors: dict[str, str],
    status: int,
    *,
    booked: bool = False,
) -> Response:
    order = ["at-day", "at-month", "at-year", "time", "kind", "place"]
    date_keys = [k for k in order[:3] if k in errors]
    date_error = errors[date_keys[0]] if date_keys else None
    # A part that is missing is marked alone; a date that is wrong as a whole, all three.
    if date_error and "must include" in date_error:
        date_bad = [k.removeprefix("at-") for k in date_keys]
    else:
        date_bad = ["day", "month", "year"] if date_error else []
    return render(
        request,
        "appointment.html",
        {
            "title": f"Next appointment – {name}",
            "section": "caseload",
            "person_id": person_id,
            "name": name,
            "typed": typed,
            "booked": booked,
            "kinds": KINDS,
            "errors": errors,
            "date_error": date_error,
            "date_bad": date_bad,
            "kind_items": [
                {"value": value, "text": text, "checked": typed.kind == value}
                for value, text in KINDS.items()
            ],
            "error_summary": [{"text": errors[k], "href": f"#{k}"} for k in order if k in errors],
        },
        status=status,
    )


@router.get("/people/{person_id:int}/appointment")
async def appointment_form(request: Request, person_id: int) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        current = await next_appointment(session, person_id, cfg.clock())
    typed = Typed()
    if current is not None:
        local = current.at.astimezone(UK)
        typed = Typed(
            day=str(local.day),
            month=str(local.month),
            year=str(local.year),
            time=local.strftime("%H:%M"),
            place=current.place,
            kind=current.kind,
        )
    return _form(request, person_id, person.name, typed, {}, 200, booked=current is not None)


@router.post("/people/{person_id:int}/appointment")
async def save_appointment(
    request: Request,
    person_id: int,
    day: Annotated[str, Form(alias="at-day")] = "",
    month: Annotated[str, Form(alias="at-month")] = "",
    year: Annotated[str, Form(alias="at-year")] = "",
    at_time: Annotated[str, Form(alias="time")] = "",
    place: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    now = cfg.clock()
    typed = Typed(day[:10], month[:10], year[:10], at_time[:20], place[:1000], kind[:20])
    at, errors = check(typed, now)
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        if at is not None:
            appointment, current = await book(
                session,
                person_id=person_id,
                at=at,
                kind=typed.kind,
                place=typed.place.strip(),
                staff_id=staff.id,
                now=now,
            )
            audited(
                session,
                staff,
                "set_appointment",
                person_id,
                appointment_id=appointment.id,
                replaced=current.id if current else None,
            )
    if at is None:
        return _form(request, person_id, person.name, typed, errors, 400)
    return RedirectResponse(f"/people/{person_id}?done=appointment", status_code=303)


@router.post("/people/{person_id:int}/appointment/cancel")
async def cancel_appointment(request: Request, person_id: int) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    async with cfg.db.transaction() as session:
        await person_for(session, staff, person_id)
        cancelled = await cancel_next(session, person_id, cfg.clock())
        if cancelled is not None:
            audited(session, staff, "cancel_appointment", person_id, appointment_id=cancelled.id)
    done = "appointment_cancelled" if cancelled else "appointment"
    return RedirectResponse(f"/people/{person_id}?done={done}", status_code=303)
