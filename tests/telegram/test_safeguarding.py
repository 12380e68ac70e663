"""A message that may mean someone is at risk gets help first, at any point, in English and
Welsh; it is flagged with the message for the case manager; the conversation carries on."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Flag
from tests.support.tandem import Harness


async def test_crisis_in_the_middle_of_a_tool(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Lou")
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    await chat.send("honestly i dont see the point anymore, i wanna kill myself")
    first = await chat.wait_for("Samaritans: call 116 123")
    assert "Shout: text SHOUT to 85258" in first.text and "999" in first.text
    await chat.wait_for(lambda m: "Yes, please call me" in m.labels)
    # ...and the conversation carries on where it was: the message is kept as the answer.
    await chat.wait_for(lambda m: "Where are you on a good day" in m.text and m.buttons)
    answers = dict(await tandem.answers(person_id))
    assert answers["good_day"].startswith("honestly")

    async with tandem.db.transaction() as session:
        [flag] = (await session.exec(select(Flag))).all()
    assert flag.kind == "safeguarding" and flag.category == "suicide_self_harm"
    assert flag.message and "kill myself" in flag.message
    assert flag.conversation_id is not None and flag.callback_requested_at is None

    await chat.click("Yes, please call me")
    await chat.wait_for("I've asked your probation officer to call you")
    async with tandem.db.transaction() as session:
        flag = (await session.exec(select(Flag))).one()
    assert flag.callback_requested_at is not None


async def test_everyday_phrases_do_not_fire(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Mel")
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    await chat.send("I could kill for a coffee on a good day")
    await chat.wait_for(lambda m: "Where are you on a good day" in m.text and m.buttons)
    await chat.send("this form is killing me lol")
    await chat.wait_for(lambda m: "Who is with you" in m.text and m.buttons)
    assert not [
        m
        for m in await chat.bot_messages()
        if "116 123" in (m.text or "") and "Samaritans:" in m.text
    ]
    async with tandem.db.transaction() as session:
        assert (await session.exec(select(Flag))).all() == []


async def test_welsh_crisis_and_nowhere_to_sleep(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Rhys")
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    await chat.send("dwi isio lladd fy hun")
    await chat.wait_for("Y Samariaid: ffoniwch 116 123")
    await chat.wait_for(lambda m: "Iawn, ffoniwch fi" in m.labels)
    await chat.send("/language")
    await chat.wait_for(lambda m: "English" in m.labels)
    await chat.click("English")
    await chat.wait_for("I'll use English")
    await chat.send("I've got nowhere to sleep tonight")
    await chat.wait_for("homelessness team")
    async with tandem.db.transaction() as session:
        flags = (await session.exec(select(Flag).order_by(Flag.id))).all()
    assert [f.category for f in flags] == ["suicide_self_harm", "nowhere_to_sleep"]


async def test_a_stranger_in_crisis_still_gets_the_numbers(tandem: Harness) -> None:
    chat = await tandem.chat("Anon")
    await chat.send("I want to end my life")
    await chat.wait_for("Samaritans: call 116 123")
    await chat.wait_for("personal link from your probation officer")


async def test_asking_for_a_call_from_help(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Vi")
    await chat.send("/help")
    await chat.wait_for(lambda m: "Ask my probation officer to call me" in m.labels)
    await chat.click("Ask my probation officer to call me")
    await chat.wait_for("I've asked your probation officer to call you")
    async with tandem.db.transaction() as session:
        [flag] = (await session.exec(select(Flag))).all()
    assert flag.kind == "callback" and flag.callback_requested_at is not None


async def test_asking_for_a_call_in_the_check_in_reaches_staff_even_if_kept_private(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Ash")
    await chat.click("Check-in between appointments")
    await chat.wait_for(lambda m: "Very well" in m.labels)
    await chat.click("Very well")
    await chat.wait_for(lambda m: "What has helped" in m.text and m.buttons)
    await chat.send("My routine")
    question = await chat.wait_for(lambda m: "Done" in m.labels)
    await chat.click("No, nothing right now", message_id=question.id)
    await chat.wait_for(lambda m: m.id == question.id and any("✓" in label for label in m.labels))
    await chat.click("Done", message_id=question.id)
    await chat.wait_for(lambda m: "Yes, please" in m.labels)
    await chat.click("Yes, please")
    await chat.wait_for(lambda m: "good time to call" in m.text and m.buttons)
    await chat.send("mornings")
    await chat.wait_for("I have asked your probation officer to call you")
    await chat.wait_for(lambda m: "Keep it to myself for now" in m.labels)
    await chat.click("Keep it to myself for now")
    await chat.wait_for("your probation officer won't see them")
    async with tandem.db.transaction() as session:
        [flag] = (await session.exec(select(Flag))).all()
    assert flag.kind == "callback" and flag.callback_requested_at is not None
    assert flag.service_user_id == person_id
