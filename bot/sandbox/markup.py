"""reply_markup checks, with Telegram's error wording.

Telegram refuses a whole message when one button is wrong (for instance callback_data longer
than 64 bytes), so the sandbox refuses it too instead of letting a broken keyboard through.
"""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox.errors import bad_request

Markup = dict[str, Any]

_MAX_BUTTONS = 100
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_REPLY_BUTTON_EXTRAS = (
    "request_contact",
    "request_location",
    "request_poll",
    "request_users",
    "request_chat",
    "web_app",
)


def _cant_parse() -> Exception:
    return bad_request("can't parse reply keyboard markup JSON object")


def parse_reply_markup(raw: Any, *, inline_only: bool = False) -> Markup | None:
    """Validate and normalise a reply_markup value (a dict or its JSON text)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise _cant_parse() from None
    if not isinstance(raw, dict):
        raise _cant_parse()
    if "inline_keyboard" in raw:
        return {"inline_keyboard": _inline_rows(raw["inline_keyboard"])}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in raw:
        return _reply_keyboard(raw)
    if raw.get("remove_keyboard") is True:
        return {"remove_keyboard": True}
    if raw.get("force_reply") is True:
        markup: Markup = {"force_reply": True}
        if isinstance(raw.get("input_field_placeholder"), str):
            markup["input_field_placeholder"] = raw["input_field_placeholder"][:64]
        return markup
    raise _cant_parse()


def _rows(value: Any, field: str, owner: str) -> list[list[Any]]:
    if not isinstance(value, list):
        raise bad_request(f'field "{field}" of the {owner} should be an Array')
    for row in value:
        if not isinstance(row, list):
            raise bad_request(f'field "{field}" of the {owner} should be an Array of Arrays')
    if sum(len(row) for row in value) > _MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return value


def _inline_rows(value: Any) -> list[list[dict[str, Any]]]:
    rows = _rows(value, "inline_keyboard", "InlineKeyboardMarkup")
    return [[_inline_button(button) for button in row] for row in rows if row]


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request("can't parse inline keyboard button: more than one action is specified")
    action = actions[0]
    value = button[action]
    if action == "callback_data":
        if not isinstance(value, str) or not 1 <= len(value.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    elif action == "url" and (
        not isinstance(value, str) or not value.startswith(("http://", "https://", "tg://"))
    ):
        raise bad_request("BUTTON_URL_INVALID")
    return {"text": text, action: value}


def _reply_keyboard(raw: Markup) -> Markup:
    rows = _rows(raw["keyboard"], "keyboard", "ReplyKeyboardMarkup")
    keyboard: list[list[dict[str, Any]]] = []
    for row in rows:
        out_row: list[dict[str, Any]] = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict):
                raise bad_request("can't parse keyboard button: KeyboardButton must be an Object")
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad_request("keyboard button text must be non-empty")
            out_row.append(
                {"text": text} | {k: button[k] for k in _REPLY_BUTTON_EXTRAS if k in button}
            )
        if out_row:
            keyboard.append(out_row)
    markup: Markup = {"keyboard": keyboard}
    for flag in ("is_persistent", "resize_keyboard", "one_time_keyboard", "selective"):
        if raw.get(flag) is True:
            markup[flag] = True
    placeholder = raw.get("input_field_placeholder")
    if isinstance(placeholder, str) and placeholder:
        if len(placeholder) > 64:
            raise bad_request("input field placeholder is too long")
        markup["input_field_placeholder"] = placeholder
    return markup


def inline_rows_of(markup: Markup | None) -> list[list[dict[str, Any]]]:
    if markup and "inline_keyboard" in markup:
        rows: list[list[dict[str, Any]]] = markup["inline_keyboard"]
        return rows
    return []
