"""Reloading scripts in running servers without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.conversations.catalogue import Catalogue
from storage.db import Database
from storage.settings import get_setting, put_setting
from storage.types import utcnow

log = logging.getLogger(__name__)

RELOAD_KEY = "dialogues_reload_requested"


async def request_reload(db: Database) -> None:
    """Ask every running Tandem on this database to reload its scripts (`tandem dialogues
    reload`). Through the database, so it reaches servers on other machines too."""
    async with db.transaction() as session:
        await put_setting(session, RELOAD_KEY, utcnow().isoformat())


async def watch_reload_requests(
    db: Database, catalogue: Catalogue, stop: asyncio.Event, every: float = 2.0
) -> None:
    async def requested() -> str | None:
        async with db.transaction() as session:
            return await get_setting(session, RELOAD_KEY)

    seen = await requested()
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
        try:
            latest = await requested()
        except Exception as exc:  # the database may be away for a moment
            log.warning("could not look for reload requests: %s", type(exc).__name__)
            continue
        if latest != seen:
            seen = latest
            problems = catalogue.reload()
            log.info("scripts reloaded on request (%d problem(s))", len(problems))
