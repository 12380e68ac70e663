"""Follow-up of flags: a flag nobody has marked as dealt with within the organisation's office
hours (`Organisation.escalation_hours`, 4 by default) goes to the organisation's seniors too —
on their caseload at the top, and by email.

- `flag_raised` is called right after a flag (safeguarding or a request for a call) is stored:
  it sets the flag's `escalate_at` and schedules a "flag_escalation" job at that moment.
- the job (`escalate`, in jobs.HANDLERS) looks at the flag again: resolved meanwhile, nothing
  happens; otherwise it is marked escalated once (a conditional update: two servers, or two
  jobs, never both do it) and each active senior gets a notification.
- `flag_resolved` is called when staff resolve a flag: its job is cancelled.

A person saying "I'm OK" never closes a flag, and neither does anything here: only staff do,
saying what they did.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.notifications import notify_seniors
from bot.scheduling.office import OFFICE, OfficeHours
from storage import due, escalations
from storage.models import Flag, ServiceUser

ESCALATION = "flag_escalation"
DEFAULT_HOURS = 4
MIN_HOURS, MAX_HOURS = 1, 40


def hours_allowed(hours: int | None) -> int:
    """The organisation's setting, kept within what the admin page allows."""
    if hours is None:
        return DEFAULT_HOURS
    return min(max(hours, MIN_HOURS), MAX_HOURS)


async def flag_raised(
    session: AsyncSession, flag: Flag, *, now: datetime, office: OfficeHours = OFFICE
) -> None:
    """Set when the flag goes to the seniors if nobody has dealt with it, and schedule it.
    Calling it again for the same flag (a repeat message) keeps the first deadline."""
    if flag.id is None:
        session.add(flag)
        await session.flush()
    assert flag.id is not None
    if flag.resolved_at is not None:
        return
    if flag.escalate_at is None:
        hours = hours_allowed(await escalations.escalation_hours(session, flag.service_user_id))
        flag.escalate_at = office.add(now, hours)
        session.add(flag)
    await due.schedule(
        session, ESCALATION, flag.id, flag.escalate_at, flag.service_user_id, now=now
    )


async def flag_resolved(session: AsyncSession, flag: Flag, *, now: datetime) -> None:
    """Staff dealt with it: it does not go to the seniors (or no longer waits for them)."""
    assert flag.id is not None
    await due.cancel(session, ESCALATION, flag.id, now=now, outcome="skipped:resolved")


async def escalate(session: AsyncSession, flag_id: int, *, now: datetime) -> str:
    """The job: the flag to the seniors, once, unless it was dealt with. Returns the outcome."""
    flag = await escalations.fresh_flag(session, flag_id)
    if flag is None:
        return "skipped:gone"
    if flag.resolved_at is not None:
        return "skipped:resolved"
    if flag.escalated_at is not None:
        return "skipped:escalated"
    if flag.escalate_at is not None and flag.escalate_at > now:
        return "skipped:moved"  # a job for the later moment is there
    if not await escalations.mark_escalated(session, flag_id, now):
        # Another server did it, or staff resolved it, a moment ago.
        again = await escalations.fresh_flag(session, flag_id)
        return "skipped:resolved" if again is None or again.resolved_at else "skipped:escalated"
    person = await session.get(ServiceUser, flag.service_user_id)
    if person is None:
        return "skipped:gone"
    told = await notify_seniors(session, person=person, now=now)
    return "sent" if told else "skipped:no_senior"


def waiting_words(waited: timedelta) -> str:
    """How long something has waited, in a few plain words: "3 hours", "2 days and 1 hour"."""
    minutes = max(int(waited.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)

    def unit(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if days:
        return unit(days, "day") + (f" and {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" and {unit(minutes, 'minute')}" if minutes else "")
    return unit(minutes, "minute") if minutes else "less than a minute"
