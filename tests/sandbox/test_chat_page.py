"""The browser chat page, driven by headless Chromium while the test plays the bot via PTB."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    Update,
)

from bot.sandbox.server import SandboxServer
from tests.support.browser import chromium_page


@pytest.fixture
async def page() -> AsyncIterator[object]:
    async with chromium_page() as page:
        yield page


async def next_update(bot: telegram.Bot, offset: int) -> Update:
    updates = await bot.get_updates(offset=offset, timeout=10)
    assert updates, "the page sent nothing"
    return updates[0]


async def test_chat_page_plays_a_conversation(
    sandbox: SandboxServer, bot: telegram.Bot, page: object
) -> None:
    from playwright.async_api import Page, expect

    assert isinstance(page, Page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    await bot.set_my_commands(
        [BotCommand("help", "What I can do"), BotCommand("pause", "Take a break")]
    )
    await page.goto(f"{sandbox.url}/chat?name=Robin&start=INV-42&bot={bot.id}")
    await expect(page.locator("body")).to_have_attribute("data-ready", "true")
    await expect(page.get_by_role("heading", name="Tandem")).to_be_visible()

    # An empty chat offers START, which sends the deep-link code like Telegram does.
    await page.get_by_role("button", name="START").click()
    update = await next_update(bot, 0)
    assert update.message is not None and update.message.text == "/start INV-42"
    person = update.message.chat.id

    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Good day", callback_data="good"),
                InlineKeyboardButton("Bad day", callback_data="bad"),
            ]
        ]
    )
    sent = await bot.send_message(
        person, "Welcome, <b>Robin</b>!", parse_mode="HTML", reply_markup=markup
    )
    log = page.get_by_role("log")
    await expect(log.get_by_text("Welcome,")).to_be_visible()
    await expect(log.locator("strong", has_text="Robin")).to_be_visible()

    # Inline buttons send callback queries; the answer shows as a toast.
    await page.get_by_role("button", name="Good day").click()
    update = await next_update(bot, update.update_id + 1)
    assert update.callback_query is not None and update.callback_query.data == "good"
    await update.callback_query.answer("Saved")
    await expect(page.get_by_role("status")).to_have_text("Saved")
    await bot.edit_message_text("Welcome back, Robin.", chat_id=person, message_id=sent.message_id)
    edited = log.locator("li", has_text="Welcome back, Robin.")
    await expect(edited).to_contain_text("edited")
    await expect(page.get_by_role("button", name="Good day")).to_have_count(0)

    # Typing and Enter sends text; what the bot says is shown as text, never as markup.
    box = page.get_by_label("Message", exact=True)
    await box.fill("I am <i>fine</i>")
    await box.press("Enter")
    update = await next_update(bot, update.update_id + 1)
    assert update.message is not None and update.message.text == "I am <i>fine</i>"
    await bot.send_message(person, '<img src=x onerror="document.title=1">')
    await expect(log.get_by_text('<img src=x onerror="document.title=1">')).to_be_visible()
    assert await log.locator("img").count() == 0

    # The "/" menu lists the bot's commands.
    await page.get_by_role("button", name="Bot commands").click()
    await page.get_by_role("menuitem", name=re.compile("pause")).click()
    update = await next_update(bot, update.update_id + 1)
    assert update.message is not None and update.message.text == "/pause"

    # The paperclip sends things a bot did not ask for.
    await page.get_by_role("button", name=re.compile("^Attach")).click()
    await page.get_by_role("menuitem", name="Location").click()
    update = await next_update(bot, update.update_id + 1)
    assert update.message is not None and update.message.location is not None

    # A reply keyboard sits above the input; its buttons send their text.
    await bot.send_message(
        person, "Who helps you?", reply_markup=ReplyKeyboardMarkup([["Family", "Friends"]])
    )
    keyboard = page.get_by_role("group", name="Bot keyboard")
    await keyboard.get_by_role("button", name="Friends").click()
    update = await next_update(bot, update.update_id + 1)
    assert update.message is not None and update.message.text == "Friends"
    assert errors == []
