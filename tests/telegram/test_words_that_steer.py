"""In their own words (issue 11): "stop", "not now", "?" at every moment are never answers, and
typed "yeh", "nah", "ie" answer button questions. Through real PTB and HTTP on the sandbox."""

from __future__ import annotations

import pytest

from tests.support.tandem import Harness

PAUSED = "Everything you've said so far is saved"
HELP = "or just type stop"


async def _in_good_day(tandem: Harness, name: str = "Sky"):
    chat, person_id = await tandem.joined_chat(name)
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    return chat, person_id


async def _at_want_help(tandem: Harness, name: str = "Sky", skip: str = "Skip this one"):
    chat, person_id = await _in_good_day(tandem, name)
    for _ in range(8):
        await chat.click(skip)
        await chat.wait_for(lambda m: skip in m.labels or "Not now" in m.labels)
    await chat.wait_for(lambda m: "Not now" in m.labels)
    return chat, person_id


async def _at_the_check(tandem: Harness, name: str = "Kit"):
    chat, person_id = await _at_want_help(tandem, name)
    await chat.click("Not now")
    await chat.wait_for(lambda m: "Keep it to myself for now" in m.labels)
    return chat, person_id


@pytest.mark.parametrize(
    "words",
    ["stop", "stop please", "not now thanks", "nes ymlaen", "gad fi fod", "/stop", "/cancel"],
)
async def test_stop_words_at_an_open_question_pause_and_are_not_answers(
    tandem: Harness, words: str
) -> None:
    chat, person_id = await _in_good_day(tandem)
    await chat.send("Football")
    await chat.wait_for("Where are you on a good day")
    await chat.send(words)
    await chat.wait_for(PAUSED)
    assert await tandem.answers(person_id) == [("good_day", "Football")]
    await chat.send("stop")  # again: still saved, and how to come back
    await chat.wait_for(PAUSED)
    # Coming back: any message carries on from the same question.
    await chat.send("hiya")
    await chat.wait_for("Let's carry on with Good day, bad day")
    await chat.wait_for(lambda m: "Where are you on a good day" in m.text and m.buttons)
    await chat.send("At the park")
    await chat.wait_for("Who is with you on a good day")
    assert await tandem.answers(person_id) == [
        ("good_day", "Football"),
        ("good_where", "At the park"),
    ]


@pytest.mark.parametrize("words", ["?", "what do u mean", "dwi ddim yn deall"])
async def test_help_words_in_a_tool_get_help_and_are_not_answers(
    tandem: Harness, words: str
) -> None:
    chat, person_id = await _in_good_day(tandem)
    await chat.send(words)
    reply = await chat.wait_for(HELP)
    assert "/pause" in reply.text and "116 123" in reply.text
    assert await tandem.answers(person_id) == []
    await chat.send("Seeing my kids")
    await chat.wait_for("Where are you on a good day")
    assert await tandem.answers(person_id) == [("good_day", "Seeing my kids")]


@pytest.mark.parametrize("words", ["help", "helpa"])
async def test_help_alone_is_left_to_the_crisis_reply_and_is_not_an_answer(
    tandem: Harness, words: str
) -> None:
    # "help" on its own may be a cry for help: the safeguarding rules see it first.
    chat, person_id = await _in_good_day(tandem)
    await chat.send(words)
    await chat.wait_for("116 123")
    assert await tandem.answers(person_id) == []


async def test_stop_at_a_button_question(tandem: Harness) -> None:
    chat, person_id = await _at_want_help(tandem)
    await chat.send("STOP")
    await chat.wait_for(PAUSED)
    answers = await tandem.answers(person_id)
    assert len(answers) == 8 and all(value is None for _, value in answers)


async def test_a_button_called_not_now_is_pressed_not_a_pause(tandem: Harness) -> None:
    chat, person_id = await _at_want_help(tandem)
    await chat.send("Not now")
    await chat.wait_for(lambda m: "Keep it to myself for now" in m.labels)
    assert (await tandem.answers(person_id))[-1] == ("want_help", "not_now")


