"""The Bot API routes: /bot{token}/{method}, answering exactly in Telegram's shape."""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.sandbox import files, wire
from bot.sandbox.errors import ApiError, bad_request, not_found
from bot.sandbox.formatting import parse_text
from bot.sandbox.markup import parse_reply_markup
from bot.sandbox.params import Params, read_params
from bot.sandbox.state import TOKEN_RE, Bot, Chat, SandboxState

log = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CALLBACK_TEXT = 200
MAX_POLL_TIMEOUT = 50
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


@dataclass(frozen=True)
class Described:
    """A result that Telegram accompanies with a description (setWebhook and friends)."""

    result: Any
    description: str


Handler = Callable[[SandboxState, Bot, Params], Awaitable[Any]]
METHODS: dict[str, tuple[str, Handler]] = {}  # lower-case name -> (canonical name, handler)


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


# -- identity and updates ------------------------------------------------------------------------


@method("getMe")
async def get_me(state: SandboxState, bot: Bot, p: Params) -> Any:
    return wire.get_me_json(bot)


@method("logOut")
async def log_out(state: SandboxState, bot: Bot, p: Params) -> Any:
    return True


@method("close")
async def close(state: SandboxState, bot: Bot, p: Params) -> Any:
    return True


@method("getUpdates")
async def get_updates(state: SandboxState, bot: Bot, p: Params) -> Any:
    limit = min(max(p.integer("limit") or 100, 1), 100)
    timeout = min(max(p.number("timeout") or 0.0, 0.0), MAX_POLL_TIMEOUT)
    return await state.get_updates(
        bot,
        offset=p.integer("offset"),
        limit=limit,
        poll_seconds=timeout,
        allowed_updates=p.string_list("allowed_updates"),
    )


