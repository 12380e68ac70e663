"""The test client's voice, against a tiny python-telegram-bot bot."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer


async def tiny_bot(bot: telegram.Bot) -> None:
    """Asks how you are, thanks you for the answer, and says what it cannot read."""
    offset = 0
    while True:
        for update in await bot.get_updates(offset=offset, timeout=5):
            offset = update.update_id + 1
            if update.callback_query is not None:
                query = update.callback_query
                await query.answer(f"You chose {query.data}")
                await query.edit_message_text(f"You said: {query.data}")
                assert query.message is not None
                await bot.send_message(query.message.chat.id, "Thanks. Anything else?")
            elif update.message is not None:
                chat_id, text = update.message.chat.id, update.message.text
                if text and text.startswith("/start"):
                    buttons = [
                        [InlineKeyboardButton(w, callback_data=w.lower()) for w in ("Good", "Bad")]
                    ]
                    await bot.send_message(
                        chat_id, "How are you today?", reply_markup=InlineKeyboardMarkup(buttons)
                    )
                elif text:
                    await bot.send_message(chat_id, f"You wrote: {text}")
                else:
                    await bot.send_message(chat_id, "I can only read text.")


@pytest.fixture
async def running_bot(bot: telegram.Bot) -> AsyncIterator[telegram.Bot]:
    task = asyncio.create_task(tiny_bot(bot))
    yield bot
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_a_conversation_reads_like_a_script(
    running_bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat("Alex")
    await chat.send("/start")
    question = await chat.wait_for("How are you")
    assert chat.last_message == question
    assert chat.buttons == [["Good", "Bad"]]

    await chat.click("Bad")
    thanks = await chat.wait_for("Thanks")
    edited = await chat.wait_for("You said")
    assert edited.id == question.id and edited.edited and edited.buttons == []
    assert chat.last_message == thanks
    assert [t.text for t in chat.toasts] == ["You chose bad"]

    await chat.send_kind("sticker")
    assert (await chat.wait_for()).text == "I can only read text."

    await chat.send("fine")
    replies = await chat.replies()
    assert [m.text for m in replies] == ["You wrote: fine"]
    everything = await chat.messages()
    assert [m.from_bot for m in everything] == [False, True, True, False, True, False, True]


async def test_wait_for_says_what_it_saw_when_it_times_out(
    running_bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    await chat.send("hello")
    with pytest.raises(TimeoutError, match="You wrote: hello"):
        await chat.wait_for("something else", timeout=0.3)


async def test_existing_person_reopens_their_chat(
    running_bot: telegram.Bot, client: SandboxClient
) -> None:
    first = await client.chat("Jo", user_id=424242)
    await first.send("one")
    await first.wait_for("You wrote: one")
    again = await client.chat("Jo", user_id=424242)
    assert [m.text for m in await again.bot_messages()] == ["You wrote: one"]
    assert again.last_message is not None and again.last_message.text == "You wrote: one"


async def test_works_with_a_python_telegram_bot_application(
    sandbox: SandboxServer, token: str
) -> None:
    """The full PTB stack (Application, Updater, handlers), not only telegram.Bot."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
        await update.message.reply_text(
            f"Code: {' '.join(context.args or [])}", reply_markup=markup
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("On our way")
        await update.callback_query.edit_message_text("Gone")

    app = Application.builder().token(token).base_url(sandbox.api_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        try:
            async with SandboxClient(sandbox.url, bot_id=app.bot.id) as people:
                chat = await people.chat()
                await chat.start("INV-7")
                assert (await chat.wait_for("Code")).text == "Code: INV-7"
                await chat.click("Go")
                assert (await chat.wait_for("Gone")).buttons == []
                assert (await chat.wait_for_toast()).text == "On our way"
        finally:
            await app.updater.stop()
            await app.stop()
