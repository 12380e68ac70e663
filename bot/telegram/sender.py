"""Delivers the outbox within Telegram's limits.

A round claims the first waiting message of each chat (so a chat's messages keep their order,
even with several Tandem processes) and sends them. Two rounds may be in flight: the next one
is claimed while the last one's messages wait for their moment, so the rate does not dip
between rounds. Unsent messages from before a restart simply go in the first round.

Telegram's limits, as the sender keeps them:
- about 30 messages a second per bot: every Bot API call waits for the next moment from a
  pacer that spaces calls evenly (Telegram counts the calls in any one second, so the burst at
  the start of each second that a token bucket allows would be refused). On PostgreSQL the
  moments are reserved in the database, so several processes keep to one rate between them.
- about one message a second to one chat, short bursts allowed: a token bucket per chat. A
  reply to what the person just did goes at once, whole (they are waiting for it); other
  messages (reminders, a plan from the review app, a backlog) wait for the chat's turn, so
  they go out about a second apart after the first few.
- 429 "retry after": every call, in every process, waits it out; the message stays due and
  the refusal does not count as a failed attempt.

When Telegram says a person cannot be reached (403: they blocked the bot or deleted their
account), the same transaction that records the failure marks them unreachable and gives up
their other waiting messages; messages queued for them later are given up without a call,
until they write again (the conversation core marks them reachable).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.conversations.messages import Outgoing
from bot.telegram.render import call_arguments
from storage import outbox, people
from storage.db import Database
from storage.models import OutboxMessage
from storage.types import utcnow

log = logging.getLogger(__name__)

# Telegram's documented ceiling for one bot is about 30 messages a second overall.
DEFAULT_RATE = 30.0
# Calls leave here evenly spaced but may reach Telegram a little closer together; pacing a few
# per cent under the configured rate keeps any one second's count within it.
HEADROOM = 0.96
# "Avoid sending more than one message per second" to one chat; short bursts are allowed.
CHAT_RATE = 1.0
CHAT_BURST = 3
ROUNDS_IN_FLIGHT = 2
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


@dataclass(frozen=True)
class Unreachable:
    """Telegram will not deliver to this person (blocked bot, deleted account)."""

    reason: str  # Telegram's description, e.g. "Forbidden: bot was blocked by the user"


Result = Sent | Retry | Failed | Unreachable


def retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _sweepable(message: Outgoing) -> bool:
    """Buttons that newer buttons take away (all but those kept on purpose, see Outgoing)."""
    return bool(message.buttons) and not message.keep_buttons


def _new_message(message: Outgoing) -> bool:
    """A message that appears in the chat (edits and button sweeps change earlier ones)."""
    return message.edit_message_id is None and not message.clear_buttons


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** max(attempts, 0), 300))


class Pacer:
    """Evenly spaced moments to call the Bot API, at most `rate` a second.

    One call at a time takes its turn. A call that starts late (the event loop was busy) does
    not let the next ones catch up in a burst: the next moment counts from when it really went
    (less a little slack, so the usual few milliseconds of oversleeping cost no rate).

    Real time, not the injectable clock: these are waits of a fraction of a second against
    Telegram, which a test's stopped clock must not freeze."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / (rate * HEADROOM)
        self.slack = self.interval / 4
        self._next = 0.0
        self._turn = asyncio.Lock()

    async def slot(self) -> None:
        """Wait for this call's moment."""
        at = await self._reserve()
        async with self._turn:
            at = max(at, self._next)
            delay = at - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = max(at, time.time() - self.slack) + self.interval

    async def _reserve(self) -> float:
        """The earliest moment this call may go, as far as other processes are concerned."""
        return 0.0

    async def hold(self, seconds: float) -> None:
        """Telegram said "retry after": no call before then."""
        self._next = max(self._next, time.time() + seconds)


class SharedPacer(Pacer):
    """Moments reserved in the database, so every process sending for this bot keeps to one
    rate between them (Telegram counts per bot, not per process). Reserved in blocks as large
    as the number of calls waiting (at most a second's worth): one short transaction per
    block."""

    def __init__(self, db: Database, rate: float) -> None:
        super().__init__(rate)
        self.db = db
        self.block = max(1, int(rate))
        self._free: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._wanting = 0

    async def _reserve(self) -> float:
        self._wanting += 1
        try:
            async with self._lock:
                now = time.time()
                # A moment that passed unused is no longer ours to use.
                while self._free and self._free[0] < now - self.interval:
                    self._free.popleft()
                if not self._free:
                    count = min(self._wanting, self.block)
                    first = await outbox.reserve_send_slots(
                        self.db, count=count, interval=self.interval, now=now
                    )
                    self._free.extend(first + i * self.interval for i in range(count))
                return self._free.popleft()
        finally:
            self._wanting -= 1

    async def hold(self, seconds: float) -> None:
        await super().hold(seconds)
        self._free.clear()
        await outbox.hold_sends(self.db, until=time.time() + seconds)


