""" "Show me", end to end through the sandbox with the real bot, on SQLite and PostgreSQL: each
kind of message Tandem sends unasked (an invitation with the officer's note, a nudge, an
appointment reminder, the plan from the review app) arrives as one neutral line; a tap edits
what it is about into the same message; a second tap on the same button shows it again and
sends nothing twice. The reminder's "I can't make it" tells the person what to do and puts a
flag on the case manager's pages. In Welsh too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.conversations import callbacks
from bot.sandbox.client import Chat, Message
from bot.sandbox.server import SandboxServer
from storage.models import Flag
from tests.support.notices import NEUTRAL, SHOW_ME, is_notice, show_me
from tests.support.review import Clock
from tests.support.tandem import Harness, running_tandem
from tests.telegram.test_between_appointments import (
    START,
    at,
    book,
    clock_of,
    from_now_on,
    next_monday,
    scheduler_of,
    set_tool,
)
from tests.telegram.test_plan_in_chat import case_manager, plan_item

NOTE = "Bring your curfew letter and your unpaid work hours"
CANT = "I can't make it"


@pytest.fixture
async def tandem(sandbox: SandboxServer, tmp_path: Path, db_url: str) -> AsyncIterator[Harness]:
    """Tandem on SQLite and on PostgreSQL in turn, reading a clock the test moves."""
    clock = Clock(datetime.now(UTC))
    async with running_tandem(sandbox, tmp_path, clock=clock, database_url=db_url) as harness:
        yield harness


async def notice(tandem: Harness, chat: Chat, lang: str = "en") -> Message:
    """The next neutral line to arrive (the scheduler is woken: the clock was just moved)."""
    scheduler_of(tandem).wake()
    found = await chat.wait_for(lambda m: is_notice(m, lang))
    # Nothing about what it is reaches the lock screen: the text is the neutral line, whole.
    assert found.text == NEUTRAL[lang]
    return found


async def tap_again(chat: Chat, old: Message, lang: str = "en") -> list[Message]:
    """The same "Show me" pressed once more (a double tap, or an old copy of the message)."""
    data = old.data_for(SHOW_ME[lang])
    assert data is not None
    await chat.press(old.id, data)
    return await chat.replies(settle=0.5)


async def test_show_me_on_every_kind_and_i_cant_make_it(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Alex")
    clock = clock_of(tandem)
    clock.now = monday = next_monday(clock.now)
    friday = at(monday, 14, days=4)
    appointment = await book(tandem, person_id, friday, place="Station Road")

    # An invitation with the officer's note: only after the tap.
    await from_now_on(chat)
    await set_tool(tandem, person_id, at(monday, 10, 30, days=8), note=NOTE)
    invitation = await notice(tandem, chat)
    shown = await show_me(chat, invitation)
    assert shown.text is not None and NOTE in shown.text
    assert shown.text.startswith("Sam would like you to try: Good day, bad day")
    assert shown.labels == [START]
    # Tapped again (say, a double tap): the same, and nothing new in the chat.
    assert await tap_again(chat, invitation) == []
    again = {m.id: m for m in await chat.bot_messages()}[invitation.id]
    assert again.text == shown.text and again.labels == [START]

    # A nudge, two days later.
    clock.now = at(monday, 10, days=2)
    await from_now_on(chat)
    nudge = await show_me(chat, await notice(tandem, chat))
    assert (nudge.text or "").startswith("Just a reminder: Sam would like you to try")
    assert nudge.labels == [START]

    # The reminder the day before, at nine.
    clock.now = at(monday, 9, days=3)
    await from_now_on(chat)
    reminder = await show_me(chat, await notice(tandem, chat))
    assert (reminder.text or "").startswith("Your next appointment is tomorrow")
    assert "Station Road" in (reminder.text or "")
    assert reminder.labels == [CANT]
    assert reminder.data_for(CANT) == callbacks.cant_make_it(appointment.id or 0)

    # "I can't make it": what to do, and the case manager is told.
    await chat.click(CANT, message_id=reminder.id)
    told = await chat.wait_for("Thank you for telling me. I've let your probation officer know.")
    assert "contact your probation office" in (told.text or "")
    marked = await chat.wait_for(
        lambda m: m.id == reminder.id and "✔ I can't make it" in (m.text or "")
    )
    assert marked.labels == []
    await chat.press(reminder.id, callbacks.cant_make_it(appointment.id or 0))
    await chat.wait_for("You've told me already")
    async with tandem.db.transaction() as session:
        (flag,) = (await session.exec(select(Flag).where(Flag.service_user_id == person_id))).all()
        assert flag.kind == "cant_attend" and flag.appointment_id == appointment.id
        assert flag.resolved_at is None

    review, sam = await case_manager(tandem, person_id)
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{person_id}")
        assert "t make an appointment" in page.text
        caseload = await web.get("/")
        assert "t make appointment" in caseload.text

        # The plan: one neutral line; after the tap, the introduction and then each step.
        await plan_item(web, tandem, person_id, what="Walk the dog every morning")
        await plan_item(web, tandem, person_id, what="Phone the college")
        await from_now_on(chat)
        sent = await web.post(f"/people/{person_id}/plan/send")
        assert sent.status_code == 303
    plan = await notice(tandem, chat)
    intro = await show_me(chat, plan)
    assert (intro.text or "").startswith("Here is the plan you made with Sam.")
    await chat.wait_for(lambda m: (m.text or "").startswith("Phone the college") and bool(m.labels))
    await tap_again(chat, plan)
    steps = [
        m
        for m in await chat.bot_messages()
        if (m.text or "").startswith(("Walk the dog", "Phone the college"))
    ]
    assert len(steps) == 2, [m.text for m in steps]


async def test_show_me_in_welsh(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Nia")
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    clock = clock_of(tandem)
    clock.now = monday = next_monday(clock.now)
    appointment = await book(tandem, person_id, at(monday, 14, days=2), place="Heol y Gorsaf")

    await from_now_on(chat)
    await set_tool(tandem, person_id, at(monday, 10, 30, days=8), note=NOTE)
    invitation = await show_me(chat, await notice(tandem, chat, "cy"), "cy")
    assert (invitation.text or "").startswith("Hoffai Sam i chi roi cynnig ar: ")
    assert [label[:9] for label in invitation.labels] == ["Dechrau: "]

    clock.now = at(monday, 9, days=1)
    await from_now_on(chat)
    reminder = await show_me(chat, await notice(tandem, chat, "cy"), "cy")
    assert (reminder.text or "").startswith("Mae eich apwyntiad nesaf yfory")
    assert reminder.labels == ["Alla i ddim dod"]
    await chat.click("Alla i ddim dod", message_id=reminder.id)
    await chat.wait_for("Diolch am ddweud wrtha i.")
    async with tandem.db.transaction() as session:
        (flag,) = (await session.exec(select(Flag).where(Flag.service_user_id == person_id))).all()
        assert flag.appointment_id == appointment.id


async def test_a_show_me_that_is_not_theirs_does_nothing(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Alex")
    other, other_id = await tandem.joined_chat("Bo")
    clock = clock_of(tandem)
    clock.now = monday = next_monday(clock.now)
    await from_now_on(other)
    await set_tool(tandem, other_id, at(monday, 10, 30, days=8), note=NOTE)
    theirs = await notice(tandem, other)
    data = theirs.data_for(SHOW_ME["en"])
    assert data is not None
    menu = chat.last_message
    assert menu is not None
    await chat.press(menu.id, data)
    await chat.wait_for_toast("That button doesn't work any more.")
    assert all(NOTE not in (m.text or "") for m in await chat.bot_messages())


async def test_switched_to_welsh_before_the_tap_it_shows_in_welsh(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Cai")
    clock = clock_of(tandem)
    clock.now = monday = next_monday(clock.now)
    await from_now_on(chat)
    await set_tool(tandem, person_id, at(monday, 10, 30, days=8), note=NOTE)
    invitation = await notice(tandem, chat)
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    # The English "Show me" on the message that came before the switch.
    shown = await show_me(chat, invitation)
    assert (shown.text or "").startswith("Hoffai Sam i chi roi cynnig ar: ")
    assert [label[:9] for label in shown.labels] == ["Dechrau: "]
