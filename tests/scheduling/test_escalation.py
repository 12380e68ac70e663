"""Flags nobody dealt with in time go to the organisation's seniors (bot/scheduling/escalation),
on SQLite and PostgreSQL, with the clock moved (never slept): resolved in time, nothing;
otherwise the seniors are told once — after two passes, and with two servers at once — counted
in office hours over a weekend and a bank holiday. "I'm OK" from the person changes nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.scheduling import escalation
from bot.scheduling.jobs import HANDLERS, Context, Job
from bot.scheduling.quiet import zone
from bot.scheduling.scheduler import Scheduler
from storage import due
from storage.db import Database
from storage.models import Flag, Organisation, ServiceUser, Staff, StaffNotification
from tests.scheduling.conftest import MONDAY, World
from tests.support.review import catalogue

LONDON = zone("Europe/London")
KIND = escalation.ESCALATION


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


async def _staff(world: World, role: str, name: str, **fields: Any) -> Staff:
    async with world.db.transaction() as session:
        fields.setdefault("organisation_id", world.org.id)
        member = Staff(
            email=f"{name.split()[0].lower()}@example.org", name=name, role=role, **fields
        )
        session.add(member)
    return member


async def _seniors(world: World) -> tuple[Staff, Staff]:
    """Two seniors of Sam's organisation, one switched off, and one of another organisation."""
    jo = await _staff(world, "senior", "Jo Williams")
    kim = await _staff(world, "senior", "Kim Evans")
    await _staff(world, "senior", "Lee Gone", active=False)
    async with world.db.transaction() as session:
        other = Organisation(name="Probation South")
        session.add(other)
        await session.flush()
    await _staff(world, "senior", "Sol South", organisation_id=other.id)
    return jo, kim


async def _raise(world: World, person: ServiceUser, **fields: Any) -> Flag:
    """A flag stored as the conversation layer stores one, then `flag_raised`."""
    fields.setdefault("kind", "safeguarding")
    async with world.db.transaction() as session:
        flag = Flag(
            service_user_id=person.id or 0,
            category="suicide_self_harm" if fields["kind"] == "safeguarding" else None,
            message="I can't see the point any more",
            created_at=world.clock(),
            **fields,
        )
        session.add(flag)
        await session.flush()
        await escalation.flag_raised(session, flag, now=world.clock())
    return flag


async def _notified(world: World) -> list[tuple[int, int, str]]:
    async with world.db.transaction() as session:
        rows = await session.exec(select(StaffNotification).order_by(col(StaffNotification.id)))
        return [(n.staff_id, n.service_user_id, n.kind) for n in rows.all()]


async def _outcomes(world: World) -> list[tuple[datetime, str | None]]:
    return [(j.due_at, j.outcome) for j in await world.jobs(KIND)]


async def test_a_flag_not_resolved_goes_to_the_seniors_once(world: World) -> None:
    jo, kim = await _seniors(world)
    alex = await world.person()
    flag = await _raise(world, alex)
    # Monday 10:00 GMT + 4 office hours.
    due_at = london(2026, 11, 23, 14, 0)
    fresh = await world.get(Flag, flag.id)
    assert fresh.escalate_at == due_at and fresh.escalated_at is None
    assert await _outcomes(world) == [(due_at, None)]

    world.clock.now = due_at - timedelta(minutes=1)
    assert await world.run() == 0
    assert await _notified(world) == []

    world.clock.now = due_at + timedelta(minutes=3)
    assert await world.run() == 1
    assert await _outcomes(world) == [(due_at, "sent")]
    fresh = await world.get(Flag, flag.id)
    assert fresh.escalated_at == world.clock() and fresh.resolved_at is None
    # Each active senior of the organisation: not the one switched off, not another
    # organisation's, and not the case manager (who has the flag already).
    assert await _notified(world) == [
        (jo.id, alex.id, "escalated"),
        (kim.id, alex.id, "escalated"),
    ]

    # Another pass, later: nothing more.
    world.clock.advance(hours=5)
    assert await world.run() == 0
    assert len(await _notified(world)) == 2
    # Nothing is sent to the person about it.
    assert await world.sent(alex) == []


