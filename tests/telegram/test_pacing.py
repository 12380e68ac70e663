"""The sender keeps Telegram's limits, as the sandbox measures them: no more than 30 messages a
second overall (no 429s), about one a second to one chat for anything that is not a reply, and
a reply to what the person just did at once, whole."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.conversations.messages import Outgoing
from storage import outbox
from storage.types import utcnow
from tests.support.tandem import Harness

FIRST_USER_ID = 7_700_000_000


async def queue(tandem: Harness, chat_id: int, texts: list[str], *, reply: bool = False) -> None:
    async with tandem.db.transaction() as session:
        for text in texts:
            payload = Outgoing(chat_id, text).to_payload()
            outbox.enqueue(session, chat_id, payload, now=utcnow(), reply=reply)
    tandem.running.sender.wake()


async def sent_to(tandem: Harness, chat_id: int, since: int) -> list[dict[str, Any]]:
    calls = await tandem.client.calls(since)
    return [c for c in calls if c["method"] == "sendMessage" and c["chat_id"] == chat_id]


async def settled(tandem: Harness, timeout: float = 20.0) -> None:  # noqa: ASYNC109
    deadline = asyncio.get_running_loop().time() + timeout
    while await outbox.pending_count(tandem.db):
        assert asyncio.get_running_loop().time() < deadline, "the outbox did not empty"
        await asyncio.sleep(0.05)


async def test_many_chats_at_once_stay_under_telegrams_limit(tandem: Harness) -> None:
    people = [FIRST_USER_ID + n for n in range(90)]
    await tandem.client.started_chats(people)
    await tandem.client.ratelimit(per_second=30)
    since = (await tandem.client.bot_info())["calls"]
    for chat_id in people:
        await queue(tandem, chat_id, [f"You have something new in Tandem. ({chat_id})"])
    await settled(tandem)
    calls = [c for c in await tandem.client.calls(since) if c["method"] == "sendMessage"]
    assert len(calls) == 90 and all(c["ok"] for c in calls)
    assert await tandem.client.too_many_requests() == 0
    times = sorted(c["time"] for c in calls)
    # Ninety at about 29 a second: three seconds, and never more than 30 in any second.
    assert times[-1] - times[0] >= 2.9
    assert all(times[i + 30] - times[i] >= 1.0 for i in range(len(times) - 30))


async def test_a_backlog_for_one_chat_goes_about_a_second_apart(tandem: Harness) -> None:
    chat_id = FIRST_USER_ID + 500
    await tandem.client.started_chats([chat_id])  # nothing sent to them lately
    since = (await tandem.client.bot_info())["calls"]
    await queue(tandem, chat_id, [f"plan step {n}" for n in range(6)])
    await settled(tandem)
    times = [c["time"] for c in await sent_to(tandem, chat_id, since)]
    assert len(times) == 6
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # The first few together (Telegram allows short bursts), then about one a second. A token
    # bucket bounds how many go in a stretch of time, not each gap: one send held up by a busy
    # machine makes the gap after it shorter. So the tail is measured as a whole, with room for
    # such a hold-up, and never against a clock that load can stretch the wrong way.
    assert times[2] - times[0] < 0.9, gaps
    assert times[5] - times[2] >= 2.5, gaps
    chat = await tandem.client.chat(user_id=chat_id)
    assert [m.text for m in await chat.bot_messages()] == [f"plan step {n}" for n in range(6)]


async def test_a_reply_goes_at_once_whole(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Snappy")
    since = (await tandem.client.bot_info())["calls"]
    await queue(tandem, chat.user_id, [f"reply part {n}" for n in range(6)], reply=True)
    await chat.wait_for("reply part 5", timeout=10)
    times = [c["time"] for c in await sent_to(tandem, chat.user_id, since)]
    assert len(times) == 6 and times[-1] - times[0] < 0.9
