"""The due jobs, handled by the scheduler on SQLite and PostgreSQL with the clock moved
forward: invitations, nudges and their limits, quiet hours, expiry, appointment reminders,
check-ins, failures, and restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversations.messages import Outgoing
from bot.scheduling import appointments, assignments, checkins
from bot.scheduling.jobs import HANDLERS, Context, Job
from bot.scheduling.quiet import zone
from bot.scheduling.scheduler import Scheduler
from storage import due
from storage.models import Appointment, Assignment, CheckinSchedule, Organisation
from tests.scheduling.conftest import MONDAY, World
from tests.support.review import catalogue

LONDON = zone("Europe/London")
FIRST_LINE = "You have something new in Tandem."
# Tuesday 1 December 2026, 10:30 (GMT).
APPOINTMENT = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


def texts(messages: list[Outgoing]) -> list[str]:
    return [m.text for m in messages]


async def outcomes(world: World, kind: str) -> list[tuple[datetime, str | None]]:
    return [(j.due_at, j.outcome) for j in await world.jobs(kind)]


# -- invitations -----------------------------------------------------------------------------


async def test_an_invitation_with_a_neutral_first_line_the_note_and_a_start_button(
    world: World,
) -> None:
    alex = await world.person()
    (set_,) = await world.set_tools(
        alex,
        ["good_day_bad_day"],
        APPOINTMENT,
        note="Have a think about last week - we'll talk on Tuesday",
    )
    assert await world.run() == 1
    (message,) = await world.sent(alex)
    assert message.text == (
        "Sam would like you to try: Good day, bad day — before Tuesday 1 December.\n\n"
        "Sam says: “Have a think about last week - we'll talk on Tuesday”"
    )
    assert [[(b.label, b.data) for b in row] for row in message.buttons] == [
        [("Start: Good day, bad day", "m:good_day_bad_day")]
    ]
    # Pressable later too: starting a tool checks itself.
    assert message.keep_buttons
    invited = await world.get(Assignment, set_.id)
    assert invited.status == "set" and invited.invited_at == MONDAY
    assert await outcomes(world, "invite") == [(MONDAY, "sent")]
    # Handled once: running again sends nothing more.
    assert await world.run() == 0
    assert len(await world.sent(alex)) == 1


async def test_tools_set_together_come_in_one_message_in_welsh_too(world: World) -> None:
    nia = await world.person("Nia Example", language="cy")
    await world.set_tools(nia, ["good_day_bad_day", "aspirations"], APPOINTMENT)
    await world.run()
    (message,) = await world.sent(nia)
    (notice,) = await world.notices(nia)
    assert notice.text == "Mae gennych chi rywbeth newydd yn Tandem."
    assert [[b.label for b in row] for row in notice.buttons] == [["Dangos i mi"]]
    second, *tools = message.text.split("\n")
    assert second == "Hoffai Sam i chi roi cynnig ar y rhain cyn dydd Mawrth 1 Rhagfyr:"
    assert len(tools) == 2 and all(t.startswith("• ") for t in tools)
    assert [row[0].data for row in message.buttons] == ["m:good_day_bad_day", "m:aspirations"]
    assert all(row[0].label.startswith("Dechrau: ") for row in message.buttons)
    invites = await outcomes(world, "invite")
    assert sorted(o or "" for _, o in invites) == ["sent", "skipped:invited"]


async def test_no_staff_name_known_says_your_probation_officer(world: World) -> None:
    alex = await world.person()
    async with world.db.transaction() as session:
        await assignments.set_tools(
            session,
            person=alex,
            tools=["aspirations"],
            appointment_id=None,
            due_at=APPOINTMENT,
            note=None,
            staff_id=None,
            now=world.clock(),
        )
    await world.run()
    (message,) = await world.sent(alex)
    assert message.text.startswith("Your probation officer would like you to try")


async def test_an_invitation_set_at_2230_waits_until_0900(world: World) -> None:
    alex = await world.person()
    world.clock.now = london(2026, 11, 23, 22, 30)
    await world.set_tools(alex, ["good_day_bad_day"], APPOINTMENT)
    await world.run()
    assert await world.sent(alex) == []
    morning = london(2026, 11, 24, 9, 0)
    assert await outcomes(world, "invite") == [
        (london(2026, 11, 23, 22, 30), "deferred"),
        (morning, None),
    ]
    world.clock.now = morning - timedelta(seconds=1)
    assert await world.run() == 0
    world.clock.now = morning
    await world.run()
    (message,) = await world.notices(alex)
    assert message.text == FIRST_LINE
    assert (await outcomes(world, "invite"))[-1] == (morning, "sent")


async def test_quiet_hours_follow_the_persons_own_time_zone(world: World) -> None:
    # 22:30 in London is 23:30 in Madrid, and 07:00 London is 08:00 there: quiet in both.
    ana = await world.person("Ana Example", timezone="Europe/Madrid")
    world.clock.now = london(2026, 11, 23, 22, 30)
    await world.set_tools(ana, ["aspirations"], APPOINTMENT)
    await world.run()
    assert (await outcomes(world, "invite"))[-1] == (datetime(2026, 11, 24, 8, 0, tzinfo=UTC), None)


async def test_people_not_linked_or_unreachable_get_nothing(world: World) -> None:
    new = await world.person("New Example", linked=False)
    gone = await world.person("Gone Example", unreachable_at=MONDAY, unreachable_reason="blocked")
    await world.set_tools(new, ["aspirations"], APPOINTMENT)
    await world.set_tools(gone, ["aspirations"], APPOINTMENT)
    await world.run()
    assert await world.sent(new) == [] and await world.sent(gone) == []
    assert sorted(o or "" for _, o in await outcomes(world, "invite")) == [
        "skipped:not_linked",
        "skipped:unreachable",
    ]


async def test_cancelled_by_staff_nothing_more_is_sent(world: World) -> None:
    alex = await world.person()
    (set_,) = await world.set_tools(alex, ["aspirations"], APPOINTMENT)
    async with world.db.transaction() as session:
        row = await session.get(Assignment, set_.id)
        assert row is not None
        await assignments.cancel_assignment(session, row, world.clock())
    await world.run()
    assert await world.sent(alex) == []
    assert (await world.get(Assignment, set_.id)).status == "cancelled"
    assert {j.outcome for j in await world.jobs(ref_id=set_.id)} == {"cancelled"}


async def test_setting_the_same_tool_again_replaces_it(world: World) -> None:
    alex = await world.person()
    (old,) = await world.set_tools(alex, ["aspirations"], APPOINTMENT)
    (new,) = await world.set_tools(alex, ["aspirations"], APPOINTMENT, note="Again")
    await world.run()
    (message,) = await world.sent(alex)
    assert "Again" in message.text
    assert (await world.get(Assignment, old.id)).status == "cancelled"
    assert (await world.get(Assignment, new.id)).invited_at is not None


# -- nudges ------------------------------------------------------------------------------------


async def nudged(world: World, person: object) -> list[str]:
    return [t for t in texts(await world.sent(person)) if "Just a reminder" in t]  # type: ignore[arg-type]


async def test_a_gentle_nudge_then_one_the_day_before(world: World) -> None:
    alex = await world.person()
    # Due in eight days (Tuesday week at 10:30).
    due_at = london(2026, 12, 1, 10, 30)
    (set_,) = await world.set_tools(alex, ["good_day_bad_day"], due_at)
    await world.run()
    nudges = [j.due_at for j in await world.jobs("nudge", set_.id)]
    assert nudges == [
        MONDAY + timedelta(days=2),
        MONDAY + timedelta(days=5),
        due_at - timedelta(days=1),
    ]
    world.clock.now = MONDAY + timedelta(days=2)
    await world.run()
    (text,) = await nudged(world, alex)
    assert text == (
        "Just a reminder: Sam would like you to try Good day, bad day before Tuesday 1 December. "
        "You can start whenever it suits you.\n\n"
        "If you'd rather not get reminders, send /stop_reminders."
    )
    row = await world.get(Assignment, set_.id)
    assert row.nudges == 1 and row.last_nudged_at == world.clock.now


async def test_no_nudge_once_started_and_none_when_reminders_are_stopped(world: World) -> None:
    alex = await world.person()
    bo = await world.person("Bo Example")
    (alex_set,) = await world.set_tools(alex, ["aspirations"], APPOINTMENT)
    await world.set_tools(bo, ["aspirations"], APPOINTMENT)
    await world.run()
    conv = await world.conversation(alex, "aspirations")
    async with world.db.transaction() as session:
        await assignments.started(session, alex.id or 0, "aspirations", conv.id or 0, world.clock())
    await world.update(bo, reminders_stopped_at=world.clock())
    world.clock.advance(days=2)
    await world.run()
    assert await nudged(world, alex) == [] and await nudged(world, bo) == []
    assert sorted(o or "" for _, o in await outcomes(world, "nudge") if o) == [
        "skipped:started",
        "skipped:stopped",
    ]
    # /start_reminders: the next one goes.
    await world.update(bo, reminders_stopped_at=None)
    world.clock.now = APPOINTMENT - timedelta(days=1)
    await world.run()
    assert len(await nudged(world, bo)) == 1
    assert (await world.get(Assignment, alex_set.id)).conversation_id == conv.id


async def test_at_most_one_nudge_a_day_for_a_tool(world: World) -> None:
    alex = await world.person()
    (set_,) = await world.set_tools(alex, ["aspirations"], APPOINTMENT)
    await world.run()
    # Two more nudges for the same tool fall on the same day as the first.
    world.clock.now = london(2026, 11, 25, 10, 0)
    async with world.db.transaction() as session:
        for hours in (2, 5):
            await due.schedule(
                session, "nudge", set_.id or 0, world.clock() + timedelta(hours=hours), alex.id
            )
    for hours in (0, 2, 5):
        world.clock.now = london(2026, 11, 25, 10 + hours, 0)
        await world.run()
    assert len(await nudged(world, alex)) == 1
    assert [o for _, o in await outcomes(world, "nudge")][:3] == [
        "sent",
        "skipped:today",
        "skipped:today",
    ]
    # Not on the day of the invitation either.
    bo = await world.person("Bo Example")
    (bo_set,) = await world.set_tools(bo, ["aspirations"], APPOINTMENT)
    await world.run()
    async with world.db.transaction() as session:
        await due.schedule(
            session, "nudge", bo_set.id or 0, world.clock() + timedelta(hours=1), bo.id
        )
    world.clock.advance(hours=1)
    await world.run()
    assert await nudged(world, bo) == []


async def invited(world: World, person: object, tool: str) -> Assignment:
    """A tool set and invited on Monday, due in a month, with no nudges of its own."""
    async with world.db.transaction() as session:
        one = Assignment(
            service_user_id=person.id,  # type: ignore[attr-defined]
            tool=tool,
            due_at=MONDAY + timedelta(days=30),
            set_by=world.sam.id,
            invited_at=MONDAY,
        )
        session.add(one)
    return one


async def nudge_at(world: World, one: Assignment, moment: datetime) -> None:
    async with world.db.transaction() as session:
        await due.schedule(session, "nudge", one.id or 0, moment, one.service_user_id)


async def test_at_most_three_nudges_a_week_and_one_a_day_for_one_person(world: World) -> None:
    alex = await world.person()
    tools = ["aspirations", "good_day_bad_day", "people_in_my_life", "four_plus_one"]
    made = [await invited(world, alex, tool) for tool in tools]
    # Two on Tuesday for different tools: one a day for the person, so one goes.
    tuesday = MONDAY + timedelta(days=1)
    await nudge_at(world, made[0], tuesday)
    await nudge_at(world, made[1], tuesday + timedelta(hours=1))
    # Then one a day on Wednesday, Thursday and Friday.
    for day, one in enumerate(made[1:], start=2):
        await nudge_at(world, one, MONDAY + timedelta(days=day))
    for hours in range(0, 5 * 24, 1):
        world.clock.now = tuesday + timedelta(hours=hours)
        await world.run()
    # Tuesday, Wednesday, Thursday; Friday's would be the fourth in a week.
    assert len(await nudged(world, alex)) == 3
    assert [o for _, o in await outcomes(world, "nudge")] == [
        "sent",
        "skipped:today",
        "sent",
        "sent",
        "skipped:week",
    ]
    # A week after Tuesday's there is room again.
    await nudge_at(world, made[3], tuesday + timedelta(days=7, hours=1))
    world.clock.now = tuesday + timedelta(days=7, hours=1)
    await world.run()
    assert len(await nudged(world, alex)) == 4


async def test_a_nudge_in_quiet_hours_waits_for_the_morning(world: World) -> None:
    alex = await world.person()
    (set_,) = await world.set_tools(alex, ["aspirations"], APPOINTMENT)
    await world.run()
    late = london(2026, 11, 25, 23, 15)
    async with world.db.transaction() as session:
        await due.schedule(session, "nudge", set_.id or 0, late, alex.id)
    world.clock.now = late
    await world.run()
    assert await nudged(world, alex) == []
    world.clock.now = london(2026, 11, 26, 9, 0)
    await world.run()
    assert len(await nudged(world, alex)) == 1
    assert (late, "deferred") in await outcomes(world, "nudge")


# -- status and expiry ----------------------------------------------------------------------------


async def test_status_follows_what_the_person_and_the_case_manager_do(world: World) -> None:
    alex = await world.person()
    (a, b) = await world.set_tools(alex, ["aspirations", "good_day_bad_day"], APPOINTMENT)
    await world.run()
    conv = await world.conversation(alex, "aspirations")
    async with world.db.transaction() as session:
        await assignments.started(session, alex.id or 0, "aspirations", conv.id or 0, world.clock())
        assert (await session.get(Assignment, a.id)).status == "started"  # type: ignore[union-attr]
        await assignments.shared(session, conv, world.clock())
        assert (await session.get(Assignment, a.id)).status == "shared"  # type: ignore[union-attr]
        await assignments.reviewed(session, conv.id or 0, world.clock())
    assert (await world.get(Assignment, a.id)).status == "reviewed"
    # Not done by the appointment: expired, and nothing more is sent about it.
    world.clock.now = APPOINTMENT
    before = len(await world.sent(alex))
    await world.run()
    assert (await world.get(Assignment, b.id)).status == "expired"
    assert (await world.get(Assignment, a.id)).status == "reviewed"
    assert len(await world.sent(alex)) == before
    assert {o for _, o in await outcomes(world, "expire")} == {"expired", "skipped:reviewed"}


# -- appointments ----------------------------------------------------------------------------


async def add_appointment(
    world: World, person: object, at: datetime, *, kind: str = "in_person", place: str = ""
) -> Appointment:
    async with world.db.transaction() as session:
        appointment = Appointment(
            service_user_id=person.id,  # type: ignore[attr-defined]
            at=at,
            kind=kind,
            place=place,
            created_at=world.clock(),
        )
        session.add(appointment)
        await session.flush()
        await appointments.appointment_changed(session, appointment, world.clock())
    return appointment


async def test_reminders_the_day_before_and_on_the_morning(world: World) -> None:
    alex = await world.person()
    appointment = await add_appointment(world, alex, APPOINTMENT, place="Station Road")
    day_before, morning = london(2026, 11, 30, 9, 0), london(2026, 12, 1, 9, 0)
    assert [(j.kind, j.due_at) for j in await world.jobs(ref_id=appointment.id)] == [
        (appointments.DAY_BEFORE, day_before),
        (appointments.MORNING, morning),
    ]
    world.clock.now = day_before
    await world.run()
    world.clock.now = morning
    await world.run()
    assert texts(await world.sent(alex)) == [
        "Your next appointment is tomorrow, Tuesday 1 December, at 10:30am, at Station Road.\n\n"
        "If you can't make it, tap the button below.",
        "Your appointment is today at 10:30am, at Station Road.\n\n"
        "If you can't make it, tap the button below.",
    ]


async def test_a_cancelled_or_moved_appointment_is_not_reminded(world: World) -> None:
    alex = await world.person()
    first = await add_appointment(world, alex, APPOINTMENT, kind="phone")
    (set_,) = await world.set_tools(alex, ["aspirations"], APPOINTMENT, appointment_id=first.id)
    # Moved to Thursday, as the review app does it: the old one cancelled, a new one added.
    thursday = APPOINTMENT + timedelta(days=2)
    async with world.db.transaction() as session:
        old = await session.get(Appointment, first.id)
        assert old is not None
        old.cancelled_at = world.clock()
        session.add(old)
        await appointments.appointment_changed(session, old, world.clock())
    second = await add_appointment(world, alex, thursday, kind="phone", place="07700 900123")
    # The tool set before it follows it.
    moved = await world.get(Assignment, set_.id)
    assert moved.due_at == thursday and moved.appointment_id == second.id
    # An old job left behind (say, by another server) finds it cancelled.
    async with world.db.transaction() as session:
        await due.schedule(
            session, appointments.DAY_BEFORE, first.id or 0, london(2026, 11, 30, 9, 1), alex.id
        )
    for moment in (
        london(2026, 11, 30, 9, 1),
        london(2026, 12, 2, 9, 0),
        london(2026, 12, 3, 9, 0),
    ):
        world.clock.now = moment
        await world.run()
    reminders = [t for t in texts(await world.sent(alex)) if "appointment" in t]
    assert reminders == [
        "Your next appointment is tomorrow, Thursday 3 December, at 10:30am, by phone on "
        "07700 900123.\n\nIf you can't make it, tap the button below.",
        "Your appointment is today at 10:30am, by phone on 07700 900123.\n\n"
        "If you can't make it, tap the button below.",
    ]
    left_behind = await world.jobs(appointments.DAY_BEFORE, first.id)
    assert [j.outcome for j in left_behind] == ["cancelled", "skipped:cancelled"]
    # The tool expires at the new time, not the old one.
    world.clock.now = APPOINTMENT + timedelta(hours=1)
    await world.run()
    assert (await world.get(Assignment, set_.id)).status == "set"


async def test_organisation_settings_and_stopped_reminders(world: World) -> None:
    await world.update(world.org, remind_day_before=False, reminder_hour=8)
    alex = await world.person()
    bo = await world.person("Bo Example", reminders_stopped_at=MONDAY)
    a = await add_appointment(world, alex, APPOINTMENT)
    await add_appointment(world, bo, APPOINTMENT)
    # Only the morning one, at 08:00: in quiet hours, so it waits until 09:00.
    assert [(j.kind, j.due_at) for j in await world.jobs(ref_id=a.id)] == [
        (appointments.MORNING, london(2026, 12, 1, 8, 0))
    ]
    world.clock.now = london(2026, 12, 1, 8, 0)
    await world.run()
    assert await world.sent(alex) == []
    world.clock.now = london(2026, 12, 1, 9, 0)
    await world.run()
    assert (
        texts(await world.sent(alex))[0].split("\n")[0] == "Your appointment is today at 10:30am."
    )
    assert await world.sent(bo) == []
    assert "skipped:stopped" in [o for _, o in await outcomes(world, appointments.MORNING)]
    # Switched off after it was booked: the job finds out when it runs.
    assert (await world.get(Organisation, world.org.id)).remind_on_the_day


# -- check-ins ---------------------------------------------------------------------------------------


async def test_regular_checkins_open_and_invite_then_come_round_again(world: World) -> None:
    alex = await world.person()
    first = london(2026, 11, 24, 10, 0)
    async with world.db.transaction() as session:
        schedule = await checkins.start_schedule(
            session,
            person=alex,
            every_days=7,
            window_days=3,
            first_at=first,
            staff_id=world.sam.id,
            now=world.clock(),
        )
    world.clock.now = first
    await world.run()
    (message,) = await world.sent(alex)
    assert message.text.startswith("Sam would like you to try: Check-in")
    assert "before Friday 27 November" in message.text
    async with world.db.transaction() as session:
        row = await session.get(CheckinSchedule, schedule.id)
        assert row is not None and row.next_at == london(2026, 12, 1, 10, 0)
    (opened,) = [a for a in await all_assignments(world, alex) if a.checkin_schedule_id]
    assert opened.tool == "check_in" and opened.due_at == london(2026, 11, 27, 10, 0)
    # Window over without sharing: expired. Then the next one opens.
    world.clock.now = london(2026, 11, 27, 10, 0)
    await world.run()
    assert (await world.get(Assignment, opened.id)).status == "expired"
    # Stopped: nothing more opens.
    async with world.db.transaction() as session:
        assert await checkins.stop_schedule(session, person=alex, now=world.clock()) is not None
    world.clock.now = london(2026, 12, 1, 10, 0)
    await world.run()
    assert len(await world.sent(alex)) == 1


async def all_assignments(world: World, person: object) -> list[Assignment]:
    from sqlmodel import select

    async with world.db.transaction() as session:
        rows = await session.exec(
            select(Assignment).where(Assignment.service_user_id == person.id)  # type: ignore[attr-defined]
        )
        return list(rows.all())


# -- failures and restarts ---------------------------------------------------------------------------


async def test_a_failing_job_is_tried_again_later_without_holding_up_the_others(
    world: World,
) -> None:
    calls: list[int] = []

    async def broken(ctx: Context, job: Job) -> str:
        calls.append(job.ref_id)
        await ctx.send(await _someone(ctx), "nudge", lambda lang: ("never sent", []))
        raise RuntimeError("a bug")

    alex = await world.person()
    world.scheduler = Scheduler(
        world.db, catalogue(), world.clock, handlers={**HANDLERS, "broken": broken}
    )
    async with world.db.transaction() as session:
        await due.schedule(session, "broken", alex.id or 0, MONDAY, alex.id)
    await world.set_tools(alex, ["aspirations"], APPOINTMENT)
    await world.run()
    assert calls == [alex.id]
    # The invitation went; the broken job's message went with its savepoint.
    assert texts(await world.notices(alex)) == [FIRST_LINE]
    (job,) = await world.jobs("broken")
    assert job.done_at is None and job.attempts == 1 and job.outcome == "failed:RuntimeError"
    for _ in range(6):
        world.clock.advance(hours=2)
        await world.run()
    (job,) = await world.jobs("broken")
    assert job.done_at is not None and job.attempts == 5 and len(calls) == 5


async def _someone(ctx: Context):  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from storage.models import ServiceUser

    return (await ctx.session.exec(select(ServiceUser))).first()


async def test_jobs_survive_a_restart_and_nothing_is_sent_twice(world: World) -> None:
    alex = await world.person()
    await world.set_tools(alex, ["aspirations"], APPOINTMENT)
    url = world.db.url
    await world.db.dispose()
    # "Restarted": a new engine and scheduler on the same database.
    from storage.db import Database

    world.db = Database(url)
    world.scheduler = Scheduler(world.db, catalogue(), world.clock)
    assert await world.run() == 1
    second = Scheduler(world.db, catalogue(), world.clock)
    assert await second.run_once() == 0
    assert len(await world.sent(alex)) == 1
