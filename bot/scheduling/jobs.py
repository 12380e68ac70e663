"""What each kind of due job does. A handler runs inside the scheduler's transaction, looks
again at what the job is about (it may have changed since the job was scheduled), queues its
messages in the outbox, and returns the outcome kept on the job:

  sent | expired | opened | deferred | skipped:<why>

Anything sent unasked is one neutral line ("You have something new in Tandem.") with a "Show
me" button, so a lock screen gives nothing away; what it is about shows after the tap
(bot/conversations/notices.py). It waits out the person's quiet hours: a job due in them is
moved to the next allowed moment ("deferred") instead of being sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations import callbacks, notices
from bot.conversations.catalogue import Catalogue, in_lang
from bot.conversations.dates import day_text, time_text, where_text
from bot.conversations.messages import MAX_TEXT, Button, Outgoing
from bot.conversations.texts import say
from bot.scheduling import appointments, assignments, checkins, escalation
from bot.scheduling.quiet import local_moment, next_allowed, zone
from storage import due
from storage.models import (
    Appointment,
    Assignment,
    CheckinSchedule,
    DueJob,
    Organisation,
    ServiceUser,
    Staff,
)

# At most this many nudges to one person in any seven days, whatever is set for them.
NUDGES_A_WEEK = 3
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Job:
    """A claimed job, copied out of its row (the row itself is only changed by statements)."""

    id: int
    kind: str
    ref_id: int
    person_id: int | None
    due_at: datetime
    attempts: int

    @classmethod
    def of(cls, row: DueJob) -> Job:
        assert row.id is not None
        return cls(row.id, row.kind, row.ref_id, row.service_user_id, row.due_at, row.attempts)


@dataclass
class Context:
    session: AsyncSession
    now: datetime
    catalogue: Catalogue
    queued: int = 0

    async def send(self, person: ServiceUser, kind: notices.Kind, render: Render) -> None:
        """A neutral line with "Show me"; what ``render`` says in the person's language (the
        text and its buttons) shows after the tap."""
        chat = person.telegram_chat_id
        assert chat is not None

        def message(lang: str) -> list[Outgoing]:
            text, rows = render(lang)
            if len(text) > MAX_TEXT:
                text = text[: MAX_TEXT - 1] + "…"
            # The buttons stay pressable after newer messages: each checks itself when pressed.
            return [Outgoing(chat, text, tuple(rows), keep_buttons=True)]

        await notices.queue(self.session, person, kind, message, now=self.now)
        self.queued += 1


# A message in a given language: its text and its rows of buttons.
Render = Callable[[str], tuple[str, list[tuple[Button, ...]]]]


Handler = Callable[[Context, Job], Awaitable[str]]


# -- shared checks -----------------------------------------------------------------------------


async def _person(ctx: Context, person_id: int | None) -> ServiceUser | None:
    """The person, locked: their own messages and these jobs take turns (PostgreSQL)."""
    if person_id is None:
        return None
    stmt = (
        select(ServiceUser)
        .where(ServiceUser.id == person_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await ctx.session.exec(stmt)).first()


def _cannot_reach(person: ServiceUser) -> str | None:
    if person.telegram_chat_id is None or person.consented_at is None:
        return "not_linked"
    if person.unreachable_at is not None:
        return "unreachable"
    return None


async def _defer(ctx: Context, job: Job, person: ServiceUser, *, before: datetime) -> str | None:
    """In the person's quiet hours: the job again at the next allowed moment ("deferred"), or
    "skipped:quiet" when that would be too late (``before``)."""
    later = next_allowed(ctx.now, zone(person.timezone))
    if later == ctx.now:
        return None
    if later >= before:
        return "skipped:quiet"
    await due.schedule(ctx.session, job.kind, job.ref_id, later, job.person_id, now=ctx.now)
    return "deferred"


async def _assignment(ctx: Context, job: Job) -> tuple[Assignment, ServiceUser] | tuple[None, None]:
    """The assignment and its person, read after the person is locked: whatever their own
    messages did to it (started, shared) has been committed and is seen."""
    stmt = (
        select(Assignment)
        .where(Assignment.id == job.ref_id)
        .execution_options(populate_existing=True)
    )
    found = (await ctx.session.exec(stmt)).first()
    person = await _person(ctx, found.service_user_id) if found else None
    again = (await ctx.session.exec(stmt)).first() if person else None
    return (again, person) if again and person else (None, None)


async def _who(ctx: Context, staff_id: int | None) -> Callable[[str], str]:
    """Who set it, as the person knows them, in a given language."""
    staff = await ctx.session.get(Staff, staff_id) if staff_id is not None else None
    name = assignments.first_name(staff.name if staff else None)
    return lambda lang: name or say("someone_start", lang)


def _titles(ctx: Context, group: list[Assignment], lang: str) -> list[tuple[str, str]]:
    found = []
    for assignment in group:
        script = ctx.catalogue.get(assignment.tool)
        if script is not None:
            found.append((assignment.tool, in_lang(script.title, lang)))
    return found


def _start_rows(tools: list[tuple[str, str]], lang: str) -> list[tuple[Button, ...]]:
    return [
        (Button(say("invite_start", lang, tool=title), callbacks.start_tool(tool)),)
        for tool, title in tools
    ]


async def _group(ctx: Context, first: Assignment) -> list[Assignment]:
    """Tools set together (same person, setter and due moment, set at the same moment) go in
    one invitation; tools invited together, in one nudge."""
    stmt = (
        select(Assignment)
        .where(
            Assignment.service_user_id == first.service_user_id,
            Assignment.status == "set",
            Assignment.due_at == first.due_at,
            col(Assignment.id) != first.id,
        )
        .order_by(col(Assignment.id))
        .execution_options(populate_existing=True)
    )
    together = [
        a
        for a in (await ctx.session.exec(stmt)).all()
        if a.set_by == first.set_by
        and a.created_at == first.created_at
        and a.invited_at == first.invited_at
    ]
    return [first, *together]


def _lines(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


# -- the handlers --------------------------------------------------------------------------------


async def invite(ctx: Context, job: Job) -> str:
    """A tool was set: tell the person, with a button to start."""
    assignment, person = await _assignment(ctx, job)
    if assignment is None or person is None:
        return "skipped:gone"
    if assignment.status != "set":
        return f"skipped:{assignment.status}"
    if assignment.invited_at is not None:
        return "skipped:invited"
    if assignment.due_at <= ctx.now:
        return "skipped:past"
    if why := _cannot_reach(person):
        return f"skipped:{why}"
    if deferred := await _defer(ctx, job, person, before=assignment.due_at):
        return deferred
    group = await _group(ctx, assignment)
    if not _titles(ctx, group, person.language):
        return "skipped:no_tool"
    who = await _who(ctx, assignment.set_by)
    tz = zone(person.timezone)
    note = assignment.note

    def render(lang: str) -> tuple[str, list[tuple[Button, ...]]]:
        tools = _titles(ctx, group, lang)
        day = day_text(assignment.due_at, tz, lang)
        if len(tools) == 1:
            text = say("invite_one", lang, who=who(lang), tool=tools[0][1], day=day)
        else:
            text = _lines(
                say("invite_many", lang, who=who(lang), day=day),
                *(f"• {title}" for _, title in tools),
            )
        if note:
            text += "\n\n" + say("invite_note", lang, who=who(lang), note=note)
        return text, _start_rows(tools, lang)

    await ctx.send(person, "invitation", render)
    for each in group:
        each.invited_at = ctx.now
        each.updated_at = ctx.now
        ctx.session.add(each)
    return "sent"


async def _nudged_this_week(ctx: Context, person_id: int) -> list[datetime]:
    """When the person was nudged in the last seven days (about any tool)."""
    mine = select(Assignment.id).where(Assignment.service_user_id == person_id)
    stmt = select(DueJob.done_at).where(
        DueJob.kind == assignments.NUDGE,
        col(DueJob.ref_id).in_(mine.scalar_subquery()),
        DueJob.outcome == "sent",
        col(DueJob.done_at) > ctx.now - WEEK,
    )
    return [moment for moment in (await ctx.session.exec(stmt)).all() if moment is not None]


def _same_day(a: datetime | None, b: datetime, person: ServiceUser) -> bool:
    if a is None:
        return False
    tz = zone(person.timezone)
    return a.astimezone(tz).date() == b.astimezone(tz).date()


async def nudge(ctx: Context, job: Job) -> str:
    """A gentle reminder of a tool not yet started: one a day at most for the person (so for a
    tool too), and at most NUDGES_A_WEEK a week; never once it is started, shared or over, nor
    when they have stopped reminders or cannot be reached."""
    assignment, person = await _assignment(ctx, job)
    if assignment is None or person is None:
        return "skipped:gone"
    if assignment.status != "set":
        return f"skipped:{assignment.status}"
    if assignment.due_at <= ctx.now:
        return "skipped:past"
    if assignment.invited_at is None:
        return "skipped:not_invited"
    if person.reminders_stopped_at is not None:
        return "skipped:stopped"
    if why := _cannot_reach(person):
        return f"skipped:{why}"
    if deferred := await _defer(ctx, job, person, before=assignment.due_at):
        return deferred
    assert person.id is not None
    recent = await _nudged_this_week(ctx, person.id)
    # One a day for the person, whatever is set (tools set together share one message); and
    # not on the day of the invitation itself.
    if any(_same_day(moment, ctx.now, person) for moment in [*recent, assignment.invited_at]):
        return "skipped:today"
    if len(recent) >= NUDGES_A_WEEK:
        return "skipped:week"
    group = await _group(ctx, assignment)
    if not _titles(ctx, group, person.language):
        return "skipped:no_tool"
    who = await _who(ctx, assignment.set_by)
    tz = zone(person.timezone)

    def render(lang: str) -> tuple[str, list[tuple[Button, ...]]]:
        tools = _titles(ctx, group, lang)
        day = day_text(assignment.due_at, tz, lang)
        if len(tools) == 1:
            asked = say("nudge_one", lang, who=who(lang), tool=tools[0][1], day=day)
        else:
            asked = _lines(
                say("nudge_many", lang, who=who(lang), day=day),
                *(f"• {title}" for _, title in tools),
            )
        return asked + "\n\n" + say("nudge_stop", lang), _start_rows(tools, lang)

    await ctx.send(person, "nudge", render)
    for each in group:
        each.last_nudged_at = ctx.now
        each.nudges += 1
        each.updated_at = ctx.now
        ctx.session.add(each)
    return "sent"


async def expire(ctx: Context, job: Job) -> str:
    """Due and not shared: expired. (Shared later, it still counts as shared.)"""
    assignment, _ = await _assignment(ctx, job)
    if assignment is None:
        return "skipped:gone"
    if assignment.status not in assignments.ACTIVE:
        return f"skipped:{assignment.status}"
    if assignment.due_at > ctx.now:
        return "skipped:moved"
    assignment.status = "expired"
    assignment.updated_at = ctx.now
    ctx.session.add(assignment)
    return "expired"


async def _appointment_reminder(ctx: Context, job: Job, *, days_ahead: int) -> str:
    stmt = (
        select(Appointment)
        .where(Appointment.id == job.ref_id)
        .execution_options(populate_existing=True)
    )
    appointment = (await ctx.session.exec(stmt)).first()
    if appointment is None:
        return "skipped:gone"
    person = await _person(ctx, appointment.service_user_id)
    if person is None:
        return "skipped:gone"
    if appointment.cancelled_at is not None:
        return "skipped:cancelled"
    if appointment.at <= ctx.now:
        return "skipped:past"
    tz = zone(person.timezone)
    if (appointment.at.astimezone(tz).date() - ctx.now.astimezone(tz).date()).days != days_ahead:
        return "skipped:moved"
    organisation = await ctx.session.get(Organisation, person.organisation_id)
    wanted = organisation is not None and (
        organisation.remind_day_before if days_ahead else organisation.remind_on_the_day
    )
    if not wanted:
        return "skipped:off"
    if person.reminders_stopped_at is not None:
        return "skipped:stopped"
    if why := _cannot_reach(person):
        return f"skipped:{why}"
    # Deferred only as far as it still makes sense: the same day (for the day before), and
    # before the appointment.
    last = appointment.at
    if days_ahead:
        last = min(last, local_moment(appointment.at.astimezone(tz).date(), time(0), tz))
    if deferred := await _defer(ctx, job, person, before=last):
        return deferred
    assert appointment.id is not None
    booked = appointment

    def render(lang: str) -> tuple[str, list[tuple[Button, ...]]]:
        when = time_text(booked.at, tz, lang)
        where = where_text(booked.kind, booked.place, lang)
        if days_ahead:
            day = day_text(booked.at, tz, lang)
            said = say("appointment_tomorrow", lang, day=day, time=when, where=where)
        else:
            said = say("appointment_today", lang, time=when, where=where)
        # "I can't make it": the person is told what to do, their case manager sees a flag.
        cant = Button(say("cant_make_it", lang), callbacks.cant_make_it(booked.id or 0))
        return said + "\n\n" + say("appointment_cant_come", lang), [(cant,)]

    await ctx.send(person, "appointment", render)
    return "sent"


async def appointment_day_before(ctx: Context, job: Job) -> str:
    return await _appointment_reminder(ctx, job, days_ahead=1)


async def appointment_morning(ctx: Context, job: Job) -> str:
    return await _appointment_reminder(ctx, job, days_ahead=0)


async def checkin(ctx: Context, job: Job) -> str:
    """A regular check-in opens: the tool is set for the person until the window ends, and
    the next opening is scheduled."""
    stmt = (
        select(CheckinSchedule)
        .where(CheckinSchedule.id == job.ref_id)
        .execution_options(populate_existing=True)
    )
    schedule = (await ctx.session.exec(stmt)).first()
    if schedule is None or not schedule.active:
        return "skipped:stopped"
    if schedule.next_at != job.due_at:
        return "skipped:moved"
    person = await _person(ctx, schedule.service_user_id)
    if person is None:
        return "skipped:gone"
    assert schedule.id is not None and person.id is not None
    closes = job.due_at + timedelta(days=schedule.window_days)
    opened = closes > ctx.now
    if opened:
        await assignments.add_checkin_assignment(
            ctx.session,
            person_id=person.id,
            tool=schedule.tool,
            schedule_id=schedule.id,
            due_at=closes,
            staff_id=schedule.created_by,
            now=ctx.now,
        )
    schedule.next_at = checkins.next_opening(schedule, job.due_at, ctx.now, zone(person.timezone))
    ctx.session.add(schedule)
    await due.schedule(
        ctx.session, checkins.CHECKIN, schedule.id, schedule.next_at, person.id, now=ctx.now
    )
    return "opened" if opened else "skipped:missed"


async def flag_escalation(ctx: Context, job: Job) -> str:
    """A flag nobody has dealt with in time goes to the organisation's seniors."""
    return await escalation.escalate(ctx.session, job.ref_id, now=ctx.now)


HANDLERS: dict[str, Handler] = {
    assignments.INVITE: invite,
    assignments.NUDGE: nudge,
    assignments.EXPIRE: expire,
    appointments.DAY_BEFORE: appointment_day_before,
    appointments.MORNING: appointment_morning,
    checkins.CHECKIN: checkin,
    escalation.ESCALATION: flag_escalation,
}
