"""A scale: one button per number (like 1 to 10), in rows that fit a phone; typed numbers
count too. What the two ends mean is said under the question ("1 = Really hard")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Final

from ..conditions import Measure
from ..model import AnswerValue, Button, Expects, Problem
from ..schema import ScaleItem, ScaleQuestion, as_text
from ..texts import Text
from .base import Accepted, AnswerKind, BadValue, Ctx, Piece, Reading, Rows, number
from .number import read_number

ROW_WIDTH: Final = 6  # the most number buttons in one row on a phone
_TOKEN = re.compile(r"-?(?:0|[1-9][0-9]{0,2})")
_OUT_OF = re.compile(r"\s*(?:/|out of|allan o)\s*\d+\s*$")


@dataclass(frozen=True, slots=True)
class ScaleKind(AnswerKind):
    low: int
    high: int
    low_label: Text | None
    high_label: Text | None

    expects: ClassVar[Expects] = "choice"
    measure: ClassVar[Measure | None] = "number"

    def buttons(self, lang: str, draft: AnswerValue = None) -> Rows:
        values = list(range(self.low, self.high + 1))
        rows = -(-len(values) // ROW_WIDTH)
        width = -(-len(values) // rows)
        return tuple(
            tuple(Button(str(v), str(v)) for v in values[start : start + width])
            for start in range(0, len(values), width)
        )

    def ends(self, lang: str) -> str:
        lines = []
        if self.low_label is not None:
            lines.append(f"{self.low} = {self.low_label.pick(lang)}")
        if self.high_label is not None:
            lines.append(f"{self.high} = {self.high_label.pick(lang)}")
        return "\n".join(lines)

    def pieces(self, text: str, ctx: Ctx) -> tuple[Piece, ...]:
        ends = self.ends(ctx.lang)
        return (Piece(f"{text}\n\n{ends}" if ends else text, self.buttons(ctx.lang)),)

    def _take(self, value: int | float | None, lang: str) -> Reading:
        if value is None or not isinstance(value, int):
            return Problem.NOT_A_NUMBER
        if not self.low <= value <= self.high:
            return Problem.OUT_OF_RANGE
        return Accepted(value, self.show(value, lang))

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        return self._take(read_number(_OUT_OF.sub("", text)), ctx.lang)

    def read_button(self, token: str, ctx: Ctx) -> Reading:
        if not _TOKEN.fullmatch(token) or not self.low <= int(token) <= self.high:
            return Problem.INVALID_BUTTON
        return self._take(int(token), ctx.lang)

    def show(self, value: AnswerValue, lang: str) -> str:
        if value is None:
            return ""
        if value == self.low and self.low_label is not None:
            return f"{value} ({self.low_label.pick(lang)})"
        if value == self.high and self.high_label is not None:
            return f"{value} ({self.high_label.pick(lang)})"
        return str(value)

    def pipe(self, value: AnswerValue, lang: str) -> str:
        return "" if value is None else str(value)

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        value = number(raw)
        if op not in ("less_than", "more_than") and not self.low <= value <= self.high:
            raise BadValue(f"the scale goes from {self.low} to {self.high}, so it is never {value}")
        return value, None

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Text]]:
        if self.low_label is not None:
            yield ("min_label",), self.low_label
        if self.high_label is not None:
            yield ("max_label",), self.high_label


def build(step: ScaleQuestion | ScaleItem) -> ScaleKind:
    if step.max <= step.min:
        raise BadValue(f"`max` ({step.max}) must be more than `min` ({step.min})", "max")
    if step.max - step.min + 1 > 11:
        raise BadValue(
            f"a scale can have at most 11 numbers (like 0 to 10); this one has "
            f"{step.max - step.min + 1}. Use `answer: number` for more",
            "max",
        )
    return ScaleKind(
        step.min,
        step.max,
        as_text(step.min_label) if step.min_label is not None else None,
        as_text(step.max_label) if step.max_label is not None else None,
    )