async def test_resolved_in_time_nothing_goes_to_the_seniors(world: World) -> None:
    await _seniors(world)
    alex = await world.person()
    bo = await world.person("Bo Example")
    resolved = await _raise(world, alex)
    bypassed = await _raise(world, bo)
    world.clock.advance(hours=2)
    # As the review app resolves one: what was done, who, when; its job is called off.
    async with world.db.transaction() as session:
        row = await session.get(Flag, resolved.id)
        assert row is not None
        row.resolution, row.resolved_at, row.resolved_by = "Rang them", world.clock(), world.sam.id
        session.add(row)
        await escalation.flag_resolved(session, row, now=world.clock())
    # Resolved some other way (an older server, by hand): the job looks again when it runs.
    await world.update(bypassed, resolved_at=world.clock(), resolution="Seen in the office")

    world.clock.advance(days=7)
    await world.run()
    assert await _notified(world) == []
    outcomes = {j.ref_id: j.outcome for j in await world.jobs(KIND)}
    assert outcomes == {resolved.id: "skipped:resolved", bypassed.id: "skipped:resolved"}
    for flag in (resolved, bypassed):
        assert (await world.get(Flag, flag.id)).escalated_at is None


async def test_i_am_ok_does_not_close_a_flag(world: World) -> None:
    jo, _ = await _seniors(world)
    alex = await world.person()
    flag = await _raise(world, alex)
    world.clock.advance(minutes=5)
    await world.update(flag, person_choice="ok", person_choice_at=world.clock())
    world.clock.advance(days=1)
    await world.run()
    fresh = await world.get(Flag, flag.id)
    assert fresh.resolved_at is None and fresh.escalated_at is not None
    assert (jo.id, alex.id, "escalated") in await _notified(world)


async def test_a_flag_raised_on_friday_afternoon_goes_up_on_monday(world: World) -> None:
    jo, kim = await _seniors(world)
    alex = await world.person()
    world.clock.now = london(2026, 11, 27, 16, 0)  # Friday
    flag = await _raise(world, alex)
    monday_noon = london(2026, 11, 30, 12, 0)
    assert (await world.get(Flag, flag.id)).escalate_at == monday_noon
    for moment in (
        london(2026, 11, 27, 20, 0),  # Friday evening
        london(2026, 11, 28, 12, 0),  # Saturday
        london(2026, 11, 29, 23, 0),  # Sunday night
        london(2026, 11, 30, 11, 59),  # Monday, a minute before
    ):
        world.clock.now = moment
        assert await world.run() == 0, moment
    world.clock.now = monday_noon
    assert await world.run() == 1
    assert len(await _notified(world)) == 2


async def test_a_bank_holiday_is_not_an_office_day(world: World) -> None:
    await _seniors(world)
    alex = await world.person()
    # Friday 22 May 2026, 16:00 BST; Monday 25 May is the spring bank holiday.
    world.clock.now = london(2026, 5, 22, 16, 0)
    flag = await _raise(world, alex, kind="callback", callback_requested_at=world.clock())
    tuesday_noon = london(2026, 5, 26, 12, 0)
    assert (await world.get(Flag, flag.id)).escalate_at == tuesday_noon
    world.clock.now = london(2026, 5, 25, 16, 0)
    assert await world.run() == 0
    world.clock.now = tuesday_noon
    assert await world.run() == 1
    assert await _outcomes(world) == [(tuesday_noon, "sent")]


async def test_each_organisation_chooses_its_hours(world: World) -> None:
    await world.update(world.org, escalation_hours=1)
    alex = await world.person()
    flag = await _raise(world, alex)
    assert (await world.get(Flag, flag.id)).escalate_at == MONDAY + timedelta(hours=1)
    # A repeat message (flag_raised again) keeps the first deadline, and one job.
    world.clock.advance(minutes=30)
    async with world.db.transaction() as session:
        row = await session.get(Flag, flag.id)
        assert row is not None
        await escalation.flag_raised(session, row, now=world.clock())
    assert await _outcomes(world) == [(MONDAY + timedelta(hours=1), None)]
    # A setting out of range (written by hand) is kept within 1 to 40.
    await world.update(world.org, escalation_hours=0)
    bo = await world.person("Bo Example")
    other = await _raise(world, bo)
    assert (await world.get(Flag, other.id)).escalate_at == world.clock() + timedelta(hours=1)