class ChatPacer:
    """About one message a second to one chat, with short bursts: a token bucket per chat.

    Kept in memory: with several processes a chat's messages may be sent by either, so the
    pace to one chat is approximate there (the overall rate, which Telegram enforces strictly,
    is shared through the database)."""

    def __init__(self, rate: float = CHAT_RATE, burst: int = CHAT_BURST) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, when)
        self._prune_at = 1000

    def delay(self, chat_id: int, *, reply: bool = False) -> float:
        """Take the chat's turn for one message; the seconds to wait before sending it. A
        reply never waits, but counts: what comes unasked after it waits its turn."""
        now = time.monotonic()
        tokens, then = self._buckets.get(chat_id, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if reply:
            tokens = max(tokens - 1, 0.0)
        else:
            tokens -= 1
        self._buckets[chat_id] = (tokens, now)
        if len(self._buckets) > self._prune_at:
            self._prune(now)
        return 0.0 if tokens >= 0 else -tokens / self.rate

    def _prune(self, now: float) -> None:
        # Chats whose bucket is full again need no entry; amortised, as the bound doubles.
        for chat_id in [
            c
            for c, (tokens, then) in self._buckets.items()
            if tokens + (now - then) * self.rate >= self.burst
        ]:
            del self._buckets[chat_id]
        self._prune_at = max(1000, 2 * len(self._buckets))


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
        chat_rate: float = CHAT_RATE,
        chat_burst: int = CHAT_BURST,
    ) -> None:
        self.db = db
        self.bot = bot
        self.clock = clock
        self.batch = batch
        self.pacer: Pacer = (
            SharedPacer(db, rate_per_second)
            if db.dialect == "postgresql"
            else Pacer(rate_per_second)
        )
        self.chats = ChatPacer(chat_rate, chat_burst)
        self._wake = asyncio.Event()
        self._rounds: set[asyncio.Task[None]] = set()
        # Rows being delivered by this process: a lease that runs out while a row waits out a
        # long "retry after" must not let a second round take it too.
        self._in_flight: set[int] = set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                # Cleared before looking, so a wake during the round is not lost.
                self._wake.clear()
                self._rounds = {r for r in self._rounds if not r.done()}
                if len(self._rounds) < ROUNDS_IN_FLIGHT and await self._start_round():
                    continue
                await self._idle(stop)
        finally:
            # Messages already on their way are recorded before the sender stops.
            if self._rounds:
                await asyncio.gather(*self._rounds, return_exceptions=True)

    async def _idle(self, stop: asyncio.Event) -> None:
        """Until woken, stopped, a round ends (a chat's next message may be due now), or
        IDLE_POLL passes."""
        waiter = asyncio.ensure_future(self._wake.wait())
        stopper = asyncio.ensure_future(stop.wait())
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait(
                    {waiter, stopper, *self._rounds},
                    timeout=IDLE_POLL,
                    return_when=asyncio.FIRST_COMPLETED,
                )
        finally:
            waiter.cancel()
            stopper.cancel()

    async def _start_round(self) -> int:
        """Claim a round and send it in the background; returns how many messages it took."""
        claimed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(self._round(claimed), name="outbox round")
        self._rounds.add(task)
        taken = await claimed
        if not taken:
            # Nothing to deliver: let it end here. Left in `_rounds`, its ending would wake
            # `_idle` at once, and an idle server would claim in a loop, burning a core.
            await task
            self._rounds.discard(task)
        return taken

    async def send_round(self) -> int:
        """Send what is due now, to the end; returns how many messages were taken."""
        claimed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        await self._round(claimed)
        return claimed.result()

    async def _round(self, claimed: asyncio.Future[int]) -> None:
        try:
            if self.db.dialect == "postgresql":
                await self._locked_round(claimed)
            else:
                await self._leased_round(claimed)
        except Exception as exc:
            # The database may be down for a moment; nothing is lost, try again shortly.
            log.warning("outbox round failed: %s", type(exc).__name__)
        finally:
            if not claimed.done():
                claimed.set_result(0)

    async def _leased_round(self, claimed: asyncio.Future[int]) -> None:
        now = self.clock()
        async with self.db.transaction() as session:
            taken = await outbox.claim_in(session, now=now, limit=self.batch)
            taken = [row for row in taken if row.id not in self._in_flight]
            rows = await self._drop_unreachable(session, taken, now)
        # Claimed for good once committed; nothing else runs before the deliveries start.
        self._in_flight.update(row.id for row in rows if row.id is not None)
        claimed.set_result(len(taken))
        await asyncio.gather(*(self._deliver(row) for row in rows))

    async def _deliver(self, row: OutboxMessage) -> None:
        assert row.id is not None
        try:
            result = await self._attempt(row)
            # Recorded at once, each on its own: a crash re-sends as little as possible.
            async with self.db.transaction() as session:
                await self._record(session, row, result)
        finally:
            self._in_flight.discard(row.id)

    async def _locked_round(self, claimed: asyncio.Future[int]) -> None:
        # Row locks held while sending: a sender that dies releases them with its connection,
        # so another copy of Tandem (or this one, restarted) carries on at once.
        now = self.clock()
        async with self.db.transaction() as session:
            taken = await outbox.lock_due(session, now=now, limit=self.batch)
            rows = await self._drop_unreachable(session, taken, now)
            claimed.set_result(len(taken))
            results = await asyncio.gather(*(self._attempt(row) for row in rows))
            for row, result in zip(rows, results, strict=True):
                await self._record(session, row, result)

    async def _drop_unreachable(
        self, session: AsyncSession, rows: list[OutboxMessage], now: datetime
    ) -> list[OutboxMessage]:
        """Give up, without a call, messages to people Telegram already said are unreachable."""
        if not rows:
            return rows
        person_ids, chat_ids = await people.unreachable_among(
            session,
            person_ids={r.service_user_id for r in rows if r.service_user_id is not None},
            chat_ids={r.chat_id for r in rows},
        )
        if not person_ids and not chat_ids:
            return rows
        gone = {r.id for r in rows if r.service_user_id in person_ids or r.chat_id in chat_ids}
        await outbox.give_up(session, [i for i in gone if i is not None], now=now)
        return [r for r in rows if r.id not in gone]

    async def _attempt(self, row: OutboxMessage) -> Result:
        message = Outgoing.from_payload(row.chat_id, row.payload)
        try:
            if _new_message(message):
                reply = bool(row.payload.get(outbox.REPLY))
                wait = self.chats.delay(row.chat_id, reply=reply)
                if wait > 0:
                    await asyncio.sleep(wait)
            return await self._call(message)
        except RetryAfter as exc:
            # Flood control applies to the whole bot: hold every send, not just this one. The
            # message stays due and keeps its place at the head of its chat.
            await self.pacer.hold(retry_seconds(exc))
            return Retry(row.not_before, "RetryAfter", count_attempt=False)
        except Forbidden as exc:
            # Blocked by the person or their account is gone: retrying cannot help.
            return Unreachable(_forbidden(exc))
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
        elif isinstance(result, Unreachable):
            await outbox.mark_failed(session, row.id, now=now, error=result.reason)
            person_id = await people.person_for_chat(
                session, person_id=row.service_user_id, chat_id=row.chat_id
            )
            if person_id is not None:
                given_up = await people.mark_unreachable(session, person_id, result.reason, now)
                log.info(
                    "person %s is unreachable on Telegram; %d waiting message(s) given up",
                    person_id,
                    given_up,
                )
        else:
            await outbox.mark_failed(session, row.id, now=now, error=result.error)

    async def _call(self, message: Outgoing) -> Sent:
        if message.clear_buttons:
            return await self._clear_buttons(message)
        args = call_arguments(message)
        await self.pacer.slot()
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
            await self.pacer.slot()
            try:
                await self.bot.edit_message_reply_markup(
                    chat_id=message.chat_id, message_id=message_id, reply_markup=None
                )
            except BadRequest as exc:
                # Already gone or already bare: either way there is nothing left to press.
                log.info("buttons not cleared: %s", exc.message)
        return Sent(None, closes=tuple(stale), buttons_open=False)


def _forbidden(exc: Forbidden) -> str:
    """Telegram's description as it sent it ("Forbidden: bot was blocked by the user")."""
    text = exc.message
    return text if text.lower().startswith("forbidden") else f"Forbidden: {text}"
