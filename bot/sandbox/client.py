"""The tests' voice: talk to a bot through the sandbox as a person would.

Waits take a `timeout` argument (like aiogram-dialog's test tools) so a test reads as a
sentence; each is a loop of bounded server long polls, not an open-ended await.

    async with SandboxClient(sandbox.url) as client:
        chat = await client.chat("Alex")
        await chat.send("/start")
        await chat.wait_for("Hello")
        await chat.click("OK")
        reply = await chat.wait_for(lambda m: "thanks" in (m.text or ""))
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

Match = str | Callable[["Message"], bool] | None
POLL_SLICE = 10.0  # seconds per server long poll while waiting


class SandboxError(Exception):
    """The control API refused a request (no such button, unknown user, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Message:
    id: int
    from_bot: bool
    text: str | None
    kind: str = "text"
    buttons: list[list[str]] = field(default_factory=list)  # inline button labels, by row
    callback_data: list[list[str | None]] = field(default_factory=list)
    keyboard: list[list[str]] | None = None  # a reply keyboard this message brought
    edited: bool = False
    deleted: bool = False
    reply_to: int | None = None
    date: int = 0
    seq: int = 0
    entities: list[dict[str, Any]] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        rows = data.get("buttons") or []
        return cls(
            id=data["id"],
            from_bot=data["from"] == "bot",
            text=data.get("text"),
            kind=data.get("kind", "text"),
            buttons=[[b["text"] for b in row] for row in rows],
            callback_data=[[b.get("callback_data") for b in row] for row in rows],
            keyboard=data.get("keyboard"),
            edited=bool(data.get("edited")),
            deleted=bool(data.get("deleted")),
            reply_to=data.get("reply_to"),
            date=data.get("date", 0),
            seq=data.get("seq", 0),
            entities=list(data.get("entities") or []),
        )

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label in row]

    def data_for(self, label: str) -> str | None:
        for labels, data in zip(self.buttons, self.callback_data, strict=False):
            for text, value in zip(labels, data, strict=False):
                if text == label:
                    return value
        return None

    def matches(self, match: Match) -> bool:
        if match is None:
            return True
        if isinstance(match, str):
            return match in (self.text or "")
        return match(self)


@dataclass(frozen=True)
class Toast:
    """An answerCallbackQuery as the person saw it (text may be empty: just the spinner stopping)."""

    callback_query_id: str
    message_id: int | None
    text: str
    show_alert: bool
    seq: int