def _check_webhook_url(state: SandboxState, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    if parts.scheme == "http" and not (state.insecure_webhooks or _is_loopback(parts.hostname)):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@method("setWebhook")
async def set_webhook(state: SandboxState, bot: Bot, p: Params) -> Any:
    url = (p.text("url") or "").strip()
    if not url:
        had = state.delete_webhook(bot)
        return Described(True, "Webhook was deleted" if had else "Webhook is already deleted")
    _check_webhook_url(state, url)
    secret = p.text("secret_token")
    if secret is not None and not SECRET_RE.match(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    max_connections = min(max(p.integer("max_connections") or 40, 1), 100)
    allowed = p.string_list("allowed_updates")
    if p.flag("drop_pending_updates"):
        bot.drop_pending()
    if allowed is not None:
        bot.allowed_updates = allowed
    same = (
        bot.webhook is not None
        and bot.webhook.url == url
        and bot.webhook.secret_token == secret
        and bot.webhook.max_connections == max_connections
    )
    if same:
        return Described(True, "Webhook is already set")
    state.set_webhook(bot, url, secret, max_connections)
    return Described(True, "Webhook was set")


@method("deleteWebhook")
async def delete_webhook(state: SandboxState, bot: Bot, p: Params) -> Any:
    if p.flag("drop_pending_updates"):
        bot.drop_pending()
    had = state.delete_webhook(bot)
    return Described(True, "Webhook was deleted" if had else "Webhook is already deleted")


@method("getWebhookInfo")
async def get_webhook_info(state: SandboxState, bot: Bot, p: Params) -> Any:
    info: dict[str, Any] = {
        "url": bot.webhook.url if bot.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": bot.pending_count,
    }
    if bot.webhook is not None:
        info["max_connections"] = bot.webhook.max_connections
        info["ip_address"] = "127.0.0.1"
        if bot.webhook.last_error_date is not None:
            info["last_error_date"] = bot.webhook.last_error_date
            info["last_error_message"] = bot.webhook.last_error_message
        if bot.allowed_updates:
            info["allowed_updates"] = bot.allowed_updates
    return info


# -- messages ------------------------------------------------------------------------------------


def _text_and_entities(
    p: Params, *, too_long: str = "message is too long"
) -> tuple[str, list[Any]]:
    raw = p.text("text", missing="message text is empty")
    assert raw is not None
    entities = p.json("entities")
    if entities:
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise bad_request("can't parse entities JSON object")
        text, parsed = raw, entities
    else:
        text, parsed = parse_text(raw, p.text("parse_mode"))
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request(too_long)
    return text, parsed


def _reply_to(p: Params, chat: Chat) -> int | None:
    params = p.json("reply_parameters")
    allow_missing = p.flag("allow_sending_without_reply")
    message_id: int | None
    if isinstance(params, dict):
        message_id = Params(params).integer("message_id")
        allow_missing = allow_missing or Params(params).flag("allow_sending_without_reply")
    elif params is not None:
        raise bad_request("can't parse reply parameters JSON object")
    else:
        message_id = p.integer("reply_to_message_id")
    if message_id is None:
        return None
    replied = chat.messages.get(message_id)
    if replied is None or replied.deleted:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return message_id


@method("sendMessage")
async def send_message(state: SandboxState, bot: Bot, p: Params) -> Any:
    chat_id = p.chat_id()
    text, entities = _text_and_entities(p)
    markup = parse_reply_markup(p.json("reply_markup"))
    chat = state.chat_for_bot(bot, chat_id)
    reply_to = _reply_to(p, chat)
    msg = state.bot_sends(bot, chat, text=text, entities=entities, markup=markup, reply_to=reply_to)
    return wire.message_json(bot, chat, msg)


def _edit_target(state: SandboxState, bot: Bot, p: Params) -> tuple[Chat, int]:
    if p.has("inline_message_id"):
        # Inline mode is not simulated, so no inline message can exist.
        raise bad_request("MESSAGE_ID_INVALID")
    chat = state.chat_for_bot(bot, p.chat_id())
    message_id = p.integer("message_id", missing="message identifier is not specified")
    assert message_id is not None
    return chat, message_id


@method("editMessageText")
async def edit_message_text(state: SandboxState, bot: Bot, p: Params) -> Any:
    chat, message_id = _edit_target(state, bot, p)
    text, entities = _text_and_entities(p)
    markup = parse_reply_markup(p.json("reply_markup"), inline_only=True)
    msg = state.bot_message(chat, message_id)
    if msg.kind != "text":
        raise bad_request("there is no text in the message to edit")
    # Like Telegram, an edit without reply_markup removes the inline keyboard.
    state.bot_edits(chat, msg, text=text, entities=entities, markup=markup)
    return wire.message_json(bot, chat, msg)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: SandboxState, bot: Bot, p: Params) -> Any:
    chat, message_id = _edit_target(state, bot, p)
    markup = parse_reply_markup(p.json("reply_markup"), inline_only=True)
    msg = state.bot_message(chat, message_id)
    state.bot_edits(chat, msg, text=None, entities=None, markup=markup)
    return wire.message_json(bot, chat, msg)


@method("deleteMessage")
async def delete_message(state: SandboxState, bot: Bot, p: Params) -> Any:
    chat = state.chat_for_bot(bot, p.chat_id())
    message_id = p.integer("message_id", missing="message identifier is not specified")
    assert message_id is not None
    state.bot_deletes(chat, message_id)
    return True


@method("answerCallbackQuery")
async def answer_callback_query(state: SandboxState, bot: Bot, p: Params) -> Any:
    query_id = p.text("callback_query_id", missing="QUERY_ID_INVALID")
    assert query_id is not None
    text = p.text("text") or ""
    if len(text) > MAX_CALLBACK_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    state.answer_callback(
        bot, query_id, text=text, show_alert=p.flag("show_alert"), url=p.text("url")
    )
    return True


@method("sendChatAction")
async def send_chat_action(state: SandboxState, bot: Bot, p: Params) -> Any:
    chat_id = p.chat_id()
    action = p.text("action", missing="action is empty")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    state.chat_action(state.chat_for_bot(bot, chat_id), action)
    return True


@method("getChat")
async def get_chat(state: SandboxState, bot: Bot, p: Params) -> Any:
    chat_id = p.chat_id()
    if isinstance(chat_id, str) or chat_id not in bot.chats:
        raise bad_request("chat not found")
    # ChatFullInfo: python-telegram-bot requires these two fields.
    return wire.chat_json(bot.chats[chat_id].user) | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
    }


# -- files -------------------------------------------------------------------------------------


@method("getFile")
async def get_file(state: SandboxState, bot: Bot, p: Params) -> Any:
    file_id = p.text("file_id", missing="file_id not specified")
    found = bot.files.by_id.get(file_id or "")
    if found is None:
        raise bad_request("invalid file_id")
    if found.size > files.MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return found.json()


# -- commands and profile ------------------------------------------------------------------------


