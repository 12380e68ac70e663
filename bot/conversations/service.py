"""The path of one message: one transaction that records the update, runs the engine, stores
the answer and the new state, and queues the replies. Channel-free: the Telegram adapter (and
later others) call ``handle`` and acknowledge the update only after it returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.conversations import callbacks
from bot.conversations.catalogue import Catalogue
from bot.conversations.messages import Handled, Incoming, Kind, Outgoing
from bot.conversations.onboarding import Onboarding
from bot.conversations.texts import say
from bot.conversations.turn import Turn
from storage.conversations import (
    conversation_for,
)
from storage.db import Database
from storage.outbox import enqueue
from storage.people import person_by_telegram_user
from storage.types import utcnow
from storage.updates import claim_update, keep_failed

log = logging.getLogger(__name__)


class TransientError(Exception):
    """The database could not be reached or was busy: nothing was stored, try again later."""


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, ConnectionError | TimeoutError)


class ConversationService(Onboarding):
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        *,
        clock: Callable[[], datetime] = utcnow,
        on_queued: Callable[[], None] | None = None,
        preview: bool = False,
    ) -> None:
        super().__init__(catalogue, preview=preview)
        self.db = db
        self.clock = clock
        # Wakes the outbox sender as soon as replies are committed.
        self.on_queued = on_queued

    async def handle(self, incoming: Incoming, raw: dict[str, Any] | None = None) -> Handled:
        """Handle one update exactly once. Raises ``TransientError`` when nothing could be
        stored (the caller must not acknowledge the update, so it comes again)."""
        try:
            handled = await self._handle(incoming)
        except Exception as exc:
            if is_transient(exc):
                raise TransientError(type(exc).__name__) from exc
            # A bug of ours. Keep the whole update so nothing is lost, tell the person
            # kindly, and acknowledge it so one bad update cannot block the queue.
            log.exception("update %s could not be handled", incoming.update_id)
            try:
                handled = await self._keep_failed(incoming, raw, exc)
            except Exception as again:
                raise TransientError(type(again).__name__) from again
        if handled.outgoing and self.on_queued:
            self.on_queued()
        return handled

    async def _handle(self, incoming: Incoming) -> Handled:
        async with self.db.transaction() as session:
            if not await claim_update(session, incoming.bot_id, incoming.update_id, "handled"):
                return Handled(duplicate=True)
            turn = Turn(session=session, incoming=incoming, now=self.clock())
            await self._route(turn)
            self._clear_old_buttons(turn)
            person_id = turn.person.id if turn.person else None
            for message in turn.out:
                enqueue(
                    session,
                    message.chat_id,
                    message.to_payload(),
                    person_id=person_id,
                    now=turn.now,
                )
        return Handled(outgoing=turn.out, toast=turn.toast)

    def _clear_old_buttons(self, t: Turn) -> None:
        """Whenever new buttons go out, the older ones come off first: only the newest
        question can be answered with a press."""
        if t.person is None or not any(o.buttons for o in t.out if o.edit_message_id is None):
            return
        pressed = t.incoming.button_message_id if t.incoming.kind is Kind.BUTTON else None
        t.out.insert(
            0, Outgoing(t.incoming.chat_id, "", edit_message_id=pressed, clear_buttons=True)
        )

    async def _keep_failed(
        self, incoming: Incoming, raw: dict[str, Any] | None, exc: BaseException
    ) -> Handled:
        now = self.clock()
        async with self.db.transaction() as session:
            if not await claim_update(session, incoming.bot_id, incoming.update_id, "failed"):
                return Handled(duplicate=True)
            await keep_failed(
                session, incoming.bot_id, incoming.update_id, raw or {}, type(exc).__name__
            )
            message = Outgoing(incoming.chat_id, say("error"))
            enqueue(session, message.chat_id, message.to_payload(), now=now)
        return Handled(outgoing=[message])

    async def _route(self, t: Turn) -> None:
        inc = t.incoming
        if inc.kind is Kind.OTHER:
            return
        if not inc.private:
            t.send("group_chat")
            return
        if inc.user_id is None:
            return
        t.person = await person_by_telegram_user(t.session, inc.user_id, lock=True)
        if self.preview and _asks_for_preview(inc):
            await self._preview_menu(t)
            return
        if inc.kind is Kind.COMMAND and inc.command == "start" and inc.args:
            await self._redeem(t, inc.args.strip())
            return
        if t.person is None:
            if inc.kind is Kind.BUTTON:
                t.toast = say("invalid_button")
            t.send("unknown")
            return
        if t.person.telegram_chat_id != inc.chat_id:
            t.person.telegram_chat_id = inc.chat_id
            t.session.add(t.person)
        if t.person.consented_at is None:
            await self._before_consent(t)
            return
        if inc.kind is Kind.EDITED:
            t.send("edited")
        elif inc.kind is Kind.COMMAND:
            await self._command(t)
        elif inc.kind is Kind.BUTTON:
            await self._button(t)
        else:
            await self._words(t)

    async def _command(self, t: Turn) -> None:
        command = t.incoming.command
        if command == "start":
            await self._greet(t)
        elif command == "menu":
            await self._menu(t)
        elif command == "help":
            t.send("help")
        elif command == "pause":
            await self._pause(t)
        elif command == "language":
            self._language_prompt(t)
        elif command == "back":
            await self._back(t)
        else:
            t.send("unknown_command")

    async def _button(self, t: Turn) -> None:
        data = callbacks.parse(t.incoming.button_data)
        if isinstance(data, callbacks.AnswerButton):
            await self._answer_button(t, data)
        elif isinstance(data, callbacks.StartTool):
            await self._start_tool(t, data.tool)
        elif isinstance(data, callbacks.ResumeConversation):
            conv = await conversation_for(t.session, self._person_id(t), data.conversation_id)
            if conv is None or conv.status == "finished":
                await self._moved_on(t)
            else:
                await self._resume(t, conv)
        elif isinstance(data, callbacks.SetLanguage):
            self._set_language(t, data.lang)
            await self._where_we_are(t, intro=False)
        elif isinstance(data, callbacks.PreviewTool) and self.preview:
            await self._start_tool(t, data.tool, fresh=True)
        elif isinstance(data, callbacks.ShowMenu | callbacks.Consent):
            await self._menu(t)
        else:
            t.toast = say("invalid_button", t.lang)
            await self._where_we_are(t)


def _asks_for_preview(inc: Incoming) -> bool:
    return inc.kind is Kind.COMMAND and (
        inc.command == "preview" or (inc.command == "start" and inc.args == "preview")
    )


def invite_expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
