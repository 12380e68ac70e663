"""Appointment reminders: the day before and on the morning, at the organisation's
reminder hour in the person's own time zone.

Whoever adds, replaces or cancels an appointment calls `appointment_changed`. The reminder jobs
look at the appointment row again when they run, so one for an appointment since cancelled or
moved to another day does nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.scheduling import assignments
from bot.scheduling.quiet import local_moment, zone
from storage import due
from storage.models import Appointment, Assignment, Organisation, ServiceUser

DAY_BEFORE = "appointment_day_before"
MORNING = "appointment_morning"
KINDS = (DAY_BEFORE, MORNING)
# The morning reminder comes at least this long before the appointment.
MORNING_LEAD = timedelta(hours=1)


def reminder_times(
    appointment: Appointment, organisation: Organisation, tz: ZoneInfo, now: datetime
) -> dict[str, datetime]:
    """When each reminder is due (only those still to come, and switched on)."""
    local_day = appointment.at.astimezone(tz).date()
    hour = time(min(max(organisation.reminder_hour, 0), 23))
    times: dict[str, datetime] = {}
    if organisation.remind_day_before:
        times[DAY_BEFORE] = local_moment(local_day - timedelta(days=1), hour, tz)
    if organisation.remind_on_the_day:
        times[MORNING] = min(local_moment(local_day, hour, tz), appointment.at - MORNING_LEAD)
    return {kind: at for kind, at in times.items() if now < at < appointment.at}


async def appointment_changed(
    session: AsyncSession, appointment: Appointment, now: datetime
) -> None:
    """(Re)schedule the reminders of an appointment just added, moved or cancelled. Tools set
    before an appointment that was replaced follow the new one."""
    assert appointment.id is not None
    if appointment.cancelled_at is not None or appointment.at <= now:
        for kind in KINDS:
            await due.cancel(session, kind, appointment.id, now=now)
        return
    person = await session.get(ServiceUser, appointment.service_user_id)
    assert person is not None
    organisation = await session.get(Organisation, person.organisation_id)
    assert organisation is not None
    wanted = reminder_times(appointment, organisation, zone(person.timezone), now)
    for kind in KINDS:
        if kind not in wanted:
            await due.cancel(session, kind, appointment.id, now=now)
    for kind, at in wanted.items():
        await due.schedule(session, kind, appointment.id, at, person.id, now=now)
    await _follow(session, appointment, now)


async def _follow(session: AsyncSession, appointment: Appointment, now: datetime) -> None:
    """Open tools set before a cancelled appointment of this person, or before this one
    when it moved, are now due at this appointment."""
    stmt = (
        select(Assignment, Appointment)
        .join(Appointment, col(Appointment.id) == col(Assignment.appointment_id))
        .where(
            Assignment.service_user_id == appointment.service_user_id,
            col(Assignment.status).in_(assignments.ACTIVE),
        )
    )
    for assignment, before in (await session.exec(stmt)).all():
        replaced = before.cancelled_at is not None and before.id != appointment.id
        moved = before.id == appointment.id and assignment.due_at != appointment.at
        if replaced or moved:
            await assignments.move_due(
                session, assignment, due_at=appointment.at, appointment_id=appointment.id, now=now
            )
