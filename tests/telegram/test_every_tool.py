"""Every shipped tool, walked to the end through the real Telegram client, in English and in
Welsh, all at once. A generic walker answers whatever each tool asks: it reads the engine's
button tokens from the callback data, so it needs no knowledge of any one script."""

from __future__ import annotations

import asyncio

import pytest

from bot.engine import load_dialogues
from bot.sandbox.client import Chat, Message
from tests.support.tandem import DIALOGUES, Harness

TOOLS = sorted(load_dialogues(DIALOGUES).scripts.values(), key=lambda s: s.id)
FINISHED = {"en": "That's it for", "cy": "Dyna ddiwedd"}
# Engine tokens (bot/engine/system.py, render.py, kinds/): skip, rather not say, back, keep,
# change an answer, back to the summary — never pressed by the walker.
PASSIVE = {"s", "r", "b", "k", "x"}
TYPED = ["Some words of my own", "3", "today"]


def tokens(message: Message) -> list[tuple[str, str]]:
    """(token, callback data) of each answer button, in order."""
    found = []
    for data in (d for row in message.callback_data for d in row):
        parts = data.split(":")
        if len(parts) == 4 and parts[0] == "a":
            found.append((parts[3], data))
    return found


async def walk(chat: Chat, lang: str, title: str) -> int:
    await chat.wait_for(lambda m: title in m.labels, timeout=15)
    await chat.click(title)
    typed = 0
    for actions in range(80):
        replies = await chat.replies(settle=0.2, timeout=15)
        if any(FINISHED[lang] in (m.text or "") for m in replies):
            return actions
        latest = max((m for m in await chat.bot_messages()), key=lambda m: m.id)
        buttons = dict(tokens(latest))
        active = [t for t in buttons if t not in PASSIVE and not t.startswith("c")]
        if "sh" in buttons:
            await chat.press(latest.id, buttons["sh"])
        elif "e" in buttons:
            await chat.press(latest.id, buttons["e"])  # that's everyone
        elif "d" in buttons:
            ticks = [t for t in active if t[:1] == "t" and t[1:].isdigit()]
            await chat.press(latest.id, buttons[ticks[0]])
            await chat.replies(settle=0.2)
            await chat.press(latest.id, buttons["d"])
        elif active:
            await chat.press(latest.id, buttons[active[0]])
        elif typed < len(TYPED):
            await chat.send(TYPED[typed])
            typed += 1
            continue
        elif "s" in buttons:
            await chat.press(latest.id, buttons["s"])
        else:
            raise AssertionError(f"stuck at {latest.text!r}")
        typed = 0
    raise AssertionError("did not finish in 80 steps")


@pytest.mark.slow
async def test_every_tool_in_both_languages(tandem: Harness) -> None:
    assert TOOLS, "no shipped tools"
    walks = []
    for script in TOOLS:
        for lang in ("en", "cy"):
            chat, person_id = await tandem.joined_chat(f"{script.id[:10]}{lang}")
            if lang == "cy":
                await chat.send("/language")
                await chat.wait_for(lambda m: "Cymraeg" in m.labels)
                await chat.click("Cymraeg")
                await chat.wait_for("Beth hoffech chi ei wneud?")
            walks.append((script, lang, chat, person_id))
    results = await asyncio.gather(
        *(walk(chat, lang, script.title.pick(lang)) for script, lang, chat, _ in walks),
        return_exceptions=True,
    )
    failures = [
        f"{script.id} ({lang}): {result!r}"
        for (script, lang, _, _), result in zip(walks, results, strict=True)
        if isinstance(result, BaseException)
    ]
    assert not failures, "\n".join(failures)
    for script, lang, _, person_id in walks:
        [conv] = (await tandem.export(person_id))["conversations"]
        assert conv["status"] == "finished" and conv["sharing"] == "shared", (script.id, lang)
        assert conv["answers"], (script.id, lang)
