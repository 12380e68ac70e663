"""Messages Tandem sends unasked, as a person meets them in the sandbox chat: one neutral line
with a "Show me" button, and what it is about once they tap."""

from __future__ import annotations

import asyncio

from bot.sandbox.client import Chat, Message

NEUTRAL = {
    "en": "You have something new in Tandem.",
    "cy": "Mae gennych chi rywbeth newydd yn Tandem.",
}
SHOW_ME = {"en": "Show me", "cy": "Dangos i mi"}


def is_notice(message: Message, lang: str = "en") -> bool:
    return message.text == NEUTRAL[lang] and message.labels == [SHOW_ME[lang]]


async def show_me(chat: Chat, notice: Message, lang: str = "en") -> Message:
    """Tap "Show me" on this message; what it is about, edited into the same message."""
    assert SHOW_ME[lang] in notice.labels, notice
    await chat.click(SHOW_ME[lang], message_id=notice.id)
    return await chat.wait_for(lambda m: m.id == notice.id and m.text != NEUTRAL[lang])


async def notices(chat: Chat, count: int, lang: str = "en", timeout: float = 10.0) -> list[Message]:  # noqa: ASYNC109
    """Every notice in the chat, once there are at least ``count`` of them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = [m for m in await chat.bot_messages() if is_notice(m, lang)]
        if len(found) >= count or loop.time() >= deadline:
            return found
        await chat.refresh(wait=min(0.5, max(deadline - loop.time(), 0)))
