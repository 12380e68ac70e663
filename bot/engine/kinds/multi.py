"""Multiple choice: tick one or more buttons (✓ shows what is ticked), then tap Done.

The ticks so far are the question's draft, kept in the conversation state. A tick edits the
same message (`Pending(replace=True)`), so the chat doesn't fill up with copies. An optional
"None of these" button clears the other ticks (and a tick clears it); it is stored as `none`.
Typing an option's words ticks or unticks it; typing "done" is the same as tapping Done.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Final

from ..conditions import Measure
from ..model import AnswerValue, Button, Expects, Problem
from ..schema import MultiChoiceItem, MultiChoiceQuestion, as_text
from ..system import CHOSEN_MARK, DONE_LABEL, join_words
from ..texts import Text
from .base import (
    Accepted,
    AnswerKind,
    Ctx,
    Pending,
    Reading,
    Rows,
    count_value,
    normalise,
)
from .choice import Option, button_index, option_value, options_of, typed_index

NONE_VALUE: Final = "none"
DONE_TOKEN: Final = "d"  # noqa: S105
NONE_TOKEN: Final = "n"  # noqa: S105
TICK_PREFIX: Final = "t"
DONE_WORDS: Final = frozenset(
    {"done", "finished", "that's all", "thats all", "gorffen", "wedi gorffen"}
)


@dataclass(frozen=True, slots=True)
class MultiChoiceKind(AnswerKind):
    options: tuple[Option, ...]
    none_label: Text | None
    _typed: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    expects: ClassVar[Expects] = "choice"
    many: ClassVar[bool] = True
    measure: ClassVar[Measure | None] = "count"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_typed", typed_index(self.options))

    def _ticked(self, draft: AnswerValue) -> list[str]:
        return [v for v in draft if isinstance(v, str)] if isinstance(draft, list) else []

    def begin(self, old: AnswerValue) -> AnswerValue:
        return list(self._ticked(old))

    def buttons(self, lang: str, draft: AnswerValue = None) -> Rows:
        ticked = set(self._ticked(draft))
        rows: list[tuple[Button, ...]] = [
            (Button(_mark(option.value in ticked) + option.label.pick(lang), f"{TICK_PREFIX}{i}"),)
            for i, option in enumerate(self.options)
        ]
        if self.none_label is not None:
            rows.append(
                (Button(_mark(NONE_VALUE in ticked) + self.none_label.pick(lang), NONE_TOKEN),)
            )
        rows.append((Button(DONE_LABEL.pick(lang), DONE_TOKEN),))
        return tuple(rows)

    def _toggle(self, draft: AnswerValue, value: str, replace: bool) -> Pending:
        ticked = self._ticked(draft)
        if value in ticked:
            ticked = [v for v in ticked if v != value]
        elif value == NONE_VALUE:
            ticked = [NONE_VALUE]
        else:
            ticked = [v for v in ticked if v != NONE_VALUE] + [value]
        chosen: list[AnswerValue] = list(ticked)
        return Pending(chosen, replace=replace)

    def _done(self, draft: AnswerValue, lang: str) -> Reading:
        ticked = set(self._ticked(draft))
        if not ticked:
            return Problem.NOTHING_CHOSEN
        if NONE_VALUE in ticked:
            value: list[AnswerValue] = [NONE_VALUE]
        else:
            value = [option.value for option in self.options if option.value in ticked]
        return Accepted(value, self.show(value, lang))

    def read_button(self, token: str, ctx: Ctx) -> Reading:
        if token == DONE_TOKEN:
            return self._done(ctx.draft, ctx.lang)
        if token == NONE_TOKEN and self.none_label is not None:
            return self._toggle(ctx.draft, NONE_VALUE, replace=True)
        index = button_index(token, len(self.options), TICK_PREFIX)
        if index is None:
            return Problem.INVALID_BUTTON
        return self._toggle(ctx.draft, self.options[index].value, replace=True)

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        words = normalise(text)
        if words in DONE_WORDS or words == normalise(DONE_LABEL.pick(ctx.lang)):
            return self._done(ctx.draft, ctx.lang)
        if self.none_label is not None and words in {
            normalise(t) for _, t in self.none_label.by_lang
        }:
            return self._toggle(ctx.draft, NONE_VALUE, replace=False)
        index = self._typed.get(words)
        if index is None:
            return Problem.NEED_CHOICE
        return self._toggle(ctx.draft, self.options[index].value, replace=False)

    def _labels(self, value: AnswerValue, lang: str) -> list[str]:
        labels = []
        for item in self._ticked(value):
            if item == NONE_VALUE and self.none_label is not None:
                labels.append(self.none_label.pick(lang))
                continue
            labels.append(next((o.label.pick(lang) for o in self.options if o.value == item), item))
        return labels

    def show(self, value: AnswerValue, lang: str) -> str:
        return ", ".join(self._labels(value, lang))

    def pipe(self, value: AnswerValue, lang: str) -> str:
        return join_words(self._labels(value, lang), lang)

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        if op in ("less_than", "more_than"):
            return count_value(op, raw)
        extra = {NONE_VALUE: self.none_label} if self.none_label is not None else None
        return option_value(self.options, raw, extra)

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Text]]:
        for number, option in enumerate(self.options):
            yield ("choices", number, "label"), option.label
        if self.none_label is not None:
            yield ("none_of_these",), self.none_label


def _mark(ticked: bool) -> str:
    return CHOSEN_MARK if ticked else ""


def build(step: MultiChoiceQuestion | MultiChoiceItem) -> MultiChoiceKind:
    none = as_text(step.none_of_these) if step.none_of_these is not None else None
    return MultiChoiceKind(options_of(step.choices), none)
