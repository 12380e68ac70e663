"""Reading Bot API parameters the way Telegram does.

Parameters may come in the query string, as application/x-www-form-urlencoded,
application/json or multipart/form-data. Form clients (python-telegram-bot among them) send
objects, numbers and booleans JSON-encoded inside the form fields, so typed getters decode
them; text fields are never decoded.
"""

from __future__ import annotations

import json
import math
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from bot.sandbox.errors import ApiError, bad_request

MAX_BODY = 20 * 1024 * 1024
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


async def read_params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ApiError(413, "Request Entity Too Large")
    if not body.strip():
        return params
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        params.update(_multipart(content_type, body))
    elif media_type == "application/x-www-form-urlencoded":
        try:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise bad_request("request body is not valid UTF-8") from None
    else:
        # Telegram reads JSON whenever the body looks like it, whatever the header says.
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("can't parse JSON object") from None
        if not isinstance(data, dict):
            raise bad_request("can't parse JSON object")
        params.update(data)
    return params


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    try:
        message = BytesParser(policy=HTTP).parsebytes(head + body)
    except Exception:  # the email parser is lenient; this is only a last line of defence
        raise bad_request("can't parse multipart/form-data") from None
    fields: dict[str, Any] = {}
    if not message.is_multipart():
        raise bad_request("can't parse multipart/form-data")
    for part in message.iter_parts():
        if not isinstance(part, EmailMessage):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            fields[name] = {"filename": part.get_filename(), "size": len(raw)}
        else:
            fields[name] = raw.decode("utf-8", errors="replace")
    return fields


class Params:
    """Typed, Telegram-worded access to one call's parameters."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def text(self, name: str, *, missing: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None or value == "":
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def integer(self, name: str, *, missing: str | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise bad_request(f'field "{name}" must be of type Integer')

    def number(self, name: str) -> float | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        number: float | None = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                number = None
        # NaN would make every deadline comparison false: a long poll that never ends.
        if number is None or math.isnan(number):
            raise bad_request(f'field "{name}" must be of type Number')
        return number

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, (int, float)):
            return value != 0
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise bad_request(f'field "{name}" must be of type Boolean')

    def json(self, name: str) -> Any:
        """An object or array field, decoding JSON text when that is how it came."""
        value = self.raw.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def string_list(self, name: str) -> list[str] | None:
        value = self.json(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad_request(f"can't parse {name} JSON array")
        return value

    def chat_id(self) -> int | str:
        """chat_id: a number, or "@username" (which never names a private chat)."""
        value = self.raw.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, str) and value.strip().startswith("@"):
            return value.strip()
        try:
            number = self.integer("chat_id")
        except ApiError:
            raise bad_request("chat not found") from None
        assert number is not None
        return number

    def peek_chat_id(self) -> int | None:
        """The chat a call is about, for rate limits and the call log; never raises."""
        value = self.raw.get("chat_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                return None
        return None
