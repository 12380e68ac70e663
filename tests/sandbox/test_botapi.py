"""The Bot API as python-telegram-bot sees it: results parse, errors raise the right classes.

python-telegram-bot capitalises error texts ("Bad Request: BUTTON_DATA_INVALID" becomes
"Button_data_invalid"), hence the case-insensitive matches.
"""

from __future__ import annotations

import asyncio
import datetime as dtm

import httpx
import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer


def unknown_fields(obj: object, path: str = "") -> list[str]:
    """Fields python-telegram-bot did not recognise (kept in api_kwargs): signs of a wrong shape."""
    found: list[str] = []
    if isinstance(obj, telegram.TelegramObject):
        found += [f"{path}.{key}" for key in obj.api_kwargs]
        for key in obj.to_dict():
            found += unknown_fields(
                getattr(obj, "from_user" if key == "from" else key, None), f"{path}.{key}"
            )
    elif isinstance(obj, (list, tuple)):
        for index, item in enumerate(obj):
            found += unknown_fields(item, f"{path}[{index}]")
    return found


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower())] for label in labels]
    )


async def test_get_me_reports_the_configured_bot(bot: telegram.Bot, token: str) -> None:
    me = await bot.get_me()
    assert me.id == int(token.split(":")[0])
    assert me.is_bot
    assert me.username == "TandemSandboxBot"
    assert me.first_name == "Tandem"
    assert unknown_fields(me) == []


