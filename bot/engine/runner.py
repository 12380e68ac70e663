"""Running a conversation: `start` and `step`, pure functions of (script, state, input).

Going back and changing answers (the rules the caller relies on):

- Back re-asks the previous question on the person's path, mentioning the earlier answer
  ("You said: ..."), with a "Keep my answer" button for typed answers. The question left
  goes on `state.ahead`, with any answers further on.
- When the conversation reaches one of the questions `ahead` again, the person is back on their
  old path: the questions `ahead` of it, that the new path went past, are *dropped*
  (`Outcome.dropped`); the rest stay. A changed answer may lead to new questions first (a
  branch that joins the old path later). Whatever is still `ahead` when the conversation ends
  is dropped then.
- After "Change an answer" at the check-your-answers step, the changed question is re-asked;
  then questions that still have answers are passed (their answers kept) until the summary is
  shown again — or a new question on a changed path is asked first.
- A `RecordedAnswer` for a step always supersedes an earlier one for that step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .acks import pick as pick_ack
from .errors import EngineError, StateError
from .kinds import Accepted, AnswerKind, Ctx, MultiChoiceKind, NoBack, Pending, normalise
from .model import (
    END,
    AnswerValue,
    Back,
    ButtonInput,
    Input,
    MediaInput,
    Problem,
    Prompt,
    RecordedAnswer,
    Resume,
    TextInput,
)
from .render import (
    CHANGE_TOKEN,
    CHANGING,
    PRIVATE_TOKEN,
    SHARE_TOKEN,
    SUMMARY_TOKEN,
    changeable,
    question_prompts,
    say_prompts,
)
from .script import Script, Step
from .state import ConversationState
from .system import (
    BACK_TOKEN,
    DECLINE_TOKEN,
    DECLINE_WORDS,
    DECLINED_DISPLAY,
    KEEP_TOKEN,
    SKIP_TOKEN,
    SKIP_WORDS,
    SKIPPED_DISPLAY,
)
from .texts import DEFAULT_LANG, split_message


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one input led to.

    `messages` is everything to send, in order (messages flowed through, then the next
    question). On a `problem` the state is unchanged and `messages` is just the current
    question again, so the caller can put its own explanation before it. A prompt with
    `replace=True` edits the message whose button was pressed instead of being sent.

    `answers` are to be stored (each supersedes any earlier answer to its step); `dropped`
    names steps whose stored answers must be deleted (the person changed an answer, and the
    conversation no longer goes that way).

    `shared` is set when the conversation finishes: True when the person chose to share (or
    the script says `share: always`), False when they chose to keep their answers to
    themselves, None when nobody asked (a script without a check-your-answers step; treat as
    not shared). Once finished, any input gives `finished=True` and nothing to send (a button
    gives STALE_BUTTON), so the caller can offer its menu.
    """

    state: ConversationState
    messages: tuple[Prompt, ...] = ()
    answers: tuple[RecordedAnswer, ...] = ()
    finished: bool = False
    problem: Problem | None = None
    dropped: tuple[str, ...] = ()
    shared: bool | None = None
    pressed: str | None = None
    """The words of the button that was pressed, when it moved the conversation on (not a
    tick, not a problem): for the caller to show under that message as a record ("✔ Yes").
    For a multiple choice it is the ticked answers rather than "Done"."""


def start(script: Script, lang: str = DEFAULT_LANG, today: date | None = None) -> Outcome:
    """Begin a conversation: the opening messages and the first question.

    `today` is the person's local date (the engine never reads the clock); date questions
    need it for "today", "yesterday" and dates without a year."""
    base = ConversationState(script.first_step, {}, (), 0, script.lang(lang))
    return _arrive(script, base, script.first_step, today, ())


def step(
    script: Script, state: ConversationState, input: Input, today: date | None = None
) -> Outcome:
    """Take one input. Never changes `state`; returns the new one in the outcome."""
    outcome = _step(script, state, input, today)
    if (
        isinstance(input, ButtonInput)
        and outcome.problem is None
        and state.step != END
        and not any(prompt.replace for prompt in outcome.messages)
    ):
        outcome = replace(outcome, pressed=_pressed(script, state, input, outcome, today))
    return outcome


