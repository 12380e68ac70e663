"""`tandem serve`: the bot and the web app in one process.

Start-up order matters: migrations first, then the scripts (published by content hash), then
the outbox sender (so replies left unsent by a crash go out at once), the scheduler (jobs that
fell due while Tandem was stopped are handled now), then updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import uvicorn
from fastapi import FastAPI
from telegram import Bot

from bot.config import Settings
from bot.conversations.catalogue import Catalogue
from bot.conversations.reloading import watch_reload_requests
from bot.conversations.service import ConversationService
from bot.logs import quiet_logs
from bot.notifications.mailer import Mailer
from bot.review.app import create_app
from bot.review.web import ReviewConfig
from bot.scheduling.scheduler import Scheduler
from bot.telegram.client import COMMANDS, COMMANDS_CY, describe, make_bot
from bot.telegram.dispatch import Dispatcher
from bot.telegram.media import media_fetcher
from bot.telegram.polling import Poller
from bot.telegram.sender import OutboxSender
from bot.telegram.updates import ALLOWED_UPDATES
from bot.telegram.webhook import webhook_router
from storage import outbox
from storage.db import Database, migrate_async, sole_server
from storage.settings import put_setting
from storage.types import utcnow

log = logging.getLogger(__name__)


@dataclass
class Running:
    """Handles on a running Tandem, for tests and the demo."""

    settings: Settings
    db: Database
    bot: Bot
    catalogue: Catalogue
    service: ConversationService
    sender: OutboxSender
    http_port: int | None
    # Emails to case managers; None when no SMTP server is configured.
    mailer: Mailer | None = None
    # Due jobs (invitations, nudges, reminders, expiry, check-ins), and the one clock that
    # every part reads (tests move it instead of waiting).
    scheduler: Scheduler | None = None
    clock: Callable[[], datetime] = utcnow


def _web_server(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, lifespan="off"
    )
    return uvicorn.Server(config)


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[Running], None] | None = None,
    web: bool = True,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    """Run until ``stop`` is set (or SIGTERM/SIGINT when run from the command line)."""
    with sole_server(settings.database_url):
        await _serve(settings, stop or asyncio.Event(), on_ready, web, clock)


async def _serve(
    settings: Settings,
    stop: asyncio.Event,
    on_ready: Callable[[Running], None] | None,
    web: bool,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    quiet_logs()
    settings.check_preview()
    await migrate_async(settings.database_url)
    db = Database(settings.database_url)
    catalogue = Catalogue(settings.dialogues_dir)
    async with db.transaction() as session:
        await catalogue.publish_all(session)
    bot = make_bot(settings)
    tasks: list[asyncio.Task[None]] = []
    server: uvicorn.Server | None = None
    try:
        async with bot:
            async with db.transaction() as session:
                await put_setting(session, "bot_username", bot.username)
            await bot.set_my_commands(COMMANDS)
            await bot.set_my_commands(COMMANDS_CY, language_code="cy")
            await describe(bot)
            if db.dialect == "sqlite":
                # The only sender on this database: claims left by a crash are void.
                await outbox.release_claims(db)
            sender = OutboxSender(db, bot, rate_per_second=settings.send_rate, clock=clock)
            service = ConversationService(
                db, catalogue, clock=clock, on_queued=sender.wake, preview=settings.preview
            )
            dispatcher = Dispatcher(service, bot)
            tasks.append(asyncio.create_task(sender.run(stop), name="outbox"))
            scheduler = Scheduler(db, catalogue, clock, on_queued=sender.wake)
            tasks.append(asyncio.create_task(scheduler.run(stop), name="scheduler"))

            def queued_by_staff() -> None:
                # A staff page may have queued a message, or set something due now.
                sender.wake()
                scheduler.wake()

            mailer = Mailer(db, settings, clock) if settings.smtp_host else None
            if mailer is not None:
                tasks.append(asyncio.create_task(mailer.run(stop), name="mailer"))

            app = create_app(
                ReviewConfig(
                    db=db,
                    catalogue=catalogue,
                    bot_username=settings.bot_username or bot.username,
                    invite_days=settings.invite_days,
                    clock=clock,
                    on_queued=queued_by_staff,
                    fetch_media=media_fetcher(bot),
                    public_paths=(settings.webhook_path,) if settings.webhook_url else (),
                )
            )
            if settings.webhook_url:
                app.include_router(
                    webhook_router(settings.webhook_path, settings.webhook_secret, dispatcher, bot)
                )
            port: int | None = None
            if web or settings.webhook_url:
                server = _web_server(app, settings.http_host, settings.http_port)
                tasks.append(asyncio.create_task(server.serve(), name="web"))
                while not server.started:
                    if tasks[-1].done():
                        await tasks[-1]  # surfaces "address in use" and the like
                        raise RuntimeError("the web server stopped at start-up")
                    await asyncio.sleep(0.02)
                port = (
                    server.servers[0].sockets[0].getsockname()[1]
                    if server.servers
                    else settings.http_port
                )

            if settings.webhook_url:
                await bot.set_webhook(
                    settings.webhook_url,
                    secret_token=settings.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            else:
                await bot.delete_webhook(drop_pending_updates=False)
                poller = Poller(bot, dispatcher, timeout=settings.poll_timeout)
                tasks.append(asyncio.create_task(poller.run(stop), name="polling"))

            _install_reload(catalogue)
            tasks.append(
                asyncio.create_task(watch_reload_requests(db, catalogue, stop), name="reload")
            )
            if on_ready:
                on_ready(
                    Running(
                        settings,
                        db,
                        bot,
                        catalogue,
                        service,
                        sender,
                        port,
                        mailer,
                        scheduler=scheduler,
                        clock=clock,
                    )
                )
            waiter = asyncio.create_task(stop.wait())
            await asyncio.wait({waiter, *tasks}, return_when=asyncio.FIRST_COMPLETED)
            stop.set()
            waiter.cancel()
            for task in tasks:
                if task.done() and task.exception() and task.get_name() != "web":
                    raise task.exception()  # type: ignore[misc]
    finally:
        stop.set()
        if server is not None:
            server.should_exit = True
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=10)
        await db.dispose()


def _install_reload(catalogue: Catalogue) -> None:
    """SIGHUP reloads the scripts; a broken one keeps its last good version serving."""
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, catalogue.reload)


def run_forever(settings: Settings) -> None:
    """Entry point for the command line: SIGTERM and Ctrl-C stop it cleanly."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop=stop)

    asyncio.run(main())
