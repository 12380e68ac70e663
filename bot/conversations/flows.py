"""Conversations with the tools: answering, starting, pausing, resuming, and the menu."""

from __future__ import annotations

from collections.abc import Mapping

from bot import engine
from bot.conversations import callbacks, kept, typed_choice
from bot.conversations.catalogue import Catalogue, in_lang
from bot.conversations.dates import day_text
from bot.conversations.messages import MAX_TEXT, Button, Kind, Outgoing
from bot.conversations.texts import say
from bot.conversations.turn import Turn
from bot.engine.kinds import ListKind, MultiChoiceKind, YesNoKind
from bot.engine.kinds.items import ADD_TOKEN, ENOUGH_TOKEN
from bot.engine.kinds.multi import DONE_TOKEN
from bot.engine.kinds.yes_no import NO_TOKEN, YES_TOKEN
from bot.engine.render import PRIVATE_TOKEN, SHARE_TOKEN, SUMMARY_TOKEN
from bot.engine.system import BACK_TOKEN, DECLINE_TOKEN, KEEP_TOKEN, SKIP_TOKEN
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


def _problem_text(problem: engine.Problem, asked: engine.Step | None) -> str:
    """The key of the words for a problem. A sticker or photo on an open question that takes
    typed words or a voice note says what it does take, kindly."""
    if (
        problem is engine.Problem.NEED_MEDIA
        and asked is not None
        and getattr(asked.kind, "also_text", False)
        and "voice" in asked.accepts
    ):
        return "need_words_or_media" if "photo" in asked.accepts else "need_words_or_voice"
    return PROBLEM_TEXT[problem]


def _number(value: object) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


# Buttons the engine adds to questions: named by their words, but not counted by place.
_SYSTEM_TOKENS = frozenset({SKIP_TOKEN, DECLINE_TOKEN, BACK_TOKEN, KEEP_TOKEN, SUMMARY_TOKEN})
# Buttons whose meaning is yes or no although their words don't start with it.
_MEANINGS: dict[str, typed_choice.Meaning] = {SHARE_TOKEN: "yes", PRIVATE_TOKEN: "no"}


def on_screen_choices(
    script: engine.Script, state: engine.ConversationState, shown: engine.Prompt
) -> list[typed_choice.Choice]:
    """The buttons of `shown` (the current question's message), as the matcher sees them."""
    kind = script.step(state.step).kind if script.has_step(state.step) else None
    yes_no = isinstance(kind, YesNoKind)
    many = isinstance(kind, MultiChoiceKind)
    listing = isinstance(kind, ListKind)
    choices = []
    for row in shown.buttons:
        for b in row:
            meaning = _MEANINGS.get(b.token)
            if yes_no and b.token in (YES_TOKEN, NO_TOKEN):
                meaning = "yes" if b.token == YES_TOKEN else "no"
            if listing and b.token in (ADD_TOKEN, ENOUGH_TOKEN):
                meaning = "yes" if b.token == ADD_TOKEN else "no"
            # Who sees the answers is decided by words ("share", "nah") or a tap, never by a
            # place or number ("3"), which may have been typed for an earlier question.
            system = (
                b.token in _SYSTEM_TOKENS
                or (many and b.token == DONE_TOKEN)
                or state.step == script.check_step
            )
            choices.append(typed_choice.Choice(b.label, b.token, system, meaning))
    return choices


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
        if outcome.problem is not None and not isinstance(given, engine.ButtonInput):
            # Typed words (or a sticker...) where buttons were shown: what they mean among
            # those buttons, or one short line with the same buttons.
            text = given.text if isinstance(given, engine.TextInput) else None
            typed = self._typed_choice(t, conv, script, state, text, outcome)
            if typed is None:
                return
            outcome, given = typed
        if outcome.problem is not None:
            stale = outcome.problem in (engine.Problem.STALE_BUTTON, engine.Problem.INVALID_BUTTON)
            if stale:
                t.toast = say("stale_button", t.lang)
            asked = script.step(state.step) if script.has_step(state.step) else None
            t.send(
                _problem_text(outcome.problem, asked),
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

    def _typed_choice(
        self,
        t: Turn,
        conv: Conversation,
        script: engine.Script,
        state: engine.ConversationState,
        text: str | None,
        refused: engine.Outcome,
    ) -> tuple[engine.Outcome, engine.Input] | None:
        """The engine refused typed words at a question with buttons. When they mean one of
        the buttons (see `typed_choice`), press it: returns the new outcome. When they could
        mean several, ask "Which one?" with just those; when nothing fits a choice question,
        say so in one line with the same buttons (never the question or a long summary again).
        Returns None when this turn's replies are sent; the refusal itself when there are no
        buttons to match."""
        assert conv.id is not None
        shown = next((p for p in reversed(refused.messages) if p.buttons), None)
        as_given: engine.Input = engine.TextInput(text or "")
        if shown is None:
            return refused, as_given
        choices = on_screen_choices(script, state, shown)
        kind = script.step(state.step).kind if script.has_step(state.step) else None
        result: typed_choice.Result = (
            typed_choice.match(text, choices, many=isinstance(kind, MultiChoiceKind))
            if text is not None
            else typed_choice.NoMatch()
        )
        if isinstance(result, typed_choice.Matched):
            outcome = refused
            given: engine.Input = as_given
            for choice in result.choices:
                given = engine.ButtonInput(state.turn, choice.token)
                outcome = engine.step(script, state, given, today=t.today)
                if outcome.problem is not None:
                    return outcome, given
                state = outcome.state
            if outcome.pressed:
                # What we took their words to mean, so a wrong guess is seen at once.
                t.send("chosen", label=outcome.pressed)
            return outcome, as_given
        if isinstance(result, typed_choice.Ambiguous):
            which: tuple[tuple[Button, ...], ...] = tuple(
                (Button(c.label, callbacks.answer(conv.id, state.turn, c.token)),)
                for c in result.choices
            )
            t.send("which_one", buttons=which)
            return None
        if refused.problem is not engine.Problem.NEED_CHOICE:
            return refused, as_given
        rows = tuple(
            tuple(Button(b.label, callbacks.answer(conv.id, state.turn, b.token)) for b in row)
            for row in shown.buttons
        )
        t.send("need_choice", buttons=rows)
        return None

    async def _typed_is_a_button(self, t: Turn, text: str) -> bool:
        """Whether `text` means a button of the question now on screen: "not now" where a
        button says "Not now" or "Not right now" answers the question rather than pausing.
        Not at the sharing step: there "not now" pauses, it doesn't decide who sees what."""
        if t.person is None:
            return False
        conv = await self._current(t)
        if conv is None or conv.status != "active":
            return False
        script = await self._script(t, conv)
        if script is None:
            return False
        state = self._state(t, conv)
        if state.step == engine.END:
            return False
        prompts = engine.step(script, state, engine.Resume(), today=t.today).messages
        shown = next((p for p in reversed(prompts) if p.buttons), None)
        if shown is None:
            return False
        choices = on_screen_choices(script, state, shown)
        words = typed_choice.label_words(text)
        if any(typed_choice.label_words(c.label) == words for c in choices):
            return True
        result = typed_choice.match(text, choices)
        return isinstance(result, typed_choice.Matched) and not any(
            c.token in _MEANINGS for c in result.choices
        )

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
            # "stop" again after a pause: it is still saved, and this is how to come back.
            t.send("paused" if convs else "nothing_to_pause")
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
