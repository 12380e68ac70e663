"""A voice note from a person's phone to their case manager's ears: sent on Telegram (the
sandbox) in a tool with a media question, shared, then played in the review page served by the
running Tandem — fetched through the bot, the token nowhere in what the browser gets."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlmodel import select

from bot.review import auth
from bot.sandbox import files
from storage.models import Answer, ServiceUser, Staff
from storage.people import ensure_organisation
from tests.support.review import PASSWORD, sign_in
from tests.support.tandem import running_tandem

VOICE_TOOL = """\
tool: voice_note
title:
  en: A voice note
about:
  en: Tell me about your week in a voice note.
languages: [en]

steps:
  - id: week
    ask:
      en: Send me a voice note about your week.
    short:
      en: Your week
    answer: media
    accept: [voice, photo]

  - id: check
    check_answers: true

  - id: thanks
    say:
      en: Thank you for the voice note.
    end: true

summary:
  - heading:
      en: Their week
    steps: [week]
"""


def _has(label: str):
    return lambda m: label in m.labels


async def test_a_voice_note_is_played_in_the_review_page(sandbox, tmp_path: Path) -> None:
    dialogues = tmp_path / "dialogues"
    dialogues.mkdir()
    (dialogues / "voice_note.yaml").write_text(VOICE_TOOL)
    async with running_tandem(sandbox, tmp_path, web=True, dialogues_dir=dialogues) as t:
        chat, person_id = await t.joined_chat("Kai")
        await chat.click("A voice note")
        await chat.wait_for("Send me a voice note about your week.")
        await chat.send_kind("voice")
        await chat.wait_for(_has("Share with my probation officer"))
        await chat.click("Share with my probation officer")
        await chat.wait_for("Thank you for the voice note.")

        async with t.db.transaction() as session:
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
            answer = (await session.exec(select(Answer).where(Answer.step_id == "week"))).one()
            other_org = await ensure_organisation(session, "Somewhere else")
            stranger = Staff(
                organisation_id=other_org.id or 0,
                email="stranger@example.org",
                name="Stranger",
                role="senior",
                password_hash=auth.hash_password(PASSWORD),
            )
            session.add(stranger)
        file_id = answer.value["file_id"]
        bot = t.sandbox.state.bots[t.running.bot.id]
        expected = files.content(bot.files.by_id[file_id])
        token = t.running.bot.token

        port = t.running.http_port
        assert port
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as web:
            assert (await sign_in(web, "sam@example.org", PASSWORD)).status_code == 303
            page = await web.get(f"/people/{person_id}")
            assert page.status_code == 200
            src = f"/people/{person_id}/media/{answer.id}"
            assert re.search(rf'<audio [^>]*src="{re.escape(src)}"', page.text), page.text
            assert "Their week" in page.text and "Send me a voice note about your week." in (
                page.text
            )
            played = await web.get(src)
            assert played.status_code == 200
            assert played.content == expected
            assert played.headers["content-type"] == "audio/wav"
            for response in (page, played):
                assert token.encode() not in response.content
                assert not any(token in value for value in response.headers.values())

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as web:
            assert (await sign_in(web, "stranger@example.org", PASSWORD)).status_code == 303
            assert (await web.get(src)).status_code == 404
