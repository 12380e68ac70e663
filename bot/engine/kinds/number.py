"""A typed number, optionally between `min` and `max`.

Digits as people type them ("12", "1,500", "2.5", "£20", "about 5"), and the words for small
numbers ("seven", Welsh "saith"). Whole numbers are stored as whole numbers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar, Final

from ..conditions import Measure
from ..model import AnswerValue, Problem
from ..schema import NumberItem, NumberQuestion
from ..texts import Text
from .base import Accepted, AnswerKind, BadValue, Ctx, Reading, number

_WORDS: Final = {
    **{
        word: n
        for n, word in enumerate(
            [
                "zero",
                "one",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "thirteen",
                "fourteen",
                "fifteen",
                "sixteen",
                "seventeen",
                "eighteen",
                "nineteen",
                "twenty",
            ]
        )
    },
    "none": 0,
    "nil": 0,
    # Welsh (draft; to be checked by a Welsh speaker)
    "dim": 0,
    "un": 1,
    "dau": 2,
    "dwy": 2,
    "tri": 3,
    "tair": 3,
    "pedwar": 4,
    "pedair": 4,
    "pump": 5,
    "pum": 5,
    "chwech": 6,
    "saith": 7,
    "wyth": 8,
    "naw": 9,
    "deg": 10,
}
_NUMBER = re.compile(r"[-−]?\d+(?:[.,]\d+)?")
_FILLER = re.compile(
    r"^(?:about|around|roughly|maybe|probably|approx\.?|approximately|tua|rhyw)\s+|[£$€%]"
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def read_number(text: str) -> int | float | None:
    """The one number in `text`, or None."""
    # Not `normalise`: it would take the minus sign off "-1".
    words = " ".join(unicodedata.normalize("NFKC", text).casefold().split()).rstrip(".!?")
    words = _FILLER.sub("", words).strip()
    words = _THOUSANDS.sub("", words)
    if words in _WORDS:
        return _WORDS[words]
    found = _NUMBER.findall(words)
    if len(found) != 1:
        return None
    # Anything else in the message must be a unit or a few words ("5 hours", "7 out of 10").
    rest = _NUMBER.sub(" ", words, count=1).strip()
    if len(rest) > 20 or any(char.isdigit() for char in rest):
        return None
    value = float(found[0].replace("−", "-").replace(",", "."))
    return int(value) if value.is_integer() else value


def show_number(value: AnswerValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class NumberKind(AnswerKind):
    min: int | float | None
    max: int | float | None

    keeps: ClassVar[bool] = True
    measure: ClassVar[Measure | None] = "number"

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        value = read_number(text)
        if value is None:
            return Problem.NOT_A_NUMBER
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            return Problem.OUT_OF_RANGE
        return Accepted(value, show_number(value))

    def show(self, value: AnswerValue, lang: str) -> str:
        return show_number(value)

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        return number(raw), None


def build(step: NumberQuestion | NumberItem) -> NumberKind:
    if step.min is not None and step.max is not None and step.min > step.max:
        raise BadValue(f"`min` ({step.min}) is more than `max` ({step.max})", "min")
    return NumberKind(step.min, step.max)
