"""The scheduler loop: handles due jobs, a batch per transaction.

Each job is handled in a savepoint of the batch's transaction, and its outcome and the messages
it queued commit together: a crash before the commit leaves the job due (it runs again, and
nothing was sent), a crash after it leaves it done (it is not sent twice). On PostgreSQL the
claimed rows stay locked (SKIP LOCKED) until that commit, so several Tandem processes never
take the same job and a killed one frees its jobs at once. A job whose handler fails is tried
again later, and given up after a few attempts, without holding up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from bot.conversations.catalogue import Catalogue
from bot.conversations.service import is_transient
from bot.scheduling.jobs import HANDLERS, Context, Handler, Job
from storage import due
from storage.db import Database
from storage.types import utcnow

log = logging.getLogger(__name__)

POLL = 1.0  # other processes' jobs and the clock moving cannot wake us: look this often
BATCH = 50  # short transactions: a person's own message never waits long behind reminders
MAX_ATTEMPTS = 5


class Scheduler:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        clock: Callable[[], datetime] = utcnow,
        on_queued: Callable[[], None] | None = None,
        *,
        handlers: Mapping[str, Handler] = HANDLERS,
        batch: int = BATCH,
        poll: float = POLL,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.clock = clock
        # Wakes the outbox sender once messages are committed.
        self.on_queued = on_queued
        self.handlers = dict(handlers)
        self.batch = batch
        self.poll = poll
        self._wake = asyncio.Event()
        # One pass at a time in this process: a caller of run_once (a test that moved the
        # clock) waits for the loop's pass, then makes its own, and so sees everything due.
        self._pass = asyncio.Lock()

    def wake(self) -> None:
        """Look at once (e.g. a job was just scheduled, or a test moved the clock)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # Cleared before looking, so a wake during the round is not lost.
            self._wake.clear()
            try:
                await self.run_once()
            except Exception as exc:
                # The database may be away for a moment; every job is still there.
                log.warning("scheduler round failed: %s", type(exc).__name__)
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait(
                        {waiter, stopper}, timeout=self.poll, return_when=asyncio.FIRST_COMPLETED
                    )
            finally:
                waiter.cancel()
                stopper.cancel()

    async def run_once(self) -> int:
        """Handle everything due now (including jobs that handling makes due now); returns
        how many jobs were handled."""
        total = 0
        async with self._pass:
            while True:
                handled = await self._round(self.clock())
                total += handled
                if not handled:
                    return total

    async def _round(self, now: datetime) -> int:
        queued = 0
        async with self.db.transaction() as session:
            rows = await due.claim_due(session, now=now, kinds=self.handlers, limit=self.batch)
            jobs = [Job.of(row) for row in rows]
            ctx = Context(session, now, self.catalogue)
            for job in jobs:
                before = ctx.queued
                try:
                    async with session.begin_nested():
                        outcome = await self.handlers[job.kind](ctx, job)
                        await due.finish(session, job.id, now=now, outcome=outcome)
                except Exception as exc:
                    if is_transient(exc):
                        raise
                    ctx.queued = before  # those messages went with the savepoint
                    await self._failed(job, exc, now, ctx)
            queued = ctx.queued
        if queued and self.on_queued:
            self.on_queued()
        return len(jobs)

    async def _failed(self, job: Job, exc: Exception, now: datetime, ctx: Context) -> None:
        # The job's kind and id only: what it was about may be personal.
        log.exception("due job %s (%s) failed", job.id, job.kind, exc_info=exc)
        error = f"failed:{type(exc).__name__}"
        attempts = job.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            await due.finish(ctx.session, job.id, now=now, outcome=error, attempts=attempts)
        else:
            await due.retry_later(
                ctx.session,
                job.id,
                attempts=attempts,
                until=now + due.backoff(attempts),
                error=error,
            )
