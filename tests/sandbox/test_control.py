"""The control API the chat page and the test client stand on."""

from __future__ import annotations

import asyncio
import itertools

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.sandbox.client import SandboxClient, SandboxError
from bot.sandbox.server import SandboxServer


def one_button(label: str, data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


async def test_users_are_idempotent_by_id(client: SandboxClient) -> None:
    first = await client.request("POST", "/users", json={"first_name": "Ann", "id": 5550001})
    again = await client.request("POST", "/users", json={"first_name": "Other", "id": 5550001})
    assert (
        first
        == again
        == {"id": 5550001, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    )
    with pytest.raises(SandboxError) as caught:
        await client.request("POST", "/users", json={"first_name": ""})
    assert caught.value.status == 400


async def test_errors_are_json(sandbox: SandboxServer, client: SandboxClient) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        broken = await http.post("/sandbox/api/users", content=b"[1,")
        assert broken.status_code == 400 and broken.json()["ok"] is False
        unknown = await http.post(
            f"/sandbox/api/chats/1/messages?bot={client.bot_id}", json={"text": "hi"}
        )
        assert unknown.status_code == 404 and "no user" in unknown.json()["error"]
        not_a_number = await http.get("/sandbox/api/chats/abc/messages")
        assert not_a_number.status_code == 400
        no_bot = await http.get("/sandbox/api/chats?bot=42")
        assert no_bot.status_code == 404
    chat = await client.chat()
    with pytest.raises(SandboxError, match="unknown kind"):
        await chat.send_kind("hologram")
    with pytest.raises(SandboxError, match="no button"):
        await chat.click("Nope")


async def test_long_poll_wakes_on_edits_of_old_messages(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    await chat.start()
    sent = await bot.send_message(chat.user_id, "Step 1 of 3")
    await bot.send_message(chat.user_id, "Newer message")
    view = await client.request("GET", f"/chats/{chat.user_id}/messages", params={"after_seq": 0})
    cursor = view["seq"]
    poll = asyncio.create_task(
        client.request(
            "GET", f"/chats/{chat.user_id}/messages", params={"after_seq": cursor, "wait": 5}
        )
    )
    await asyncio.sleep(0.1)
    assert not poll.done()
    await bot.edit_message_text("Step 2 of 3", chat_id=chat.user_id, message_id=sent.message_id)
    changed = await asyncio.wait_for(poll, 3)
    assert [(m["id"], m["text"], m["edited"]) for m in changed["messages"]] == [
        (sent.message_id, "Step 2 of 3", True)
    ]
    assert changed["seq"] > cursor


async def test_after_message_id_lists_only_newer_messages(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    first = await chat.start()
    await bot.send_message(chat.user_id, "a")
    await bot.send_message(chat.user_id, "b")
    view = await client.request("GET", f"/chats/{chat.user_id}/messages", params={"after": first})
    assert [(m["from"], m["text"]) for m in view["messages"]] == [("bot", "a"), ("bot", "b")]


async def test_forged_callback_data_arrives_verbatim(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    await chat.start()
    sent = await bot.send_message(chat.user_id, "Pick", reply_markup=one_button("A", "a"))
    offset = (await bot.get_updates())[-1].update_id + 1
    query_id = await chat.press(sent.message_id, "../../admin")
    [update] = await bot.get_updates(offset=offset)
    assert update.callback_query is not None
    assert update.callback_query.data == "../../admin"
    assert update.callback_query.id == query_id


async def test_click_picks_the_newest_message_with_that_label(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    await chat.start()
    old = await bot.send_message(chat.user_id, "Old", reply_markup=one_button("Next", "old"))
    await bot.send_message(chat.user_id, "New", reply_markup=one_button("Next", "new"))
    offset = (await bot.get_updates())[-1].update_id + 1
    await chat.click("Next")
    await chat.click("Next", message_id=old.message_id)
    updates = await bot.get_updates(offset=offset)
    assert [u.callback_query.data for u in updates if u.callback_query] == ["new", "old"]


async def test_person_edits_their_message(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    msg_id = await chat.send("I feel OK")
    await chat.edit(msg_id, "I feel good")
    updates = await bot.get_updates()
    edited = updates[-1].edited_message
    assert edited is not None
    assert (edited.message_id, edited.text) == (msg_id, "I feel good")
    assert edited.edit_date is not None


async def test_one_time_keyboard_hides_after_use(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    await bot.send_message(
        chat.user_id,
        "Yes or no?",
        reply_markup=ReplyKeyboardMarkup([["Yes", "No"]], one_time_keyboard=True),
    )
    await chat.wait_for("Yes or no?")
    assert chat.reply_keyboard is not None and not chat.reply_keyboard["hidden"]
    await chat.click("No")
    await chat.refresh()
    assert chat.reply_keyboard is not None and chat.reply_keyboard["hidden"]


async def test_blocked_person_cannot_write(client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    await chat.block()
    with pytest.raises(SandboxError) as caught:
        await chat.send("hello")
    assert caught.value.status == 409
    await chat.unblock()
    assert await chat.send("hello")


async def test_bot_info_and_call_log(bot: telegram.Bot, client: SandboxClient) -> None:
    await bot.set_my_commands([telegram.BotCommand("start", "Begin")])
    chat = await client.chat()
    await chat.send("waiting")
    info = await client.bot_info()
    assert info["id"] == bot.id
    assert info["username"] == "TandemSandboxBot"
    assert info["commands"] == [{"command": "start", "description": "Begin"}]
    assert info["pending_update_count"] == 1
    assert info["webhook"] is None
    calls = await client.calls()
    assert [c["method"] for c in calls][:2] == ["getMe", "setMyCommands"]
    assert set(calls[0]) == {"method", "ok", "error_code", "chat_id", "time"}
    later = await client.calls(since=1)
    assert later == calls[1:]
    listing = await client.request("GET", "/bots")
    assert bot.id in [b["id"] for b in listing["bots"]]


async def test_toasts_endpoint(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    await bot.send_message(chat.user_id, "Tap", reply_markup=one_button("Tap", "tap"))
    offset = (await bot.get_updates())[-1].update_id + 1
    await chat.click("Tap")
    [update] = await bot.get_updates(offset=offset)
    assert update.callback_query is not None
    await update.callback_query.answer("Noted")
    toasts = await client.request("GET", f"/chats/{chat.user_id}/toasts")
    assert [t["text"] for t in toasts["toasts"]] == ["Noted"]


async def test_fifty_people_long_polling_at_once(bot: telegram.Bot, client: SandboxClient) -> None:
    people = [await client.chat(f"P{n}") for n in range(50)]
    for person in people:
        await person.start()

    async def reply_to_everyone() -> None:
        offset = 0
        answered = 0
        while answered < len(people):
            for update in await bot.get_updates(offset=offset, timeout=5):
                offset = update.update_id + 1
                if update.message and update.message.text == "ping":
                    await bot.send_message(update.message.chat.id, f"pong {update.message.chat.id}")
                    answered += 1

    confirm = await bot.get_updates()
    await bot.get_updates(offset=confirm[-1].update_id + 1)
    responder = asyncio.create_task(reply_to_everyone())
    waits = [asyncio.create_task(p.wait_for(f"pong {p.user_id}", timeout=10)) for p in people]
    await asyncio.sleep(0.1)  # all fifty are now long-polling
    for person in people:
        await person.send("ping")
    replies = await asyncio.gather(*waits)
    await responder
    assert all(r.text == f"pong {p.user_id}" for r, p in zip(replies, people, strict=True))


JUNK = ["", "null", "[]", "{}", '{"a":', "-1", "1e999", "nan", "true", "x" * 5000, "\u0000", "😀"]
METHOD_FIELDS = {
    "sendMessage": [
        "chat_id",
        "text",
        "parse_mode",
        "entities",
        "reply_markup",
        "reply_parameters",
    ],
    "getUpdates": ["offset", "limit", "allowed_updates", "timeout"],
    "editMessageText": ["chat_id", "message_id", "text", "reply_markup"],
    "editMessageReplyMarkup": ["message_id", "reply_markup", "inline_message_id"],
    "answerCallbackQuery": ["callback_query_id", "text", "show_alert"],
    "setMyCommands": ["commands", "scope", "language_code"],
    "setWebhook": ["url", "secret_token", "max_connections"],
    "sendChatAction": ["chat_id", "action"],
    "deleteMessage": ["chat_id", "message_id"],
    "getChat": ["chat_id"],
    "setChatMenuButton": ["menu_button"],
}


async def test_junk_parameters_never_crash_the_sandbox(sandbox: SandboxServer, token: str) -> None:
    base = f"{sandbox.url}/bot{token}"
    async with httpx.AsyncClient() as http:
        for method, fields in METHOD_FIELDS.items():
            for field, junk in itertools.product(fields, JUNK):
                # A junk timeout other than NaN would be clamped into a real long poll.
                sane = field != "timeout" or junk == "nan"
                params = {"timeout": "0"} | {field: junk if sane else "0"}
                response = await http.post(f"{base}/{method}", data=params)
                assert response.status_code in {200, 400, 403}, (method, field, junk, response.text)
                assert response.json()["ok"] is (response.status_code == 200)
        await http.post(f"{base}/deleteWebhook")
