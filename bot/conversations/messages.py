"""Channel-free messages: what a person sent, and what Tandem sends back.

The Telegram adapter turns updates into ``Incoming`` and ``Outgoing`` into Bot API calls; the
review app (later) writes ``Outgoing`` rows to the outbox too. Nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Telegram's ceiling for one message; the engine splits longer texts, and anything the core
# composes itself keeps under it too.
MAX_TEXT = 4096


class Kind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    MEDIA = "media"  # sticker, photo, voice, location... where words were expected
    EDITED = "edited"
    OTHER = "other"  # updates we acknowledge and do nothing with


@dataclass(frozen=True)
class Incoming:
    bot_id: int
    update_id: int
    chat_id: int
    kind: Kind
    user_id: int | None = None
    first_name: str = ""
    # The language the person's Telegram app is set to, e.g. "cy" or "en-GB".
    language_code: str = ""
    private: bool = True
    text: str = ""
    command: str = ""  # without the slash, lower case
    args: str = ""
    button_data: str = ""
    button_message_id: int | None = None
    button_message_text: str = ""
    media_kind: str = ""
    # Telegram's reference to a voice note or photo: kept instead of the file itself; the
    # review app fetches it through the bot when a case manager plays it.
    file_id: str = ""
    file_unique_id: str = ""
    duration: int | None = None


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Outgoing:
    chat_id: int
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # Set to change an earlier message (e.g. show the chosen answer under a question and take
    # its buttons away) instead of sending a new one.
    edit_message_id: int | None = None
    # Not a message: take the buttons off earlier messages in this chat (all but
    # ``edit_message_id``), so only the newest question has buttons to press.
    clear_buttons: bool = False
    # These buttons stay pressable when newer messages come (the sweep above leaves them):
    # they check their own freshness, e.g. a plan item's buttons carry its revision.
    keep_buttons: bool = False

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"text": self.text}
        if self.buttons:
            payload["buttons"] = [[[b.label, b.data] for b in row] for row in self.buttons]
        if self.edit_message_id is not None:
            payload["edit_message_id"] = self.edit_message_id
        if self.clear_buttons:
            payload["clear_buttons"] = True
        if self.keep_buttons:
            payload["keep_buttons"] = True
        return payload

    @classmethod
    def from_payload(cls, chat_id: int, payload: dict[str, Any]) -> Outgoing:
        rows = tuple(
            tuple(Button(label=str(b[0]), data=str(b[1])) for b in row)
            for row in payload.get("buttons", [])
        )
        return cls(
            chat_id=chat_id,
            text=str(payload["text"]),
            buttons=rows,
            edit_message_id=payload.get("edit_message_id"),
            clear_buttons=bool(payload.get("clear_buttons")),
            keep_buttons=bool(payload.get("keep_buttons")),
        )


@dataclass(frozen=True)
class Handled:
    """What handling one update produced, for the adapter to act on after the commit."""

    outgoing: list[Outgoing] = field(default_factory=list)
    # A short notice for the button the person pressed (Telegram shows it as a toast).
    toast: str | None = None
    duplicate: bool = False
