"""The path of one message: one transaction that records the update, runs the engine, stores
the answer and the new state, and queues the replies. Channel-free: the Telegram adapter (and
later others) call ``handle`` and acknowledge the update only after it returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import engine
from bot.conversations import callbacks
from bot.conversations.catalogue import Catalogue, in_lang
from bot.conversations.invites import hash_code, looks_like_code
from bot.conversations.messages import MAX_TEXT, Button, Handled, Incoming, Kind, Outgoing
from bot.conversations.texts import LANGUAGES, say
from storage.conversations import (
    conversation_for,
    drop_answers,
    open_conversations,
    put_answer,
    start_conversation,
)
from storage.db import Database
from storage.models import Conversation, ServiceUser
from storage.outbox import enqueue
from storage.people import add_preview_person, invite_by_hash, person_by_telegram_user
from storage.types import utcnow
from storage.updates import claim_update, keep_failed

log = logging.getLogger(__name__)

PROBLEM_TEXT = {
    engine.Problem.STALE_BUTTON: "stale_intro",
    engine.Problem.INVALID_BUTTON: "stale_intro",
    engine.Problem.NOT_TEXT: "not_text",
    engine.Problem.NEED_CHOICE: "need_choice",
    engine.Problem.TOO_LONG: "too_long",
    engine.Problem.TOO_SHORT: "too_short",
    engine.Problem.EMPTY: "empty",
}


FINISHED = {"shared": "finished_shared", "private": "finished_private", "undecided": "finished"}


class TransientError(Exception):
    """The database could not be reached or was busy: nothing was stored, try again later."""


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, ConnectionError | TimeoutError)


@dataclass
class _Turn:
    """Everything one update needs while its transaction is open."""

    session: AsyncSession
    incoming: Incoming
    now: datetime
    person: ServiceUser | None = None
    out: list[Outgoing] = field(default_factory=list)
    toast: str | None = None

    @property
    def lang(self) -> str:
        if self.person:
            return self.person.language
        # Someone we don't know yet: their phone's language is the best guess.
        return "cy" if self.incoming.language_code.lower().startswith("cy") else "en"

    def send(
        self, key: str, *, buttons: tuple[tuple[Button, ...], ...] = (), **values: Any
    ) -> None:
        self.out.append(Outgoing(self.incoming.chat_id, say(key, self.lang, **values), buttons))

    def send_text(self, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
        self.out.append(Outgoing(self.incoming.chat_id, text, buttons))


class ConversationService:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        *,
        clock: Callable[[], datetime] = utcnow,
        on_queued: Callable[[], None] | None = None,
        preview: bool = False,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.clock = clock
        # Staff trying scripts in the sandbox: anyone may start any tool, over and over.
        self.preview = preview
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
            turn = _Turn(session=session, incoming=incoming, now=self.clock())
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

    def _clear_old_buttons(self, t: _Turn) -> None:
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

    # -- routing ---------------------------------------------------------------------------

    async def _route(self, t: _Turn) -> None:
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

    async def _before_consent(self, t: _Turn) -> None:
        inc = t.incoming
        person = t.person
        assert person is not None
        if inc.kind is Kind.BUTTON and isinstance(
            callbacks.parse(inc.button_data), callbacks.Consent
        ):
            person.consented_at = t.now
            t.session.add(person)
            t.out.append(self._done_button_edit(t, say("consent_button", t.lang)))
            await self._menu(t)
            return
        if inc.kind is Kind.COMMAND and inc.command == "language":
            self._language_prompt(t)
            return
        if inc.kind is Kind.BUTTON and isinstance(
            chosen := callbacks.parse(inc.button_data), callbacks.SetLanguage
        ):
            self._set_language(t, chosen.lang)
        elif inc.kind is Kind.COMMAND and inc.command == "help":
            t.send("help")
        else:
            t.send("consent_needed")
        self._consent_prompt(t)

    def _consent_prompt(self, t: _Turn) -> None:
        t.send(
            "welcome_3",
            buttons=((Button(say("consent_button", t.lang), callbacks.consent()),),),
        )

    async def _redeem(self, t: _Turn, code: str) -> None:
        """``/start <code>`` from a deep link: link this Telegram account to the person."""
        inc = t.incoming
        invite = await invite_by_hash(t.session, hash_code(code)) if looks_like_code(code) else None
        if invite is None or invite.revoked_at is not None:
            t.send("invite_wrong")
            return
        if t.person is not None and t.person.id != invite.service_user_id:
            t.send("already_linked")
            return
        if invite.used_at is not None:
            if t.person is not None:
                # Their own link again (e.g. tapped twice): just carry on.
                await self._greet(t)
            else:
                t.send("invite_used")
            return
        if invite.expires_at <= t.now:
            t.send("invite_expired")
            return
        stmt = select(ServiceUser).where(ServiceUser.id == invite.service_user_id).with_for_update()
        person = (await t.session.exec(stmt)).one()
        if person.telegram_user_id != inc.user_id:
            # A new phone or account: whoever held the old link loses it, and the person is
            # told again what Tandem is before anything else.
            person.telegram_user_id = inc.user_id
            person.consented_at = None
        person.telegram_chat_id = inc.chat_id
        person.linked_at = t.now
        if inc.language_code.lower().startswith("cy"):
            person.language = "cy"
        invite.used_at = t.now
        invite.used_by_telegram_user_id = inc.user_id
        t.session.add(person)
        t.session.add(invite)
        t.person = person
        await self._greet(t)

    async def _greet(self, t: _Turn) -> None:
        person = t.person
        assert person is not None
        name = person.name.split()[0] if person.name else ""
        if person.consented_at is None:
            t.send("welcome_1", name=t.incoming.first_name or name)
            t.send("welcome_2")
            self._consent_prompt(t)
        else:
            t.send("welcome_back", name=t.incoming.first_name or name)
            await self._menu(t)

    async def _command(self, t: _Turn) -> None:
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
        else:
            t.send("unknown_command")

    async def _button(self, t: _Turn) -> None:
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

    async def _words(self, t: _Turn) -> None:
        """Typed text, or a sticker/photo/voice note... where words were expected."""
        conv = await self._current(t)
        if conv is None:
            await self._menu(t, "pick_from_menu")
            return
        if conv.status == "paused":
            await self._resume(t, conv)
            return
        inc = t.incoming
        given: engine.Input
        if inc.kind is Kind.MEDIA:
            given = engine.MediaInput(inc.media_kind)
        else:
            given = engine.TextInput(inc.text)
        await self._advance(t, conv, given)

    async def _answer_button(self, t: _Turn, data: callbacks.AnswerButton) -> None:
        conv = await conversation_for(t.session, self._person_id(t), data.conversation_id)
        if conv is None or conv.status == "finished":
            await self._moved_on(t)
            return
        if conv.status == "paused":
            # An old question's button in a paused conversation: carry on from where it is.
            await self._resume(t, conv)
            return
        await self._advance(t, conv, engine.ButtonInput(data.turn, data.token))

    # -- conversations ---------------------------------------------------------------------

    def _person_id(self, t: _Turn) -> int:
        assert t.person is not None and t.person.id is not None
        return t.person.id

    async def _current(self, t: _Turn) -> Conversation | None:
        convs = await open_conversations(t.session, self._person_id(t))
        active = [c for c in convs if c.status == "active"]
        return active[0] if active else (convs[0] if convs else None)

    async def _script(self, t: _Turn, conv: Conversation) -> engine.Script | None:
        return await self.catalogue.script_for_version(t.session, conv.script_version_id)

    def _state(self, t: _Turn, conv: Conversation) -> engine.ConversationState:
        """The stored state, in the language the person uses now (they may have changed it)."""
        state = engine.ConversationState.from_json(conv.state)
        if state.lang != t.lang:
            state = replace(state, lang=t.lang)
        return state

    async def _advance(self, t: _Turn, conv: Conversation, given: engine.Input) -> None:
        script = await self._script(t, conv)
        if script is None:
            t.send("tool_missing")
            await self._menu(t)
            return
        state = self._state(t, conv)
        outcome = engine.step(script, state, given)
        if outcome.problem is not None:
            stale = outcome.problem in (engine.Problem.STALE_BUTTON, engine.Problem.INVALID_BUTTON)
            if stale:
                t.toast = say("stale_button", t.lang)
            limit = (
                script.step(state.step).max_length
                if outcome.problem is engine.Problem.TOO_LONG
                else ""
            )
            t.send(PROBLEM_TEXT[outcome.problem], limit=limit)
        elif isinstance(given, engine.ButtonInput) and outcome.answers:
            chosen = outcome.answers[-1]
            label = say("skipped", t.lang) if chosen.skipped else chosen.display
            t.out.append(self._done_button_edit(t, label))
        await self._record(t, conv, script, outcome)

    def _done_button_edit(self, t: _Turn, label: str) -> Outgoing:
        """Show what was pressed under the question and take its buttons away, so the chat
        reads as a record and old buttons are rarely left to press."""
        inc = t.incoming
        suffix = say("chosen", t.lang, label=label)
        room = MAX_TEXT - len(suffix) - 2
        text = inc.button_message_text.rstrip()
        if len(text) > room:
            text = text[: room - 1] + "…"
        return Outgoing(
            inc.chat_id,
            f"{text}\n\n{suffix}" if text else suffix,
            edit_message_id=inc.button_message_id,
        )

    async def _record(
        self, t: _Turn, conv: Conversation, script: engine.Script, outcome: engine.Outcome
    ) -> None:
        assert conv.id is not None
        await drop_answers(t.session, conv.id, list(getattr(outcome, "dropped", ())))
        for answer in outcome.answers:
            await put_answer(
                t.session,
                conv,
                step_id=answer.step_id,
                question=answer.question,
                value=answer.value,
                display=answer.display,
                skipped=answer.skipped,
                update_id=t.incoming.update_id,
                now=t.now,
            )
        conv.state = outcome.state.to_json()
        conv.step = outcome.state.step
        conv.updated_at = t.now
        shared = getattr(outcome, "shared", None)
        if shared is not None:
            conv.sharing = "shared" if shared else "private"
            conv.shared_at = t.now if shared else None
        if outcome.finished:
            conv.status = "finished"
            conv.finished_at = t.now
        t.session.add(conv)
        self._prompts(t, conv, outcome)
        if outcome.finished:
            t.send(
                FINISHED[conv.sharing],
                title=in_lang(script.title, t.lang),
                buttons=((Button(say("menu_button", t.lang), callbacks.show_menu()),),),
            )

    def _prompts(self, t: _Turn, conv: Conversation, outcome: engine.Outcome) -> None:
        assert conv.id is not None
        for prompt in outcome.messages:
            rows = tuple(
                tuple(
                    Button(b.label, callbacks.answer(conv.id, outcome.state.turn, b.token))
                    for b in row
                )
                for row in prompt.buttons
            )
            t.send_text(prompt.text, rows)

    def _language_prompt(self, t: _Turn) -> None:
        rows = tuple(
            (Button(name, callbacks.set_language(code)),) for code, name in LANGUAGES.items()
        )
        t.send("language_prompt", buttons=rows)

    def _set_language(self, t: _Turn, lang: str) -> None:
        assert t.person is not None
        t.person.language = lang
        t.session.add(t.person)
        t.send("language_set")

    async def _preview_menu(self, t: _Turn) -> None:
        inc = t.incoming
        if t.person is None:
            assert inc.user_id is not None
            t.person = await add_preview_person(
                t.session, telegram_user_id=inc.user_id, name=inc.first_name, now=t.now
            )
        t.person.telegram_chat_id = inc.chat_id
        t.person.consented_at = t.person.consented_at or t.now
        t.session.add(t.person)
        # Play as you write: every preview starts from the files as they are now.
        self.catalogue.reload()
        rows = tuple(
            (Button(in_lang(script.title, t.lang), callbacks.preview_tool(script.id)),)
            for script in self.catalogue.tools()
        )
        t.send("preview_menu", buttons=rows)
        for problem in self.catalogue.problems:
            t.send_text(f"⚠ {problem}")

    async def _start_tool(self, t: _Turn, tool: str, *, fresh: bool = False) -> None:
        script = self.catalogue.get(tool)
        if script is None:
            t.send("tool_missing")
            await self._menu(t)
            return
        convs = await open_conversations(t.session, self._person_id(t))
        same = [c for c in convs if c.script_id == tool]
        if fresh:
            for conv in same:
                conv.status = "abandoned"
                t.session.add(conv)
            convs = [c for c in convs if c.script_id != tool]
        elif same:
            # Never start over on top of unfinished answers: carry on with them instead.
            await self._resume(t, same[0])
            return
        self._pause_others(t, convs, keep=None)
        version_id = await self.catalogue.version_id(t.session, script)
        outcome = engine.start(script, lang=t.lang)
        conv = await start_conversation(
            t.session,
            person_id=self._person_id(t),
            version_id=version_id,
            script_id=script.id,
            step=outcome.state.step,
            state=outcome.state.to_json(),
            now=t.now,
        )
        await self._record(t, conv, script, outcome)

    def _pause_others(self, t: _Turn, convs: list[Conversation], keep: int | None) -> None:
        for conv in convs:
            if conv.status == "active" and conv.id != keep:
                conv.status = "paused"
                conv.updated_at = t.now
                t.session.add(conv)

    async def _resume(self, t: _Turn, conv: Conversation) -> None:
        script = await self._script(t, conv)
        if script is None:
            t.send("tool_missing")
            await self._menu(t)
            return
        convs = await open_conversations(t.session, self._person_id(t))
        self._pause_others(t, convs, keep=conv.id)
        conv.status = "active"
        t.send("resuming", title=in_lang(script.title, t.lang))
        state = self._state(t, conv)
        await self._record(t, conv, script, engine.step(script, state, engine.Resume()))

    async def _pause(self, t: _Turn) -> None:
        convs = await open_conversations(t.session, self._person_id(t))
        active = [c for c in convs if c.status == "active"]
        if not active:
            t.send("nothing_to_pause")
            return
        self._pause_others(t, active, keep=None)
        t.send("paused")

    async def _moved_on(self, t: _Turn) -> None:
        t.toast = say("stale_button", t.lang)
        await self._where_we_are(t)

    async def _where_we_are(self, t: _Turn, *, intro: bool = True) -> None:
        conv = await self._current(t)
        if conv is None or conv.status != "active":
            await self._menu(t)
            return
        script = await self._script(t, conv)
        if script is None:
            await self._menu(t)
            return
        if intro:
            t.send("stale_intro")
        state = self._state(t, conv)
        await self._record(t, conv, script, engine.step(script, state, engine.Resume()))

    async def _menu(self, t: _Turn, key: str = "menu") -> None:
        convs = await open_conversations(t.session, self._person_id(t))
        rows: list[tuple[Button, ...]] = []
        open_tools: set[str] = set()
        for conv in convs[:3]:
            script = await self._script(t, conv)
            if script is None or conv.id is None:
                continue
            open_tools.add(conv.script_id)
            title = in_lang(script.title, t.lang)
            rows.append(
                (Button(say("menu_resume", t.lang, title=title), callbacks.resume(conv.id)),)
            )
        for script in self.catalogue.tools():
            if script.id not in open_tools:
                rows.append(
                    (Button(in_lang(script.title, t.lang), callbacks.start_tool(script.id)),)
                )
        if rows:
            t.send(key, buttons=tuple(rows))
        else:
            t.send("menu_empty")


def _asks_for_preview(inc: Incoming) -> bool:
    return inc.kind is Kind.COMMAND and (
        inc.command == "preview" or (inc.command == "start" and inc.args == "preview")
    )


def invite_expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
