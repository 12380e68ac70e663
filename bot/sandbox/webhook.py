"""Pushing updates to a bot's webhook, the way Telegram does.

An update counts as delivered only on an HTTP 2xx; otherwise it stays queued and is retried
with backoff (the bot may be restarting). Updates of one chat go out one at a time, in order;
different chats are pushed concurrently, up to the webhook's max_connections.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

import httpx

from bot.sandbox.state import Bot, PendingUpdate, Pulse, SandboxState, Webhook, now_int

if TYPE_CHECKING:
    from collections.abc import Iterator

log = logging.getLogger(__name__)

FIRST_RETRY = 0.2
LAST_RETRY = 5.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
_NO_CHAT = 0  # the queue key for updates that belong to no chat


class WebhookPusher:
    def __init__(self, state: SandboxState, bot: Bot, webhook: Webhook) -> None:
        self._state = state
        self._bot = bot
        self._webhook = webhook
        self._pulse = Pulse()
        self._busy: dict[int, asyncio.Task[None]] = {}  # chat id -> its draining task
        self._task: asyncio.Task[None] | None = None
        self._stopped = False

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        self._stopped = True
        if self._task is not None:
            self._task.cancel()
        for task in list(self._busy.values()):
            task.cancel()

    def wake(self) -> None:
        self._pulse.fire()

    @property
    def _current(self) -> bool:
        return not self._stopped and self._bot.webhook is self._webhook

    def _queued(self) -> Iterator[PendingUpdate]:
        yield from self._bot.redeliver
        yield from self._bot.pending.values()

    async def _run(self) -> None:
        while self._current:
            for update in self._queued():
                if len(self._busy) >= self._webhook.max_connections:
                    break
                key = update.chat_id or _NO_CHAT
                if key not in self._busy:
                    self._busy[key] = asyncio.get_running_loop().create_task(self._drain(key))
            await self._pulse.wait(5.0)

    def _next_for(self, key: int) -> PendingUpdate | None:
        for update in self._queued():
            if (update.chat_id or _NO_CHAT) == key:
                return update
        return None

    async def _drain(self, key: int) -> None:
        delay = FIRST_RETRY
        try:
            while self._current:
                update = self._next_for(key)
                if update is None:
                    return
                if await self._push(update):
                    self._delivered(update)
                    delay = FIRST_RETRY
                else:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, LAST_RETRY)
        finally:
            self._busy.pop(key, None)
            self._pulse.fire()  # another chat may have been waiting for a free connection

    def _delivered(self, update: PendingUpdate) -> None:
        bot = self._bot
        for index, queued in enumerate(bot.redeliver):
            if queued is update:
                del bot.redeliver[index]
                return
        if bot.pending.get(update.update_id) is update:
            bot.archive_update(bot.pending.pop(update.update_id))

    async def _push(self, update: PendingUpdate) -> bool:
        headers = {"Content-Type": "application/json"}
        if self._webhook.secret_token:
            headers[SECRET_HEADER] = self._webhook.secret_token
        body = json.dumps(update.payload, ensure_ascii=False).encode("utf-8")
        try:
            response = await self._state.http().post(
                self._webhook.url, content=body, headers=headers
            )
        except httpx.HTTPError as error:
            self._failed(_describe(error))
            return False
        if 200 <= response.status_code < 300:
            return True
        self._failed(
            f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
        )
        return False

    def _failed(self, message: str) -> None:
        self._webhook.last_error_date = now_int()
        self._webhook.last_error_message = message
        log.debug("webhook push to %s failed: %s", self._webhook.url, message)


def _describe(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "Connection refused"
    if isinstance(error, httpx.TimeoutException):
        return "Read timeout expired"
    return f"{type(error).__name__}: {error}"
