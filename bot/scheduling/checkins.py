"""Regular check-ins (weekly, fortnightly, four-weekly), as the probation service's own online
check-ins: each opening sets the check-in tool for the person, open for `window_days`.

One schedule per person is active at a time. Each opening is a "checkin" job at the
schedule's `next_at`; handling it sets the tool and schedules the next opening.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.scheduling.quiet import local_moment
from storage import due
from storage.models import CheckinSchedule, ServiceUser

CHECKIN = "checkin"
DEFAULT_TOOL = "check_in"


class BadSchedule(ValueError):
    pass


async def active_schedule(session: AsyncSession, person_id: int) -> CheckinSchedule | None:
    stmt = select(CheckinSchedule).where(
        CheckinSchedule.service_user_id == person_id,
        CheckinSchedule.active == True,  # noqa: E712
    )
    return (await session.exec(stmt)).first()


async def start_schedule(
    session: AsyncSession,
    *,
    person: ServiceUser,
    every_days: int,
    window_days: int,
    first_at: datetime,
    staff_id: int | None,
    now: datetime,
    tool: str = DEFAULT_TOOL,
) -> CheckinSchedule:
    """Start regular check-ins, the first opening at ``first_at``. Any earlier schedule of the
    person stops."""
    if every_days < 1 or not 1 <= window_days <= every_days:
        raise BadSchedule("a check-in is open for at least a day, and at most until the next one")
    assert person.id is not None
    await stop_schedule(session, person=person, now=now)
    schedule = CheckinSchedule(
        service_user_id=person.id,
        tool=tool,
        every_days=every_days,
        window_days=window_days,
        next_at=max(first_at, now),
        created_by=staff_id,
        created_at=now,
    )
    session.add(schedule)
    await session.flush()
    assert schedule.id is not None
    await due.schedule(session, CHECKIN, schedule.id, schedule.next_at, person.id, now=now)
    return schedule


async def stop_schedule(
    session: AsyncSession, *, person: ServiceUser, now: datetime
) -> CheckinSchedule | None:
    """Stop the person's check-ins (a check-in already open stays open until its window ends).
    Returns the schedule stopped, if there was one."""
    assert person.id is not None
    stopped = None
    stmt = select(CheckinSchedule).where(
        CheckinSchedule.service_user_id == person.id,
        CheckinSchedule.active == True,  # noqa: E712
    )
    for schedule in (await session.exec(stmt)).all():
        assert schedule.id is not None
        schedule.active = False
        session.add(schedule)
        await due.cancel(session, CHECKIN, schedule.id, now=now)
        stopped = schedule
    return stopped


def next_opening(
    schedule: CheckinSchedule, opened: datetime, now: datetime, tz: ZoneInfo
) -> datetime:
    """The opening after ``opened``, at the same time on the person's clock (a weekly
    check-in at 10:00 stays at 10:00 across the clock changes). A server that was down for
    weeks does not open every missed one at once."""
    local = opened.astimezone(tz)
    day, at = local.date(), local.time().replace(tzinfo=None)
    step = timedelta(days=max(schedule.every_days, 1))
    while True:
        day += step
        moment = local_moment(day, at, tz)
        if moment > now:
            return moment
