"""A compiled script: frozen steps, its state machine, and the prompts for each step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .conditions import Route
from .errors import ScriptProblem, StateError
from .flow import Flow
from .kinds import AnswerKind
from .model import END, AnswerValue, Prompt
from .texts import Text


@dataclass(frozen=True, slots=True)
class Step:
    """One step. `kind` is None for a message (``say``), else the answer kind of the question."""

    id: str
    text: Text
    kind: AnswerKind | None
    skip: bool
    routes: tuple[Route, ...]
    line: int  # where the step starts in the script file

    @property
    def is_question(self) -> bool:
        return self.kind is not None

    @property
    def max_length(self) -> int | None:
        """The longest typed answer accepted, for questions answered by typing."""
        value = getattr(self.kind, "max_length", None)
        return value if isinstance(value, int) else None

    @property
    def min_length(self) -> int | None:
        value = getattr(self.kind, "min_length", None)
        return value if isinstance(value, int) else None


@dataclass(frozen=True, slots=True)
class SummarySection:
    heading: Text
    steps: tuple[str, ...]


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
    _prompts: Mapping[tuple[str, str], tuple[Prompt, ...]] = field(repr=False)

    @property
    def first_step(self) -> str:
        return self.steps[0].id

    @property
    def questions(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.is_question)

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
        """The messages that show `step_id` (long texts are already split)."""
        return self._prompts[(step_id, self.lang(lang))]

    def next_step(self, step_id: str, answers: Mapping[str, AnswerValue]) -> str:
        """The step after `step_id` given the answers (END when the conversation is over)."""
        if step_id == END:
            return END
        return self.flow.next_step(step_id, answers)
