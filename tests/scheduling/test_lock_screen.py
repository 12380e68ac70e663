"""Lock-screen safe by construction: every kind of message Tandem sends without being asked
(invitations, check-ins, nudges, appointment reminders, the plan from the review app) is the
same neutral line with a "Show me" button, in the person's language; what it is about is kept
behind it. A phone's lock screen shows at most the first 120 characters or so of a message:
those are the neutral line, whatever the kind.

A new kind cannot slip past: every scheduled job must say here what it sends, every kind of
notice must be produced here, and nothing but the notices and the replies to what the person
just did may queue a message at all.
"""

from __future__ import annotations

import ast
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.conversations import callbacks, notices
from bot.conversations.plans import queue_plan
from bot.scheduling import appointments, assignments, checkins, escalation
from bot.scheduling.jobs import HANDLERS
from storage.models import Appointment, OutboxMessage, PlanItem, ServiceUser
from tests.scheduling.conftest import MONDAY, World

ROOT = Path(__file__).resolve().parents[2]
PREVIEW = 120  # more than any lock screen shows of a message
NEUTRAL = {
    "en": "You have something new in Tandem.",
    "cy": "Mae gennych chi rywbeth newydd yn Tandem.",
}
SHOW_ME = {"en": "Show me", "cy": "Dangos i mi"}
# Tuesday 1 December 2026, 10:30 (GMT).
APPOINTMENT = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)

# Every scheduled job, and the kind of notice it sends the person (None: nothing to them).
JOB_SENDS: dict[str, notices.Kind | None] = {
    assignments.INVITE: "invitation",
    assignments.NUDGE: "nudge",
    assignments.EXPIRE: None,
    appointments.DAY_BEFORE: "appointment",
    appointments.MORNING: "appointment",
    checkins.CHECKIN: "invitation",  # it opens the tool, and the invitation follows
    escalation.ESCALATION: None,  # to staff, by email
}

Producer = Callable[[World, ServiceUser], Awaitable[None]]


async def invitation(world: World, person: ServiceUser) -> None:
    await world.set_tools(person, ["good_day_bad_day"], APPOINTMENT, note="Your curfew")
    await world.run()


async def nudge(world: World, person: ServiceUser) -> None:
    await invitation(world, person)
    world.clock.now = MONDAY + timedelta(days=2)
    await world.run()


async def appointment(world: World, person: ServiceUser) -> None:
    async with world.db.transaction() as session:
        booked = Appointment(
            service_user_id=person.id or 0, at=APPOINTMENT, place="Station Road", created_at=MONDAY
        )
        session.add(booked)
        await session.flush()
        await appointments.appointment_changed(session, booked, world.clock())
    for moment in (
        datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    ):
        world.clock.now = moment
        await world.run()


async def checkin(world: World, person: ServiceUser) -> None:
    first = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    async with world.db.transaction() as session:
        await checkins.start_schedule(
            session,
            person=person,
            every_days=7,
            window_days=3,
            first_at=first,
            staff_id=world.sam.id,
            now=world.clock(),
        )
    world.clock.now = first
    await world.run()


async def plan(world: World, person: ServiceUser) -> None:
    async with world.db.transaction() as session:
        items = [
            PlanItem(
                service_user_id=person.id or 0,
                what=what,
                who="Alex",
                by_when=date(2026, 12, 18),
                created_by=world.sam.id or 0,
            )
            for what in ("Go to the drug service on Friday", "Sort out the rent arrears")
        ]
        session.add_all(items)
        await session.flush()
        await queue_plan(session, person, items, with_name="Sam", now=world.clock())


# Every way Tandem sends something unasked, and the kind of notice it makes.
PRODUCERS: dict[str, tuple[Producer, notices.Kind]] = {
    "invitation": (invitation, "invitation"),
    "checkin": (checkin, "invitation"),
    "nudge": (nudge, "nudge"),
    "appointment": (appointment, "appointment"),
    "plan": (plan, "plan"),
}


async def _rows(world: World, person: ServiceUser) -> list[OutboxMessage]:
    async with world.db.transaction() as session:
        rows = await session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.service_user_id == person.id)
            .order_by(col(OutboxMessage.id))
        )
        return list(rows.all())


def test_every_job_says_what_it_sends() -> None:
    """A new scheduled job must be listed above, with the kind of notice it sends."""
    assert set(JOB_SENDS) == set(HANDLERS)
    assert {k for k in JOB_SENDS.values() if k} <= set(notices.KINDS)


def test_every_kind_of_notice_is_produced_here() -> None:
    assert {kind for _, kind in PRODUCERS.values()} == set(notices.KINDS)


def _uses_the_outbox(path: Path) -> bool:
    """The module imports storage.outbox (the sandbox's own queue of updates is not it)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "storage.outbox":
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "storage"
            and any(alias.name == "outbox" for alias in node.names)
        ):
            return True
        if isinstance(node, ast.Import) and any(a.name == "storage.outbox" for a in node.names):
            return True
    return False


def _calls(path: Path, name: str) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


def test_nothing_but_notices_and_replies_queues_a_message() -> None:
    """Anything queued outside notices.py must be a reply to what the person just did."""
    queued_in = {
        str(path.relative_to(ROOT)): _calls(path, "enqueue")
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if _uses_the_outbox(path) and _calls(path, "enqueue")
    }
    assert set(queued_in) == {"bot/conversations/notices.py", "bot/conversations/service.py"}
    for call in queued_in["bot/conversations/service.py"]:
        reply = [k for k in call.keywords if k.arg == "reply"]
        assert reply and isinstance(reply[0].value, ast.Constant) and reply[0].value.value is True


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("producer", sorted(PRODUCERS))
async def test_every_unprompted_message_starts_with_the_same_neutral_line(
    world: World, producer: str, lang: str
) -> None:
    make, kind = PRODUCERS[producer]
    person = await world.person(language=lang)
    await make(world, person)
    rows = await _rows(world, person)
    assert rows, f"{producer} sent nothing"
    for row in rows:
        # What a lock screen can show: the neutral line, and nothing after it.
        assert row.payload["text"][:PREVIEW] == NEUTRAL[lang]
        assert row.payload["buttons"] == [[[SHOW_ME[lang], callbacks.show_notice(row.id or 0)]]]
        assert row.payload["notice"]["kind"] in notices.KINDS
        # What it is about is kept behind it, in every language (the person may switch).
        for each in NEUTRAL:
            content = notices.content_of(row.chat_id, row.payload, each)
            assert content and all(m.text and NEUTRAL[each] not in m.text for m in content)
    # The producer's own kind comes last (a nudge follows its invitation).
    assert rows[-1].payload["notice"]["kind"] == kind
    if producer == "invitation":
        (row,) = rows
        (shown,) = notices.content_of(row.chat_id, row.payload)
        assert "Your curfew" in shown.text
