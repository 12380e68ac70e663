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
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiolimiter import AsyncLimiter
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot
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


@dataclass(frozen=True)
class Sent:
    message_id: int | None
    closes: tuple[int, ...]  # messages whose buttons are gone now
    buttons_open: bool


@dataclass(frozen=True)
class Retry:
    not_before: datetime
    error: str
    count_attempt: bool = True


@dataclass(frozen=True)
class Failed:
    error: str


Result = Sent | Retry | Failed


def retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _sweepable(message: Outgoing) -> bool:
    """Buttons that newer buttons take away (all but those kept on purpose, see Outgoing)."""
    return bool(message.buttons) and not message.keep_buttons


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
        # About a second of sending at the rate limit: what a crash can leave half done.
        batch: int = 30,
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
        """Send what is due now; returns how many messages were taken."""
        now = self.clock()
        if self._paused_until and now < self._paused_until:
            return 0
        if self.db.dialect == "postgresql":
            return await self._locked_round(now)
        rows = await outbox.claim_due(self.db, now=now, limit=self.batch)
        await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _deliver(self, row: OutboxMessage) -> None:
        result = await self._attempt(row)
        # Recorded at once, each on its own: a crash re-sends as little as possible.
        async with self.db.transaction() as session:
            await self._record(session, row, result)

    async def _locked_round(self, now: datetime) -> int:
        # Row locks held while sending: a sender that dies releases them with its connection,
        # so another copy of Tandem (or this one, restarted) carries on at once.
        async with self.db.transaction() as session:
            rows = await outbox.lock_due(session, now=now, limit=self.batch)
            results = await asyncio.gather(*(self._attempt(row) for row in rows))
            for row, result in zip(rows, results, strict=True):
                await self._record(session, row, result)
        return len(rows)

    async def _attempt(self, row: OutboxMessage) -> Result:
        message = Outgoing.from_payload(row.chat_id, row.payload)
        try:
            async with self.limiter:
                return await self._call(message)
        except RetryAfter as exc:
            until = self.clock() + timedelta(seconds=retry_seconds(exc))
            # Flood control applies to the whole bot: hold every send, not just this one.
            self._paused_until = until
            return Retry(until, "RetryAfter", count_attempt=False)
        except Forbidden as exc:
            # Blocked by the person or their account is gone: retrying cannot help.
            return Failed(f"Forbidden: {exc.message}")
        except BadRequest as exc:
            if "not modified" in exc.message:
                return Sent(message.edit_message_id, closes=(), buttons_open=_sweepable(message))
            log.warning("outbox message %s refused: %s", row.id, exc.message)
            return Failed(f"BadRequest: {exc.message}")
        except (TimedOut, NetworkError, OSError) as exc:
            return self._later(row, type(exc).__name__)
        except Exception as exc:
            log.exception("outbox message %s could not be sent", row.id)
            return self._later(row, type(exc).__name__)

    def _later(self, row: OutboxMessage, error: str) -> Result:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            return Failed(error)
        return Retry(self.clock() + _backoff(row.attempts), error)

    async def _record(self, session: AsyncSession, row: OutboxMessage, result: Result) -> None:
        assert row.id is not None
        now = self.clock()
        if isinstance(result, Sent):
            await outbox.close_buttons(session, row.chat_id, list(result.closes))
            await outbox.mark_sent(
                session,
                row.id,
                now=now,
                message_id=result.message_id,
                buttons_open=result.buttons_open,
            )
        elif isinstance(result, Retry):
            await outbox.mark_retry(
                session,
                row.id,
                not_before=result.not_before,
                error=result.error,
                count_attempt=result.count_attempt,
            )
        else:
            await outbox.mark_failed(session, row.id, now=now, error=result.error)

    async def _call(self, message: Outgoing) -> Sent:
        if message.clear_buttons:
            return await self._clear_buttons(message)
        args = call_arguments(message)
        if message.edit_message_id is not None:
            await self.bot.edit_message_text(**args)
            # The edit replaces the buttons too: the message keeps only those sent now.
            return Sent(
                message.edit_message_id,
                closes=(message.edit_message_id,),
                buttons_open=_sweepable(message),
            )
        sent = await self.bot.send_message(**args)
        return Sent(sent.message_id, closes=(), buttons_open=_sweepable(message))

    async def _clear_buttons(self, message: Outgoing) -> Sent:
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
        return Sent(None, closes=tuple(stale), buttons_open=False)
