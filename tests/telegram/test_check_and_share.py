"""Check your answers, change one, go back, and choose who sees them — through Telegram."""

from __future__ import annotations

from tests.support.tandem import Harness

FIRST_EIGHT = ["gym", "park", "Sam", "useful", "bed", "money", "walk", "a job"]


async def _to_the_check(tandem: Harness, help_choice: str = "Not now"):
    chat, person_id = await tandem.joined_chat("Ola")
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    for answer in FIRST_EIGHT:
        await chat.send(answer)
        await chat.wait_for(lambda m: bool(m.buttons) and "?" in m.text)
    await chat.click(help_choice)
    return chat, person_id


async def test_keeping_answers_private_is_recorded(tandem: Harness) -> None:
    chat, person_id = await _to_the_check(tandem)
    await chat.wait_for(lambda m: "Keep it to myself for now" in m.labels)
    await chat.click("Keep it to myself for now")
    await chat.wait_for("Your probation officer won't see these answers")
    [conv] = (await tandem.export(person_id))["conversations"]
    assert conv["sharing"] == "private" and conv["shared_at"] is None
    # The answers are still kept, for the person.
    assert len(conv["answers"]) == 9


async def test_changing_an_answer_from_the_summary(tandem: Harness) -> None:
    chat, person_id = await _to_the_check(tandem)
    await chat.wait_for(lambda m: "Change an answer" in m.labels)
    await chat.click("Change an answer")
    await chat.wait_for(lambda m: len(m.labels) > 3)
    menu = chat.last_message
    good_day_label = next(label for label in menu.labels if "good day" in label.lower())
    await chat.click(good_day_label)
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    await chat.send("Seeing my kids")
    summary = await chat.wait_for("Here are your answers")
    assert "Seeing my kids" in summary.text and "gym" not in summary.text
    await chat.wait_for(lambda m: "Share with my probation officer" in m.labels)
    await chat.click("Share with my probation officer")
    await chat.wait_for("That's it for Good day, bad day. Thank you.")
    answers = dict(await tandem.answers(person_id))
    assert answers["good_day"] == "Seeing my kids"


async def test_back_changes_the_path_and_drops_the_abandoned_answer(tandem: Harness) -> None:
    chat, person_id = await _to_the_check(tandem, help_choice="Yes")
    await chat.wait_for("What would you like help with")
    await chat.send("Housing")
    await chat.wait_for(lambda m: "Share with my probation officer" in m.labels)
    # Back to "What would you like help with?", then back again to the choice.
    await chat.send("/back")
    await chat.wait_for(lambda m: "What would you like help with" in m.text and m.buttons)
    await chat.click("Back")
    await chat.wait_for(lambda m: "Not now" in m.labels)
    await chat.click("Not now")
    await chat.wait_for(lambda m: "Share with my probation officer" in m.labels)
    await chat.click("Share with my probation officer")
    await chat.wait_for("That's it for")
    answers = dict(await tandem.answers(person_id))
    assert answers["want_help"] == "not_now"
    assert "help_with" not in answers  # the path not taken is not kept


async def test_back_on_the_first_question(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Pip")
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    await chat.send("/back")
    await chat.wait_for("nothing to go back to")
