"""The sandbox's in-memory world: bots, people, their chats and the bots' update queues.

Everything runs on one asyncio event loop, so plain method calls are atomic; waiting (long
polls, the chat page) uses `Pulse`, which wakes every waiter once per change.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.sandbox import kinds, wire
from bot.sandbox.errors import (
    ApiError,
    ControlError,
    bad_request,
    conflict,
    forbidden,
    unauthorized,
)
from bot.sandbox.files import FileStore
from bot.sandbox.formatting import command_entity
from bot.sandbox.limits import Limits
from bot.sandbox.markup import Markup, inline_rows_of

TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{10,})$")
# Telegram's default when allowed_updates is unset or empty.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CALLBACK_TTL = 600.0
ARCHIVE_SIZE = 50_000
CALL_LOG_SIZE = 100_000

WEBHOOK_CONFLICT = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
POLL_CONFLICT = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)


def now_int() -> int:
    return int(time.time())


class Pulse:
    """Wakes everyone waiting at the moment of `fire()`; cheap for many waiters."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    # The person deleted their Telegram account: every bot's messages to them are refused, for
    # good (a new account would be a new user id).
    deactivated: bool = False


@dataclass
class ChatMessage:
    message_id: int
    from_bot: bool
    date: int
    kind: str  # "text" or one of kinds.KINDS
    text: str | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # media payload, caption, ...
    reply_markup: Markup | None = None
    reply_to: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    seq: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier versions


@dataclass
class Toast:
    """An answerCallbackQuery, as the person's app would show it."""

    callback_query_id: str
    message_id: int | None
    text: str
    show_alert: bool
    url: str | None
    date: int
    seq: int


@dataclass
class Chat:
    """One private chat between a bot and a person (chat id == user id, as in Telegram)."""

    bot_id: int
    user: User
    chat_instance: str
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    next_message_id: int = 1
    seq: int = 0  # bumped on every visible change; the page long-polls on it
    toasts: list[Toast] = field(default_factory=list)
    reply_keyboard: Markup | None = None
    keyboard_hidden: bool = False
    force_reply: Markup | None = None
    started: bool = False  # the person has written to the bot; before that it can't write
    blocked: bool = False
    action: str | None = None
    action_until: float = 0.0
    pulse: Pulse = field(default_factory=Pulse)

    def touch(self, msg: ChatMessage | None = None) -> int:
        self.seq += 1
        if msg is not None:
            msg.seq = self.seq
        self.pulse.fire()
        return self.seq

    def new_message(self, **kwargs: Any) -> ChatMessage:
        msg = ChatMessage(message_id=self.next_message_id, date=now_int(), **kwargs)
        self.next_message_id += 1
        self.messages[msg.message_id] = msg
        self.touch(msg)
        return msg

    def current_action(self) -> str | None:
        return self.action if self.action and time.monotonic() < self.action_until else None


@dataclass
class PendingUpdate:
    update_id: int
    chat_id: int | None
    kind: str  # "message", "callback_query", ...
    payload: dict[str, Any]  # the complete Update JSON


