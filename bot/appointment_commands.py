"""`tandem appointments add PERSON_ID WHEN` and `tandem appointments list PERSON_ID`.

WHEN is a UK time as staff write it ("2026-12-02 10:30", or with a T), or a moment with an
explicit offset ("2026-12-02T10:30+01:00", "...Z"). Adding replaces the person's next
appointment, as the review app's form does, and the reminders follow it.
"""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from bot.review.appointments import FURTHEST, KINDS, PLACE_MAX, book
from bot.review.web import UK, uk_time
from storage.audit import record
from storage.db import Database
from storage.models import Appointment, ServiceUser

_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?$")
EXAMPLE = '"2026-12-02 10:30" (UK time)'


class BadAppointment(ValueError):
    """The message says what is wrong in one line."""


def parse_when(text: str, now: datetime) -> datetime:
    """The moment in UTC, or BadAppointment saying what is wrong."""
    words = " ".join(text.split())
    if not _SHAPE.match(words):
        raise BadAppointment(f"WHEN must look like {EXAMPLE}, not {text!r}")
    try:
        # fromisoformat wants two-digit hours; people write 9:30.
        moment = datetime.fromisoformat(re.sub(r"[ T](\d):", r"T0\1:", words).replace(" ", "T", 1))
    except ValueError:
        raise BadAppointment(f"{text!r} is not a real date and time") from None
    if moment.tzinfo is None:
        local = moment.replace(tzinfo=UK)
        # A time the clocks skip (the last Sunday of March, 1am to 2am) does not exist.
        if local.astimezone(UTC).astimezone(UK).replace(tzinfo=None) != moment:
            raise BadAppointment(f"{text!r} does not exist in UK time (the clocks go forward)")
        moment = local
    at = moment.astimezone(UTC)
    if at <= now:
        raise BadAppointment(f"{text!r} is in the past; give a time still to come")
    if at - now > FURTHEST:
        raise BadAppointment(f"{text!r} is more than 2 years away")
    return at


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    replaced: Appointment | None


def describe(a: Appointment) -> str:
    where = f": {a.place}" if a.place else ""
    return f"{uk_time(a.at, '%A %-d %B %Y, %-I:%M%p')} (UK time), {KINDS.get(a.kind, a.kind).lower()}{where}"


def as_json(a: Appointment, now: datetime) -> dict[str, Any]:
    return {
        "id": a.id,
        "person_id": a.service_user_id,
        "at": a.at.isoformat(),
        "at_uk": a.at.astimezone(UK).isoformat(),
        "kind": a.kind,
        "place": a.place,
        "status": status_of(a, now),
    }


def status_of(a: Appointment, now: datetime) -> str:
    if a.cancelled_at is not None:
        return "cancelled"
    return "upcoming" if a.at > now else "past"


async def add_appointment(
    db: Database, *, person_id: int, when: str, place: str, kind: str, now: datetime
) -> Booked:
    if kind not in KINDS:
        raise BadAppointment(f"unknown kind {kind!r}")
    place = " ".join(place.split())
    if len(place) > PLACE_MAX:
        raise BadAppointment(f"--place must be {PLACE_MAX} characters or fewer")
    at = parse_when(when, now)
    async with db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
        if person is None:
            raise BadAppointment(f"no person with id {person_id}")
        appointment, replaced = await book(
            session,
            person_id=person_id,
            at=at,
            kind=kind,
            place=place,
            staff_id=None,
            now=now,
        )
        record(
            session,
            actor=f"cli:{getpass.getuser()}",
            action="set_appointment",
            person_id=person_id,
            detail={
                "appointment_id": appointment.id,
                "replaced": replaced.id if replaced else None,
            },
        )
    return Booked(appointment, replaced)


async def list_appointments(db: Database, person_id: int, now: datetime) -> list[Appointment]:
    async with db.transaction() as session:
        if await session.get(ServiceUser, person_id) is None:
            raise BadAppointment(f"no person with id {person_id}")
        rows = await session.exec(
            select(Appointment)
            .where(Appointment.service_user_id == person_id)
            .order_by(col(Appointment.at), col(Appointment.id))
        )
        found = list(rows.all())
        record(
            session,
            actor=f"cli:{getpass.getuser()}",
            action="list_appointments",
            person_id=person_id,
            detail={"count": len(found)},
        )
    return found