def _pressed(
    script: Script,
    state: ConversationState,
    input: ButtonInput,
    outcome: Outcome,
    today: date | None,
) -> str | None:
    shown = question_prompts(script, state, today)
    label = next(
        (b.label for p in shown for row in p.buttons for b in row if b.token == input.token), None
    )
    current = script.step(state.step)
    if isinstance(current.kind, MultiChoiceKind) and outcome.answers:
        return outcome.answers[-1].display
    return label


def _step(script: Script, state: ConversationState, input: Input, today: date | None) -> Outcome:
    if state.step == END:
        # Every button is from an earlier question now (a double tap on the last one, say).
        problem = Problem.STALE_BUTTON if isinstance(input, ButtonInput) else None
        return Outcome(state, finished=True, problem=problem, shared=state.shared)
    current = script.step(state.step)
    if not current.waits:
        raise StateError(f"a conversation can't wait on message step {state.step!r}")
    if isinstance(input, Resume):
        return Outcome(state, question_prompts(script, state, today))
    if isinstance(input, ButtonInput) and input.turn != state.turn:
        return _again(script, state, Problem.STALE_BUTTON, today)
    if isinstance(input, Back) or (isinstance(input, ButtonInput) and input.token == BACK_TOKEN):
        return _back(script, state, current, today)
    if current.check is not None:
        return _check(script, state, current, input, today)
    kind = current.kind
    assert kind is not None
    lang = script.lang(state.lang)
    old = state.answers.get(current.id)
    ctx = Ctx(lang, today, state.draft, old, lambda name: script.piped(state.answers, lang, name))
    outer = kind.at_start(state.draft)
    if isinstance(input, ButtonInput):
        token = input.token
        if outer and token == SKIP_TOKEN and current.skip:
            return _answer(script, state, current, None, today)
        if outer and token == DECLINE_TOKEN and current.rather_not_say:
            return _answer(script, state, current, None, today, declined=True)
        if outer and token == KEEP_TOKEN and _keepable(current, kind, state):
            return _answer(script, state, current, Accepted(old, kind.show(old, lang)), today)
        reading = kind.read_button(token, ctx)
    elif isinstance(input, TextInput):
        words = normalise(input.text)
        if outer and current.skip and words in SKIP_WORDS:
            return _answer(script, state, current, None, today)
        if outer and current.rather_not_say and words in DECLINE_WORDS:
            return _answer(script, state, current, None, today, declined=True)
        reading = kind.read_text(input.text, ctx)
    elif isinstance(input, MediaInput):
        reading = kind.read_media(input, ctx)
    else:
        raise TypeError(f"not an engine input: {input!r}")
    if isinstance(reading, Problem):
        return _again(script, state, reading, today)
    if isinstance(reading, Pending):
        return _pending(script, state, current, reading, isinstance(input, ButtonInput), today)
    if reading.value is None:
        # A kind that found nothing to keep (a list whose only item was all skipped): skipped.
        return _answer(script, state, current, None, today)
    return _answer(script, state, current, reading, today)


def _keepable(current: Step, kind: AnswerKind, state: ConversationState) -> bool:
    return kind.keeps and state.answers.get(current.id) is not None


def _again(
    script: Script, state: ConversationState, problem: Problem, today: date | None
) -> Outcome:
    return Outcome(state, question_prompts(script, state, today), problem=problem)


def _recorded(
    script: Script,
    state: ConversationState,
    current: Step,
    reading: Accepted | None,
    declined: bool,
) -> RecordedAnswer:
    lang = script.lang(state.lang)
    if reading is None:
        display = (DECLINED_DISPLAY if declined else SKIPPED_DISPLAY).pick(lang)
        value: AnswerValue = None
    else:
        value, display = reading.value, reading.display
    return RecordedAnswer(
        step_id=current.id,
        question=script.text_of(current, state.answers, lang),
        value=value,
        display=display,
        skipped=reading is None,
        declined=declined and reading is None,
    )


