"""Yes or no: two buttons side by side; typed yes/no words count too. Stored as true/false."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Final

from ..model import AnswerValue, Button, Expects, Problem
from ..schema import YesNoItem, YesNoQuestion, as_text
from ..system import NO_LABEL, YES_LABEL
from ..texts import Text
from .base import Accepted, AnswerKind, BadValue, Ctx, Reading, Rows, normalise

YES_TOKEN: Final = "y"  # noqa: S105
NO_TOKEN: Final = "n"  # noqa: S105
# Welsh has no single yes/no: the answer echoes the verb (ydw, oes, do...). These are the
# common ones (draft; to be checked by a Welsh speaker).
YES_WORDS: Final = frozenset(
    [
        "yes",
        "y",
        "yeah",
        "yep",
        "yup",
        "ok",
        "okay",
        "sure",
        "true",
        "ie",
        "do",
        "ydw",
        "ydy",
        "oes",
        "ydyn",
        "gallaf",
        "byddaf",
    ]
)
NO_WORDS: Final = frozenset(
    ("no", "n", "nope", "nah", "not really", "no thanks", "false")
    + ("na", "naddo", "nac ydw", "nac ydy", "nac oes", "na fyddaf", "na allaf")
)


@dataclass(frozen=True, slots=True)
class YesNoKind(AnswerKind):
    yes: Text
    no: Text
    custom_yes: bool = False
    custom_no: bool = False

    expects: ClassVar[Expects] = "choice"

    def buttons(self, lang: str, draft: AnswerValue = None) -> Rows:
        return ((Button(self.yes.pick(lang), YES_TOKEN), Button(self.no.pick(lang), NO_TOKEN)),)

    def _take(self, value: bool, lang: str) -> Accepted:
        return Accepted(value, self.show(value, lang))

    def read_button(self, token: str, ctx: Ctx) -> Reading:
        if token == YES_TOKEN:
            return self._take(True, ctx.lang)
        if token == NO_TOKEN:
            return self._take(False, ctx.lang)
        return Problem.INVALID_BUTTON

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        words = normalise(text)
        if words in YES_WORDS or words in {normalise(t) for _, t in self.yes.by_lang}:
            return self._take(True, ctx.lang)
        if words in NO_WORDS or words in {normalise(t) for _, t in self.no.by_lang}:
            return self._take(False, ctx.lang)
        return Problem.NEED_CHOICE

    def show(self, value: AnswerValue, lang: str) -> str:
        if value is True:
            return self.yes.pick(lang)
        if value is False:
            return self.no.pick(lang)
        return ""

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        if op in ("less_than", "more_than"):
            raise BadValue(
                f"`{op}` works on numbers, scales, dates, ticks and lists, not on yes/no"
            )
        words = normalise(str(raw))
        if words in ("yes", "true") or words in {normalise(t) for _, t in self.yes.by_lang}:
            return True, self.yes
        if words in ("no", "false") or words in {normalise(t) for _, t in self.no.by_lang}:
            return False, self.no
        raise BadValue(f"`{raw}` is not an answer to a yes/no question; write yes or no")

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Text]]:
        if self.custom_yes:
            yield ("yes",), self.yes
        if self.custom_no:
            yield ("no",), self.no


def build(step: YesNoQuestion | YesNoItem) -> YesNoKind:
    return YesNoKind(
        yes=as_text(step.yes) if step.yes is not None else YES_LABEL,
        no=as_text(step.no) if step.no is not None else NO_LABEL,
        custom_yes=step.yes is not None,
        custom_no=step.no is not None,
    )