class SandboxClient:
    def __init__(
        self, base_url: str, *, bot_id: int | None = None, http: httpx.AsyncClient | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.bot_id = bot_id
        self._own_http = http is None
        # Waits are long polls; the read timeout must outlast them.
        self.http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(POLL_SLICE + 20, connect=5), trust_env=False
        )

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        query = dict(params or {})
        if self.bot_id is not None:
            query.setdefault("bot", self.bot_id)
        response = await self.http.request(
            method, f"{self.base_url}/sandbox/api{path}", json=json, params=query
        )
        try:
            body = response.json()
        except ValueError:
            body = {"error": response.text}
        if response.status_code >= 400:
            raise SandboxError(response.status_code, body.get("error", response.reason_phrase))
        return body

    # -- people ------------------------------------------------------------------------------

    async def chat(
        self,
        first_name: str = "Alex",
        user_id: int | None = None,
        language_code: str = "en",
        *,
        username: str | None = None,
    ) -> Chat:
        """A person (new, or the existing one with this id) and their chat with the bot."""
        payload: dict[str, Any] = {"first_name": first_name, "language_code": language_code}
        if user_id is not None:
            payload["id"] = user_id
        if username is not None:
            payload["username"] = username
        user = await self.request("POST", "/users", json=payload)
        chat = Chat(self, user)
        await chat.refresh()
        chat.mark_action(chat.seq)
        return chat

    # -- the bot and test controls -----------------------------------------------------------

    async def _bot_path(self) -> str:
        if self.bot_id is None:
            self.bot_id = (await self.request("GET", "/bots"))["default"]
            if self.bot_id is None:
                raise SandboxError(409, "no bot has called the Bot API yet")
        return f"/bots/{self.bot_id}"

    async def bot_info(self) -> dict[str, Any]:
        info: dict[str, Any] = await self.request("GET", await self._bot_path())
        return info

    async def calls(self, since: int = 0) -> list[dict[str, Any]]:
        body = await self.request("GET", await self._bot_path() + "/calls", params={"since": since})
        calls: list[dict[str, Any]] = body["calls"]
        return calls

    async def started_chats(self, user_ids: list[int], first_name: str = "Person") -> None:
        """People who started the bot long ago, so it may write to them (no updates queued)."""
        await self.request(
            "POST",
            await self._bot_path() + "/started_chats",
            json={"user_ids": user_ids, "first_name": first_name},
        )

    async def pending_updates(self) -> list[dict[str, Any]]:
        body = await self.request("GET", await self._bot_path() + "/updates")
        pending: list[dict[str, Any]] = body["pending"]
        return pending

    async def redeliver(self, update_id: int) -> None:
        """Hand this update to the bot again (Telegram delivers at least once)."""
        await self.request(
            "POST", await self._bot_path() + "/redeliver", json={"update_id": update_id}
        )

    async def flood(
        self, count: int, retry_after: int = 1, methods: list[str] | None = None
    ) -> None:
        """Make the next `count` calls (of `methods`, default all) fail with 429."""
        payload: dict[str, Any] = {"count": count, "retry_after": retry_after}
        if methods:
            payload["methods"] = methods
        if self.bot_id is not None:
            payload["bot_id"] = self.bot_id
        await self.request("POST", "/flood", json=payload)

    async def clear_flood(self) -> None:
        await self.request("POST", "/flood", json={"count": 0})

    async def ratelimit(
        self,
        per_second: float | None,
        per_chat_per_second: float | None = None,
        methods: list[str] | None = None,
    ) -> None:
        """Switch Telegram-like rate limits on (numbers) or off (None): for this client's bot
        when it names one, else for every bot."""
        payload: dict[str, Any] = {
            "per_second": per_second,
            "per_chat_per_second": per_chat_per_second,
        }
        if methods:
            payload["methods"] = methods
        if self.bot_id is not None:
            payload["bot_id"] = self.bot_id
        await self.request("POST", "/ratelimit", json=payload)

    async def too_many_requests(self) -> int:
        """How many 429 answers the bot has been given so far."""
        return int((await self.bot_info())["too_many_requests"])

    async def reset(self) -> None:
        await self.request("POST", "/reset")


