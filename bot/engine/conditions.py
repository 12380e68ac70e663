"""Declarative predicates on earlier answers, evaluated by our own code.

A script never names code: conditions are data built by the compiler, and the state machine is
given our bound methods, never a string (transitions would import a dotted name).

Every condition can say what it tests in plain words (`describe`, for the staff tools' graph and
paper views) and which steps it looks at (`refers_to`, for the checker).

A skipped question (and "I'd rather not say") is stored as None: it is *skipped*, not *answered*,
and it equals nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from .model import AnswerValue
from .texts import Text, normalise

Measure = Literal["number", "date", "count"]


class Condition(Protocol):
    def holds(self, answers: Mapping[str, AnswerValue]) -> bool: ...

    def describe(self, lang: str = "en") -> str: ...

    def refers_to(self) -> set[str]: ...


def _words(lang: str, en: str, cy: str) -> str:
    return cy if lang == "cy" else en


def _quoted(shown: Text | None, value: AnswerValue, lang: str) -> str:
    text = shown.pick(lang) if shown is not None else str(value)
    return f"“{text}”"


def _matches(answer: AnswerValue, expected: AnswerValue, fold: bool) -> bool:
    if answer is None:
        return False
    if isinstance(answer, list):
        return any(
            _matches(item, expected, fold) for item in answer if not isinstance(item, list | dict)
        )
    if isinstance(answer, bool) or isinstance(expected, bool):
        return answer is expected
    if isinstance(answer, int | float) and isinstance(expected, int | float):
        return answer == expected
    if isinstance(answer, str) and isinstance(expected, str):
        return normalise(answer) == expected if fold else answer == expected
    return False


@dataclass(frozen=True, slots=True)
class Always:
    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return True

    def describe(self, lang: str = "en") -> str:
        return _words(lang, "otherwise", "fel arall")

    def refers_to(self) -> set[str]:
        return set()


@dataclass(frozen=True, slots=True)
class AnswerEquals:
    """`is:` — the answer to `step_id` is `value`. On a multiple choice or list answer: the
    answer includes `value`. Typed text compares loosely (case, spaces, end punctuation)."""

    step_id: str
    value: AnswerValue
    shown: Text | None = field(default=None, compare=False)
    fold: bool = field(default=False, compare=False)
    many: bool = field(default=False, compare=False)

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return _matches(answers.get(self.step_id), self.value, self.fold)

    def describe(self, lang: str = "en") -> str:
        value = _quoted(self.shown, self.value, lang)
        if self.many:
            return _words(
                lang, f"{self.step_id} includes {value}", f"mae {self.step_id} yn cynnwys {value}"
            )
        return _words(lang, f"{self.step_id} is {value}", f"{self.step_id} yw {value}")

    def refers_to(self) -> set[str]:
        return {self.step_id}


@dataclass(frozen=True, slots=True)
class AnswerOneOf:
    """`one_of:` — the answer is any of `values` (includes any of them, for many answers)."""

    step_id: str
    values: tuple[AnswerValue, ...]
    shown: tuple[Text | None, ...] = field(default=(), compare=False)
    fold: bool = field(default=False, compare=False)
    many: bool = field(default=False, compare=False)

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        answer = answers.get(self.step_id)
        return any(_matches(answer, value, self.fold) for value in self.values)

    def describe(self, lang: str = "en") -> str:
        shown = self.shown or (None,) * len(self.values)
        items = [_quoted(s, v, lang) for s, v in zip(shown, self.values, strict=False)]
        joined = (
            f"{', '.join(items[:-1])} {_words(lang, 'or', 'neu')} {items[-1]}"
            if len(items) > 1
            else "".join(items)
        )
        if self.many:
            return _words(
                lang, f"{self.step_id} includes {joined}", f"mae {self.step_id} yn cynnwys {joined}"
            )
        return _words(lang, f"{self.step_id} is {joined}", f"{self.step_id} yw {joined}")

    def refers_to(self) -> set[str]:
        return {self.step_id}


def _measure(answer: AnswerValue, limit: float | str, measure: Measure) -> float | str | None:
    if measure == "count":
        return len(answer) if isinstance(answer, list) else None
    if measure == "date":
        return answer if isinstance(answer, str) and isinstance(limit, str) else None
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return None
    return answer if not isinstance(limit, str) else None


@dataclass(frozen=True, slots=True)
class AnswerLessThan:
    """`less_than:` — a number or scale below `limit`, a date before it (ISO dates), or a
    multiple choice / list answer with fewer than `limit` items."""

    step_id: str
    limit: float | str
    measure: Measure = "number"
    shown: Text | None = field(default=None, compare=False)

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        found = _measure(answers.get(self.step_id), self.limit, self.measure)
        return found is not None and found < self.limit  # type: ignore[operator]

    def describe(self, lang: str = "en") -> str:
        limit = self.shown.pick(lang) if self.shown is not None else str(self.limit)
        if self.measure == "date":
            return _words(lang, f"{self.step_id} is before {limit}", f"{self.step_id} cyn {limit}")
        if self.measure == "count":
            return _words(
                lang,
                f"{self.step_id} has fewer than {limit}",
                f"llai na {limit} yn {self.step_id}",
            )
        return _words(
            lang, f"{self.step_id} is less than {limit}", f"{self.step_id} yn llai na {limit}"
        )

    def refers_to(self) -> set[str]:
        return {self.step_id}


@dataclass(frozen=True, slots=True)
class AnswerMoreThan:
    """`more_than:` — the mirror of `AnswerLessThan`."""

    step_id: str
    limit: float | str
    measure: Measure = "number"
    shown: Text | None = field(default=None, compare=False)

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        found = _measure(answers.get(self.step_id), self.limit, self.measure)
        return found is not None and found > self.limit  # type: ignore[operator]

    def describe(self, lang: str = "en") -> str:
        limit = self.shown.pick(lang) if self.shown is not None else str(self.limit)
        if self.measure == "date":
            return _words(lang, f"{self.step_id} is after {limit}", f"{self.step_id} ar ôl {limit}")
        if self.measure == "count":
            return _words(
                lang, f"{self.step_id} has more than {limit}", f"mwy na {limit} yn {self.step_id}"
            )
        return _words(
            lang, f"{self.step_id} is more than {limit}", f"{self.step_id} yn fwy na {limit}"
        )

    def refers_to(self) -> set[str]:
        return {self.step_id}


@dataclass(frozen=True, slots=True)
class Answered:
    """`answered: true` — the question has an answer (not skipped, not passed over)."""

    step_id: str
    yes: bool = True

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return (answers.get(self.step_id) is not None) == self.yes

    def describe(self, lang: str = "en") -> str:
        if self.yes:
            return _words(lang, f"{self.step_id} is answered", f"mae {self.step_id} wedi'i ateb")
        return _words(
            lang, f"{self.step_id} is not answered", f"dyw {self.step_id} ddim wedi'i ateb"
        )

    def refers_to(self) -> set[str]:
        return {self.step_id}


@dataclass(frozen=True, slots=True)
class Skipped:
    """`skipped: true` — the person skipped the question or said "I'd rather not say"."""

    step_id: str
    yes: bool = True

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        skipped = self.step_id in answers and answers[self.step_id] is None
        return skipped == self.yes

    def describe(self, lang: str = "en") -> str:
        if self.yes:
            return _words(lang, f"{self.step_id} was skipped", f"cafodd {self.step_id} ei hepgor")
        return _words(
            lang, f"{self.step_id} was not skipped", f"ni chafodd {self.step_id} ei hepgor"
        )

    def refers_to(self) -> set[str]:
        return {self.step_id}


def _part(condition: Condition, lang: str) -> str:
    text = condition.describe(lang)
    return f"({text})" if isinstance(condition, AllOf | AnyOf | Not) else text


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return all(part.holds(answers) for part in self.parts)

    def describe(self, lang: str = "en") -> str:
        return f" {_words(lang, 'and', 'a')} ".join(_part(p, lang) for p in self.parts)

    def refers_to(self) -> set[str]:
        return set().union(*(part.refers_to() for part in self.parts))


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return any(part.holds(answers) for part in self.parts)

    def describe(self, lang: str = "en") -> str:
        return f" {_words(lang, 'or', 'neu')} ".join(_part(p, lang) for p in self.parts)

    def refers_to(self) -> set[str]:
        return set().union(*(part.refers_to() for part in self.parts))


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return not self.part.holds(answers)

    def describe(self, lang: str = "en") -> str:
        return f"{_words(lang, 'not', 'nid')} ({self.part.describe(lang)})"

    def refers_to(self) -> set[str]:
        return self.part.refers_to()


@dataclass(frozen=True, slots=True)
class Route:
    """Go to `target` (a step id, or END) when `when` holds. Routes are tried in order."""

    when: Condition
    target: str
