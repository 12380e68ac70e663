"""Conversations with the tools: answering, starting, pausing, resuming, and the menu."""

from __future__ import annotations

from collections.abc import Mapping

from bot import engine
from bot.conversations import callbacks, kept
from bot.conversations.catalogue import Catalogue, in_lang
from bot.conversations.dates import day_text
from bot.conversations.messages import MAX_TEXT, Button, Kind, Outgoing
from bot.conversations.texts import say
from bot.conversations.turn import Turn
from bot.notifications import notify
from bot.scheduling import assignments, escalation
from bot.scheduling.quiet import zone
from storage.conversations import (
    conversation_for,
    drop_answers,
    open_conversations,
    put_answer,
    start_conversation,
)
from storage.flags import callback_asked, raise_flag
from storage.models import Conversation, Flag
from storage.people import add_preview_person

PROBLEM_TEXT = {
    engine.Problem.STALE_BUTTON: "stale_intro",
    engine.Problem.INVALID_BUTTON: "stale_intro",
    engine.Problem.NOT_TEXT: "not_text",
    engine.Problem.NEED_CHOICE: "need_choice",
    engine.Problem.TOO_LONG: "too_long",
    engine.Problem.TOO_SHORT: "too_short",
    engine.Problem.EMPTY: "empty",
    engine.Problem.NOT_A_NUMBER: "not_a_number",
    engine.Problem.OUT_OF_RANGE: "out_of_range",
    engine.Problem.NOT_A_DATE: "not_a_date",
    engine.Problem.DATE_IN_FUTURE: "date_in_future",
    engine.Problem.DATE_IN_PAST: "date_in_past",
    engine.Problem.NEED_MEDIA: "need_media",
    engine.Problem.NOTHING_CHOSEN: "nothing_chosen",
    engine.Problem.NO_BACK: "no_back",
}

FINISHED = {"shared": "finished_shared", "private": "finished_private", "undecided": "finished"}


def _number(value: object) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


