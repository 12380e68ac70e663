"""JSON shapes: Bot API objects (for bots) and the simpler control API view (for the page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.sandbox.kinds import SUMMARIES
from bot.sandbox.markup import inline_rows_of

if TYPE_CHECKING:
    from bot.sandbox.state import Bot, Chat, ChatMessage, Toast, User


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def user_json(user: User) -> dict[str, Any]:
    return _drop_none(
        {
            "id": user.id,
            "is_bot": False,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "language_code": user.language_code,
        }
    )


def bot_user_json(bot: Bot) -> dict[str, Any]:
    return {"id": bot.id, "is_bot": True, "first_name": bot.first_name, "username": bot.username}


def get_me_json(bot: Bot) -> dict[str, Any]:
    return bot_user_json(bot) | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(user: User) -> dict[str, Any]:
    return _drop_none(
        {
            "id": user.id,
            "type": "private",
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
        }
    )


def message_json(bot: Bot, chat: Chat, msg: ChatMessage, *, nested: bool = False) -> dict[str, Any]:
    """A Bot API Message. `nested` is for reply_to_message, which carries no reply of its own."""
    data: dict[str, Any] = {
        "message_id": msg.message_id,
        "from": bot_user_json(bot) if msg.from_bot else user_json(chat.user),
        "chat": chat_json(chat.user),
        "date": msg.date,
    }
    if msg.edit_date is not None:
        data["edit_date"] = msg.edit_date
    if msg.text is not None:
        data["text"] = msg.text
        if msg.entities:
            data["entities"] = msg.entities
    data.update(msg.fields)
    if not nested and msg.reply_to is not None:
        replied = chat.messages.get(msg.reply_to)
        if replied is not None and not replied.deleted:
            data["reply_to_message"] = message_json(bot, chat, replied, nested=True)
    # Telegram echoes only inline keyboards in a Message; reply keyboards live in the client.
    if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
        data["reply_markup"] = msg.reply_markup
    return data


def control_message_json(msg: ChatMessage) -> dict[str, Any]:
    """A message as the chat page and the test client see it."""
    keyboard = None
    if msg.reply_markup and "keyboard" in msg.reply_markup:
        keyboard = [[button["text"] for button in row] for row in msg.reply_markup["keyboard"]]
    return {
        "id": msg.message_id,
        "from": "bot" if msg.from_bot else "user",
        "kind": msg.kind,
        "text": msg.text if msg.text is not None else msg.fields.get("caption"),
        "summary": SUMMARIES.get(msg.kind),
        "entities": msg.entities,
        "buttons": [
            [
                _drop_none(
                    {
                        "text": b["text"],
                        "callback_data": b.get("callback_data"),
                        "url": b.get("url"),
                    }
                )
                for b in row
            ]
            for row in inline_rows_of(msg.reply_markup)
        ],
        "keyboard": keyboard,
        "remove_keyboard": bool(msg.reply_markup and msg.reply_markup.get("remove_keyboard")),
        "edited": msg.edit_date is not None,
        "deleted": msg.deleted,
        "reply_to": msg.reply_to,
        "date": msg.date,
        "seq": msg.seq,
        "fields": msg.fields,
    }


def toast_json(toast: Toast) -> dict[str, Any]:
    return {
        "callback_query_id": toast.callback_query_id,
        "message_id": toast.message_id,
        "text": toast.text,
        "show_alert": toast.show_alert,
        "url": toast.url,
        "date": toast.date,
        "seq": toast.seq,
    }


def reply_keyboard_json(chat: Chat) -> dict[str, Any] | None:
    markup = chat.reply_keyboard
    if markup is None:
        return None
    return {
        "rows": [[button["text"] for button in row] for row in markup["keyboard"]],
        "resize": bool(markup.get("resize_keyboard")),
        "one_time": bool(markup.get("one_time_keyboard")),
        "persistent": bool(markup.get("is_persistent")),
        "placeholder": markup.get("input_field_placeholder"),
        "hidden": chat.keyboard_hidden,
    }