class Chat:
    """One person's chat with the bot. Waits look at what happened after their last action."""

    def __init__(self, client: SandboxClient, user: dict[str, Any]) -> None:
        self.client = client
        self.user = user
        self.user_id: int = user["id"]
        self.seq = 0  # the change sequence seen so far
        self.reply_keyboard: dict[str, Any] | None = None
        self.blocked = False
        self.deactivated = False
        self._messages: dict[int, Message] = {}
        self._toasts: list[Toast] = []
        self._action_seq = 0

    @property
    def _path(self) -> str:
        return f"/chats/{self.user_id}"

    def mark_action(self, seq: int) -> None:
        self._action_seq = seq

    async def _act(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = await self.client.request("POST", self._path + path, json=payload)
        self.mark_action(result["seq"])
        return result

    # -- what the person does ----------------------------------------------------------------

    async def send(self, text: str, *, reply_to: int | None = None) -> int:
        """Type and send a text; returns its message_id."""
        payload: dict[str, Any] = {"text": text}
        if reply_to is not None:
            payload["reply_to_message_id"] = reply_to
        result = await self._act("/messages", payload)
        return int(result["message_id"])

    async def start(self, code: str | None = None) -> int:
        """Press START, as after opening t.me/<bot>?start=<code>."""
        return await self.send(f"/start {code}" if code else "/start")

    async def send_kind(self, kind: str, *, caption: str | None = None) -> int:
        """Send a sticker, photo, voice, location, contact, ... (see sandbox.kinds.KINDS)."""
        payload: dict[str, Any] = {"kind": kind}
        if caption is not None:
            payload["caption"] = caption
        result = await self._act("/messages", payload)
        return int(result["message_id"])

    async def edit(self, message_id: int, text: str) -> None:
        await self._act("/edit", {"message_id": message_id, "text": text})

    async def click(self, label: str, message_id: int | None = None) -> dict[str, Any]:
        """Press a button by its label: inline (newest message that has it) or reply keyboard."""
        payload: dict[str, Any] = {"label": label}
        if message_id is not None:
            payload["message_id"] = message_id
        return await self._act("/click", payload)

    async def press(self, message_id: int, data: str) -> str:
        """A callback query with any data, even data no button carries; returns its id."""
        result = await self._act("/callback", {"message_id": message_id, "data": data})
        return str(result["callback_query_id"])

    async def block(self) -> None:
        """Stop and block the bot: its messages are refused with 403 from now on."""
        await self._act("/block")
        self.blocked = True

    async def unblock(self) -> None:
        await self._act("/unblock")
        self.blocked = False

    async def restart(self) -> int:
        """The RESTART button of a blocked bot's chat: unblock, and send /start."""
        if self.blocked:
            await self.unblock()
        return await self.send("/start")

    async def delete_account(self) -> None:
        """The person deletes their Telegram account: every bot's messages to them are refused
        with 403 "user is deactivated", and they can never write again."""
        await self.client.request("POST", f"/users/{self.user_id}/delete")
        self.deactivated = True

    # -- what the person sees ----------------------------------------------------------------

    async def refresh(self, wait: float = 0.0) -> bool:
        """Fetch changes (long-polling up to `wait` seconds); True if anything changed."""
        view = await self.client.request(
            "GET", self._path + "/messages", params={"after_seq": self.seq, "wait": wait}
        )
        for data in view["messages"]:
            msg = Message.from_json(data)
            self._messages[msg.id] = msg
        for data in view["toasts"]:
            self._toasts.append(
                Toast(
                    data["callback_query_id"],
                    data["message_id"],
                    data["text"],
                    data["show_alert"],
                    data["seq"],
                )
            )
        changed: bool = view["seq"] != self.seq
        self.seq = view["seq"]
        self.reply_keyboard = view["reply_keyboard"]
        self.blocked = view["blocked"]
        self.deactivated = view.get("deactivated", False)
        return changed

    def _since_action(self) -> list[Message]:
        fresh = [
            m
            for m in self._messages.values()
            if m.from_bot and not m.deleted and m.seq > self._action_seq
        ]
        return sorted(fresh, key=lambda m: m.seq)

    async def wait_for(self, match: Match = None, timeout: float = 10.0) -> Message:  # noqa: ASYNC109
        """The first bot message, new or edited since the last action, that matches.

        `match` is a substring of the text, a predicate, or None for any message.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for msg in self._since_action():
                if msg.matches(match):
                    return msg
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [m.text for m in self._since_action()]
                raise TimeoutError(
                    f"no bot message matching {match!r} within {timeout} s; "
                    f"bot messages since the last action: {seen!r}"
                )
            await self.refresh(wait=min(remaining, POLL_SLICE))

    async def wait_for_toast(self, match: str | None = None, timeout: float = 10.0) -> Toast:  # noqa: ASYNC109
        """The first callback answer since the last action (with `match` in its text)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for toast in self._toasts:
                if toast.seq > self._action_seq and (match is None or match in toast.text):
                    return toast
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no callback answer matching {match!r} within {timeout} s")
            await self.refresh(wait=min(remaining, POLL_SLICE))

    async def replies(self, settle: float = 0.3, timeout: float = 10.0) -> list[Message]:  # noqa: ASYNC109
        """Bot messages since the last action, once the chat has been quiet for `settle` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while await self.refresh(wait=min(settle, max(deadline - loop.time(), 0))):
            if loop.time() >= deadline:
                break
        return self._since_action()

    async def messages(self) -> list[Message]:
        """Every message in the chat, both sides, oldest first (deleted ones left out)."""
        await self.refresh()
        return [m for _, m in sorted(self._messages.items()) if not m.deleted]

    async def bot_messages(self) -> list[Message]:
        return [m for m in await self.messages() if m.from_bot]

    @property
    def last_message(self) -> Message | None:
        """The newest bot message known (as of the last wait or refresh)."""
        mine = [m for m in self._messages.values() if m.from_bot and not m.deleted]
        return max(mine, key=lambda m: m.id) if mine else None

    @property
    def buttons(self) -> list[list[str]]:
        last = self.last_message
        return last.buttons if last else []

    @property
    def toasts(self) -> list[Toast]:
        """Callback answers with text, as the person saw them (fetched by waits and refresh)."""
        return [t for t in self._toasts if t.text]