def _scope_key(p: Params) -> tuple[str, int, int, str]:
    scope = p.json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    sp = Params(scope)
    chat_id = sp.integer("chat_id") or 0
    user_id = sp.integer("user_id") or 0
    language = p.text("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return scope["type"], chat_id, user_id, language


@method("setMyCommands")
async def set_my_commands(state: SandboxState, bot: Bot, p: Params) -> Any:
    commands = p.json("commands")
    if commands is None:
        raise bad_request("commands is empty")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON array")
    if len(commands) > 100:
        raise bad_request("too many commands")
    cleaned: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not COMMAND_RE.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request(
                "command description is empty"
                if not description
                else "BOT_COMMAND_DESCRIPTION_INVALID"
            )
        cleaned.append({"command": command, "description": description})
    key = _scope_key(p)
    if cleaned:
        bot.commands[key] = cleaned
    else:
        bot.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(state: SandboxState, bot: Bot, p: Params) -> Any:
    return bot.commands.get(_scope_key(p), [])


@method("deleteMyCommands")
async def delete_my_commands(state: SandboxState, bot: Bot, p: Params) -> Any:
    bot.commands.pop(_scope_key(p), None)
    return True


def _profile_text(field: str, limit: int) -> tuple[Handler, Handler]:
    async def setter(state: SandboxState, bot: Bot, p: Params) -> Any:
        value = p.text(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        bot.settings[(field, p.text("language_code") or "")] = value
        return True

    async def getter(state: SandboxState, bot: Bot, p: Params) -> Any:
        return {field: bot.settings.get((field, p.text("language_code") or ""), "")}

    return setter, getter


for _field, _limit, _suffix in (
    ("description", 512, "Description"),
    ("short_description", 120, "ShortDescription"),
    ("name", 64, "Name"),
):
    _setter, _getter = _profile_text(_field, _limit)
    method(f"setMy{_suffix}")(_setter)
    method(f"getMy{_suffix}")(_getter)


@method("setChatMenuButton")
async def set_chat_menu_button(state: SandboxState, bot: Bot, p: Params) -> Any:
    button = p.json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in {"default", "commands", "web_app"}:
        raise bad_request("can't parse menu button JSON object")
    bot.settings[("menu_button", p.integer("chat_id") or 0)] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(state: SandboxState, bot: Bot, p: Params) -> Any:
    chat_key = ("menu_button", p.integer("chat_id") or 0)
    button = bot.settings.get(chat_key) or bot.settings.get(("menu_button", 0))
    if not button or button.get("type") == "default":
        return {"type": "commands"}
    return button


# -- the route -----------------------------------------------------------------------------------


def _error(error: ApiError) -> JSONResponse:
    return JSONResponse(error.to_json(), status_code=error.error_code)


async def bot_api(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox
    try:
        bot = state.bot_for_token(request.path_params["token"])
    except ApiError as error:
        return _error(error)
    found = METHODS.get(request.path_params["method"].lower())
    if found is None:
        bot.log_call(request.path_params["method"], not_found(), None)
        return _error(not_found())
    name, handler = found
    chat_id: int | None = None
    try:
        params = Params(await read_params(request))
        chat_id = params.peek_chat_id()
        state.limits.check(bot.id, name.lower(), chat_id)
        result = await handler(state, bot, params)
    except ApiError as error:
        bot.log_call(name, error, chat_id)
        return _error(error)
    except ClientDisconnect:
        return Response(status_code=499)  # nobody is listening for the answer
    except Exception:
        # The sandbox must never fall over on odd input; show it as Telegram's 500.
        log.exception("sandbox Bot API %s failed", name)
        internal = ApiError(500, "Internal Server Error")
        bot.log_call(name, internal, chat_id)
        return _error(internal)
    bot.log_call(name, None, chat_id)
    if isinstance(result, Described):
        return JSONResponse(
            {"ok": True, "result": result.result, "description": result.description}
        )
    return JSONResponse({"ok": True, "result": result})


async def download(request: Request) -> Response:
    """GET /file/bot<token>/<file_path>: the bytes of a file getFile described."""
    state: SandboxState = request.app.state.sandbox
    match = TOKEN_RE.match(request.path_params["token"])
    bot = state.bots.get(int(match.group(1))) if match else None
    # A wrong token and a wrong path get the same answer, as from Telegram.
    if bot is None or match is None or bot.secret != match.group(2):
        return _error(not_found())
    found = bot.files.by_path.get(request.path_params["file_path"])
    if found is None:
        return _error(not_found())
    return Response(files.content(found), media_type=found.content_type)


routes = [
    Route("/bot{token}/{method}", bot_api, methods=["GET", "POST"]),
    Route("/file/bot{token}/{file_path:path}", download, methods=["GET"]),
]
