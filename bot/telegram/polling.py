"""Our own long-polling loop. python-telegram-bot's Updater confirms updates before any
handler runs, so a crash would lose them; here the offset moves past an update only after its
effects are committed."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Update
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut

from bot.telegram.dispatch import Dispatcher
from bot.telegram.sender import retry_seconds
from bot.telegram.updates import ALLOWED_UPDATES

log = logging.getLogger(__name__)


class Poller:
    def __init__(self, bot: Bot, dispatcher: Dispatcher, *, timeout: int = 25) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self.timeout = timeout
        self.offset: int | None = None

    async def _fetch(self) -> tuple[Update, ...]:
        return await self.bot.get_updates(
            offset=self.offset,
            timeout=self.timeout,
            allowed_updates=ALLOWED_UPDATES,
            read_timeout=self.timeout + 10,
        )

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            fetch = asyncio.ensure_future(self._fetch())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({fetch, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not fetch.done():
                # Stopping while waiting for updates: nothing was taken, so nothing is lost.
                fetch.cancel()
                break
            try:
                updates = fetch.result()
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))
                continue
            except Conflict:
                log.warning("another getUpdates or a webhook is active for this bot; waiting")
                await asyncio.sleep(5)
                continue
            except (NetworkError, TimedOut, OSError) as exc:
                log.warning(
                    "getUpdates failed (%s); retrying in %.1fs", type(exc).__name__, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 0.5
            if not updates:
                continue
            # Not cancelled by stop: a batch in progress finishes, so it is committed whole.
            try:
                done = await asyncio.shield(self.dispatcher.process_batch(updates))
            except Exception:
                log.exception("a batch of updates failed; it will be fetched again")
                await asyncio.sleep(1)
                continue
            if done is not None:
                self.offset = done + 1
            if done != max(u.update_id for u in updates):
                log.warning("database unavailable; updates will be fetched again")
                await asyncio.sleep(1)
