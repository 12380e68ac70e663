"""Hands updates to the conversation service: one chat's updates in order, different chats at
the same time, and the pressed button answered only after the commit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.conversations.messages import Incoming, Kind
from bot.conversations.service import ConversationService, TransientError
from bot.telegram.updates import to_incoming

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self, service: ConversationService, bot: Bot) -> None:
        self.service = service
        self.bot = bot
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = defaultdict(int)

    @contextlib.asynccontextmanager
    async def _chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        # Webhook pushes for one chat may overlap; the lock keeps them in arrival order.
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                self._locks.pop(chat_id, None)
                self._users.pop(chat_id, None)

    async def process(self, update: Update, raw: dict[str, Any] | None = None) -> None:
        """Commit the update's effects. Raises TransientError if nothing could be stored."""
        try:
            incoming = to_incoming(update, self.bot.id)
        except Exception:
            # An update shape we did not foresee: still recorded once, never a crash.
            log.exception("update %s could not be read", update.update_id)
            incoming = Incoming(self.bot.id, update.update_id, chat_id=0, kind=Kind.OTHER)
        async with self._chat_lock(incoming.chat_id):
            handled = await self.service.handle(
                incoming, raw if raw is not None else update.to_dict()
            )
        query = update.callback_query
        if query is not None:
            # Stops the spinner on the pressed button. Best effort: the answer is stored.
            try:
                await query.answer(text=handled.toast)
            except TelegramError as exc:
                log.info("callback answer not delivered: %s", type(exc).__name__)

    async def process_batch(self, updates: Sequence[Update]) -> int | None:
        """Process a getUpdates batch. Returns the highest update id such that it and every
        earlier one in the batch are committed (the polling offset may pass it), or None."""
        by_chat: dict[int, list[Update]] = defaultdict(list)
        for update in updates:
            chat = update.effective_chat or update.effective_user
            by_chat[chat.id if chat else 0].append(update)
        failed: set[int] = set()

        async def one_chat(chat_updates: list[Update]) -> None:
            for position, update in enumerate(chat_updates):
                try:
                    await self.process(update)
                except TransientError:
                    # Keep this chat's order: nothing after a failed update is handled now.
                    failed.update(u.update_id for u in chat_updates[position:])
                    return

        await asyncio.gather(*(one_chat(group) for group in by_chat.values()))
        done: int | None = None
        for update in sorted(updates, key=lambda u: u.update_id):
            if update.update_id in failed:
                break
            done = update.update_id
        return done
