"""A conversation keeps the script version it started on; our own failures are kept, not lost,
and never shown to the person as anything but a kind apology."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import select

from storage.models import Conversation, FailedUpdate
from tests.support.tandem import DIALOGUES, running_tandem


async def test_editing_a_script_never_breaks_someone_half_way(sandbox, tmp_path: Path) -> None:
    dialogues = tmp_path / "dialogues"
    shutil.copytree(DIALOGUES, dialogues)
    async with running_tandem(sandbox, tmp_path, dialogues_dir=dialogues) as t:
        chat, person_id = await t.joined_chat("Vic")
        await chat.click("Good day, bad day")
        await chat.wait_for("Think of a good day")
        await chat.send("Old version answer")
        await chat.wait_for("Where are you on a good day")

        # Staff reword a question and remove another while Vic is half way through.
        path = dialogues / "good_day_bad_day.yaml"
        text = path.read_text()
        text = text.replace("Who is with you on a good day?", "Who do you spend a good day with?")
        path.write_text(text)
        assert t.running.catalogue.reload() == []

        await chat.send("At home")
        # Vic carries on in the version they started on.
        await chat.wait_for("Who is with you on a good day")

        # Someone starting now gets the new words.
        other, _ = await t.joined_chat("Wyn")
        await other.click("Good day, bad day")
        await other.wait_for("Think of a good day")
        await other.send("x")
        await other.wait_for("Where are you")
        await other.send("y")
        await other.wait_for("Who do you spend a good day with?")

        async with t.db.transaction() as session:
            versions = {
                c.script_version_id for c in (await session.exec(select(Conversation))).all()
            }
        assert len(versions) == 2


async def test_a_broken_script_is_refused_and_the_last_good_one_keeps_serving(
    sandbox, tmp_path: Path
) -> None:
    dialogues = tmp_path / "dialogues"
    shutil.copytree(DIALOGUES, dialogues)
    async with running_tandem(sandbox, tmp_path, dialogues_dir=dialogues) as t:
        (dialogues / "good_day_bad_day.yaml").write_text("tool: good_day_bad_day\nsteps: [\n")
        problems = t.running.catalogue.reload()
        assert problems and str(problems[0]).startswith(str(dialogues / "good_day_bad_day.yaml"))
        chat, _ = await t.joined_chat("Ann")
        await chat.click("Good day, bad day")
        await chat.wait_for("Think of a good day")


async def test_our_own_failure_is_kept_and_the_person_gets_an_apology(tandem) -> None:
    chat, person_id = await tandem.joined_chat("Ira")
    await chat.click("Good day, bad day")
    await chat.wait_for("Think of a good day")
    # Damage the stored state, as a bad migration or a manual edit might.
    async with tandem.db.transaction() as session:
        conv = (await session.exec(select(Conversation))).one()
        conv.state = {"nonsense": True}
        session.add(conv)
    await chat.send("My precious answer")
    reply = await chat.wait_for("something went wrong on our side")
    assert "Traceback" not in reply.text and "Error" not in reply.text
    async with tandem.db.transaction() as session:
        [failed] = (await session.exec(select(FailedUpdate))).all()
    # Nothing the person sent is lost: the whole update is kept for the team.
    assert failed.raw["message"]["text"] == "My precious answer"
    # And the bot carries on for everyone else.
    other, _ = await tandem.joined_chat("Jay")
    await other.click("Good day, bad day")
    await other.wait_for("Think of a good day")
