"""After the crisis reply, through the real bot on SQLite and on PostgreSQL with the clock moved
(never slept on): a flag nobody deals with goes to the organisation's seniors once its office
hours have passed, and the person saying "I'm OK" does not stop that; a flag staff resolve in
time goes no further."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.sandbox.server import SandboxServer
from bot.scheduling.quiet import local_moment, zone
from storage.models import Flag, ServiceUser, Staff, StaffNotification
from tests.support.review import Clock
from tests.support.tandem import Harness, running_tandem

LONDON = zone("Europe/London")


def a_tuesday_at_ten() -> datetime:
    """10:00 London on a Tuesday in a week with no bank holiday."""
    return local_moment(datetime(2026, 11, 24).date(), time(10, 0), LONDON)


@pytest.fixture
async def tandem(sandbox: SandboxServer, tmp_path: Path, db_url: str) -> AsyncIterator[Harness]:
    clock = Clock(a_tuesday_at_ten())
    async with running_tandem(sandbox, tmp_path, clock=clock, database_url=db_url) as harness:
        yield harness


async def with_a_senior(tandem: Harness, person_id: int) -> Staff:
    async with tandem.db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
        assert person is not None
        senior = Staff(
            organisation_id=person.organisation_id,
            email=f"jo{person_id}@example.org",
            name="Jo Williams",
            role="senior",
        )
        session.add(senior)
        await session.flush()
        return senior


async def flag_and_notes(tandem: Harness, senior: Staff) -> tuple[Flag, list[StaffNotification]]:
    async with tandem.db.transaction() as session:
        flag = (await session.exec(select(Flag))).one()
        notes = (
            await session.exec(
                select(StaffNotification).where(StaffNotification.staff_id == senior.id)
            )
        ).all()
    return flag, list(notes)


async def move_on(tandem: Harness, **delta: float) -> None:
    clock = tandem.running.clock
    assert isinstance(clock, Clock)
    clock.advance(**delta)
    assert tandem.running.scheduler is not None
    await tandem.running.scheduler.run_once()


async def test_a_flag_left_goes_to_the_seniors_even_after_im_ok(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Sky")
    senior = await with_a_senior(tandem, person_id)
    await chat.send("i cant do this anymore, i want to die")
    await chat.wait_for(lambda m: "I'm OK" in m.labels)
    await chat.click("I'm OK")
    await chat.wait_for("Thank you for letting me know")
    flag, notes = await flag_and_notes(tandem, senior)
    assert flag.escalate_at == a_tuesday_at_ten() + timedelta(hours=4)
    await move_on(tandem, hours=3, minutes=59)
    flag, notes = await flag_and_notes(tandem, senior)
    assert flag.escalated_at is None and notes == []
    await move_on(tandem, minutes=2)
    flag, notes = await flag_and_notes(tandem, senior)
    assert flag.person_choice == "ok" and flag.resolved_at is None
    assert flag.escalated_at is not None
    assert [n.kind for n in notes] == ["escalated"]
    await move_on(tandem, hours=8)
    assert len((await flag_and_notes(tandem, senior))[1]) == 1, "once"


async def test_a_flag_dealt_with_in_time_goes_no_further(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Tam")
    senior = await with_a_senior(tandem, person_id)
    await chat.send("/help")
    await chat.wait_for(lambda m: "Ask my probation officer to call me" in m.labels)
    await chat.click("Ask my probation officer to call me")
    await chat.wait_for("I've asked your probation officer to call you")
    async with tandem.db.transaction() as session:
        flag = (await session.exec(select(Flag))).one()
        assert flag.kind == "callback" and flag.escalate_at is not None
        flag.resolved_at = a_tuesday_at_ten() + timedelta(hours=1)
        flag.resolution = "Called them back; they are OK."
        session.add(flag)
    await move_on(tandem, hours=30)
    flag, notes = await flag_and_notes(tandem, senior)
    assert flag.escalated_at is None and notes == []