async def test_send_message_with_inline_keyboard_round_trips(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat("Alex")
    await chat.start()
    sent = await bot.send_message(chat.user_id, "Ready?", reply_markup=keyboard("Yes", "No"))
    assert isinstance(sent, telegram.Message)
    assert sent.chat.id == chat.user_id
    assert sent.from_user is not None and sent.from_user.id == bot.id and sent.from_user.is_bot
    assert sent.reply_markup == keyboard("Yes", "No")
    seen = await chat.wait_for("Ready?")
    assert seen.id == sent.message_id
    assert seen.buttons == [["Yes"], ["No"]]
    assert seen.data_for("No") == "no"


async def test_message_ids_increase_per_chat_across_both_sides(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    first = await chat.send("hi")
    reply = await bot.send_message(chat.user_id, "hello")
    second = await chat.send("again")
    assert first < reply.message_id < second


async def test_long_poll_returns_as_soon_as_a_person_writes(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat("Sam")
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    await chat.send("/start ABC123")
    updates = await asyncio.wait_for(poll, 5)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.text == "/start ABC123"
    assert message.from_user is not None and message.from_user.first_name == "Sam"
    assert message.chat.type == "private" and message.chat.id == chat.user_id
    # Telegram marks the command word, and only it.
    assert message.entities[0].type == "bot_command"
    assert (message.entities[0].offset, message.entities[0].length) == (0, len("/start"))
    assert message.parse_entities() == {message.entities[0]: "/start"}


async def test_offset_confirms_earlier_updates(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    for text in ("one", "two", "three"):
        await chat.send(text)
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["one", "two", "three"]
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == 3
    # Not confirmed yet: handed out again.
    assert [u.update_id for u in await bot.get_updates()] == ids
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert await bot.get_updates(offset=ids[-1] + 1) == ()
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_limit_and_negative_offset(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    for n in range(5):
        await chat.send(f"m{n}")
    assert len(await bot.get_updates(limit=2)) == 2
    last = await bot.get_updates(offset=-1)
    assert [u.message.text for u in last if u.message] == ["m4"]
    # The others are forgotten.
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["m4"]


async def test_click_yields_callback_query_and_answer_shows_a_toast(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    await chat.start()
    sent = await bot.send_message(
        chat.user_id, "Pick one", reply_markup=keyboard("Good day", "Bad day")
    )
    offset = (await bot.get_updates())[-1].update_id + 1
    await chat.click("Bad day")
    updates = await bot.get_updates(offset=offset, timeout=5)
    query = updates[0].callback_query
    assert query is not None
    assert query.data == "bad day"
    assert query.from_user.id == chat.user_id
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.message.reply_markup == keyboard("Good day", "Bad day")
    assert query.chat_instance
    assert unknown_fields(updates[0]) == []
    assert await query.answer("Saved", show_alert=True)
    toast = await chat.wait_for_toast("Saved")
    assert toast.show_alert
    # A query can be answered once only.
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await query.answer("again")
    with pytest.raises(BadRequest, match="(?i)query ID is invalid"):
        await bot.answer_callback_query("12345")


async def test_edit_message_text_and_markup(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    sent = await bot.send_message(chat.user_id, "Question", reply_markup=keyboard("A", "B"))
    edited = await bot.edit_message_text(
        "Question (answered)",
        chat_id=chat.user_id,
        message_id=sent.message_id,
        reply_markup=keyboard("Change"),
    )
    assert isinstance(edited, telegram.Message)
    assert edited.text == "Question (answered)"
    assert edited.edit_date is not None
    assert edited.reply_markup == keyboard("Change")
    seen = await chat.wait_for("answered")
    assert seen.edited and seen.id == sent.message_id and seen.buttons == [["Change"]]

    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text(
            "Question (answered)",
            chat_id=chat.user_id,
            message_id=sent.message_id,
            reply_markup=keyboard("Change"),
        )
    # As in Telegram, an edit without reply_markup drops the inline keyboard.
    plain = await bot.edit_message_text("Done", chat_id=chat.user_id, message_id=sent.message_id)
    assert isinstance(plain, telegram.Message) and plain.reply_markup is None
    again = await bot.edit_message_reply_markup(
        chat.user_id, sent.message_id, reply_markup=keyboard("Undo")
    )
    assert isinstance(again, telegram.Message) and again.text == "Done"
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=chat.user_id, message_id=9999)
    own = await chat.send("my words")
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=chat.user_id, message_id=own)


async def test_delete_message(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    sent = await bot.send_message(chat.user_id, "oops")
    assert await bot.delete_message(chat.user_id, sent.message_id)
    assert all(m.id != sent.message_id for m in await chat.bot_messages())
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(chat.user_id, sent.message_id)


async def test_reply_keyboard_and_its_removal(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    markup = ReplyKeyboardMarkup(
        [["Yes", "No"], ["Skip"]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder="Answer",
    )
    sent = await bot.send_message(chat.user_id, "Did it go well?", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram only echoes inline keyboards
    await chat.wait_for("go well")
    assert chat.reply_keyboard is not None
    assert chat.reply_keyboard["rows"] == [["Yes", "No"], ["Skip"]]
    assert chat.reply_keyboard["placeholder"] == "Answer"
    offset = (await bot.get_updates())[-1].update_id + 1
    await chat.click("Skip")  # a reply button sends its text as an ordinary message
    updates = await bot.get_updates(offset=offset, timeout=5)
    assert updates[0].message is not None and updates[0].message.text == "Skip"
    await bot.send_message(chat.user_id, "Thanks", reply_markup=ReplyKeyboardRemove())
    await chat.wait_for("Thanks")
    assert chat.reply_keyboard is None
    assert await bot.send_message(chat.user_id, "Why?", reply_markup=ForceReply())


async def test_text_limits_and_html(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    assert await bot.send_message(chat.user_id, "x" * 4096)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(chat.user_id, "x" * 4097)
    # Tags do not count towards the limit.
    html = "<b>" + "x" * 4096 + "</b>"
    assert await bot.send_message(chat.user_id, html, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(chat.user_id, "   ")
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(chat.user_id, "<b>unclosed", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match='(?i)Unsupported start tag "br"'):
        await bot.send_message(chat.user_id, "one<br>two", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)reserved"):
        await bot.send_message(chat.user_id, "Hello.", parse_mode=ParseMode.MARKDOWN_V2)
    styled = await bot.send_message(
        chat.user_id, "<b>Hi</b> &amp; <i>bye</i>", parse_mode=ParseMode.HTML
    )
    assert styled.text == "Hi & bye"
    assert [(e.type, e.offset, e.length) for e in styled.entities] == [
        ("bold", 0, 2),
        ("italic", 5, 3),
    ]


async def test_button_data_is_limited_to_64_bytes(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    fits = "é" * 32  # 64 bytes in UTF-8
    assert await bot.send_message(
        chat.user_id,
        "ok",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data=fits)]]),
    )
    too_long = "é" * 33  # 33 characters, 66 bytes
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(
            chat.user_id,
            "no",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("A", callback_data=too_long)]]
            ),
        )


async def test_unknown_and_unwilling_chats(bot: telegram.Bot, client: SandboxClient) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(123, "hello?")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message("@someone", "hello?")
    quiet = await client.chat("Quiet")
    with pytest.raises(Forbidden, match="(?i)can't initiate conversation"):
        await bot.send_message(quiet.user_id, "hello?")
    chat = await client.chat("Blocker")
    await chat.start()
    await chat.block()
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(chat.user_id, "are you there?")
    await chat.unblock()
    assert await bot.send_message(chat.user_id, "welcome back")


async def test_block_and_unblock_send_my_chat_member(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    await chat.start()
    offset = (await bot.get_updates())[-1].update_id + 1
    await chat.block()
    await chat.unblock()
    updates = await bot.get_updates(offset=offset)
    changes = [u.my_chat_member for u in updates]
    assert [(c.old_chat_member.status, c.new_chat_member.status) for c in changes if c] == [
        ("member", "kicked"),
        ("kicked", "member"),
    ]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_raises_retry_after(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    await client.flood(2, retry_after=3, methods=["sendMessage"])
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(chat.user_id, "hi")
        assert caught.value.retry_after in (3, dtm.timedelta(seconds=3))
    assert await bot.get_me()  # other methods are not affected
    assert await bot.send_message(chat.user_id, "hi")
    calls = await client.calls()
    assert [c["error_code"] for c in calls if c["method"] == "sendMessage"] == [429, 429, None]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_mode(
    sandbox: SandboxServer, bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    await chat.start()
    await client.ratelimit(per_second=None, per_chat_per_second=2)
    try:
        assert await bot.send_message(chat.user_id, "1")
        assert await bot.send_message(chat.user_id, "2")
        with pytest.raises(RetryAfter):
            await bot.send_message(chat.user_id, "3")
    finally:
        await client.ratelimit(per_second=None)
    assert await bot.send_message(chat.user_id, "3")


async def test_webhook_blocks_get_updates(bot: telegram.Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret")
    info = await bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/hook"
    with pytest.raises(Conflict, match="(?i)webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()
    with pytest.raises(BadRequest, match="(?i)HTTPS URL must be provided"):
        await bot.set_webhook("http://example.com/hook")
    with pytest.raises(BadRequest, match="(?i)secret token"):
        await bot.set_webhook("https://example.com/hook", secret_token="not allowed!")


async def test_second_poller_ends_the_first_with_conflict(
    sandbox: SandboxServer, bot: telegram.Bot, token: str
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    # Another process with the same token (PTB queues one Bot's polls on one connection).
    async with telegram.Bot(token, base_url=sandbox.api_url) as other:
        second = asyncio.create_task(other.get_updates(timeout=0))
        with pytest.raises(Conflict, match="(?i)terminated by other getUpdates request"):
            await asyncio.wait_for(first, 5)
        assert await second == ()


async def test_bad_tokens_are_refused(sandbox: SandboxServer, token: str) -> None:
    with pytest.raises(InvalidToken):
        async with telegram.Bot("not-a-token", base_url=sandbox.api_url):
            pass
    async with telegram.Bot(token, base_url=sandbox.api_url) as bot:
        assert await bot.get_me()
    # Same bot id, different secret: as with a revoked token.
    wrong = token.split(":")[0] + ":AAH-some_other_secret_value"
    with pytest.raises(InvalidToken):
        async with telegram.Bot(wrong, base_url=sandbox.api_url):
            pass


async def test_commands(bot: telegram.Bot, client: SandboxClient) -> None:
    commands = [BotCommand("start", "Begin"), BotCommand("pause", "Take a break")]
    assert await bot.set_my_commands(commands)
    assert await bot.get_my_commands() == tuple(commands)
    chat = await client.chat()
    assert await bot.set_my_commands(
        [BotCommand("help", "Help")], scope=BotCommandScopeChat(chat.user_id)
    )
    view = await client.request("GET", f"/chats/{chat.user_id}/commands")
    assert view["commands"] == [{"command": "help", "description": "Help"}]
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "Begin")])
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("start", "")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_chat_action(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    assert await bot.send_chat_action(chat.user_id, ChatAction.TYPING)
    view = await client.request("GET", f"/chats/{chat.user_id}/messages")
    assert view["action"] == "typing"
    with pytest.raises(BadRequest, match="(?i)wrong parameter action"):
        await bot.send_chat_action(chat.user_id, "dancing")


async def test_reply_to_a_message(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    own = await chat.start()
    sent = await bot.send_message(chat.user_id, "Replying", reply_to_message_id=own)
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "/start"
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await bot.send_message(chat.user_id, "?", reply_to_message_id=999)
    msg_id = await chat.send("and you?", reply_to=sent.message_id)
    updates = await bot.get_updates()
    last = updates[-1].message
    assert last is not None and last.message_id == msg_id
    assert last.reply_to_message is not None and last.reply_to_message.text == "Replying"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_update_json_parses_for_every_message_kind(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    from bot.sandbox.kinds import KINDS

    chat = await client.chat("Kim")
    for kind in KINDS:
        await chat.send_kind(kind, caption="look" if kind == "photo" else None)
    pending = await client.pending_updates()
    assert len(pending) == len(KINDS)
    for raw, kind in zip(pending, KINDS, strict=True):
        update = Update.de_json(raw, bot)
        assert update is not None and update.message is not None
        assert getattr(update.message, kind), kind
        assert update.message.effective_attachment is not None
        assert unknown_fields(update) == [], kind
    photo = Update.de_json(pending[KINDS.index("photo")], bot)
    assert photo is not None and photo.message is not None and photo.message.caption == "look"


async def test_raw_http_shapes(sandbox: SandboxServer, token: str) -> None:
    base = f"{sandbox.url}/bot{token}"
    async with httpx.AsyncClient() as http:
        ok = (await http.get(f"{base}/GETME")).json()  # method names ignore case
        assert ok["ok"] is True and ok["result"]["is_bot"] is True
        missing = await http.post(f"{base}/noSuchMethod")
        assert missing.status_code == 404
        assert missing.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        bad = await http.post(
            f"{base}/sendMessage",
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        )
        assert bad.status_code == 400 and bad.json()["description"].startswith("Bad Request:")
        no_chat = (await http.post(f"{base}/sendMessage", json={"text": "hi"})).json()
        assert no_chat == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: chat_id is empty",
        }
        by_query = (
            await http.get(f"{base}/sendMessage", params={"chat_id": "42", "text": "hi"})
        ).json()
        assert by_query["description"] == "Bad Request: chat not found"
        multipart = await http.post(
            f"{base}/getUpdates",
            data={"timeout": "0", "limit": "5"},
            files={"x": ("a.txt", b"abc")},
        )
        assert multipart.json() == {"ok": True, "result": []}
        unauthorized = await http.get(f"{sandbox.url}/bot123:short/getMe")
        assert unauthorized.status_code == 401
        assert unauthorized.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }
        flood = await http.post(
            f"{sandbox.url}/sandbox/api/flood",
            json={"count": 1, "retry_after": 7, "bot_id": int(token.split(":")[0])},
        )
        assert flood.status_code == 200
        limited = await http.get(f"{base}/getMe")
        assert limited.status_code == 429
        assert limited.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        }
