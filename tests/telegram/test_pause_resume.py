"""/pause, /menu and /help; coming back exactly where you left off."""

from __future__ import annotations

from tests.support.tandem import Harness


async def _into_the_tool(tandem: Harness) -> tuple[object, int]:
    chat, person_id = await tandem.joined_chat("Pat")
    await chat.click("Good day, bad day")
    await chat.wait_for("Think of a good day")
    await chat.send("Football")
    await chat.wait_for("Where are you on a good day")
    return chat, person_id


async def test_pause_then_any_message_resumes_at_the_same_question(tandem: Harness) -> None:
    chat, person_id = await _into_the_tool(tandem)
    await chat.send("/pause")
    await chat.wait_for("Everything you've said so far is saved")
    await chat.send("hello again")
    await chat.wait_for("Let's carry on with Good day, bad day")
    await chat.wait_for("Where are you on a good day")
    await chat.send("At the park")
    await chat.wait_for("Who is with you on a good day")
    # The greeting that woke it up was not taken as an answer.
    assert await tandem.answers(person_id) == [
        ("good_day", "Football"),
        ("good_where", "At the park"),
    ]


async def test_menu_offers_to_carry_on(tandem: Harness) -> None:
    chat, person_id = await _into_the_tool(tandem)
    await chat.send("/menu")
    menu = await chat.wait_for("What would you like to do?")
    assert menu.labels[0] == "Carry on: Good day, bad day"
    await chat.click("Carry on: Good day, bad day")
    await chat.wait_for("Where are you on a good day")
    # Choosing the tool itself also carries on rather than starting over.
    await chat.send("/pause")
    await chat.wait_for("saved")
    await chat.send("/start")
    await chat.wait_for("Welcome back")
    await chat.wait_for(lambda m: "Carry on: Good day, bad day" in m.labels)
    await chat.click("Carry on: Good day, bad day")
    await chat.wait_for("Where are you on a good day")


async def test_help_and_unknown_command_and_nothing_to_pause(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Mo")
    await chat.send("/help")
    reply = await chat.wait_for("/pause")
    assert "116 123" in reply.text
    await chat.send("/frobnicate")
    await chat.wait_for("I don't know that command")
    await chat.send("/pause")
    await chat.wait_for("nothing to pause")
    await chat.send("just chatting")
    await chat.wait_for("To start, pick one of these")


async def test_resume_after_restart(sandbox, tmp_path) -> None:
    from tests.support.tandem import new_token, running_tandem

    token = new_token()
    async with running_tandem(sandbox, tmp_path, telegram_token=token) as first:
        chat, person_id = await _into_the_tool(first)
    # Tandem stops and starts again on the same database and bot.
    async with running_tandem(sandbox, tmp_path, telegram_token=token) as second:
        chat.client = second.client
        await chat.send("At the beach")
        await chat.wait_for("Who is with you on a good day")
        assert await second.answers(person_id) == [
            ("good_day", "Football"),
            ("good_where", "At the beach"),
        ]
