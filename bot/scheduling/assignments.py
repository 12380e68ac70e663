"""Tools a case manager sets for a person to do before an appointment (or a check-in opens).

Status: set -> started (the person starts or carries on with the tool) -> shared (they share
it) -> reviewed (the case manager marks it reviewed); expired when it was not shared by the
time it was due; cancelled by staff. Setting one schedules its jobs: the invitation (at once,
or after quiet hours), gentle nudges, and expiry at the appointment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import due
from storage.models import Assignment, Conversation, ServiceUser, Staff

ACTIVE = ("set", "started")
INVITE, NUDGE, EXPIRE = "invite", "nudge", "expire"
# The first nudge leaves the invitation a couple of days; then every few days, and once more
# the day before it is due. Per person, the nudge handler also keeps to a weekly limit.
FIRST_NUDGE = timedelta(days=2)
NUDGE_EVERY = timedelta(days=3)
DAY_BEFORE = timedelta(days=1)


class NotSettable(ValueError):
    """What was asked for cannot be set (no tools, or due already)."""


def nudge_times(invited: datetime, due_at: datetime) -> list[datetime]:
    """When to nudge, for an invitation at ``invited`` and a tool due at ``due_at``."""
    times: list[datetime] = []
    last = due_at - DAY_BEFORE
    moment = invited + FIRST_NUDGE
    while moment < last - DAY_BEFORE:
        times.append(moment)
        moment += NUDGE_EVERY
    if last > invited + timedelta(hours=20):
        times.append(last)
    return times


async def schedule_jobs(session: AsyncSession, assignment: Assignment, now: datetime) -> None:
    """The invitation, nudges and expiry of an assignment (scheduling again is harmless)."""
    assert assignment.id is not None
    person_id = assignment.service_user_id
    await due.schedule(session, INVITE, assignment.id, now, person_id, now=now)
    for moment in nudge_times(now, assignment.due_at):
        await due.schedule(session, NUDGE, assignment.id, moment, person_id, now=now)
    await due.schedule(session, EXPIRE, assignment.id, assignment.due_at, person_id, now=now)


async def set_tools(
    session: AsyncSession,
    *,
    person: ServiceUser,
    tools: Sequence[str],
    appointment_id: int | None,
    due_at: datetime,
    note: str | None,
    staff_id: int | None,
    now: datetime,
) -> list[Assignment]:
    """Set tools for the person to do by ``due_at``; the invitation follows as soon as quiet
    hours allow. A tool already set and not yet done is replaced by the new one (new date and
    note), so a form sent twice sets nothing twice."""
    wanted = list(dict.fromkeys(t for t in tools if t))
    if not wanted:
        raise NotSettable("choose at least one tool")
    if due_at <= now:
        raise NotSettable("the date to do it by has passed")
    assert person.id is not None
    current = await active_assignments(session, person.id)
    for old in current:
        if old.tool in wanted:
            await cancel_assignment(session, old, now)
    made = []
    for tool in wanted:
        assignment = Assignment(
            service_user_id=person.id,
            tool=tool,
            appointment_id=appointment_id,
            note=(note or "").strip() or None,
            due_at=due_at,
            set_by=staff_id,
            created_at=now,
            updated_at=now,
        )
        session.add(assignment)
        made.append(assignment)
    await session.flush()
    for assignment in made:
        await schedule_jobs(session, assignment, now)
    return made


async def add_checkin_assignment(
    session: AsyncSession,
    *,
    person_id: int,
    tool: str,
    schedule_id: int,
    due_at: datetime,
    staff_id: int | None,
    now: datetime,
) -> Assignment:
    assignment = Assignment(
        service_user_id=person_id,
        tool=tool,
        checkin_schedule_id=schedule_id,
        due_at=due_at,
        set_by=staff_id,
        created_at=now,
        updated_at=now,
    )
    session.add(assignment)
    await session.flush()
    await schedule_jobs(session, assignment, now)
    return assignment


async def cancel_assignment(session: AsyncSession, assignment: Assignment, now: datetime) -> None:
    """Staff take a tool back: nothing more is sent about it."""
    assert assignment.id is not None
    if assignment.status in ACTIVE:
        assignment.status = "cancelled"
        assignment.updated_at = now
        session.add(assignment)
    for kind in (INVITE, NUDGE, EXPIRE):
        await due.cancel(session, kind, assignment.id, now=now)


async def move_due(
    session: AsyncSession,
    assignment: Assignment,
    *,
    due_at: datetime,
    appointment_id: int | None,
    now: datetime,
) -> None:
    """The appointment it was set before moved: so does the day it is due."""
    assert assignment.id is not None
    assignment.due_at = due_at
    assignment.appointment_id = appointment_id
    assignment.updated_at = now
    session.add(assignment)
    for kind in (NUDGE, EXPIRE):
        await due.cancel(session, kind, assignment.id, now=now)
    start = assignment.invited_at or now
    for moment in nudge_times(max(start, now), due_at):
        await due.schedule(
            session, NUDGE, assignment.id, moment, assignment.service_user_id, now=now
        )
    await due.schedule(session, EXPIRE, assignment.id, due_at, assignment.service_user_id, now=now)


async def active_assignments(
    session: AsyncSession, person_id: int, *, lock: bool = False
) -> list[Assignment]:
    """What is set for the person and not yet shared, expired or cancelled, soonest first."""
    stmt = (
        select(Assignment)
        .where(Assignment.service_user_id == person_id, col(Assignment.status).in_(ACTIVE))
        .order_by(col(Assignment.due_at), col(Assignment.id))
        .execution_options(populate_existing=True)
    )
    if lock:
        stmt = stmt.with_for_update()
    return list((await session.exec(stmt)).all())


async def for_menu(
    session: AsyncSession, person_id: int, now: datetime
) -> list[tuple[Assignment, str | None]]:
    """What is set and still open, with the first name of whoever set it (None: unknown)."""
    setter = aliased(Staff)
    stmt = (
        select(Assignment, setter.name)
        .join(setter, col(setter.id) == col(Assignment.set_by), isouter=True)
        .where(
            Assignment.service_user_id == person_id,
            col(Assignment.status).in_(ACTIVE),
            col(Assignment.due_at) > now,
        )
        .order_by(col(Assignment.due_at), col(Assignment.id))
    )
    rows = (await session.exec(stmt)).all()
    return [(a, first_name(name)) for a, name in rows]


def first_name(name: str | None) -> str | None:
    words = (name or "").split()
    return words[0] if words else None


# -- the person's side: status follows what they do ----------------------------------------


async def started(
    session: AsyncSession, person_id: int, tool: str, conversation_id: int, now: datetime
) -> None:
    """The person started (or carried on with) a tool: the earliest open assignment of it
    that has no conversation yet is now under way in this one."""
    for assignment in await active_assignments(session, person_id):
        if assignment.tool != tool or assignment.due_at <= now:
            continue
        if assignment.conversation_id == conversation_id:
            return
        if assignment.status == "set" and assignment.conversation_id is None:
            assignment.status = "started"
            assignment.conversation_id = conversation_id
            assignment.updated_at = now
            session.add(assignment)
            return


async def shared(session: AsyncSession, conversation: Conversation, now: datetime) -> None:
    """The person shared a conversation: every assignment it answers is done. That is the one
    linked to it, and any still waiting for this tool (e.g. the conversation was already under
    way when the tool was set). One started in time and shared after it expired counts too."""
    assert conversation.id is not None
    stmt = (
        select(Assignment)
        .where(
            Assignment.service_user_id == conversation.service_user_id,
            Assignment.tool == conversation.script_id,
            col(Assignment.status).in_(("set", "started", "expired")),
        )
        .execution_options(populate_existing=True)
    )
    for assignment in (await session.exec(stmt)).all():
        linked = assignment.conversation_id == conversation.id
        waiting = assignment.conversation_id is None and assignment.status == "set"
        if not (linked or waiting):
            continue
        assignment.status = "shared"
        assignment.conversation_id = conversation.id
        assignment.updated_at = now
        session.add(assignment)


async def reviewed(session: AsyncSession, conversation_id: int, now: datetime) -> None:
    """The case manager marked the shared conversation reviewed."""
    stmt = select(Assignment).where(
        Assignment.conversation_id == conversation_id, Assignment.status == "shared"
    )
    for assignment in (await session.exec(stmt)).all():
        assignment.status = "reviewed"
        assignment.updated_at = now
        session.add(assignment)