@dataclass
class CallbackRecord:
    id: str
    chat_id: int
    message_id: int | None
    created: float
    answered: bool = False


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    generation: int
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Bot:
    id: int
    secret: str
    username: str
    first_name: str
    next_update_id: int = field(default_factory=lambda: random.randint(100_000, 899_999))
    pending: OrderedDict[int, PendingUpdate] = field(default_factory=OrderedDict)
    redeliver: list[PendingUpdate] = field(default_factory=list)
    archive: OrderedDict[int, PendingUpdate] = field(default_factory=OrderedDict)
    allowed_updates: list[str] | None = None
    webhook: Webhook | None = None
    webhook_generation: int = 0
    poll_generation: int = 0
    commands: dict[tuple[str, int, int, str], list[dict[str, str]]] = field(default_factory=dict)
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    calls: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=CALL_LOG_SIZE))
    calls_total: int = 0
    too_many_requests: int = 0  # 429 answers given to this bot (flood rules and rate limits)
    chats: dict[int, Chat] = field(default_factory=dict)
    # Profile texts and menu buttons, keyed by (setting, language code or chat id).
    settings: dict[tuple[str, str | int], Any] = field(default_factory=dict)
    updates_pulse: Pulse = field(default_factory=Pulse)
    # Files people sent this bot, for getFile and downloads.
    files: FileStore = field(default_factory=FileStore)

    @property
    def pending_count(self) -> int:
        return len(self.pending) + len(self.redeliver)

    def allows(self, kind: str) -> bool:
        if not self.allowed_updates:
            return kind not in DEFAULT_EXCLUDED_UPDATES
        return kind in self.allowed_updates

    def log_call(self, method: str, error: ApiError | None, chat_id: int | None) -> None:
        self.calls_total += 1
        if error is not None and error.error_code == 429:
            self.too_many_requests += 1
        self.calls.append(
            {
                "method": method,
                "ok": error is None,
                "error_code": error.error_code if error else None,
                "chat_id": chat_id,
                "time": time.time(),
            }
        )

    def confirm(self, offset: int | None) -> None:
        """Forget updates the bot has confirmed (getUpdates offset semantics)."""
        if not offset:
            return
        if offset > 0:
            for update_id in [uid for uid in self.pending if uid < offset]:
                self.archive_update(self.pending.pop(update_id))
        else:
            keep = -offset
            while len(self.pending) > keep:
                self.archive_update(self.pending.popitem(last=False)[1])

    def archive_update(self, update: PendingUpdate) -> None:
        self.archive[update.update_id] = update
        while len(self.archive) > ARCHIVE_SIZE:
            self.archive.popitem(last=False)

    def find_update(self, update_id: int) -> PendingUpdate | None:
        return self.pending.get(update_id) or self.archive.get(update_id)

    def drop_pending(self) -> None:
        for update in self.pending.values():
            self.archive_update(update)
        self.pending.clear()
        self.redeliver.clear()


