"""Talk instead of type: in every shipped tool, a voice note answers an open question and is
stored as the answer, through the real Telegram client. Each tool says so before or at its
first open question ("You can type or send a voice note.")."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine import load_dialogues
from tests.support.tandem import DIALOGUES, Harness
from tests.telegram.test_every_tool import PASSIVE, current, settled, tokens

TOOLS = sorted(load_dialogues(DIALOGUES).scripts.values(), key=lambda s: s.id)
# ...and that voice notes are not read for safety words, so a person at risk types it.
SAYS_SO = (
    "You can type or send a voice note. Voice notes are not checked for safety, so if you are"
    " not safe, please type it."
)


def _voice_in(value: Any) -> bool:
    """A stored answer holding a voice note (a list item's answer may hold one)."""
    if isinstance(value, dict):
        return value.get("media") == "voice" or any(_voice_in(v) for v in value.values())
    if isinstance(value, list):
        return any(_voice_in(item) for item in value)
    return False


@pytest.mark.parametrize("script", TOOLS, ids=lambda s: s.id)
async def test_a_voice_note_answers_an_open_question(tandem: Harness, script: Any) -> None:
    chat, person_id = await tandem.joined_chat(script.id[:12])
    title = script.title.pick("en")
    await chat.wait_for(lambda m: title in m.labels, timeout=30)
    await chat.click(title)
    turn = -1
    sent_voice = False
    for _ in range(60):
        await settled(chat, turn)
        if sent_voice and any(_voice_in(v) for _, v in await tandem.answers(person_id)):
            return
        message, turn, buttons = await current(chat)
        active = [t for t in buttons if t not in PASSIVE and not t.startswith("c")]
        if "sh" in buttons:
            raise AssertionError("reached the end without storing the voice note")
        if "e" in buttons:
            await chat.press(message.id, buttons["e"])  # that's everyone
        elif "d" in buttons:
            ticks = [t for t in active if t[:1] == "t" and t[1:].isdigit()]
            await chat.press(message.id, buttons[ticks[0]])
            await settled(chat, turn, newer=False)
            [ticked] = [m for m in await chat.bot_messages() if m.id == message.id]
            await chat.press(message.id, tokens(ticked)[1]["d"])
        elif active:
            await chat.press(message.id, buttons[active[0]])
        elif not sent_voice:
            # The first open question: the tool has said a voice note is fine.
            said = [m.text or "" for m in await chat.bot_messages()]
            assert any(SAYS_SO in text for text in said), said
            await chat.send_kind("voice")
            sent_voice = True
        elif "s" in buttons:
            await chat.press(message.id, buttons["s"])
        else:
            await chat.send("Some words")
    raise AssertionError("the voice note was never stored as an answer")
