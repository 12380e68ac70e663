"""Free text: a question the person answers by typing."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Button, Expects, Problem
from ..schema import TextQuestion
from .base import Accepted, Reading


@dataclass(frozen=True, slots=True)
class TextKind:
    min_length: int | None
    max_length: int

    @property
    def expects(self) -> Expects:
        return "text"

    def buttons(self, lang: str) -> tuple[tuple[Button, ...], ...]:
        return ()

    def read_text(self, text: str, lang: str) -> Reading:
        answer = text.strip()
        if not answer:
            return Problem.EMPTY
        if len(answer) > self.max_length:
            return Problem.TOO_LONG
        if self.min_length is not None and len(answer) < self.min_length:
            return Problem.TOO_SHORT
        return Accepted(answer, answer)

    def read_button(self, token: str, lang: str) -> Reading:
        return Problem.INVALID_BUTTON

    def read_media(self, media_kind: str, lang: str) -> Reading:
        return Problem.NOT_TEXT


def build(step: TextQuestion) -> TextKind:
    return TextKind(min_length=step.min_length, max_length=step.max_length)
