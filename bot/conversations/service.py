"""The path of one message: one transaction that records the update, runs the engine, stores
the answer and the new state, and queues the replies. Channel-free: the Telegram adapter (and
later others) call ``handle`` and acknowledge the update only after it returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.conversations import callbacks, cant_make_it, crisis, kept, notices, plans
from bot.conversations.catalogue import Catalogue
from bot.conversations.dates import day_text, time_text, where_text
from bot.conversations.invites import typed_code
from bot.conversations.messages import Button, Handled, Incoming, Kind, Outgoing
from bot.conversations.onboarding import Onboarding
from bot.conversations.privacy import send_privacy
from bot.conversations.steering import Steer, steering
from bot.conversations.texts import say
from bot.conversations.turn import Turn
from bot.notifications import notify
from bot.scheduling import escalation
from bot.scheduling.quiet import zone
from storage.appointments import next_appointment
from storage.conversations import (
    conversation_for,
)
from storage.db import Database
from storage.flags import flag_for, raise_flag, request_callback
from storage.models import Flag
from storage.outbox import enqueue
from storage.people import mark_reachable, person_by_telegram_user
from storage.types import utcnow
from storage.updates import claim_update, keep_failed

log = logging.getLogger(__name__)


# /stop and /cancel are what people try first; they mean /pause. (/stop_reminders is its own.)
PAUSE_COMMANDS = frozenset({"pause", "stop", "cancel"})


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
                row = enqueue(
                    session,
                    message.chat_id,
                    message.to_payload(),
                    person_id=person_id,
                    now=turn.now,
                    reply=True,
                )
                if turn.choice is not None and message is turn.choice[0]:
                    await session.flush()
                    turn.choice[1].choice_outbox_id = row.id
                    session.add(turn.choice[1])
        return Handled(outgoing=turn.out, toast=turn.toast)

    def _clear_old_buttons(self, t: Turn) -> None:
        """Whenever new buttons go out, the older ones come off first: only the newest
        question can be answered with a press."""
        if t.person is None or t.keep_others:
            return
        if not any(o.buttons for o in t.out if o.edit_message_id is None):
            return
        pressed = t.incoming.button_message_id if t.incoming.kind is Kind.BUTTON else None
        t.out.insert(
            0, Outgoing(t.incoming.chat_id, "", edit_message_id=pressed, clear_buttons=True)
        )

    async def _call_me(self, t: Turn, data: callbacks.CallMe) -> None:
        person_id = self._person_id(t)
        pressed = say("callback_yes" if data.yes else "callback_no", t.lang)
        if data.flag_id is None:
            flag: Flag | None = await raise_flag(
                t.session,
                Flag(
                    service_user_id=person_id,
                    kind="callback",
                    update_id=t.incoming.update_id,
                    created_at=t.now,
                ),
            )
            pressed = say("callback_ask", t.lang)
        else:
            flag = await flag_for(t.session, person_id, data.flag_id)
        if flag is None:
            t.toast = say("invalid_button", t.lang)
            return
        t.out.append(self._done_button_edit(t, pressed))
        if data.yes:
            await request_callback(t.session, flag, t.now)
            await notify(t.session, person=t.person, kind="callback", now=t.now)
            await escalation.flag_raised(t.session, flag, now=t.now)
            t.send("callback_requested")
        else:
            t.send("callback_declined")

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
            # Even when our own code fails, a worrying message gets its helplines first and
            # still reaches the case manager.
            lang, texts = await crisis.despite_failure(self, session, incoming, now)
            messages = [Outgoing(incoming.chat_id, text) for text in [*texts, say("error", lang)]]
            for message in messages:
                enqueue(session, message.chat_id, message.to_payload(), now=now, reply=True)
        return Handled(outgoing=messages)

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
        await mark_reachable(t.session, t.person, t.now)  # they wrote: Telegram delivers again
        # Before anything else, whatever else is going on (before consent, mid-tool, from
        # someone we don't know): a message that may mean someone is at risk gets help, and
        # nothing else happens in this turn.
        if await crisis.intercept(self, t):
            return
        if t.person is not None and await self._crisis_button(t):
            return
        if self.preview and _asks_for_preview(inc):
            await self._preview_menu(t)
            return
        if inc.kind is Kind.COMMAND and inc.command == "start" and inc.args:
            await self._redeem(t, inc.args.strip())
            return
        if t.person is None:
            # The code from their invite, typed or pasted instead of opening the link.
            if inc.kind is Kind.TEXT and (code := typed_code(inc.text)) is not None:
                await self._redeem(t, code, typed=True)
                return
            if inc.kind is Kind.BUTTON:
                t.toast = say("invalid_button")
            t.send("unknown")
            return
        if t.person.telegram_chat_id != inc.chat_id:
            t.person.telegram_chat_id = inc.chat_id
            t.session.add(t.person)
        # "stop", "not now", "help", "?"... as a whole message: never an answer, at any moment.
        if await self._steer(t):
            return
        if t.person.consented_at is None:
            await self._before_consent(t)
            return
        # Words the person was just asked for about a step of their plan ("I'd change
        # something") come before anything else; every other message ends that wait.
        if await plans.waiting_for_words(t):
            return
        if inc.kind is Kind.EDITED:
            t.send("edited")
        elif inc.kind is Kind.COMMAND:
            await self._command(t)
        elif inc.kind is Kind.BUTTON:
            await self._button(t)
        else:
            await self._words(t)

    async def _steer(self, t: Turn) -> bool:
        """Words that steer (see `steering`), and /stop and /cancel before consent. Returns
        True when this update was that."""
        inc = t.incoming
        steer: Steer | None = None
        if inc.kind is Kind.TEXT:
            steer = steering(inc.text)
            if steer is not None and await self._typed_is_a_button(t, inc.text):
                steer = None  # "Not now" typed where "Not now" is a button: that button
        elif (
            inc.kind is Kind.COMMAND
            and inc.command in PAUSE_COMMANDS
            and t.person is not None
            and t.person.consented_at is None
        ):
            steer = Steer.PAUSE
        if steer is None:
            return False
        assert t.person is not None
        if t.person.consented_at is None:
            if steer is Steer.HELP:
                t.send("help")
                self._consent_prompt(t)
            else:
                # Nothing has started: no buttons pushed at them, just how to start later.
                t.send("not_started")
            return True
        await plans.waiting_for_words(t, moved_on=True)  # not words for a plan step either
        if steer is Steer.HELP:
            self._help(t)
        else:
            await self._pause(t)
        return True

    def _help(self, t: Turn) -> None:
        t.send(
            "help",
            buttons=((Button(say("callback_ask", t.lang), callbacks.call_me(None)),),),
        )

    async def _crisis_button(self, t: Turn) -> bool:
        """The crisis reply's buttons work at any moment, before consent too."""
        if t.incoming.kind is not Kind.BUTTON:
            return False
        data = callbacks.parse(t.incoming.button_data)
        if isinstance(data, callbacks.CrisisChoice):
            await crisis.chosen(self, t, data)
        elif isinstance(data, callbacks.SafeToCall):
            await crisis.safe_to_call(self, t, data)
        else:
            return False
        return True

    async def _command(self, t: Turn) -> None:
        command = t.incoming.command
        if command == "start":
            await self._greet(t)
        elif command == "menu":
            await self._menu(t)
        elif command == "help":
            self._help(t)
        elif command in PAUSE_COMMANDS:
            await self._pause(t)
        elif command == "safety":
            await crisis.show_safety_plan(self, t)
        elif command == "privacy":
            await send_privacy(t)
        elif command == "language":
            self._language_prompt(t)
        elif command == "back":
            await self._back(t)
        elif command == "next":
            await self._next_appointment(t)
        elif command in ("stop_reminders", "start_reminders"):
            self._reminders(t, on=command == "start_reminders")
        else:
            t.send("unknown_command")

    async def _next_appointment(self, t: Turn) -> None:
        appointment = await next_appointment(t.session, self._person_id(t), t.now)
        if appointment is None:
            t.send("next_none")
            return
        tz = zone(t.person.timezone if t.person else None)
        t.send(
            "next_appointment",
            day=day_text(appointment.at, tz, t.lang, on=True),
            time=time_text(appointment.at, tz, t.lang),
            where=where_text(appointment.kind, appointment.place, t.lang),
        )

    def _reminders(self, t: Turn, *, on: bool) -> None:
        """Nudges and appointment reminders stop (or start again); replies never do."""
        person = t.person
        assert person is not None
        stopped = person.reminders_stopped_at is not None
        if on:
            t.send("reminders_started" if stopped else "reminders_already_on")
            person.reminders_stopped_at = None
        else:
            t.send("reminders_already_stopped" if stopped else "reminders_stopped")
            person.reminders_stopped_at = person.reminders_stopped_at or t.now
        t.session.add(person)

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
        elif isinstance(data, callbacks.CallMe):
            await self._call_me(t, data)
        elif isinstance(data, callbacks.PlanReply):
            await plans.pressed(t, data)
        elif isinstance(data, callbacks.ShowNotice):
            await notices.show(t, data)
        elif isinstance(data, callbacks.CantMakeIt):
            await cant_make_it.pressed(t, data)
        elif isinstance(data, callbacks.MakeSafetyPlan):
            await self._start_tool(t, crisis.SAFETY_PLAN)
        elif isinstance(data, callbacks.SetLanguage):
            self._set_language(t, data.lang)
            await self._where_we_are(t, intro=False)
        elif isinstance(data, callbacks.PreviewTool) and self.preview:
            await self._start_tool(t, data.tool, fresh=True)
        elif isinstance(data, callbacks.ShowPrivacy):
            await send_privacy(t)
        elif isinstance(data, callbacks.KeptList):
            await kept.show_list(self, t)
        elif isinstance(data, callbacks.KeptView):
            await kept.view(self, t, data)
        elif isinstance(data, callbacks.KeptChoice):
            await kept.choose(self, t, data)
        elif isinstance(data, callbacks.ShowMenu | callbacks.Consent):
            await self._menu(t)
        else:
            t.toast = say("invalid_button", t.lang)
            await self._where_we_are(t)


def _asks_for_preview(inc: Incoming) -> bool:
    return inc.kind is Kind.COMMAND and (
        inc.command == "preview" or (inc.command == "start" and inc.args == "preview")
    )
