"""At-least-once delivery, as Tandem's crash safety depends on it."""

from __future__ import annotations

import telegram

from bot.sandbox.client import SandboxClient


async def test_redelivered_update_comes_back_with_the_same_id(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    await chat.send("remember me")
    [update] = await bot.get_updates()
    assert await bot.get_updates(offset=update.update_id + 1) == ()
    await client.redeliver(update.update_id)
    # Handed out again even though the offset already confirmed it...
    again = await bot.get_updates(offset=update.update_id + 1)
    assert again == (update,)
    assert again[0].message is not None and again[0].message.text == "remember me"
    # ...once.
    assert await bot.get_updates(offset=update.update_id + 1) == ()


async def test_unconfirmed_updates_survive_a_crashed_poller(
    bot: telegram.Bot, client: SandboxClient
) -> None:
    chat = await client.chat()
    await chat.send("first")
    seen = await bot.get_updates()
    # The process dies here, before confirming. A new one starts without an offset.
    assert await bot.get_updates() == seen


async def test_allowed_updates_filter_new_updates(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.start()
    await bot.get_updates(allowed_updates=["callback_query"])
    await chat.send("ignored")
    sent = await bot.send_message(
        chat.user_id,
        "Go?",
        reply_markup=telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("Go", callback_data="go")]]
        ),
    )
    await chat.click("Go")
    updates = await bot.get_updates(offset=-1)
    assert updates[0].callback_query is not None
    assert updates[0].callback_query.message is not None
    assert updates[0].callback_query.message.message_id == sent.message_id
    await bot.get_updates(allowed_updates=[])  # back to the default set
    await chat.send("seen")
    latest = await bot.get_updates(offset=-1)
    assert latest[0].message is not None and latest[0].message.text == "seen"
