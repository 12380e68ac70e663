"""People Telegram will not deliver to (blocked bot, deleted account) and Telegram's rate limits,
as python-telegram-bot sees them."""

from __future__ import annotations

import datetime as dtm

import pytest
import telegram
from telegram.error import Forbidden, RetryAfter

from bot.sandbox.client import SandboxClient, SandboxError
from bot.sandbox.server import SandboxServer

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_blocked_bot_is_refused_for_sends_and_edits(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat("Blocker")
    await chat.start()
    sent = await bot.send_message(chat.user_id, "before")
    await chat.block()
    with pytest.raises(Forbidden) as caught:
        await bot.send_message(chat.user_id, "after")
    # Telegram's own words, which Tandem keeps as the reason.
    assert caught.value.message == "Forbidden: bot was blocked by the user"
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.edit_message_text("changed", chat_id=chat.user_id, message_id=sent.message_id)
    calls = [c for c in await client.calls() if c["method"] in ("sendMessage", "editMessageText")]
    assert [c["error_code"] for c in calls] == [None, 403, 403]


async def test_restart_unblocks_and_says_start(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    offset = (await bot.get_updates())[-1].update_id + 1
    await chat.block()
    with pytest.raises(SandboxError):
        await chat.send("hello")  # a blocked bot's chat has no text box, only RESTART
    await chat.restart()
    assert not chat.blocked
    updates = await bot.get_updates(offset=offset)
    changes = [
        (u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
        for u in updates
        if u.my_chat_member
    ]
    assert changes == [("member", "kicked"), ("kicked", "member")]
    assert updates[-1].message is not None and updates[-1].message.text == "/start"
    assert await bot.send_message(chat.user_id, "welcome back")


async def test_deleted_account_is_refused_for_good(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat("Gone")
    await chat.start()
    sent = await bot.send_message(chat.user_id, "hello")
    await chat.delete_account()
    with pytest.raises(Forbidden) as caught:
        await bot.send_message(chat.user_id, "are you there?")
    assert caught.value.message == "Forbidden: user is deactivated"
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.edit_message_text("edited", chat_id=chat.user_id, message_id=sent.message_id)
    with pytest.raises(SandboxError) as refused:
        await chat.send("I'm back")
    assert refused.value.status == 409
    await chat.refresh()
    assert chat.deactivated
    listed = await client.request("GET", "/chats")
    assert [c["deactivated"] for c in listed["chats"] if c["user"]["id"] == chat.user_id] == [True]


async def test_rate_limit_for_one_bot_counts_its_429s(
    sandbox: SandboxServer, bot: telegram.Bot, client: SandboxClient
) -> None:
    chats = [await client.chat(f"P{i}") for i in range(4)]
    for chat in chats:
        await chat.start()
    await client.ratelimit(per_second=3)
    try:
        info = await client.bot_info()
        assert info["rate_limit"]["per_second"] == 3
        assert info["too_many_requests"] == 0
        for chat in chats[:3]:
            assert await bot.send_message(chat.user_id, "within the limit")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(chats[3].user_id, "one too many")
        assert caught.value.retry_after in (1, dtm.timedelta(seconds=1))
        assert await client.too_many_requests() == 1
        # Another bot on the same sandbox keeps its own (here: no) limit.
        other_token = f"{bot.id + 10**6}:AAH-sandbox_test_token_other_bot"
        other_id = int(other_token.split(":")[0])
        async with (
            telegram.Bot(other_token, base_url=sandbox.api_url) as other,
            SandboxClient(sandbox.url, bot_id=other_id) as others,
        ):
            person = await others.chat("Other", user_id=chats[0].user_id)
            await person.start()
            for _ in range(5):
                assert await other.send_message(person.user_id, "not limited")
            assert await others.too_many_requests() == 0
            assert (await others.bot_info())["rate_limit"]["per_second"] is None
    finally:
        await client.ratelimit(per_second=None)
    assert await bot.send_message(chats[3].user_id, "limit off")


async def test_a_sandbox_started_with_telegrams_limit_enforces_it() -> None:
    with SandboxServer(rate_limit=30) as sandbox:
        token = "7999000001:AAH-sandbox_test_token_limited"
        bot_id = int(token.split(":")[0])
        async with (
            telegram.Bot(token, base_url=sandbox.api_url) as bot,
            SandboxClient(sandbox.url, bot_id=bot_id) as client,
        ):
            chat = await client.chat()
            await chat.start()
            refused = 0
            for i in range(40):
                try:
                    await bot.send_message(chat.user_id, f"message {i}")
                except RetryAfter:
                    refused += 1
            # Forty at once: the first thirty go, the rest are refused within the second.
            assert refused == 10
            assert await client.too_many_requests() == 10
            assert (await client.bot_info())["rate_limit"]["per_second"] == 30
            await client.reset()
            # A reset keeps the limit the sandbox was started with.
            assert sandbox.state.limits.rate.per_second == 30


async def test_people_who_started_long_ago_can_be_written_to(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    ids = [7_500_000_000 + n for n in range(3)]
    await client.started_chats(ids, first_name="Seeded")
    for user_id in ids:
        assert await bot.send_message(user_id, "a reminder")
    assert await client.pending_updates() == []  # nothing for the bot to handle
    chat = await client.chat(user_id=ids[0])
    assert [m.text for m in await chat.bot_messages()] == ["a reminder"]
