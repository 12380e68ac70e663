"""Every answer kind, condition, piping and the check step, walked through the real Telegram
client against the sandbox (tests/engine/scripts/everything.yaml)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlmodel import select

from storage.models import Answer
from tests.support.tandem import ROOT, running_tandem

EVERYTHING = ROOT / "tests" / "engine" / "scripts" / "everything.yaml"


def _has(label: str):
    return lambda m: label in m.labels


async def test_every_kind_through_telegram(sandbox, tmp_path: Path) -> None:
    dialogues = tmp_path / "dialogues"
    dialogues.mkdir()
    shutil.copy(EVERYTHING, dialogues / "everything.yaml")
    async with running_tandem(sandbox, tmp_path, dialogues_dir=dialogues) as t:
        chat, person_id = await t.joined_chat("Kai")
        await chat.click("Everything")
        await chat.wait_for("What should I call you?")
        await chat.send("Kai")
        # Piping: the name comes back in the next question.
        await chat.wait_for("How are you today, Kai?")
        await chat.click("Struggling")
        await chat.wait_for("Thank you for telling me.")  # a `when:` condition held
        await chat.wait_for(_has("10"))
        await chat.send("eleven")  # scale: read as 11, which is off the scale
        await chat.wait_for("Please choose a number from 1 to 10.")
        await chat.wait_for(_has("1"))
        await chat.click("2")  # below 4: the hard-week branch
        await chat.wait_for("Was it hard because of something that happened?")
        await chat.click("I'd rather not say")
        # Multiple choice: ticks change the same message, then Done.
        question = await chat.wait_for(_has("Done"))
        await chat.click("Done")
        await chat.wait_for("Tick at least one")
        await chat.wait_for(_has("Money"))
        await chat.click("Money", message_id=question.id)
        await chat.wait_for(
            lambda m: m.id == question.id and any("✓" in label for label in m.labels)
        )
        await chat.click("Somewhere to live", message_id=question.id)
        await chat.wait_for(
            lambda m: m.id == question.id and sum("✓" in label for label in m.labels) == 2
        )
        await chat.click("Done", message_id=question.id)
        await chat.wait_for("You picked")
        await chat.wait_for("How many hours did you sleep")
        await chat.send("30")
        await chat.wait_for("from 0 to 24")
        await chat.send("4")
        await chat.wait_for("Sleep can be hard")
        await chat.wait_for("When did you last have a good day?")
        await chat.send("the 45th of Smarch")
        await chat.wait_for("couldn't read that date")
        await chat.wait_for(_has("Yesterday"))
        await chat.click("Yesterday")
        # A list of people, with questions about each.
        await chat.wait_for("What is their name?")
        await chat.send("Jo")
        await chat.wait_for("Which part of your life does Jo help with?")
        await chat.click("Family")
        await chat.wait_for("How does Jo help?")
        await chat.send("Listens to me")
        await chat.wait_for(_has("Add another"))
        await chat.click("Add another")
        await chat.wait_for("What is their name?")
        await chat.send("Sam")
        await chat.wait_for("Which part of your life does Sam help with?")
        await chat.click("Work")
        await chat.wait_for("How does Sam help?")
        await chat.click("Skip this one")
        await chat.wait_for(_has("That's everyone"))
        await chat.click("That's everyone")
        # Media: a voice note is kept by its Telegram reference.
        await chat.wait_for("Send a voice note or a photo")
        await chat.send_kind("voice")
        await chat.wait_for(_has("Share with my probation officer"))
        await chat.click("Share with my probation officer")
        await chat.wait_for("Thank you, Kai.")

        async with t.db.transaction() as session:
            rows = {a.step_id: a for a in (await session.exec(select(Answer))).all()}
    assert rows["name"].value == "Kai"
    assert rows["week"].value == 2
    assert rows["hard_week"].value is None and rows["hard_week"].declined
    assert sorted(rows["help_areas"].value) == ["money", "somewhere_to_live"]
    assert rows["hours"].value == 4
    assert date.fromisoformat(rows["good_day_date"].value) <= date.today()
    people = rows["supporters"].value
    assert [p["who"] for p in people] == ["Jo", "Sam"]
    assert people[0]["how"] == "Listens to me" and people[1]["how"] is None
    voice = rows["voice"].value
    assert voice["media"] == "voice" and voice["file_id"], voice
