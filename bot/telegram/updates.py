"""Telegram Update -> channel-free Incoming. The only place that reads Update fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from telegram import Message, Update

from bot.conversations.messages import Incoming, Kind

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]

# Attachment kinds that can arrive where words are expected; the first one present names it.
_MEDIA = (
    "sticker",
    "photo",
    "voice",
    "video_note",
    "video",
    "audio",
    "animation",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "story",
)


def media_kind(message: Message) -> str:
    for name in _MEDIA:
        if getattr(message, name, None):
            return name
    return ""


def _file_reference(message: Message, kind: str) -> dict[str, Any]:
    attachment = getattr(message, kind)
    if kind == "photo":
        attachment = attachment[-1]  # the largest size Telegram made
    file_id = getattr(attachment, "file_id", None)
    if not file_id:
        return {}
    return {
        "file_id": file_id,
        "file_unique_id": getattr(attachment, "file_unique_id", "") or "",
        "duration": _seconds(getattr(attachment, "duration", None)),
    }


def _seconds(value: Any) -> int | None:
    if value is None:
        return None
    return int(value.total_seconds()) if isinstance(value, timedelta) else int(value)


def _command(text: str) -> tuple[str, str]:
    head, _, rest = text.partition(" ")
    # "/start@TandemBot" in groups; keep only the command word.
    name = head[1:].split("@", 1)[0].lower()
    return name, rest.strip()


def to_incoming(update: Update, bot_id: int) -> Incoming:
    chat = update.effective_chat
    user = update.effective_user
    base = Incoming(
        bot_id=bot_id,
        update_id=update.update_id,
        chat_id=chat.id if chat else (user.id if user else 0),
        kind=Kind.OTHER,
        user_id=user.id if user else None,
        first_name=(user.first_name or "") if user else "",
        language_code=(user.language_code or "") if user else "",
        private=chat is None or chat.type == "private",
    )
    if update.callback_query is not None:
        query = update.callback_query
        shown = query.message
        text = shown.text if isinstance(shown, Message) and shown.text else ""
        return replace(
            base,
            kind=Kind.BUTTON,
            button_data=query.data or "",
            button_message_id=shown.message_id if shown else None,
            button_message_text=text,
        )
    if update.edited_message is not None:
        edited = update.edited_message
        return replace(base, kind=Kind.EDITED, text=edited.text or edited.caption or "")
    message = update.message
    if message is None:
        return base
    if message.text is not None:
        if message.text.startswith("/"):
            command, args = _command(message.text)
            return replace(base, kind=Kind.COMMAND, command=command, args=args, text=message.text)
        return replace(base, kind=Kind.TEXT, text=message.text)
    kind = media_kind(message)
    if kind:
        return replace(
            base,
            kind=Kind.MEDIA,
            media_kind=kind,
            text=message.caption or "",
            **_file_reference(message, kind),
        )
    # Service messages (someone joined, a pinned message...) need no answer.
    return base