def _with_answer(
    state: ConversationState, step_id: str, value: AnswerValue, declined: bool
) -> ConversationState:
    answers = dict(state.answers)
    answers[step_id] = value
    marks = state.declined | {step_id} if declined else state.declined - {step_id}
    return replace(state, answers=answers, declined=marks)


def _answer(
    script: Script,
    state: ConversationState,
    current: Step,
    reading: Accepted | None,
    today: date | None,
    *,
    declined: bool = False,
) -> Outcome:
    recorded = _recorded(script, state, current, reading, declined)
    value = None if reading is None else reading.value
    moved = _with_answer(state, current.id, value, declined)
    moved = replace(moved, path=(*state.path, current.id), draft=None)
    following = script.next_step(current.id, moved.answers)
    outcome = _arrive(script, moved, following, today, (recorded,))
    said = _ack(script, state, current, moved, reading)
    if said:
        outcome = replace(outcome, messages=(*said, *outcome.messages))
    return outcome


def _ack(
    script: Script,
    state: ConversationState,
    current: Step,
    moved: ConversationState,
    reading: Accepted | None,
) -> tuple[Prompt, ...]:
    """The question's acknowledgement of this answer (`ack:`), if one fits: never after a
    skip or "I'd rather not say" (`reading` is None), nor after words that refuse or say
    nothing, nor on the way back to the summary after changing an answer."""
    if reading is None or state.returning is not None:
        return ()
    found = pick_ack(current.acks, moved.answers, reading.value)
    if found is None:
        return ()
    lang = script.lang(state.lang)
    text = found.wording.render(lang, lambda name: script.piped(moved.answers, lang, name))
    return tuple(Prompt(piece, (), current.id, None) for piece in split_message(text) if piece)


def _pending(
    script: Script,
    state: ConversationState,
    current: Step,
    pending: Pending,
    pressed: bool,
    today: date | None,
) -> Outcome:
    """Still on the question: a tick, or a finished item of a list (recorded now)."""
    recorded: tuple[RecordedAnswer, ...] = ()
    moved = state
    if pending.record is not None:
        recorded = (_recorded(script, state, current, pending.record, False),)
        moved = _with_answer(state, current.id, pending.record.value, False)
    edit = pending.replace and pressed
    moved = replace(moved, draft=pending.draft, turn=state.turn if edit else state.turn + 1)
    prompts = question_prompts(script, moved, today, arriving=False)
    if edit:
        prompts = (replace(prompts[-1], replace=True),)
    return Outcome(moved, prompts, recorded)


def _back(script: Script, state: ConversationState, current: Step, today: date | None) -> Outcome:
    if current.check is not None and state.draft == CHANGING:
        moved = replace(state, draft=None, turn=state.turn + 1)
        return Outcome(moved, question_prompts(script, moved, today))
    if current.kind is not None:
        inside = current.kind.back(state.draft)
        if not isinstance(inside, NoBack):
            moved = replace(state, draft=inside, turn=state.turn + 1)
            return Outcome(moved, question_prompts(script, moved, today, arriving=False))
    if not state.path:
        return _again(script, state, Problem.NO_BACK, today)
    previous = state.path[-1]
    kind = script.step(previous).kind
    moved = replace(
        state,
        step=previous,
        path=state.path[:-1],
        turn=state.turn + 1,
        draft=kind.begin(state.answers.get(previous)) if kind is not None else None,
        ahead=(state.step, *state.ahead),
    )
    return Outcome(moved, question_prompts(script, moved, today))


