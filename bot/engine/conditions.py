"""Declarative predicates on earlier answers, evaluated by our own code.

A script never names code: conditions are data built by the compiler, and the state machine is
given our bound methods, never a string (transitions would import a dotted name).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from .model import AnswerValue


class Condition(Protocol):
    def holds(self, answers: Mapping[str, AnswerValue]) -> bool: ...


@dataclass(frozen=True, slots=True)
class Always:
    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class AnswerEquals:
    """The answer to `step_id` is `value` (a skipped answer equals nothing)."""

    step_id: str
    value: AnswerValue

    def holds(self, answers: Mapping[str, AnswerValue]) -> bool:
        return self.step_id in answers and answers[self.step_id] == self.value


@dataclass(frozen=True, slots=True)
class Route:
    """Go to `target` (a step id, or END) when `when` holds. Routes are tried in order."""

    when: Condition
    target: str
