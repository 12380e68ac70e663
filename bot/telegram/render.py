"""Outgoing -> the arguments of a Bot API call."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversations.messages import Outgoing


def keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in message.buttons
        ]
    )


def call_arguments(message: Outgoing) -> dict[str, Any]:
    args: dict[str, Any] = {"chat_id": message.chat_id, "text": message.text}
    markup = keyboard(message)
    if markup is not None:
        args["reply_markup"] = markup
    if message.edit_message_id is not None:
        args["message_id"] = message.edit_message_id
    return args