class SandboxState:
    """The whole world. Bots appear on first use of their token."""

    def __init__(
        self,
        *,
        bot_username: str = "TandemSandboxBot",
        bot_name: str = "Tandem",
        bot_token: str | None = None,
        insecure_webhooks: bool = False,
        rate_limit: float | None = None,
    ) -> None:
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.insecure_webhooks = insecure_webhooks
        self.bots: dict[int, Bot] = {}
        self.users: dict[int, User] = {}
        self.default_bot_id: int | None = None
        # rate_limit: messages a second per bot, enforced with 429s as Telegram does (about 30).
        self.rate_limit = rate_limit
        self.limits = self._new_limits()
        self.closing = False
        self._http: httpx.AsyncClient | None = None
        self._pushers: dict[int, Any] = {}  # bot id -> webhook.WebhookPusher
        self._callback_counter = random.randint(10**6, 10**7)
        self._bot_token = bot_token
        if bot_token is not None:
            self.default_bot_id = self.bot_for_token(bot_token).id

    def _new_limits(self) -> Limits:
        limits = Limits()
        if self.rate_limit is not None:
            limits.set_rate(self.rate_limit)
        return limits

    # -- bots and people ------------------------------------------------------------------------

    def bot_for_token(self, token: str) -> Bot:
        match = TOKEN_RE.match(token)
        if match is None:
            raise unauthorized()
        bot_id, secret = int(match.group(1)), match.group(2)
        bot = self.bots.get(bot_id)
        if bot is None:
            bot = Bot(
                id=bot_id, secret=secret, username=self.bot_username, first_name=self.bot_name
            )
            self.bots[bot_id] = bot
            if self.default_bot_id is None:
                self.default_bot_id = bot_id
        elif bot.secret != secret:
            raise unauthorized()
        return bot

    def resolve_bot(self, bot_id: int | None) -> Bot:
        """The bot a control call is about: the one named, else the default (first) bot."""
        chosen = bot_id if bot_id is not None else self.default_bot_id
        if chosen is None:
            raise ControlError(409, "no bot yet: a bot appears when it first calls the Bot API")
        bot = self.bots.get(chosen)
        if bot is None:
            raise ControlError(404, f"no bot with id {chosen}")
        return bot

    def add_user(
        self,
        first_name: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> User:
        if user_id is not None and user_id in self.users:
            return self.users[user_id]
        if user_id is None:
            user_id = random.randint(100_000_000, 7_999_999_999)
            while user_id in self.users or user_id in self.bots:
                user_id = random.randint(100_000_000, 7_999_999_999)
        user = User(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        return user

    def user(self, user_id: int) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise ControlError(404, f"no user {user_id}; create one with POST /sandbox/api/users")
        return user

    def chat(self, bot: Bot, user_id: int) -> Chat:
        """The chat with a known person, created empty (not started) on first sight."""
        chat = bot.chats.get(user_id)
        if chat is None:
            instance = str(random.randint(-(2**63), 2**63 - 1))
            chat = Chat(bot_id=bot.id, user=self.user(user_id), chat_instance=instance)
            bot.chats[user_id] = chat
        return chat

    def chat_for_bot(self, bot: Bot, chat_id: int | str) -> Chat:
        """The chat a Bot API call addresses, with Telegram's refusals."""
        if isinstance(chat_id, str):
            # "@username" only works for public channels and groups, never people.
            raise bad_request("chat not found")
        if chat_id not in self.users:
            raise bad_request("chat not found")
        if self.users[chat_id].deactivated:
            raise forbidden("user is deactivated")
        chat = bot.chats.get(chat_id)
        if chat is None or not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    # -- updates --------------------------------------------------------------------------------

    def enqueue(self, bot: Bot, chat_id: int | None, kind: str, obj: dict[str, Any]) -> int | None:
        """Queue an update for the bot; None if the bot's allowed_updates excludes it."""
        if not bot.allows(kind):
            return None
        update_id = bot.next_update_id
        bot.next_update_id += 1
        bot.pending[update_id] = PendingUpdate(
            update_id, chat_id, kind, {"update_id": update_id, kind: obj}
        )
        self.wake(bot)
        return update_id

    def wake(self, bot: Bot) -> None:
        bot.updates_pulse.fire()
        pusher = self._pushers.get(bot.id)
        if pusher is not None:
            pusher.wake()

    def redeliver(self, bot: Bot, update_id: int) -> None:
        update = bot.find_update(update_id)
        if update is None:
            raise ControlError(404, f"update {update_id} is unknown or too old")
        bot.redeliver.append(update)
        self.wake(bot)

    def take_batch(self, bot: Bot, limit: int) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        seen: set[int] = set()
        # Redeliveries come first and are handed out once, whatever the offset.
        while bot.redeliver and len(batch) < limit:
            update = bot.redeliver.pop(0)
            if update.update_id not in bot.pending and update.update_id not in seen:
                batch.append(update.payload)
                seen.add(update.update_id)
        for update in bot.pending.values():
            if len(batch) >= limit:
                break
            if update.update_id not in seen:
                batch.append(update.payload)
                seen.add(update.update_id)
        return batch

    async def get_updates(
        self,
        bot: Bot,
        *,
        offset: int | None,
        limit: int,
        poll_seconds: float,
        allowed_updates: list[str] | None,
    ) -> list[dict[str, Any]]:
        if bot.webhook is not None:
            raise conflict(WEBHOOK_CONFLICT)
        if allowed_updates is not None:
            bot.allowed_updates = allowed_updates
        bot.poll_generation += 1
        generation = bot.poll_generation
        # An older long poll still waiting (say, from a killed process) now ends with 409.
        bot.updates_pulse.fire()
        bot.confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + poll_seconds
        while True:
            batch = self.take_batch(bot, limit)
            if batch:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closing:
                return []
            await bot.updates_pulse.wait(remaining)
            if bot.webhook is not None:
                raise conflict(WEBHOOK_CONFLICT)
            if bot.poll_generation != generation:
                raise conflict(POLL_CONFLICT)

    # -- what people do ------------------------------------------------------------------------

    def _open_for_user(self, bot: Bot, user_id: int) -> Chat:
        chat = self.chat(bot, user_id)
        if chat.user.deactivated:
            raise ControlError(409, "this person deleted their account; they cannot write")
        if chat.blocked:
            raise ControlError(409, "this person has blocked the bot; unblock first")
        return chat

    def _user_message(self, bot: Bot, chat: Chat, msg: ChatMessage) -> int | None:
        chat.started = True
        chat.force_reply = None
        msg_json = wire.message_json(bot, chat, msg)
        return self.enqueue(bot, chat.user.id, "message", msg_json)

    def user_sends_text(
        self, bot: Bot, user_id: int, text: str, *, reply_to: int | None = None
    ) -> tuple[ChatMessage, int | None]:
        chat = self._open_for_user(bot, user_id)
        if not text.strip():
            raise ControlError(400, "text is empty")
        if reply_to is not None and reply_to not in chat.messages:
            raise ControlError(404, f"no message {reply_to} to reply to")
        msg = chat.new_message(
            from_bot=False, kind="text", text=text, entities=command_entity(text), reply_to=reply_to
        )
        return msg, self._user_message(bot, chat, msg)

    def user_sends_kind(
        self, bot: Bot, user_id: int, kind: str, *, caption: str | None = None
    ) -> tuple[ChatMessage, int | None]:
        if kind not in kinds.KINDS:
            raise ControlError(400, f"unknown kind {kind!r}; one of {', '.join(kinds.KINDS)}")
        chat = self._open_for_user(bot, user_id)
        fields = kinds.payload(kind, user=wire.user_json(chat.user), caption=caption)
        bot.files.remember(fields)
        msg = chat.new_message(from_bot=False, kind=kind, text=None, fields=fields)
        return msg, self._user_message(bot, chat, msg)

    def user_edits(
        self, bot: Bot, user_id: int, message_id: int, text: str
    ) -> tuple[ChatMessage, int | None]:
        chat = self._open_for_user(bot, user_id)
        msg = chat.messages.get(message_id)
        if msg is None or msg.from_bot or msg.deleted or msg.kind != "text":
            raise ControlError(404, f"no text message {message_id} from this person")
        if not text.strip():
            raise ControlError(400, "text is empty")
        self._remember_version(msg)
        msg.text, msg.entities, msg.edit_date = text, command_entity(text), now_int()
        chat.touch(msg)
        update_id = self.enqueue(bot, user_id, "edited_message", wire.message_json(bot, chat, msg))
        return msg, update_id

    def press(self, bot: Bot, user_id: int, message_id: int, data: str) -> tuple[str, int | None]:
        """A callback query from a bot message (data may be forged)."""
        chat = self._open_for_user(bot, user_id)
        msg = chat.messages.get(message_id)
        if msg is None or not msg.from_bot or msg.deleted:
            raise ControlError(404, f"no bot message {message_id} in this chat")
        self._expire_callbacks(bot)
        self._callback_counter += random.randint(1, 999)
        query_id = f"{bot.id % 10**6}{self._callback_counter}"
        bot.callbacks[query_id] = CallbackRecord(query_id, user_id, message_id, time.monotonic())
        query = {
            "id": query_id,
            "from": wire.user_json(chat.user),
            "message": wire.message_json(bot, chat, msg),
            "chat_instance": chat.chat_instance,
            "data": data,
        }
        return query_id, self.enqueue(bot, user_id, "callback_query", query)

    def click(
        self,
        bot: Bot,
        user_id: int,
        label: str | None,
        *,
        message_id: int | None = None,
        row: int | None = None,
        column: int | None = None,
    ) -> dict[str, Any]:
        """Press a button by its visible label (or position), as a person would."""
        chat = self._open_for_user(bot, user_id)
        button, msg = self._find_inline_button(chat, label, message_id, row, column)
        if button is not None and msg is not None:
            if "callback_data" in button:
                query_id, update_id = self.press(
                    bot, user_id, msg.message_id, button["callback_data"]
                )
                return {
                    "message_id": msg.message_id,
                    "callback_query_id": query_id,
                    "update_id": update_id,
                    "seq": chat.seq,
                }
            return {"message_id": msg.message_id, "url": button.get("url"), "update_id": None}
        if message_id is None and label is not None:
            sent = self._press_reply_button(bot, chat, label)
            if sent is not None:
                return sent
        raise ControlError(404, f"no button labelled {label!r}")

    def _find_inline_button(
        self,
        chat: Chat,
        label: str | None,
        message_id: int | None,
        row: int | None,
        column: int | None,
    ) -> tuple[dict[str, Any] | None, ChatMessage | None]:
        if message_id is not None:
            candidates = [chat.messages[message_id]] if message_id in chat.messages else []
        else:
            candidates = list(reversed(chat.messages.values()))
        for msg in candidates:
            if not msg.from_bot or msg.deleted:
                continue
            rows = inline_rows_of(msg.reply_markup)
            if row is not None and column is not None:
                if 0 <= row < len(rows) and 0 <= column < len(rows[row]):
                    return rows[row][column], msg
                continue
            for buttons in rows:
                for button in buttons:
                    if button["text"] == label:
                        return button, msg
        return None, None

    def _press_reply_button(self, bot: Bot, chat: Chat, label: str) -> dict[str, Any] | None:
        markup = chat.reply_keyboard
        if markup is None:
            return None
        for buttons in markup["keyboard"]:
            for button in buttons:
                if button["text"] != label:
                    continue
                if button.get("request_contact"):
                    msg, update_id = self.user_sends_kind(bot, chat.user.id, "contact")
                elif button.get("request_location"):
                    msg, update_id = self.user_sends_kind(bot, chat.user.id, "location")
                else:
                    msg, update_id = self.user_sends_text(bot, chat.user.id, label)
                if markup.get("one_time_keyboard"):
                    chat.keyboard_hidden = True
                    chat.touch()
                return {"message_id": msg.message_id, "update_id": update_id, "seq": chat.seq}
        return None

    def set_blocked(self, bot: Bot, user_id: int, blocked: bool) -> int | None:
        chat = self.chat(bot, user_id)
        if chat.blocked == blocked:
            return None
        chat.blocked = blocked
        chat.touch()
        if not chat.started:
            return None
        member = {"user": wire.bot_user_json(bot), "status": "member"}
        kicked = {"user": wire.bot_user_json(bot), "status": "kicked", "until_date": 0}
        old, new = (member, kicked) if blocked else (kicked, member)
        update = {
            "chat": wire.chat_json(chat.user),
            "from": wire.user_json(chat.user),
            "date": now_int(),
            "old_chat_member": old,
            "new_chat_member": new,
        }
        return self.enqueue(bot, user_id, "my_chat_member", update)

    def started_chats(self, bot: Bot, user_ids: list[int], first_name: str) -> int:
        """People who started the bot long ago (their /start long since handled): chats the
        bot may write to, with nothing pending. For benchmarks with thousands of people."""
        for user_id in user_ids:
            self.chat(bot, self.add_user(first_name, user_id=user_id).id).started = True
        return len(user_ids)

    def delete_account(self, user_id: int) -> User:
        """The person deletes their Telegram account: from now on every bot that writes to
        them is told "Forbidden: user is deactivated". Telegram sends bots no update for it."""
        user = self.user(user_id)
        if not user.deactivated:
            user.deactivated = True
            for bot in self.bots.values():
                chat = bot.chats.get(user_id)
                if chat is not None:
                    chat.touch()
        return user

    # -- what bots do ---------------------------------------------------------------------------

    def bot_sends(
        self,
        bot: Bot,
        chat: Chat,
        *,
        text: str,
        entities: list[dict[str, Any]],
        markup: Markup | None,
        reply_to: int | None,
    ) -> ChatMessage:
        msg = chat.new_message(
            from_bot=True,
            kind="text",
            text=text,
            entities=entities,
            reply_markup=markup,
            reply_to=reply_to,
        )
        if markup is not None:
            if "keyboard" in markup:
                chat.reply_keyboard, chat.keyboard_hidden = markup, False
            elif "remove_keyboard" in markup:
                chat.reply_keyboard = None
            elif "force_reply" in markup:
                chat.force_reply = markup
        chat.action = None
        return msg

    def bot_message(self, chat: Chat, message_id: int, *, verb: str = "edit") -> ChatMessage:
        msg = chat.messages.get(message_id)
        if msg is None or msg.deleted or not msg.from_bot:
            raise bad_request(f"message to {verb} not found")
        return msg

    def _remember_version(self, msg: ChatMessage) -> None:
        msg.history.append(
            {
                "text": msg.text,
                "entities": msg.entities,
                "reply_markup": msg.reply_markup,
                "edit_date": msg.edit_date,
            }
        )

    def bot_edits(
        self,
        chat: Chat,
        msg: ChatMessage,
        *,
        text: str | None,
        entities: list[dict[str, Any]] | None,
        markup: Markup | None,
    ) -> ChatMessage:
        new_text = msg.text if text is None else text
        new_entities = msg.entities if entities is None else entities
        if markup is None and msg.reply_markup and "inline_keyboard" not in msg.reply_markup:
            markup = msg.reply_markup  # a reply keyboard is not part of what an edit replaces
        if new_text == msg.text and new_entities == msg.entities and markup == msg.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        self._remember_version(msg)
        words_changed = new_text != msg.text or new_entities != msg.entities
        msg.text, msg.entities, msg.reply_markup = new_text, new_entities, markup
        if words_changed:
            # Telegram apps mark a message "edited" when its words change, not when only its
            # buttons are taken away.
            msg.edit_date = now_int()
        chat.touch(msg)
        return msg

    def bot_deletes(self, chat: Chat, message_id: int) -> None:
        msg = chat.messages.get(message_id)
        if msg is None or msg.deleted:
            raise bad_request("message to delete not found")
        msg.deleted = True
        chat.touch(msg)

    def answer_callback(
        self, bot: Bot, query_id: str, *, text: str, show_alert: bool, url: str | None
    ) -> None:
        self._expire_callbacks(bot)
        record = bot.callbacks.get(query_id)
        if record is None or record.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        record.answered = True
        chat = bot.chats[record.chat_id]
        chat.seq += 1
        toast = Toast(query_id, record.message_id, text, show_alert, url, now_int(), chat.seq)
        chat.toasts.append(toast)
        chat.pulse.fire()

    def _expire_callbacks(self, bot: Bot) -> None:
        limit = time.monotonic() - CALLBACK_TTL
        for query_id in [q for q, r in bot.callbacks.items() if r.created < limit]:
            del bot.callbacks[query_id]

    def chat_action(self, chat: Chat, action: str) -> None:
        # Telegram shows an action for 5 seconds or until the bot's next message.
        chat.action, chat.action_until = action, time.monotonic() + 5
        chat.touch()

    # -- commands -------------------------------------------------------------------------------

    def commands_for(self, bot: Bot, user: User) -> list[dict[str, str]]:
        """The command menu a person sees: most specific scope first, as Telegram resolves it."""
        lang = user.language_code or ""
        keys = [
            ("chat", user.id, 0, lang),
            ("chat", user.id, 0, ""),
            ("all_private_chats", 0, 0, lang),
            ("all_private_chats", 0, 0, ""),
            ("default", 0, 0, lang),
            ("default", 0, 0, ""),
        ]
        for key in keys:
            if key in bot.commands:
                return bot.commands[key]
        return []

    def description_for(self, bot: Bot, user: User) -> str:
        """The "What can this bot do?" text a person sees before START: in their app's
        language if the bot set one, else the bot's default (as Telegram resolves it)."""
        lang = user.language_code or ""
        found = bot.settings.get(("description", lang)) or bot.settings.get(("description", ""))
        return str(found or "")

    # -- webhooks -------------------------------------------------------------------------------

    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(30.0, connect=5.0),
                limits=httpx.Limits(max_connections=200, max_keepalive_connections=100),
                trust_env=False,  # a proxy from the environment must not intercept loopback
            )
        return self._http

    def set_webhook(
        self, bot: Bot, url: str, secret_token: str | None, max_connections: int
    ) -> None:
        from bot.sandbox.webhook import WebhookPusher  # webhook imports this module

        self._stop_pusher(bot)
        bot.webhook_generation += 1
        bot.webhook = Webhook(url, secret_token, max_connections, bot.webhook_generation)
        pusher = WebhookPusher(self, bot, bot.webhook)
        self._pushers[bot.id] = pusher
        pusher.start()
        self.wake(bot)  # ends any long poll, which now gets 409

    def delete_webhook(self, bot: Bot) -> bool:
        had = bot.webhook is not None
        bot.webhook = None
        self._stop_pusher(bot)
        return had

    def _stop_pusher(self, bot: Bot) -> None:
        pusher = self._pushers.pop(bot.id, None)
        if pusher is not None:
            pusher.stop()

    # -- lifecycle ------------------------------------------------------------------------------

    def reset(self) -> None:
        for bot_id in list(self._pushers):
            self._pushers.pop(bot_id).stop()
        self.wake_all()
        for bot in self.bots.values():
            # Anyone still waiting on this bot must stop, as if it had been restarted.
            bot.poll_generation += 1
        self.bots.clear()
        self.users.clear()
        self.default_bot_id = None
        self.limits = self._new_limits()
        if self._bot_token is not None:
            self.default_bot_id = self.bot_for_token(self._bot_token).id

    def begin_close(self) -> None:
        """Let every long poll answer now, so the server can stop without waiting."""
        self.closing = True
        self.wake_all()

    def wake_all(self) -> None:
        for bot in self.bots.values():
            bot.updates_pulse.fire()
            for chat in bot.chats.values():
                chat.pulse.fire()

    async def aclose(self) -> None:
        self.closing = True
        for bot_id in list(self._pushers):
            self._pushers.pop(bot_id).stop()
        self.wake_all()
        if self._http is not None:
            await self._http.aclose()
            self._http = None
