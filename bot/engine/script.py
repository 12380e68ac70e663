"""A compiled script: frozen steps, its state machine, and how each step is shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .acks import Ack
from .conditions import Condition, Route
from .errors import ScriptProblem, StateError
from .flow import Flow
from .kinds import AnswerKind
from .model import END, AnswerValue, Prompt
from .piping import Wording, clean
from .texts import Text, shorten

CHANGE_LABEL_LENGTH = 40  # a question used as a "Change an answer" button is cut to this


@dataclass(frozen=True, slots=True)
class CheckAnswers:
    """The check-your-answers step's words (None: the engine's kind defaults)."""

    question: Text | None = None
    share_label: Text | None = None
    keep_label: Text | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One step. `kind` is None for a message (``say``) and for the check-your-answers step
    (`check` is set there); otherwise it is the answer kind of the question."""

    id: str
    text: Text
    kind: AnswerKind | None
    skip: bool
    routes: tuple[Route, ...]
    line: int  # where the step starts in the script file
    rather_not_say: bool = False
    when: Condition | None = None  # passed over (to `below`) when this does not hold
    below: str = END  # the step written below this one (END for the last)
    short: Text | None = None
    asks_for_call: bool = False  # a Yes here is a request for a call (the caller raises it)
    call_time: bool = False  # the answer is when to call: it goes with the request for a call
    # Safeguarding categories whose words are the answer this question asks for (a safety
    # plan's warning signs): the caller keeps them as the answer instead of treating them as a
    # crisis. Only names: the engine does not know which categories exist.
    expected_worries: frozenset[str] = frozenset()
    check: CheckAnswers | None = None
    wording: Wording | None = field(default=None, repr=False, compare=False)
    # `ack:` — said after an answer, before the next step (the first whose `when` holds).
    acks: tuple[Ack, ...] = ()

    @property
    def is_question(self) -> bool:
        """A question whose answer is stored (not a message, not the check step)."""
        return self.kind is not None

    @property
    def waits(self) -> bool:
        """The conversation stops here for the person (a question or the check step)."""
        return self.kind is not None or self.check is not None

    @property
    def max_length(self) -> int | None:
        """The longest typed answer accepted, for questions answered by typing."""
        value = getattr(self.kind, "max_length", None)
        return value if isinstance(value, int) else None

    @property
    def min_length(self) -> int | None:
        value = getattr(self.kind, "min_length", None)
        return value if isinstance(value, int) else None

    @property
    def min_value(self) -> int | float | None:
        """The smallest number accepted (number and scale questions), for the caller's wording."""
        value = getattr(self.kind, "min", getattr(self.kind, "low", None))
        return value if isinstance(value, int | float) else None

    @property
    def max_value(self) -> int | float | None:
        value = getattr(self.kind, "max", getattr(self.kind, "high", None))
        return value if isinstance(value, int | float) else None

    @property
    def accepts(self) -> tuple[str, ...]:
        """What a media question takes (voice, photo...), for the caller's wording."""
        value = getattr(self.kind, "accept", ())
        return tuple(value) if isinstance(value, tuple) else ()

    def label(self, lang: str) -> str:
        """A few words naming the question: its `short`, or the start of its text."""
        if self.short is not None:
            return self.short.pick(lang)
        return shorten(" ".join(self.text.pick(lang).split()), CHANGE_LABEL_LENGTH)


@dataclass(frozen=True, slots=True)
class SummarySection:
    heading: Text
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AttentionRule:
    """`attention:` — when shared answers meet `when`, the case manager reads `reason` first.
    Staff-facing words: English always, Welsh when the script writes it."""

    when: Condition
    reason: Text


@dataclass(frozen=True, eq=False)
class Script:
    id: str
    title: Text
    about: Text
    languages: tuple[str, ...]
    reading_grade: int | None
    version: str  # sha256 hex of the source with "\n" newlines
    source: str  # the source text the script was compiled from (newlines normalised)
    file: str
    steps: tuple[Step, ...]
    summary: tuple[SummarySection, ...]
    warnings: tuple[ScriptProblem, ...]
    flow: Flow = field(repr=False)
    _by_id: Mapping[str, Step] = field(repr=False)
    share_always: bool = False  # `share: always`: the script tells people answers are shared
    attention: tuple[AttentionRule, ...] = ()

    @property
    def first_step(self) -> str:
        return self.steps[0].id

    @property
    def questions(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.is_question)

    @property
    def check_step(self) -> str | None:
        """The id of the check-your-answers step, if the script has one."""
        return next((step.id for step in self.steps if step.check is not None), None)

    @property
    def asks_to_share(self) -> bool:
        """Whether the person is asked (at a check-your-answers step) before answers are shared."""
        return self.check_step is not None

    def has_step(self, step_id: str) -> bool:
        return step_id in self._by_id

    def step(self, step_id: str) -> Step:
        try:
            return self._by_id[step_id]
        except KeyError:
            raise StateError(
                f"script {self.id!r} version {self.version[:12]} has no step {step_id!r}"
            ) from None

    def lang(self, lang: str) -> str:
        """`lang` if the script is written in it, else the script's first language."""
        return lang if lang in self.languages else self.languages[0]

    def prompts(self, step_id: str, lang: str) -> tuple[Prompt, ...]:
        """The messages that show `step_id` with no answers yet (as on a first question)."""
        from .render import question_prompts, say_prompts
        from .state import ConversationState

        step = self.step(step_id)
        kind = step.kind
        state = ConversationState(
            step_id, {}, lang=self.lang(lang), draft=kind.begin(None) if kind else None
        )
        if not step.waits:
            return say_prompts(self, step, state)
        return question_prompts(self, state, None)

    def next_step(self, step_id: str, answers: Mapping[str, AnswerValue]) -> str:
        """The step after `step_id` given the answers (END when the conversation is over).
        Does not pass over steps whose `when` fails; the runner does that as it arrives."""
        if step_id == END:
            return END
        return self.flow.next_step(step_id, answers)

    def relevant(self, step_id: str, answers: Mapping[str, AnswerValue]) -> bool:
        """Whether the step is used, given the answers (its `when`, if it has one)."""
        when = self._by_id[step_id].when
        return when is None or when.holds(answers)

    def attention_reasons(self, answers: Mapping[str, AnswerValue], lang: str = "en") -> list[str]:
        """Why these answers need the case manager's attention first: the `say` of every
        `attention` rule that holds, in the script's order, each once."""
        found: list[str] = []
        for rule in self.attention:
            if rule.when.holds(answers):
                reason = rule.reason.pick(lang)
                if reason not in found:
                    found.append(reason)
        return found

    def piped(self, answers: Mapping[str, AnswerValue], lang: str, name: str) -> str | None:
        """The answer to `name` as it reads inside a sentence (None when there is none)."""
        found = self._by_id.get(name)
        value = answers.get(name)
        if found is None or found.kind is None or value is None:
            return None
        return clean(found.kind.pipe(value, lang)) or None

    def text_of(self, step: Step, answers: Mapping[str, AnswerValue], lang: str) -> str:
        """The step's text in `lang`, with earlier answers filled in."""
        if step.wording is None or not step.wording.piped:
            return step.text.pick(lang)
        return step.wording.render(lang, lambda name: self.piped(answers, lang, name))