async def test_steering_at_the_menu(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Mo")
    await chat.send("not now")
    reply = await chat.wait_for("nothing to pause")
    assert "/menu" in reply.text
    replies = await chat.replies()
    assert not any(m.buttons for m in replies), "no ten-button menu pushed at them"
    await chat.send("?")
    await chat.wait_for(HELP)
    await chat.send("/cancel")
    await chat.wait_for("nothing to pause")


async def test_steering_before_consent(tandem: Harness) -> None:
    invitation = await tandem.invite("Ren Example")
    chat = await tandem.chat("Ren")
    await chat.start(invitation.code)
    await chat.wait_for("Nobody watches this chat")
    await chat.send("stop")
    await chat.wait_for("Nothing has started yet")
    assert not any(m.buttons for m in await chat.replies())
    await chat.send("/stop")
    await chat.wait_for("Nothing has started yet")
    await chat.send("?")
    await chat.wait_for(HELP)
    await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    await chat.click("OK, let's start")
    await chat.wait_for("What would you like to do?")


async def test_steering_at_the_sharing_step(tandem: Harness) -> None:
    chat, person_id = await _at_the_check(tandem)
    await chat.send("leave it")
    await chat.wait_for(PAUSED)
    [conv] = (await tandem.export(person_id))["conversations"]
    assert conv["sharing"] == "undecided" and conv["status"] == "paused"
    await chat.send("?")
    await chat.wait_for(HELP)
    await chat.send("ok")
    await chat.wait_for("Let's carry on with Good day, bad day")
    await chat.wait_for(lambda m: "Keep it to myself for now" in m.labels)
    await chat.send("nah")
    await chat.wait_for("Your probation officer won't see these answers")
    [conv] = (await tandem.export(person_id))["conversations"]
    assert conv["sharing"] == "private"
    assert len(conv["answers"]) == 9


async def test_typed_yeh_answers_a_button_question(tandem: Harness) -> None:
    chat, person_id = await _at_want_help(tandem)
    await chat.send("yeh")
    await chat.wait_for("✔ Yes")
    await chat.wait_for("What would you like help with")
    assert (await tandem.answers(person_id))[-1] == ("want_help", "yes")


async def test_typed_nah_keeps_it_private_without_resending_the_summary(tandem: Harness) -> None:
    chat, person_id = await _at_the_check(tandem)
    await chat.send("whatever")
    reply = await chat.wait_for("Please pick one of the buttons")
    assert "Keep it to myself for now" in reply.labels
    replies = await chat.replies()
    assert not any("Here are your answers" in (m.text or "") for m in replies)
    assert all(len(m.text or "") < 200 for m in replies), [m.text for m in replies]
    await chat.send("nah")
    await chat.wait_for("✔ Keep it to myself for now")
    await chat.wait_for("Your probation officer won't see these answers")
    [conv] = (await tandem.export(person_id))["conversations"]
    assert conv["sharing"] == "private"


async def test_welsh_ie_answers_oes(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Dafydd")
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    await chat.click("Diwrnod da, diwrnod gwael")
    await chat.wait_for(lambda m: "Hepgor hwn" in m.labels)
    for _ in range(8):
        await chat.click("Hepgor hwn")
        await chat.wait_for(lambda m: "Hepgor hwn" in m.labels or "Dim nawr" in m.labels)
    await chat.wait_for(lambda m: "Dim nawr" in m.labels)
    await chat.send("ie")
    await chat.wait_for("✔ Oes")
    assert (await tandem.answers(person_id))[-1] == ("want_help", "yes")
    await chat.send("stopio")
    await chat.wait_for("Mae popeth rydych chi wedi'i ddweud wedi'i gadw")


async def test_which_one_with_only_the_buttons_that_fit(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Jo")
    await chat.click("People in my life")
    await chat.wait_for("What do you call them?")
    await chat.send("Sam")
    await chat.wait_for(lambda m: "Family" in m.labels)
    await chat.send("my mum")
    await chat.wait_for(lambda m: "Very close" in m.labels)
    await chat.send("close")
    which = await chat.wait_for("Which one did you mean?")
    assert 2 <= len(which.labels) <= 3
    assert set(which.labels) <= {"Very close", "Quite close", "Not very close"}
    await chat.click("Quite close")
    await chat.wait_for(lambda m: "Sam" in m.text and "?" in m.text and "close" not in m.text)
    [conv] = (await tandem.export(person_id))["conversations"]
    assert conv["status"] == "active"


async def test_stop_when_asked_for_words_about_a_plan_step(tandem: Harness) -> None:
    from tests.telegram.test_plan_in_chat import (
        CHANGE,
        case_manager,
        item_message,
        items,
        plan_item,
        send,
    )

    chat, person_id = await tandem.joined_chat("Alex")
    review, sam = await case_manager(tandem, person_id)
    async with review.signed_in(sam) as web:
        await plan_item(web, tandem, person_id, what="Sort out the phone bill")
        await send(web, person_id, chat)
        step = await item_message(chat, "Sort out the phone bill")
        await chat.click(CHANGE, message_id=step.id)
        await chat.wait_for("What would you change?")
        await chat.send("not now")
        await chat.wait_for("nothing to pause")
        await chat.send("just saying hi")
        await chat.wait_for("To start, pick one of these.")
        (item,) = await items(tandem, person_id)
        assert item.response == "change" and item.response_text is None
        assert item.awaiting_words_since is None


async def test_not_now_where_a_button_says_not_right_now_presses_it(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Lee")
    await chat.click("My responsibilities on probation")
    await chat.wait_for(lambda m: "Skip this one" in m.labels)
    while True:
        message = await chat.wait_for(lambda m: bool(m.labels))
        if "Not right now" in message.labels:
            break
        await chat.click("Skip this one")
        seen = message.id
        await chat.wait_for(lambda m, seen=seen: m.id != seen and bool(m.labels))
    await chat.send("not now")
    await chat.wait_for("✔ Not right now")
    assert (await tandem.answers(person_id))[-1] == ("has_questions", False)