def _check(
    script: Script, state: ConversationState, current: Step, input: Input, today: date | None
) -> Outcome:
    if not isinstance(input, ButtonInput):
        return _again(script, state, Problem.NEED_CHOICE, today)
    token = input.token
    entries = changeable(script, state)
    if state.draft == CHANGING:
        if token == SUMMARY_TOKEN:
            moved = replace(state, draft=None, turn=state.turn + 1)
            return Outcome(moved, question_prompts(script, moved, today))
        if (
            token.startswith(CHANGE_TOKEN)
            and token[1:].isdigit()
            and token[1:] == str(int(token[1:]))
        ):
            number = int(token[1:])
            if number < len(entries):
                return _change(script, state, current, entries[number], today)
        return _again(script, state, Problem.INVALID_BUTTON, today)
    if token == CHANGE_TOKEN and entries:
        moved = replace(state, draft=CHANGING, turn=state.turn + 1)
        return Outcome(moved, question_prompts(script, moved, today))
    if token in (SHARE_TOKEN, PRIVATE_TOKEN):
        shared = token == SHARE_TOKEN
        moved = replace(state, shared=shared, draft=None)
        outcome = _arrive(script, moved, script.next_step(current.id, moved.answers), today, ())
        return replace(outcome, shared=shared)
    return _again(script, state, Problem.INVALID_BUTTON, today)


def _change(
    script: Script, state: ConversationState, current: Step, target: str, today: date | None
) -> Outcome:
    """Re-ask `target` from the summary; answering it comes back to the summary."""
    at = len(state.path) - 1 - state.path[::-1].index(target)
    kind = script.step(target).kind
    moved = replace(
        state,
        step=target,
        path=state.path[:at],
        turn=state.turn + 1,
        draft=kind.begin(state.answers.get(target)) if kind is not None else None,
        ahead=(*state.path[at + 1 :], current.id, *state.ahead),
        returning=current.id,
    )
    return Outcome(moved, question_prompts(script, moved, today))


def _arrive(
    script: Script,
    base: ConversationState,
    step_id: str,
    today: date | None,
    recorded: tuple[RecordedAnswer, ...],
) -> Outcome:
    """Flow from `step_id` through messages and passed-over steps to the next question, the
    check step, or the end; settle what is `ahead` on the way."""
    messages: list[Prompt] = []
    # Changing an answer from the summary: messages on the way back to the summary are not
    # shown again, only those leading to a new question.
    held: list[Prompt] = []
    answers = dict(base.answers)
    declined = set(base.declined)
    path = base.path
    ahead = base.ahead
    returning = base.returning
    dropped: list[str] = []

    def drop(ids: tuple[str, ...], keep: str) -> None:
        for gone in ids:
            if gone != keep and gone in answers and gone not in path:
                del answers[gone]
                declined.discard(gone)
                if gone not in dropped:
                    dropped.append(gone)

    for _ in range(2 * len(script.steps) + 2):
        if step_id == END:
            messages.extend(held)
            drop(ahead, END)
            shared = base.shared
            if shared is None and script.share_always:
                shared = True
            state = ConversationState(
                END, answers, path, base.turn, base.lang, frozenset(declined), shared=shared
            )
            return Outcome(
                state,
                tuple(messages),
                recorded,
                finished=True,
                dropped=tuple(dropped),
                shared=shared,
            )
        here = script.step(step_id)
        if here.when is not None and not here.when.holds(answers):
            step_id = here.below
            continue
        if not here.waits:
            view = ConversationState(step_id, answers, path, base.turn, base.lang)
            (held if returning is not None else messages).extend(say_prompts(script, here, view))
            step_id = script.next_step(step_id, answers)
            continue
        if step_id in ahead:
            at = ahead.index(step_id)
            drop(ahead[:at], step_id)
            ahead = ahead[at + 1 :]
            if returning is not None and here.check is None and step_id in answers:
                path = (*path, step_id)  # changing from the summary: keep it, and go on
                step_id = script.next_step(step_id, answers)
                held.clear()
                continue
        if here.check is not None:
            returning = None
            held.clear()
        messages.extend(held)
        kind = here.kind
        state = ConversationState(
            step_id,
            answers,
            path,
            base.turn + 1,
            base.lang,
            frozenset(declined),
            kind.begin(answers.get(step_id)) if kind is not None else None,
            ahead,
            returning,
            base.shared,
        )
        messages.extend(question_prompts(script, state, today))
        return Outcome(state, tuple(messages), recorded, dropped=tuple(dropped))
    # The compiler refuses scripts whose messages loop without a question; this is a last guard.
    raise EngineError(f"script {script.id!r} loops through messages without a question")
