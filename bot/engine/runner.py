"""Running a conversation: `start` and `step`, pure functions of (script, state, input)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import EngineError, StateError
from .kinds import Accepted, normalise
from .model import (
    END,
    SKIP_TOKEN,
    SKIP_WORDS,
    SKIPPED_DISPLAY,
    AnswerValue,
    ButtonInput,
    Input,
    MediaInput,
    Problem,
    Prompt,
    RecordedAnswer,
    Resume,
    TextInput,
)
from .script import Script, Step
from .state import ConversationState
from .texts import DEFAULT_LANG


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one input led to.

    `messages` is everything to send, in order (messages flowed through, then the next
    question). On a `problem` the state is unchanged and `messages` is just the current
    question again, so the caller can put its own explanation before it.

    Once finished, any input gives `finished=True` and nothing to send (a button gives
    STALE_BUTTON), so the caller can offer its menu.
    """

    state: ConversationState
    messages: tuple[Prompt, ...] = ()
    answers: tuple[RecordedAnswer, ...] = ()
    finished: bool = False
    problem: Problem | None = None


def start(script: Script, lang: str = DEFAULT_LANG) -> Outcome:
    """Begin a conversation: the opening messages and the first question."""
    lang = script.lang(lang)
    return _arrive(script, script.first_step, {}, (), 0, lang, ())


def step(script: Script, state: ConversationState, input: Input) -> Outcome:
    """Take one input. Never changes `state`; returns the new one in the outcome."""
    if state.step == END:
        # Every button is from an earlier question now (a double tap on the last one, say).
        problem = Problem.STALE_BUTTON if isinstance(input, ButtonInput) else None
        return Outcome(state, finished=True, problem=problem)
    current = script.step(state.step)
    kind = current.kind
    if kind is None:
        raise StateError(f"a conversation can't wait on message step {state.step!r}")
    lang = script.lang(state.lang)
    if isinstance(input, Resume):
        return Outcome(state, script.prompts(current.id, lang))
    if isinstance(input, ButtonInput):
        if input.turn != state.turn:
            return _again(script, state, Problem.STALE_BUTTON)
        if input.token == SKIP_TOKEN and current.skip:
            return _answer(script, state, current, None, lang)
        reading = kind.read_button(input.token, lang)
    elif isinstance(input, TextInput):
        if current.skip and normalise(input.text) in SKIP_WORDS:
            return _answer(script, state, current, None, lang)
        reading = kind.read_text(input.text, lang)
    elif isinstance(input, MediaInput):
        reading = kind.read_media(input.kind, lang)
    else:
        raise TypeError(f"not an engine input: {input!r}")
    if isinstance(reading, Problem):
        return _again(script, state, reading)
    return _answer(script, state, current, reading, lang)


def _again(script: Script, state: ConversationState, problem: Problem) -> Outcome:
    return Outcome(state, script.prompts(state.step, state.lang), problem=problem)


def _answer(
    script: Script,
    state: ConversationState,
    current: Step,
    reading: Accepted | None,
    lang: str,
) -> Outcome:
    if reading is None:
        value: AnswerValue = None
        display = SKIPPED_DISPLAY.get(lang, SKIPPED_DISPLAY[DEFAULT_LANG])
    else:
        value, display = reading.value, reading.display
    recorded = RecordedAnswer(
        step_id=current.id,
        question=current.text.pick(lang),
        value=value,
        display=display,
        skipped=reading is None,
    )
    answers = dict(state.answers)
    answers[current.id] = value
    following = script.next_step(current.id, answers)
    return _arrive(
        script, following, answers, (*state.path, current.id), state.turn, lang, (recorded,)
    )


def _arrive(
    script: Script,
    step_id: str,
    answers: dict[str, AnswerValue],
    path: tuple[str, ...],
    turn: int,
    lang: str,
    recorded: tuple[RecordedAnswer, ...],
) -> Outcome:
    """Flow through messages from `step_id` to the next question (or the end)."""
    messages: list[Prompt] = []
    for _ in range(len(script.steps) + 1):
        if step_id == END:
            state = ConversationState(END, answers, path, turn, lang)
            return Outcome(state, tuple(messages), recorded, finished=True)
        messages.extend(script.prompts(step_id, lang))
        if script.step(step_id).is_question:
            state = ConversationState(step_id, answers, path, turn + 1, lang)
            return Outcome(state, tuple(messages), recorded)
        step_id = script.next_step(step_id, answers)
    # The compiler refuses scripts whose messages loop without a question; this is a last guard.
    raise EngineError(f"script {script.id!r} loops through messages without a question")