class Flows:
    def __init__(self, catalogue: Catalogue, *, preview: bool = False) -> None:
        self.catalogue = catalogue
        # Staff trying scripts in the sandbox: anyone may start any tool, over and over.
        self.preview = preview

    async def _words(self, t: Turn) -> None:
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
            given = engine.MediaInput(inc.media_kind, inc.file_id, inc.file_unique_id, inc.duration)
        else:
            given = engine.TextInput(inc.text)
        await self._advance(t, conv, given)

    async def _answer_button(self, t: Turn, data: callbacks.AnswerButton) -> None:
        conv = await conversation_for(t.session, self._person_id(t), data.conversation_id)
        if conv is None or conv.status == "finished":
            await self._moved_on(t)
            return
        if conv.status == "paused":
            # An old question's button in a paused conversation: carry on from where it is.
            await self._resume(t, conv)
            return
        await self._advance(t, conv, engine.ButtonInput(data.turn, data.token))

    def _person_id(self, t: Turn) -> int:
        assert t.person is not None and t.person.id is not None
        return t.person.id

    async def _current(self, t: Turn) -> Conversation | None:
        convs = await open_conversations(t.session, self._person_id(t))
        active = [c for c in convs if c.status == "active"]
        return active[0] if active else (convs[0] if convs else None)

    async def _script(self, t: Turn, conv: Conversation) -> engine.Script | None:
        return await self.catalogue.script_for_version(t.session, conv.script_version_id)

    def _state(self, t: Turn, conv: Conversation) -> engine.ConversationState:
        """The stored state, in the language the person uses now (they may have changed it)."""
        state = engine.ConversationState.from_json(conv.state)
        if state.lang != t.lang:
            state = engine.with_language(state, t.lang)
        return state

    async def _advance(self, t: Turn, conv: Conversation, given: engine.Input) -> None:
        script = await self._script(t, conv)
        if script is None:
            t.send("tool_missing")
            await self._menu(t)
            return
        state = self._state(t, conv)
        outcome = engine.step(script, state, given, today=t.today)
        if outcome.problem is not None:
            stale = outcome.problem in (engine.Problem.STALE_BUTTON, engine.Problem.INVALID_BUTTON)
            if stale:
                t.toast = say("stale_button", t.lang)
            asked = script.step(state.step) if script.has_step(state.step) else None
            t.send(
                PROBLEM_TEXT[outcome.problem],
                limit=getattr(asked, "max_length", "") or "",
                min=_number(getattr(asked, "min_value", None)),
                max=_number(getattr(asked, "max_value", None)),
            )
        elif (
            isinstance(given, engine.ButtonInput)
            and outcome.pressed
            and not any(prompt.replace for prompt in outcome.messages)
        ):
            t.out.append(self._done_button_edit(t, outcome.pressed))
        await self._record(t, conv, script, outcome)

    def _done_button_edit(self, t: Turn, label: str) -> Outgoing:
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
        self, t: Turn, conv: Conversation, script: engine.Script, outcome: engine.Outcome
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
                declined=answer.declined,
                update_id=t.incoming.update_id,
                now=t.now,
            )
        await self._calls_asked_for(t, conv, script, outcome)
        conv.state = outcome.state.to_json()
        conv.step = outcome.state.step
        conv.updated_at = t.now
        shared = getattr(outcome, "shared", None)
        if shared:
            await self._share(t, conv, script, outcome.state.answers)
        elif shared is not None:
            conv.sharing = "private"
            conv.shared_at = None
            conv.attention = []
        if outcome.finished:
            conv.status = "finished"
            conv.finished_at = t.now
        t.session.add(conv)
        self._prompts(t, conv, outcome)
        if outcome.finished:
            t.send(
                FINISHED[conv.sharing],
                title=in_lang(script.title, t.lang),
                kept_button=say("kept_button", t.lang),
                buttons=((Button(say("menu_button", t.lang), callbacks.show_menu()),),),
            )

    async def _share(
        self,
        t: Turn,
        conv: Conversation,
        script: engine.Script | None,
        answers: Mapping[str, engine.AnswerValue],
    ) -> None:
        """The person shares a conversation: at the end of the tool, or later from the menu
        ("Things you kept to yourself"). Either way the same happens."""
        conv.sharing = "shared"
        conv.shared_at = t.now
        # Staff see the answers only as shared, so only then do the script's `attention`
        # rules put this person first on the caseload (in English: staff's words).
        conv.attention = script.attention_reasons(answers) if script is not None else []
        await assignments.shared(t.session, conv, t.now)
        await notify(t.session, person=t.person, kind="shared", now=t.now)

    async def _calls_asked_for(
        self, t: Turn, conv: Conversation, script: engine.Script, outcome: engine.Outcome
    ) -> None:
        """A Yes to a question marked `asks_for_call` reaches the case manager at once, as a
        flag of its own: asking for a call is not the same as sharing every answer. So does
        the answer to a `call_time` question: when it is safe to call ("not when he's home")
        must never be lost with answers kept private."""
        for answer in outcome.answers:
            step = script.step(answer.step_id) if script.has_step(answer.step_id) else None
            if step is None:
                continue
            if step.call_time:
                flag = await callback_asked(t.session, conv.id or 0)
                if flag is not None:
                    flag.contact = None if answer.skipped else "times"
                    flag.contact_times = None if answer.skipped else answer.display
                    t.session.add(flag)
                continue
            if not step.asks_for_call or answer.value is not True:
                continue
            if await callback_asked(t.session, conv.id or 0):
                continue
            flag = await raise_flag(
                t.session,
                Flag(
                    service_user_id=conv.service_user_id,
                    conversation_id=conv.id,
                    kind="callback",
                    update_id=t.incoming.update_id,
                    created_at=t.now,
                    callback_requested_at=t.now,
                ),
            )
            await notify(t.session, person=t.person, kind="callback", now=t.now)
            await escalation.flag_raised(t.session, flag, now=t.now)

    def _prompts(self, t: Turn, conv: Conversation, outcome: engine.Outcome) -> None:
        assert conv.id is not None
        for prompt in outcome.messages:
            rows = tuple(
                tuple(
                    Button(b.label, callbacks.answer(conv.id, outcome.state.turn, b.token))
                    for b in row
                )
                for row in prompt.buttons
            )
            pressed = t.incoming.button_message_id
            if prompt.replace and pressed is not None:
                # e.g. a tick on a multiple choice: the same message changes in place.
                t.out.append(
                    Outgoing(t.incoming.chat_id, prompt.text, rows, edit_message_id=pressed)
                )
            else:
                t.send_text(prompt.text, rows)

    async def _preview_menu(self, t: Turn) -> None:
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

    async def _start_tool(self, t: Turn, tool: str, *, fresh: bool = False) -> None:
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
        outcome = engine.start(script, lang=t.lang, today=t.today)
        conv = await start_conversation(
            t.session,
            person_id=self._person_id(t),
            version_id=version_id,
            script_id=script.id,
            step=outcome.state.step,
            state=outcome.state.to_json(),
            now=t.now,
        )
        if not fresh:
            await assignments.started(t.session, self._person_id(t), tool, conv.id or 0, t.now)
        await self._record(t, conv, script, outcome)

    def _pause_others(self, t: Turn, convs: list[Conversation], keep: int | None) -> None:
        for conv in convs:
            if conv.status == "active" and conv.id != keep:
                conv.status = "paused"
                conv.updated_at = t.now
                t.session.add(conv)

    async def _resume(self, t: Turn, conv: Conversation) -> None:
        script = await self._script(t, conv)
        if script is None:
            t.send("tool_missing")
            await self._menu(t)
            return
        convs = await open_conversations(t.session, self._person_id(t))
        self._pause_others(t, convs, keep=conv.id)
        conv.status = "active"
        await assignments.started(
            t.session, self._person_id(t), conv.script_id, conv.id or 0, t.now
        )
        t.send("resuming", title=in_lang(script.title, t.lang))
        state = self._state(t, conv)
        await self._record(
            t, conv, script, engine.step(script, state, engine.Resume(), today=t.today)
        )

    async def _back(self, t: Turn) -> None:
        conv = await self._current(t)
        if conv is None:
            t.send("nothing_to_go_back_to")
            await self._menu(t)
            return
        if conv.status == "paused":
            await self._resume(t, conv)
            return
        await self._advance(t, conv, engine.Back())

    async def _pause(self, t: Turn) -> None:
        convs = await open_conversations(t.session, self._person_id(t))
        active = [c for c in convs if c.status == "active"]
        if not active:
            t.send("nothing_to_pause")
            return
        self._pause_others(t, active, keep=None)
        t.send("paused")

    async def _moved_on(self, t: Turn) -> None:
        t.toast = say("stale_button", t.lang)
        await self._where_we_are(t)

    async def _where_we_are(self, t: Turn, *, intro: bool = True) -> None:
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
        await self._record(
            t, conv, script, engine.step(script, state, engine.Resume(), today=t.today)
        )

    async def _set_for_them(self, t: Turn, convs: list[Conversation]) -> set[str]:
        """What a case manager set comes first, under who set it and by when; returns the
        tools shown."""
        shown: set[str] = set()
        groups: dict[tuple[str, str], list[tuple[Button, ...]]] = {}
        tz = zone(t.person.timezone if t.person else None)
        for assignment, setter in await assignments.for_menu(t.session, self._person_id(t), t.now):
            script = self.catalogue.get(assignment.tool)
            if script is None or assignment.tool in shown:
                continue
            shown.add(assignment.tool)
            title = in_lang(script.title, t.lang)
            under_way = next((c for c in convs if c.script_id == assignment.tool), None)
            button = (
                Button(say("menu_resume", t.lang, title=title), callbacks.resume(under_way.id))
                if under_way is not None and under_way.id is not None
                else Button(title, callbacks.start_tool(assignment.tool))
            )
            who = setter or say("someone", t.lang)
            groups.setdefault((who, day_text(assignment.due_at, tz, t.lang)), []).append((button,))
        for (who, day), rows in groups.items():
            t.send("menu_set", buttons=tuple(rows), who=who, day=day)
        return shown

    async def _menu(self, t: Turn, key: str = "menu") -> None:
        convs = await open_conversations(t.session, self._person_id(t))
        rows: list[tuple[Button, ...]] = []
        open_tools: set[str] = await self._set_for_them(t, convs)
        convs = [c for c in convs if c.script_id not in open_tools]
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
        if not self.preview and (row := await kept.menu_row(self, t)) is not None:
            rows.append(row)
        if rows:
            t.send(key, buttons=tuple(rows))
        elif not open_tools:
            t.send("menu_empty")
