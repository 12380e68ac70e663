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


def tokens(message: Message) -> tuple[int, dict[str, str]]:
    """The turn a message's answer buttons belong to, and token -> callback data."""
    turn, found = -1, {}
    for data in (d for row in message.callback_data for d in row):
        parts = data.split(":")
        if len(parts) == 4 and parts[0] == "a":
            turn = max(turn, int(parts[2]))
            found[parts[3]] = data
    return turn, found


async def current(chat: Chat) -> tuple[Message, int, dict[str, str]]:
    """The question now waiting: the message whose buttons carry the newest turn (a question
    without buttons of its own is the newest message after it)."""
    messages = await chat.bot_messages()
    newest = max(messages, key=lambda m: m.id)
    with_buttons = [(tokens(m), m) for m in messages if tokens(m)[1]]
    if not with_buttons:
        return newest, -1, {}
    (turn, buttons), message = max(with_buttons, key=lambda item: (item[0][0], item[1].id))
    if newest.id > message.id and "?" in (newest.text or "") and not newest.buttons:
        return newest, turn, {}
    return message, turn, buttons


async def settled(chat: Chat, before: int, *, newer: bool = True) -> list[Message]:
    """Wait until Tandem has answered the last action — with `newer`, until a question with a
    newer turn (or the end of the tool) has arrived, so an acknowledgement sent just before the
    next question is never taken for the whole answer on a busy machine — then until the chat
    is quiet."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    replies: list[Message] = []
    while loop.time() < deadline:
        replies = await chat.replies(settle=0.5, timeout=5)
        if replies and (not newer or await moved_on(chat, before)):
            return replies
    if replies:
        return replies  # the same question again (a refused answer): the walker carries on
    raise AssertionError(f"no answer after turn {before}")


async def moved_on(chat: Chat, before: int) -> bool:
    messages = await chat.bot_messages()
    return any(tokens(m)[0] > before for m in messages) or any(
        text in (m.text or "") for m in messages for text in FINISHED.values()
    )


async def walk(chat: Chat, lang: str, title: str) -> int:
    await chat.wait_for(lambda m: title in m.labels, timeout=30)
    await chat.click(title)
    typed = 0
    turn = -1
    for actions in range(80):
        replies = await settled(chat, turn)
        if any(FINISHED[lang] in (m.text or "") for m in replies):
            return actions
        message, turn, buttons = await current(chat)
        active = [t for t in buttons if t not in PASSIVE and not t.startswith("c")]
        if "sh" in buttons:
            await chat.press(message.id, buttons["sh"])
        elif "e" in buttons:
            await chat.press(message.id, buttons["e"])  # that's everyone
        elif "d" in buttons:
            ticks = [t for t in active if t[:1] == "t" and t[1:].isdigit()]
            await chat.press(message.id, buttons[ticks[0]])
            await settled(chat, turn, newer=False)
            [ticked] = [m for m in await chat.bot_messages() if m.id == message.id]
            await chat.press(message.id, tokens(ticked)[1]["d"])
        elif active:
            await chat.press(message.id, buttons[active[0]])
        elif typed < len(TYPED):
            await chat.send(TYPED[typed])
            typed += 1
            continue
        elif "s" in buttons:
            await chat.press(message.id, buttons["s"])
        else:
            raise AssertionError(f"stuck at {message.text!r}")
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
    # A few at a time: all twenty at once would queue behind Telegram's 30 messages a second,
    # and the walker reads a quiet chat as "Tandem has answered".
    gate = asyncio.Semaphore(4)

    async def one(script, lang, chat):  # type: ignore[no-untyped-def]
        async with gate:
            return await walk(chat, lang, script.title.pick(lang))

    results = await asyncio.gather(
        *(one(script, lang, chat) for script, lang, chat, _ in walks), return_exceptions=True
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
