"""Share later: a tool kept to yourself can be shared from /menu ("Things you kept to yourself"),
and the case manager then sees it in the review app exactly as if it had been shared at the end.
Through Telegram (the sandbox) and the review app served by the same running Tandem."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.review import auth
from bot.sandbox.client import Chat
from storage.models import ServiceUser, Staff
from tests.support.review import PASSWORD, sign_in
from tests.support.tandem import Harness, running_tandem

FIRST_EIGHT = ["gym", "park", "Sam", "useful", "bed", "money", "walk", "a job"]
KEPT = "Things you kept to yourself"


async def _keep_good_day(chat: Chat) -> None:
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    for answer in FIRST_EIGHT:
        await chat.send(answer)
        await chat.wait_for(lambda m: bool(m.buttons) and "?" in m.text)
    await chat.click("Not now")
    await chat.wait_for(lambda m: "Keep it to myself for now" in m.labels)
    await chat.click("Keep it to myself for now")
    done = await chat.wait_for("won't see these answers")
    # "for now" is true: it says how to share them later.
    assert f"Send /menu and pick “{KEPT}”" in done.text


async def _open_kept(chat: Chat) -> None:
    await chat.send("/menu")
    menu = await chat.wait_for(lambda m: KEPT in m.labels)
    await chat.click(KEPT, message_id=menu.id)
    listed = await chat.wait_for("These are the things you kept to yourself")
    [label] = [label for label in listed.labels if label.startswith("Good day, bad day: ")]
    await chat.click(label, message_id=listed.id)


async def _sharing(tandem: Harness, person_id: int) -> tuple[str, str | None]:
    [conv] = (await tandem.export(person_id))["conversations"]
    return conv["sharing"], conv["shared_at"]


async def test_kept_then_shared_from_the_menu_reaches_the_case_manager(
    sandbox, tmp_path: Path
) -> None:
    async with running_tandem(sandbox, tmp_path, web=True) as tandem:
        chat, person_id = await tandem.joined_chat("Gus")
        async with tandem.db.transaction() as session:
            person = await session.get(ServiceUser, person_id)
            assert person is not None
            sam = Staff(
                organisation_id=person.organisation_id,
                email="sam@example.org",
                name="Sam",
                role="case_manager",
                password_hash=auth.hash_password(PASSWORD),
            )
            session.add(sam)
            await session.flush()
            person.case_manager_id = sam.id
            session.add(person)
        await _keep_good_day(chat)
        assert await _sharing(tandem, person_id) == ("private", None)

        port = tandem.running.http_port
        assert port
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as web:
            assert (await sign_in(web, "sam@example.org", PASSWORD)).status_code == 303
            before = await web.get(f"/people/{person_id}")
            assert before.status_code == 200 and "useful" not in before.text

            await _open_kept(chat)
            summary = await chat.wait_for("Here are your answers")
            assert "useful" in summary.text
            question = await chat.wait_for(lambda m: "Share with my probation officer" in m.labels)
            assert "share these answers with your probation officer now" in question.text
            assert question.labels == ["Share with my probation officer", "Keep it to myself"]
            share = question.data_for("Share with my probation officer")
            assert share is not None
            await chat.click("Share with my probation officer", message_id=question.id)
            await chat.wait_for("You've shared Good day, bad day")
            sharing, shared_at = await _sharing(tandem, person_id)
            assert sharing == "shared" and shared_at is not None

            after = await web.get(f"/people/{person_id}")
            assert after.status_code == 200
            assert "useful" in after.text and "a job" in after.text
            caseload = await web.get("/")
            assert "Gus Example" in caseload.text

        # Nothing kept any more: the menu no longer offers it, and the old button says so.
        await chat.send("/menu")
        menu = await chat.wait_for("What would you like to do?")
        assert KEPT not in menu.labels
        await chat.press(question.id, share)
        await chat.wait_for("That has already been shared")


async def test_keeping_it_again_changes_nothing(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Hal")
    await _keep_good_day(chat)
    await _open_kept(chat)
    question = await chat.wait_for(lambda m: "Keep it to myself" in m.labels)
    await chat.click("Keep it to myself", message_id=question.id)
    await chat.wait_for("You can still share them later from /menu")
    assert await _sharing(tandem, person_id) == ("private", None)
    await chat.send("/menu")
    menu = await chat.wait_for("What would you like to do?")
    assert KEPT in menu.labels


async def test_share_later_in_welsh(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Iwan")
    await _keep_good_day(chat)
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    menu = await chat.wait_for(lambda m: "Pethau a gadwoch chi i chi'ch hun" in m.labels)
    await chat.click("Pethau a gadwoch chi i chi'ch hun", message_id=menu.id)
    listed = await chat.wait_for("Dyma'r pethau a gadwoch chi i chi'ch hun")
    await chat.click(listed.labels[0], message_id=listed.id)
    question = await chat.wait_for(lambda m: "Rhannu gyda fy swyddog prawf" in m.labels)
    await chat.click("Rhannu gyda fy swyddog prawf", message_id=question.id)
    await chat.wait_for("Rydych chi wedi rhannu")
    sharing, _ = await _sharing(tandem, person_id)
    assert sharing == "shared"
