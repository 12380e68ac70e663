"""Unexpected input gets a kind reply, loses nothing, and never shows a stack trace."""

from __future__ import annotations

import pytest

from tests.support.tandem import Harness

KINDS = [
    "sticker",
    "photo",
    "voice",
    "video",
    "location",
    "contact",
    "document",
    "video_note",
    "audio",
    "animation",
    "poll",
    "dice",
]


async def _at_first_question(tandem: Harness):
    chat, person_id = await tandem.joined_chat("Ash")
    await chat.click("Good day, bad day")
    await chat.wait_for("Think of a good day")
    return chat, person_id


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "voice"])
async def test_media_where_words_or_a_voice_note_are_expected(tandem: Harness, kind: str) -> None:
    # The open question takes typed words or a voice note (test_voice_in_every_tool.py); the
    # rest is refused kindly, saying what it does take.
    chat, person_id = await _at_first_question(tandem)
    await chat.send_kind(kind)
    await chat.wait_for("For this question I can keep typed words or a voice note.")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and "Skip this one" in m.labels)
    await chat.send("Typed it instead")
    await chat.wait_for("Where are you on a good day")
    assert await tandem.answers(person_id) == [("good_day", "Typed it instead")]


async def test_media_where_a_button_is_expected(tandem: Harness) -> None:
    chat, person_id = await _at_first_question(tandem)
    for _ in range(8):
        await chat.click("Skip this one")
        await chat.wait_for(lambda m: "Skip this one" in m.labels or "Not now" in m.labels)
    await chat.send_kind("sticker")
    await chat.wait_for("Please pick one of the buttons")
    await chat.send("maybe")  # words that match no choice
    await chat.wait_for("Please pick one of the buttons")
    await chat.send("not now")  # typing a choice's label counts
    await chat.wait_for(lambda m: "Keep it to myself for now" in m.labels)
    answers = await tandem.answers(person_id)
    assert answers[-1] == ("want_help", "not_now")
    assert [v for _, v in answers[:-1]] == [None] * 8


async def test_text_over_the_limit(tandem: Harness) -> None:
    chat, person_id = await _at_first_question(tandem)
    await chat.send("a" * 4090)
    await chat.wait_for("I can only keep 4000 characters")
    await chat.wait_for("Think of a good day")
    assert await tandem.answers(person_id) == []


async def test_old_button_from_an_earlier_question(tandem: Harness) -> None:
    chat, person_id = await _at_first_question(tandem)
    question = await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    skip_data = question.data_for("Skip this one")
    await chat.send("Typed, not skipped")
    await chat.wait_for("Where are you on a good day")
    # Tandem takes old buttons away once the next question is out...
    [old] = [m for m in await chat.bot_messages() if m.id == question.id]
    assert old.buttons == []
    # ...but a phone that missed that edit can still press one.
    await chat.press(question.id, skip_data)
    toast = await chat.wait_for_toast()
    assert toast.text == "That question has moved on."
    await chat.wait_for("Here's where we are now")
    await chat.wait_for(lambda m: "Where are you on a good day" in m.text and m.buttons)
    assert await tandem.answers(person_id) == [("good_day", "Typed, not skipped")]


@pytest.mark.parametrize(
    "data",
    [
        "",
        "garbage",
        "a:1:2",
        "a:999999:0:0",
        "a:x:y:z",
        "m:no_such_tool",
        "r:123456",
        "\u2603" * 20,
        "a:1:1:" + "9" * 40,
    ],
)
async def test_forged_button_data(tandem: Harness, data: str) -> None:
    chat, person_id = await _at_first_question(tandem)
    question = await chat.wait_for("Think of a good day")
    await chat.press(question.id, data)
    await chat.wait_for_toast()
    replies = await chat.replies()
    assert replies, "a forged button got no reply"
    assert all("Traceback" not in (m.text or "") for m in replies)
    await chat.send("still fine")
    await chat.wait_for("Where are you on a good day")
    assert await tandem.answers(person_id) == [("good_day", "still fine")]


async def test_edited_message_keeps_the_first_version(tandem: Harness) -> None:
    chat, person_id = await _at_first_question(tandem)
    message_id = await chat.send("First version")
    await chat.wait_for("Where are you on a good day")
    await chat.edit(message_id, "Second version")
    await chat.wait_for("I kept the first version")
    assert await tandem.answers(person_id) == [("good_day", "First version")]


async def test_the_same_update_twice_is_handled_once(tandem: Harness) -> None:
    import asyncio

    from sqlmodel import select

    from storage.models import Answer

    chat, person_id = await _at_first_question(tandem)
    await chat.send("Only once")
    await chat.wait_for("Where are you on a good day")
    async with tandem.db.transaction() as session:
        answer = (await session.exec(select(Answer))).one()
    messages_before = len(await chat.bot_messages())
    # Telegram delivers at least once: the same update (same update_id) arrives again.
    await tandem.client.redeliver(answer.update_id)
    for _ in range(100):
        if not await tandem.client.pending_updates():
            break
        await asyncio.sleep(0.05)
    assert not await tandem.client.pending_updates(), "the copy was never fetched"
    await chat.replies(settle=0.5)
    assert len(await chat.bot_messages()) == messages_before, "the copy was answered again"
    await chat.send("Beach")
    await chat.wait_for("Who is with you on a good day")
    assert await tandem.answers(person_id) == [("good_day", "Only once"), ("good_where", "Beach")]


async def test_group_chats_are_refused(tandem: Harness) -> None:
    # The sandbox only has private chats; a group update is built by hand.
    from telegram import Update

    from bot.conversations.messages import Kind
    from bot.telegram.updates import to_incoming

    update = Update.de_json(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -100, "type": "group", "title": "Mates"},
                "from": {"id": 5, "is_bot": False, "first_name": "A"},
                "text": "hi",
            },
        },
        tandem.running.bot,
    )
    incoming = to_incoming(update, 1)
    assert incoming.kind is Kind.TEXT and not incoming.private
    handled = await tandem.running.service.handle(incoming)
    assert [o.text for o in handled.outgoing] == [
        "Tandem only works in a private chat. Please message me directly."
    ]


def test_voice_and_photo_keep_telegram_file_references() -> None:
    from telegram import Bot, Update

    from bot.telegram.updates import to_incoming

    bot = Bot("1:x")
    base = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "A"},
    }
    voice = Update.de_json(
        {
            "update_id": 1,
            "message": {
                **base,
                "voice": {"file_id": "VOICE", "file_unique_id": "UV", "duration": 12},
            },
        },
        bot,
    )
    photo = Update.de_json(
        {
            "update_id": 2,
            "message": {
                **base,
                "photo": [
                    {"file_id": "SMALL", "file_unique_id": "US", "width": 90, "height": 90},
                    {"file_id": "LARGE", "file_unique_id": "UL", "width": 1280, "height": 1280},
                ],
            },
        },
        bot,
    )
    v, p = to_incoming(voice, 1), to_incoming(photo, 1)
    assert (v.media_kind, v.file_id, v.file_unique_id, v.duration) == ("voice", "VOICE", "UV", 12)
    assert (p.media_kind, p.file_id, p.duration) == ("photo", "LARGE", None)