async def test_no_senior_still_marks_it_sent_up(world: World) -> None:
    alex = await world.person()
    flag = await _raise(world, alex)
    world.clock.advance(hours=4)
    assert await world.run() == 1
    assert await _outcomes(world) == [(MONDAY + timedelta(hours=4), "skipped:no_senior")]
    # Marked all the same, so the case manager's caseload shows it went up.
    assert (await world.get(Flag, flag.id)).escalated_at == world.clock()
    assert await _notified(world) == []


async def test_a_waiting_email_to_a_senior_is_not_doubled(world: World) -> None:
    jo, kim = await _seniors(world)
    alex = await world.person()
    await _raise(world, alex)
    world.clock.advance(minutes=20)
    await _raise(world, alex, kind="callback", callback_requested_at=world.clock())
    world.clock.advance(hours=5)
    assert await world.run() == 2
    # Both flags went up; while the first email waits, the second adds none.
    assert [o for _, o in await _outcomes(world)] == ["sent", "sent"]
    assert sorted(await _notified(world)) == sorted(
        [(jo.id, alex.id, "escalated"), (kim.id, alex.id, "escalated")]
    )


async def test_two_jobs_for_one_flag_in_one_pass_tell_the_seniors_once(world: World) -> None:
    await _seniors(world)
    alex = await world.person()
    flag = await _raise(world, alex)
    due_at = MONDAY + timedelta(hours=4)
    async with world.db.transaction() as session:
        # As if a second server had scheduled it again a moment later.
        await due.schedule(session, KIND, flag.id or 0, due_at + timedelta(seconds=1), alex.id)
    world.clock.now = due_at + timedelta(minutes=1)
    assert await world.run() == 2
    assert [o for _, o in await _outcomes(world)] == ["sent", "skipped:escalated"]
    assert len(await _notified(world)) == 2


async def test_two_servers_at_once_tell_the_seniors_once(world: World) -> None:
    """Two schedulers (two processes' connections on PostgreSQL) take one job each for the
    same flag at the same moment: the first holds the flag while it commits, the second waits
    for it and then finds it already sent up."""
    await _seniors(world)
    alex = await world.person()
    flag = await _raise(world, alex)
    due_at = MONDAY + timedelta(hours=4)
    async with world.db.transaction() as session:
        await due.schedule(session, KIND, flag.id or 0, due_at + timedelta(seconds=1), alex.id)
    world.clock.now = due_at + timedelta(minutes=1)

    first_done = asyncio.Event()
    release = asyncio.Event()

    async def slow(ctx: Context, job: Job) -> str:
        outcome = await HANDLERS[KIND](ctx, job)
        first_done.set()
        await release.wait()  # the transaction stays open, its row locks held
        return outcome

    async def wait_first(ctx: Context, job: Job) -> str:
        await first_done.wait()
        return await HANDLERS[KIND](ctx, job)

    second_db = Database(world.db.url) if world.db.dialect == "postgresql" else world.db
    one = Scheduler(world.db, catalogue(), world.clock, handlers={KIND: slow}, batch=1)
    two = Scheduler(second_db, catalogue(), world.clock, handlers={KIND: wait_first}, batch=1)
    try:
        first = asyncio.create_task(one._round(world.clock()))
        await asyncio.wait_for(first_done.wait(), timeout=10)
        second = asyncio.create_task(two._round(world.clock()))
        # On PostgreSQL the second waits on the first's lock; on SQLite on its writer's turn.
        await asyncio.sleep(0.3)
        assert not second.done()
        release.set()
        assert await asyncio.wait_for(first, timeout=10) == 1
        assert await asyncio.wait_for(second, timeout=10) == 1
    finally:
        release.set()
        if second_db is not world.db:
            await second_db.dispose()
    assert sorted(o or "" for _, o in await _outcomes(world)) == ["sent", "skipped:escalated"]
    assert len(await _notified(world)) == 2
