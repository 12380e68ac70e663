"""Delivers the outbox within Telegram's limits.

Each round claims the first waiting message of each chat (so a chat's messages keep their
order, even with several Tandem processes), sends those concurrently under the overall rate
limit, and marks each one sent. Unsent messages from before a restart simply go in the first
round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from aiolimiter import AsyncLimiter
from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.conversations.messages import Outgoing
from bot.telegram.render import call_arguments
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from storage.types import utcnow

log = logging.getLogger(__name__)

# Telegram's documented ceiling for one bot is about 30 messages a second overall.
DEFAULT_RATE = 30.0
MAX_ATTEMPTS = 12
IDLE_POLL = 1.0  # other processes' commits cannot wake us, so look again at least this often


def retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** max(attempts, 0), 300))


class OutboxSender:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        *,
        rate_per_second: float = DEFAULT_RATE,
        clock: Callable[[], datetime] = utcnow,
        batch: int = 100,
    ) -> None:
        self.db = db
        self.bot = bot
        self.clock = clock
        self.batch = batch
        self.limiter = AsyncLimiter(rate_per_second, 1)
        self._wake = asyncio.Event()
        self._paused_until: datetime | None = None

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # Cleared before looking, so a wake during the round is not lost.
            self._wake.clear()
            try:
                sent = await self.send_round()
            except Exception as exc:
                # The database may be down for a moment; nothing is lost, try again shortly.
                log.warning("outbox round failed: %s", type(exc).__name__)
                sent = 0
            if sent:
                continue
            with contextlib.suppress(TimeoutError):
                waiter = asyncio.ensure_future(self._wake.wait())
                stopper = asyncio.ensure_future(stop.wait())
                try:
                    await asyncio.wait(
                        {waiter, stopper}, timeout=IDLE_POLL, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    waiter.cancel()
                    stopper.cancel()

    async def send_round(self) -> int:
        """Send what is due now; returns how many rows were claimed."""
        now = self.clock()
        if self._paused_until and now < self._paused_until:
            return 0
        rows = await outbox.claim_due(self.db, now=now, limit=self.batch)
        if rows:
            await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _deliver(self, row: OutboxMessage) -> None:
        assert row.id is not None
        message = Outgoing.from_payload(row.chat_id, row.payload)
        try:
            async with self.limiter:
                result = await self._call(message)
        except RetryAfter as exc:
            until = self.clock() + timedelta(seconds=retry_seconds(exc))
            # Flood control applies to the whole bot: hold every send, not just this one.
            self._paused_until = until
            await outbox.mark_retry(
                self.db, row.id, not_before=until, error="RetryAfter", count_attempt=False
            )
            return
        except Forbidden as exc:
            # Blocked by the person or their account is gone: retrying cannot help.
            await outbox.mark_failed(
                self.db, row.id, now=self.clock(), error=f"Forbidden: {exc.message}"
            )
            return
        except BadRequest as exc:
            if "not modified" in exc.message:
                await outbox.mark_sent(
                    self.db, row.id, now=self.clock(), message_id=message.edit_message_id
                )
            else:
                log.warning("outbox message %s refused: %s", row.id, exc.message)
                await outbox.mark_failed(
                    self.db, row.id, now=self.clock(), error=f"BadRequest: {exc.message}"
                )
            return
        except (TimedOut, NetworkError, OSError) as exc:
            await self._retry_later(row, type(exc).__name__)
            return
        except Exception as exc:
            log.exception("outbox message %s could not be sent", row.id)
            await self._retry_later(row, type(exc).__name__)
            return
        message_id = result.message_id if isinstance(result, Message) else message.edit_message_id
        if message.edit_message_id is not None and not message.clear_buttons:
            # An edit is sent without buttons, so the edited message has none left.
            await outbox.close_buttons(self.db, row.chat_id, [message.edit_message_id])
        await outbox.mark_sent(
            self.db,
            row.id,
            now=self.clock(),
            message_id=message_id,
            buttons_open=bool(message.buttons),
        )

    async def _retry_later(self, row: OutboxMessage, error: str) -> None:
        assert row.id is not None
        if row.attempts + 1 >= MAX_ATTEMPTS:
            await outbox.mark_failed(self.db, row.id, now=self.clock(), error=error)
        else:
            await outbox.mark_retry(
                self.db, row.id, not_before=self.clock() + _backoff(row.attempts), error=error
            )

    async def _call(self, message: Outgoing) -> Message | bool:
        if message.clear_buttons:
            await self._clear_buttons(message)
            return True
        args = call_arguments(message)
        if message.edit_message_id is not None:
            return await self.bot.edit_message_text(**args)
        return await self.bot.send_message(**args)

    async def _clear_buttons(self, message: Outgoing) -> None:
        stale = [
            mid
            for mid in await outbox.open_buttons(self.db, message.chat_id)
            if mid != message.edit_message_id
        ]
        for message_id in stale:
            try:
                await self.bot.edit_message_reply_markup(
                    chat_id=message.chat_id, message_id=message_id, reply_markup=None
                )
            except BadRequest as exc:
                # Already gone or already bare: either way there is nothing left to press.
                log.info("buttons not cleared: %s", exc.message)
        await outbox.close_buttons(self.db, message.chat_id, stale)
