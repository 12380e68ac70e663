"""A person joins with their invite, says OK, and works through good day / bad day."""

from __future__ import annotations

from tests.support.tandem import Harness

GOOD_DAY_ANSWERS = [
    ("Think of a good day", "I go to the gym and see my daughter"),
    ("Where are you on a good day", "At the park"),
    ("Who is with you on a good day", "My daughter and my mate Sam"),
    ("What makes that day a good one", "I feel useful"),
    ("Now think of a hard day", "I stay in bed and don't answer the phone"),
    ("What makes a day like that hard", "Money worries"),
    ("When a day starts to go wrong", "Going for a walk"),
    ("What would help you have more good days", "A job"),
]


async def test_full_good_day_bad_day(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Alex")
    await chat.click("Good day, bad day")
    await chat.wait_for("good days and your bad days")
    for question, answer in GOOD_DAY_ANSWERS:
        await chat.wait_for(question)
        await chat.send(answer)
    await chat.wait_for("one thing you'd like your probation officer to help with")
    await chat.click("Yes")
    await chat.wait_for("What would you like help with")
    await chat.send("Finding work")
    summary = await chat.wait_for("Here are your answers")
    assert "I go to the gym and see my daughter" in summary.text
    await chat.wait_for(lambda m: "Share with my probation officer" in m.labels)
    await chat.click("Share with my probation officer")
    await chat.wait_for("Thank you for taking the time to do this")
    await chat.wait_for("That's it for Good day, bad day. Thank you.")

    stored = await tandem.answers(person_id)
    expected = [a for _, a in GOOD_DAY_ANSWERS]
    assert [v for _, v in stored] == [*expected, "yes", "Finding work"]
    data = await tandem.export(person_id)
    [conv] = data["conversations"]
    assert conv["status"] == "finished"
    assert conv["sharing"] == "shared" and conv["shared_at"]
    first = conv["answers"][0]
    assert first["question"].startswith("Think of a good day.")
    assert first["answered_at"]
