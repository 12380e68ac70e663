"""Free text: a question the person answers by typing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..model import AnswerValue, Problem
from ..schema import TextItem, TextQuestion
from ..texts import Text, normalise
from .base import Accepted, AnswerKind, BadValue, Ctx, Reading


@dataclass(frozen=True, slots=True)
class TextKind(AnswerKind):
    min_length: int | None
    max_length: int

    keeps: ClassVar[bool] = True
    fold: ClassVar[bool] = True

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        return read_words(text, self.min_length, self.max_length)

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        if op in ("less_than", "more_than"):
            raise BadValue(
                f"`{op}` works on numbers, scales, dates, ticks and lists, not on typed answers"
            )
        if not isinstance(raw, str | int | float):
            raise BadValue("this should be one value")
        return normalise(str(raw)), Text.of(str(raw))


def read_words(text: str, min_length: int | None, max_length: int) -> Reading:
    answer = text.strip()
    if not answer:
        return Problem.EMPTY
    if len(answer) > max_length:
        return Problem.TOO_LONG
    if min_length is not None and len(answer) < min_length:
        return Problem.TOO_SHORT
    return Accepted(answer, answer)


def build(step: TextQuestion | TextItem) -> TextKind:
    return TextKind(min_length=step.min_length, max_length=step.max_length)
