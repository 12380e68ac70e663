"""Between appointments, end to end through the sandbox with the real bot, on SQLite and on
PostgreSQL: a case manager sets a tool before an appointment, the invitation arrives when the
clock is moved on (never in quiet hours), the person starts and shares it, nudges stop and
start again with /stop_reminders and /start_reminders, what is not done expires at the
appointment, /next says when it is, and nothing is lost or sent twice across a restart.

The clock is moved, never slept on: Tandem reads one clock everywhere (serve(clock=...)).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.conversations.dates import day_text
from bot.sandbox.client import Chat, Message
from bot.sandbox.server import SandboxServer
from bot.scheduling import appointments, assignments
from bot.scheduling.quiet import local_moment, zone
from bot.scheduling.scheduler import Scheduler
from storage.db import Database
from storage.models import Appointment, Assignment, DueJob, OutboxMessage, ServiceUser, Staff
from tests.support.notices import is_notice, notices, show_me
from tests.support.review import Clock
from tests.support.tandem import Harness, new_token, running_tandem
from tests.telegram.test_check_and_share import FIRST_EIGHT

LONDON = zone("Europe/London")
FIRST_LINE = "You have something new in Tandem."
START = "Start: Good day, bad day"


def next_monday(after: datetime) -> datetime:
    """10:00 London on the first Monday after ``after``: every test's "now"."""
    day = after.astimezone(LONDON).date() + timedelta(days=1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return local_moment(day, time(10, 0), LONDON)


def at(day: datetime, hour: int, minute: int = 0, days: int = 0) -> datetime:
    """``hour``:``minute`` London time, ``days`` after the day of ``day``."""
    local_day = day.astimezone(LONDON).date() + timedelta(days=days)
    return local_moment(local_day, time(hour, minute), LONDON)


@pytest.fixture
async def tandem(sandbox: SandboxServer, tmp_path: Path, db_url: str) -> AsyncIterator[Harness]:
    """Tandem on SQLite and on PostgreSQL in turn, reading a clock the test moves."""
    clock = Clock(datetime.now(UTC))
    async with running_tandem(sandbox, tmp_path, clock=clock, database_url=db_url) as harness:
        yield harness


def clock_of(tandem: Harness) -> Clock:
    clock = tandem.running.clock
    assert isinstance(clock, Clock)
    return clock


def scheduler_of(tandem: Harness) -> Scheduler:
    assert tandem.running.scheduler is not None
    return tandem.running.scheduler


async def sam_for(tandem: Harness, person_id: int) -> Staff:
    """Sam Jones, the person's case manager (enrol() puts people in "Tandem")."""
    async with tandem.db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
        assert person is not None
        sam = (await session.exec(select(Staff).where(Staff.email == "sam@example.org"))).first()
        if sam is None:
            sam = Staff(
                organisation_id=person.organisation_id, email="sam@example.org", name="Sam Jones"
            )
            session.add(sam)
            await session.flush()
        person.case_manager_id = sam.id
        session.add(person)
        return sam


async def book(
    tandem: Harness, person_id: int, when: datetime, *, kind: str = "in_person", place: str = ""
) -> Appointment:
    async with tandem.db.transaction() as session:
        appointment = Appointment(
            service_user_id=person_id,
            at=when,
            kind=kind,
            place=place,
            created_at=clock_of(tandem)(),
        )
        session.add(appointment)
        await session.flush()
        await appointments.appointment_changed(session, appointment, clock_of(tandem)())
    return appointment


async def set_tool(
    tandem: Harness,
    person_id: int,
    due_at: datetime,
    *,
    tool: str = "good_day_bad_day",
    note: str | None = None,
    appointment_id: int | None = None,
) -> Assignment:
    """What the review app's form does: set a tool, then wake the scheduler."""
    sam = await sam_for(tandem, person_id)
    async with tandem.db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
        assert person is not None
        (made,) = await assignments.set_tools(
            session,
            person=person,
            tools=[tool],
            appointment_id=appointment_id,
            due_at=due_at,
            note=note,
            staff_id=sam.id,
            now=clock_of(tandem)(),
        )
    scheduler_of(tandem).wake()
    return made


async def assignment(tandem: Harness, assignment_id: int | None) -> Assignment:
    async with tandem.db.transaction() as session:
        row = await session.get(Assignment, assignment_id)
        assert row is not None
        return row


async def outcomes(tandem: Harness, kind: str) -> list[str | None]:
    async with tandem.db.transaction() as session:
        rows = await session.exec(
            select(DueJob).where(DueJob.kind == kind).order_by(col(DueJob.due_at), col(DueJob.id))
        )
        return [j.outcome for j in rows.all()]


async def from_now_on(chat: Chat) -> None:
    """Later waits look only at what arrives after this (the clock is about to move)."""
    await chat.refresh()
    chat.mark_action(chat.seq)


async def nothing_arrives(tandem: Harness, chat: Chat) -> None:
    """The scheduler has looked (and committed), the sender had its chance, and nothing new
    came; nothing is waiting in the outbox either."""
    await scheduler_of(tandem).run_once()
    assert [m.text for m in await chat.replies(settle=0.5)] == []
    async with tandem.db.transaction() as session:
        waiting = await session.exec(
            select(OutboxMessage).where(
                OutboxMessage.chat_id == chat.user_id, col(OutboxMessage.sent_at).is_(None)
            )
        )
        assert list(waiting.all()) == []


async def woken(tandem: Harness, chat: Chat, match: str) -> Message:
    scheduler_of(tandem).wake()
    return await chat.wait_for(match)


def menu_with_buttons(message: Message) -> bool:
    # Not the menu from before, whose buttons have just been taken away.
    return "What would you like to do?" in (message.text or "") and bool(message.buttons)


async def test_a_tool_set_before_an_appointment_is_invited_started_and_shared(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Alex")
    clock = clock_of(tandem)
    clock.now = monday = next_monday(clock.now)
    tuesday = at(monday, 10, 30, days=8)
    appointment = await book(tandem, person_id, tuesday, place="Station Road")
    await from_now_on(chat)
    made = await set_tool(
        tandem,
        person_id,
        tuesday,
        note="Have a think about a good week - we'll talk about it",
        appointment_id=appointment.id,
    )
    invitation = await chat.wait_for(FIRST_LINE)
    # On the lock screen: one neutral line. What it is about shows after the tap.
    assert is_notice(invitation)
    invitation = await show_me(chat, invitation)
    day = day_text(tuesday, LONDON)
    assert invitation.text == (
        f"Sam would like you to try: Good day, bad day — before {day}.\n\n"
        "Sam says: “Have a think about a good week - we'll talk about it”"
    )
    assert invitation.labels == [START]
    assert invitation.data_for(START) == "m:good_day_bad_day"

    # /menu shows what is set first, then everything else.
    await chat.send("/menu")
    first = await chat.wait_for(f"Set by Sam before {day}:")
    assert first.labels == ["Good day, bad day"]
    rest = await chat.wait_for(menu_with_buttons)
    assert "Good day, bad day" not in rest.labels and "My hopes" in rest.labels

    # The person starts it from the invitation: started; then shares it: shared.
    await chat.click(START, message_id=invitation.id)
    await chat.wait_for(lambda m: "Think of a good day" in (m.text or "") and bool(m.buttons))
    assert (await assignment(tandem, made.id)).status == "started"
    for answer in FIRST_EIGHT:
        await chat.send(answer)
        await chat.wait_for(lambda m: bool(m.buttons) and "?" in (m.text or ""))
    await chat.click("Not now")
    await chat.wait_for(lambda m: "Share with my probation officer" in m.labels)
    await chat.click("Share with my probation officer")
    await chat.wait_for("That's it for Good day, bad day. Thank you.")
    shared = await assignment(tandem, made.id)
    assert shared.status == "shared" and shared.conversation_id is not None

    # Done, so no nudges: the next ones find it shared.
    clock.now = at(monday, 10, days=2)
    await from_now_on(chat)
    await nothing_arrives(tandem, chat)
    assert "skipped:shared" in await outcomes(tandem, "nudge")
    # The menu no longer puts it first.
    await chat.send("/menu")
    menu = await chat.wait_for(menu_with_buttons)
    assert [m.text for m in await chat.replies() if m.text.startswith("Set by")] == []
    assert "Good day, bad day" in menu.labels

    # /next says when and where.
    await chat.send("/next")
    await chat.wait_for(f"Your next appointment is on {day} at 10:30am, at Station Road.")


async def test_set_at_half_past_ten_at_night_it_arrives_at_nine(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Bea")
    clock = clock_of(tandem)
    monday = next_monday(clock.now)
    clock.now = at(monday, 22, 30)
    await from_now_on(chat)
    await set_tool(tandem, person_id, at(monday, 14, days=3))
    await nothing_arrives(tandem, chat)
    assert await outcomes(tandem, "invite") == ["deferred", None]
    clock.now = at(monday, 8, 59, days=1)
    await nothing_arrives(tandem, chat)
    clock.now = at(monday, 9, 0, days=1)
    invitation = await woken(tandem, chat, FIRST_LINE)
    assert is_notice(invitation)
    assert (await show_me(chat, invitation)).labels == [START]
    assert await outcomes(tandem, "invite") == ["deferred", "sent"]


async def test_stop_reminders_stops_nudges_and_start_reminders_brings_them_back(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Cy")
    clock = clock_of(tandem)
    clock.now = monday = next_monday(clock.now)
    # Due Tuesday week: nudges on Wednesday, on Saturday and on the Monday before.
    made = await set_tool(tandem, person_id, at(monday, 10, 30, days=8))
    await chat.wait_for(FIRST_LINE)

    await chat.send("/stop_reminders")
    stopped = await chat.wait_for("OK, I've stopped reminders.")
    assert "You'll still get my replies" in stopped.text and "/start_reminders" in stopped.text
    await chat.send("/stop_reminders")
    await chat.wait_for("Reminders are already off.")
    clock.now = at(monday, 10, days=2)
    await from_now_on(chat)
    await nothing_arrives(tandem, chat)
    assert await outcomes(tandem, "nudge") == ["skipped:stopped", None, None]

    await chat.send("/start_reminders")
    await chat.wait_for("OK, reminders are back on.")
    clock.now = at(monday, 10, days=5)
    await from_now_on(chat)
    nudge = await show_me(chat, await woken(tandem, chat, FIRST_LINE))
    assert nudge.text.startswith("Just a reminder: Sam would like you to try Good day, bad day")
    assert "/stop_reminders" in nudge.text and nudge.labels == [START]
    assert (await assignment(tandem, made.id)).nudges == 1


async def test_not_done_by_the_appointment_it_expires(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Dee")
    clock = clock_of(tandem)
    clock.now = monday = next_monday(clock.now)
    wednesday = at(monday, 14, days=2)
    appointment = await book(tandem, person_id, wednesday, kind="phone")
    made = await set_tool(tandem, person_id, wednesday, appointment_id=appointment.id)
    await chat.wait_for(FIRST_LINE)
    # The reminder the day before, at nine, says when and how.
    clock.now = at(monday, 9, days=1)
    await from_now_on(chat)
    reminder = await show_me(chat, await woken(tandem, chat, FIRST_LINE))
    assert reminder.text.split("\n")[0] == (
        f"Your next appointment is tomorrow, {day_text(wednesday, LONDON)}, at 2pm, by phone."
    )
    clock.now = wednesday
    await from_now_on(chat)
    await scheduler_of(tandem).run_once()
    assert (await assignment(tandem, made.id)).status == "expired"
    await chat.send("/menu")
    await chat.wait_for(menu_with_buttons)
    assert [m.text for m in await chat.replies() if m.text.startswith("Set by")] == []
    await chat.send("/next")
    await chat.wait_for("I don't know of an appointment for you yet.")


async def test_next_in_welsh(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Nia")
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    clock = clock_of(tandem)
    clock.now = monday = next_monday(clock.now)
    await book(tandem, person_id, at(monday, 10, 30, days=1), place="Heol y Gorsaf")
    await chat.send("/next")
    said = await chat.wait_for("Mae eich apwyntiad nesaf")
    assert said.text == (
        f"Mae eich apwyntiad nesaf {day_text(at(monday, 10, 30, days=1), LONDON, 'cy', on=True)} "
        "am 10:30yb, yn Heol y Gorsaf."
    )
    await chat.send("/help")
    await chat.wait_for("/stop_reminders - stopio nodiadau atgoffa")


async def test_jobs_survive_a_restart_nothing_lost_nothing_sent_twice(
    sandbox: SandboxServer, tmp_path: Path, db_url: str
) -> None:
    token = new_token()
    clock = Clock(datetime.now(UTC))
    async with running_tandem(
        sandbox, tmp_path, clock=clock, database_url=db_url, telegram_token=token
    ) as first:
        chat, person_id = await first.joined_chat("Eve")
        clock.now = monday = next_monday(clock.now)
        made = await set_tool(first, person_id, at(monday, 10, 30, days=8))
        await chat.wait_for(FIRST_LINE)
    # While Tandem is stopped, a case manager sets another tool (as the review app on another
    # server would) and the time for the first nudge goes by.
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            person = await session.get(ServiceUser, person_id)
            assert person is not None
            await assignments.set_tools(
                session,
                person=person,
                tools=["aspirations"],
                appointment_id=None,
                due_at=at(monday, 10, 30, days=8),
                note=None,
                staff_id=made.set_by,
                now=clock(),
            )
    finally:
        await db.dispose()
    clock.now = at(monday, 10, days=2)
    async with running_tandem(
        sandbox, tmp_path, clock=clock, database_url=db_url, telegram_token=token
    ) as second:
        chat.client = second.client
        # The new tool's invitation and the nudge both arrive after the restart, once; "Show
        # me" works on all three, the one sent before the restart too.
        await notices(chat, 3)
        await chat.replies(settle=0.5)
        await scheduler_of(second).run_once()
        await chat.replies(settle=0.5)
        arrived = await notices(chat, 3)
        assert len(arrived) == 3, arrived
        sent = [(await show_me(chat, n)).text or "" for n in arrived]
        assert sum("Just a reminder" in t for t in sent) == 1
        assert sum("My hopes" in t for t in sent) == 1, sent
