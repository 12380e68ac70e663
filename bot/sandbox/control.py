"""The sandbox's own JSON API under /sandbox/api/: people acting in chats, and test controls.

Chat routes act on the default bot (the first one that called the Bot API, or the one the
app was started with) unless `?bot=<id>` names another.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.sandbox import wire
from bot.sandbox.errors import ControlError
from bot.sandbox.limits import RateLimit
from bot.sandbox.state import Bot, Chat, SandboxState

log = logging.getLogger(__name__)

MAX_WAIT = 60.0
Endpoint = Callable[[Request], Awaitable[JSONResponse]]
Action = Callable[[Request, SandboxState], Awaitable[Any]]


def endpoint(action: Action) -> Endpoint:
    """Turn an action into a route: JSON out, ControlError as a JSON error, never a crash."""

    @wraps(action)
    async def run(request: Request) -> JSONResponse:
        state: SandboxState = request.app.state.sandbox
        try:
            return JSONResponse(await action(request, state))
        except ControlError as error:
            return JSONResponse({"ok": False, "error": error.message}, status_code=error.status)
        except ClientDisconnect:
            return JSONResponse({"ok": False, "error": "client went away"}, status_code=499)
        except Exception:
            log.exception("sandbox control %s failed", request.url.path)
            return JSONResponse({"ok": False, "error": "internal error"}, status_code=500)

    return run


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ControlError(400, "the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ControlError(400, "the body must be a JSON object")
    return data


def _int(value: Any, name: str, *, required: bool = False) -> int | None:
    if value is None or value == "":
        if required:
            raise ControlError(400, f"{name} is required")
        return None
    if isinstance(value, bool):
        raise ControlError(400, f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def _str(value: Any, name: str, *, required: bool = False) -> str | None:
    if value is None or (value == "" and not required):
        if required:
            raise ControlError(400, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise ControlError(400, f"{name} must be a string")
    return value


def _number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ControlError(400, f"{name} must be a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be a number") from None
    if math.isnan(number):
        raise ControlError(400, f"{name} must be a number")
    return number


def _bot(request: Request, state: SandboxState) -> Bot:
    return state.resolve_bot(_int(request.query_params.get("bot"), "bot"))


def _chat(request: Request, state: SandboxState) -> tuple[Bot, Chat]:
    bot = _bot(request, state)
    user_id = _int(request.path_params["user_id"], "user_id", required=True)
    assert user_id is not None
    return bot, state.chat(bot, user_id)


def rate_json(rate: RateLimit) -> dict[str, Any]:
    return {
        "per_second": rate.per_second,
        "per_chat_per_second": rate.per_chat_per_second,
        "methods": sorted(rate.methods),
    }


def bot_summary(state: SandboxState, bot: Bot) -> dict[str, Any]:
    webhook = None
    if bot.webhook is not None:
        webhook = {
            "url": bot.webhook.url,
            "has_secret_token": bot.webhook.secret_token is not None,
            "max_connections": bot.webhook.max_connections,
            "last_error_date": bot.webhook.last_error_date,
            "last_error_message": bot.webhook.last_error_message,
        }
    return {
        "id": bot.id,
        "username": bot.username,
        "first_name": bot.first_name,
        "default": bot.id == state.default_bot_id,
        "webhook": webhook,
        "allowed_updates": bot.allowed_updates,
        "pending_update_count": bot.pending_count,
        "commands": bot.commands.get(("default", 0, 0, ""), []),
        "chats": len(bot.chats),
        "calls": bot.calls_total,
        "too_many_requests": bot.too_many_requests,
        "rate_limit": rate_json(state.limits.rate_for(bot.id)),
    }


def chat_summary(chat: Chat) -> dict[str, Any]:
    last = next((m for m in reversed(chat.messages.values()) if not m.deleted), None)
    return {
        "user": wire.user_json(chat.user),
        "started": chat.started,
        "blocked": chat.blocked,
        "deactivated": chat.user.deactivated,
        "message_count": len(chat.messages),
        "last_date": last.date if last else None,
        "last_text": (last.text or wire.control_message_json(last)["summary"]) if last else None,
        "seq": chat.seq,
    }


# -- people --------------------------------------------------------------------------------------


async def create_user(request: Request, state: SandboxState) -> Any:
    body = await _body(request)
    first_name = _str(body.get("first_name"), "first_name", required=True) or ""
    if not first_name.strip() or len(first_name) > 64:
        raise ControlError(400, "first_name must be 1-64 characters")
    user_id = _int(body.get("id"), "id")
    if user_id is not None and not 0 < user_id < 2**52:
        raise ControlError(400, "id must be a positive integer below 2^52")
    user = state.add_user(
        first_name,
        user_id=user_id,
        language_code=_str(body.get("language_code"), "language_code") or "en",
        username=_str(body.get("username"), "username"),
        last_name=_str(body.get("last_name"), "last_name"),
    )
    return wire.user_json(user)


async def get_user(request: Request, state: SandboxState) -> Any:
    user_id = _int(request.path_params["user_id"], "user_id", required=True)
    assert user_id is not None
    return wire.user_json(state.user(user_id))


async def delete_account(request: Request, state: SandboxState) -> Any:
    """The person deletes their Telegram account (there is no undoing it)."""
    user_id = _int(request.path_params["user_id"], "user_id", required=True)
    assert user_id is not None
    user = state.delete_account(user_id)
    return wire.user_json(user) | {"deactivated": user.deactivated}


# -- chats ---------------------------------------------------------------------------------------


async def list_chats(request: Request, state: SandboxState) -> Any:
    bot = _bot(request, state)
    chats = sorted(
        bot.chats.values(),
        key=lambda c: max((m.date for m in c.messages.values()), default=0),
        reverse=True,
    )
    return {"bot": bot_summary(state, bot), "chats": [chat_summary(c) for c in chats]}


async def get_chat(request: Request, state: SandboxState) -> Any:
    bot, chat = _chat(request, state)
    return {
        "bot": bot_summary(state, bot),
        **chat_summary(chat),
        "reply_keyboard": wire.reply_keyboard_json(chat),
        "commands": state.commands_for(bot, chat.user),
        "description": state.description_for(bot, chat.user),
    }


async def send_message(request: Request, state: SandboxState) -> Any:
    bot, chat = _chat(request, state)
    body = await _body(request)
    kind = _str(body.get("kind"), "kind")
    if kind is not None and kind != "text":
        msg, update_id = state.user_sends_kind(
            bot, chat.user.id, kind, caption=_str(body.get("caption"), "caption")
        )
    else:
        text = _str(body.get("text"), "text", required=True) or ""
        if len(text) > 4096:
            raise ControlError(400, "text is longer than 4096 characters")
        reply_to = _int(body.get("reply_to_message_id"), "reply_to_message_id")
        msg, update_id = state.user_sends_text(bot, chat.user.id, text, reply_to=reply_to)
    return {"message_id": msg.message_id, "update_id": update_id, "seq": chat.seq}


async def edit_message(request: Request, state: SandboxState) -> Any:
    bot, chat = _chat(request, state)
    body = await _body(request)
    message_id = _int(body.get("message_id"), "message_id", required=True)
    text = _str(body.get("text"), "text", required=True) or ""
    assert message_id is not None
    msg, update_id = state.user_edits(bot, chat.user.id, message_id, text)
    return {"message_id": msg.message_id, "update_id": update_id, "seq": chat.seq}


async def click(request: Request, state: SandboxState) -> Any:
    bot, chat = _chat(request, state)
    body = await _body(request)
    label = _str(body.get("label"), "label")
    row, column = _int(body.get("row"), "row"), _int(body.get("column"), "column")
    if label is None and (row is None or column is None):
        raise ControlError(400, "label (or row and column) is required")
    result = state.click(
        bot,
        chat.user.id,
        label,
        message_id=_int(body.get("message_id"), "message_id"),
        row=row,
        column=column,
    )
    return result | {"seq": chat.seq}


async def forged_callback(request: Request, state: SandboxState) -> Any:
    bot, chat = _chat(request, state)
    body = await _body(request)
    message_id = _int(body.get("message_id"), "message_id", required=True)
    data = body.get("data")
    if not isinstance(data, str):
        raise ControlError(400, "data must be a string")
    assert message_id is not None
    query_id, update_id = state.press(bot, chat.user.id, message_id, data)
    return {"callback_query_id": query_id, "update_id": update_id, "seq": chat.seq}


def _messages_view(chat: Chat, after: int | None, after_seq: int | None) -> dict[str, Any]:
    if after_seq is not None:
        messages = [m for m in chat.messages.values() if m.seq > after_seq]
        toasts = [t for t in chat.toasts if t.seq > after_seq]
    else:
        messages = [
            m for m in chat.messages.values() if m.message_id > (after or 0) and not m.deleted
        ]
        toasts = []
    return {
        "messages": [wire.control_message_json(m) for m in messages],
        "toasts": [wire.toast_json(t) for t in toasts],
        "seq": chat.seq,
        "reply_keyboard": wire.reply_keyboard_json(chat),
        "force_reply": chat.force_reply,
        "blocked": chat.blocked,
        "deactivated": chat.user.deactivated,
        "started": chat.started,
        "action": chat.current_action(),
    }


async def list_messages(request: Request, state: SandboxState) -> Any:
    """Messages after a message id (new only) or after a change sequence (new and changed).

    With wait > 0 this is a long poll: it answers as soon as something is there to report.
    """
    _, chat = _chat(request, state)
    query = request.query_params
    after = _int(query.get("after"), "after")
    after_seq = _int(query.get("after_seq"), "after_seq")
    wait = min(max(_number(query.get("wait"), "wait") or 0.0, 0.0), MAX_WAIT)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        view = _messages_view(chat, after, after_seq)
        changed = after_seq is not None and chat.seq > after_seq
        remaining = deadline - loop.time()
        if view["messages"] or changed or remaining <= 0 or state.closing:
            return view
        await chat.pulse.wait(remaining)


async def list_toasts(request: Request, state: SandboxState) -> Any:
    _, chat = _chat(request, state)
    after_seq = _int(request.query_params.get("after_seq"), "after_seq") or 0
    return {"toasts": [wire.toast_json(t) for t in chat.toasts if t.seq > after_seq]}


async def chat_commands(request: Request, state: SandboxState) -> Any:
    bot, chat = _chat(request, state)
    return {"commands": state.commands_for(bot, chat.user)}


async def block(request: Request, state: SandboxState) -> Any:
    bot, chat = _chat(request, state)
    update_id = state.set_blocked(bot, chat.user.id, True)
    return {"blocked": True, "update_id": update_id, "seq": chat.seq}


async def unblock(request: Request, state: SandboxState) -> Any:
    bot, chat = _chat(request, state)
    update_id = state.set_blocked(bot, chat.user.id, False)
    return {"blocked": False, "update_id": update_id, "seq": chat.seq}


# -- bots and test controls ----------------------------------------------------------------------


async def list_bots(request: Request, state: SandboxState) -> Any:
    return {
        "default": state.default_bot_id,
        "bots": [bot_summary(state, bot) for bot in state.bots.values()],
    }


def _bot_by_path(request: Request, state: SandboxState) -> Bot:
    return state.resolve_bot(_int(request.path_params["bot_id"], "bot_id", required=True))


async def get_bot(request: Request, state: SandboxState) -> Any:
    return bot_summary(state, _bot_by_path(request, state))


async def bot_calls(request: Request, state: SandboxState) -> Any:
    bot = _bot_by_path(request, state)
    since = _int(request.query_params.get("since"), "since") or 0
    first_index = bot.calls_total - len(bot.calls)
    skip = max(0, since - first_index)
    calls = list(bot.calls)[skip:]
    return {"calls": calls, "total": bot.calls_total}


MAX_STARTED = 100_000


async def started_chats(request: Request, state: SandboxState) -> Any:
    """Seed people who started the bot long ago: {"user_ids": [...], "first_name": "..."}."""
    bot = _bot_by_path(request, state)
    body = await _body(request)
    user_ids = body.get("user_ids")
    if not isinstance(user_ids, list) or not all(
        isinstance(u, int) and not isinstance(u, bool) and 0 < u < 2**52 for u in user_ids
    ):
        raise ControlError(400, "user_ids must be a list of positive integers below 2^52")
    if len(user_ids) > MAX_STARTED:
        raise ControlError(400, f"at most {MAX_STARTED} people at once")
    first_name = _str(body.get("first_name"), "first_name") or "Person"
    return {"chats": state.started_chats(bot, user_ids, first_name[:64])}


async def bot_updates(request: Request, state: SandboxState) -> Any:
    bot = _bot_by_path(request, state)
    return {
        "pending": [u.payload for u in bot.pending.values()],
        "redeliver": [u.update_id for u in bot.redeliver],
    }


async def redeliver(request: Request, state: SandboxState) -> Any:
    bot = _bot_by_path(request, state)
    body = await _body(request)
    update_id = _int(body.get("update_id"), "update_id", required=True)
    assert update_id is not None
    state.redeliver(bot, update_id)
    return {"update_id": update_id, "pending_update_count": bot.pending_count}


def _methods(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(m, str) and m for m in value):
        raise ControlError(400, "methods must be a list of Bot API method names")
    return value


async def flood(request: Request, state: SandboxState) -> Any:
    body = await _body(request)
    count = _int(body.get("count"), "count", required=True)
    assert count is not None
    if count <= 0:
        state.limits.flood.clear()
        return {"flood": []}
    retry_after = _int(body.get("retry_after"), "retry_after") or 1
    if retry_after < 1:
        raise ControlError(400, "retry_after must be at least 1")
    state.limits.add_flood(
        count, retry_after, _methods(body.get("methods")), _int(body.get("bot_id"), "bot_id")
    )
    return {
        "flood": [
            {"remaining": r.remaining, "retry_after": r.retry_after} for r in state.limits.flood
        ]
    }


async def ratelimit(request: Request, state: SandboxState) -> Any:
    body = await _body(request)
    per_second = _number(body.get("per_second"), "per_second")
    per_chat = _number(body.get("per_chat_per_second"), "per_chat_per_second")
    for value in (per_second, per_chat):
        if value is not None and value <= 0:
            raise ControlError(400, "rates must be positive, or null to switch the limit off")
    bot_id = _int(body.get("bot_id"), "bot_id")
    if bot_id is not None:
        state.resolve_bot(bot_id)  # 404 for a bot that does not exist
    rate = state.limits.set_rate(per_second, per_chat, _methods(body.get("methods")), bot_id)
    return rate_json(rate) | {"bot_id": bot_id}


async def reset(request: Request, state: SandboxState) -> Any:
    state.reset()
    return {"ok": True}


_API = "/sandbox/api"
_CHAT = _API + "/chats/{user_id}"
routes = [
    Route(_API + "/users", endpoint(create_user), methods=["POST"]),
    Route(_API + "/users/{user_id}", endpoint(get_user), methods=["GET"]),
    Route(_API + "/users/{user_id}/delete", endpoint(delete_account), methods=["POST"]),
    Route(_API + "/chats", endpoint(list_chats), methods=["GET"]),
    Route(_CHAT, endpoint(get_chat), methods=["GET"]),
    Route(_CHAT + "/messages", endpoint(send_message), methods=["POST"]),
    Route(_CHAT + "/messages", endpoint(list_messages), methods=["GET"]),
    Route(_CHAT + "/edit", endpoint(edit_message), methods=["POST"]),
    Route(_CHAT + "/click", endpoint(click), methods=["POST"]),
    Route(_CHAT + "/callback", endpoint(forged_callback), methods=["POST"]),
    Route(_CHAT + "/toasts", endpoint(list_toasts), methods=["GET"]),
    Route(_CHAT + "/commands", endpoint(chat_commands), methods=["GET"]),
    Route(_CHAT + "/block", endpoint(block), methods=["POST"]),
    Route(_CHAT + "/unblock", endpoint(unblock), methods=["POST"]),
    Route(_API + "/bots", endpoint(list_bots), methods=["GET"]),
    Route(_API + "/bots/{bot_id}", endpoint(get_bot), methods=["GET"]),
    Route(_API + "/bots/{bot_id}/calls", endpoint(bot_calls), methods=["GET"]),
    Route(_API + "/bots/{bot_id}/updates", endpoint(bot_updates), methods=["GET"]),
    Route(_API + "/bots/{bot_id}/started_chats", endpoint(started_chats), methods=["POST"]),
    Route(_API + "/bots/{bot_id}/redeliver", endpoint(redeliver), methods=["POST"]),
    Route(_API + "/flood", endpoint(flood), methods=["POST"]),
    Route(_API + "/ratelimit", endpoint(ratelimit), methods=["POST"]),
    Route(_API + "/reset", endpoint(reset), methods=["POST"]),
]
