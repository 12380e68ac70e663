"""Single choice: one button per option; typing an option's words counts as tapping it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from ..model import AnswerValue, Button, Expects, Problem
from ..schema import Choice, ChoiceItem, ChoiceQuestion, PickChoice, as_text
from ..texts import Text
from .base import Accepted, AnswerKind, BadValue, Ctx, Reading, Rows, normalise


@dataclass(frozen=True, slots=True)
class Option:
    label: Text
    value: str
    next: str | None = None  # a branch target, or None to follow the step's own route


def typed_index(options: Sequence[Option]) -> dict[str, int]:
    """Loose words -> option index: every label in every language, and the value."""
    typed: dict[str, int] = {}
    for index, option in enumerate(options):
        words = [text for _, text in option.label.by_lang]
        words += [option.value, option.value.replace("_", " ")]
        for word in words:
            typed.setdefault(normalise(word), index)
    typed.pop("", None)
    return typed


def option_value(
    options: Sequence[Option], raw: object, extra: Mapping[str, Text] | None = None
) -> tuple[str, Text]:
    """A value written in a condition -> the option's stored value (labels work too)."""
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise BadValue("this should be one value")
    wanted = normalise(str(raw))
    known: dict[str, tuple[str, Text]] = {}
    for option in options:
        known.setdefault(option.value, (option.value, option.label))
    for value, label in (extra or {}).items():
        known.setdefault(value, (value, label))
    for value, label in known.values():
        words = {normalise(value), normalise(value.replace("_", " "))}
        words.update(normalise(text) for _, text in label.by_lang)
        if wanted in words:
            return value, label
    close = difflib.get_close_matches(str(raw), list(known), n=1, cutoff=0.6)
    if close:
        raise BadValue(
            f"`{raw}` is not one of this question's choices — did you mean `{close[0]}`?"
        )
    raise BadValue(f"`{raw}` is not one of this question's choices; they are: {', '.join(known)}")


@dataclass(frozen=True, slots=True)
class ChoiceKind(AnswerKind):
    options: tuple[Option, ...]
    _typed: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    expects: ClassVar[Expects] = "choice"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_typed", typed_index(self.options))

    def buttons(self, lang: str, draft: AnswerValue = None) -> Rows:
        # One button per row: easier to read and tap on a phone.
        return tuple(
            (Button(option.label.pick(lang), str(index)),)
            for index, option in enumerate(self.options)
        )

    def _chosen(self, index: int, lang: str) -> Accepted:
        option = self.options[index]
        return Accepted(option.value, option.label.pick(lang))

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        index = self._typed.get(normalise(text))
        return Problem.NEED_CHOICE if index is None else self._chosen(index, ctx.lang)

    def read_button(self, token: str, ctx: Ctx) -> Reading:
        index = button_index(token, len(self.options))
        return Problem.INVALID_BUTTON if index is None else self._chosen(index, ctx.lang)

    def show(self, value: AnswerValue, lang: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label.pick(lang)
        return "" if value is None else str(value)

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        if op in ("less_than", "more_than"):
            raise BadValue(
                f"`{op}` works on numbers, scales, dates, ticks and lists, not on choices"
            )
        return option_value(self.options, raw)

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Text]]:
        for number, option in enumerate(self.options):
            yield ("choices", number, "label"), option.label


_INDEX = re.compile(r"0|[1-9][0-9]?")
_SLUG = re.compile(r"[^a-z0-9]+")


def button_index(token: str, count: int, prefix: str = "") -> int | None:
    """`prefix` + a small index -> the index, or None when forged."""
    if not token.startswith(prefix) or not _INDEX.fullmatch(token[len(prefix) :]):
        return None
    index = int(token[len(prefix) :])
    return index if index < count else None


def slug(label: str) -> str:
    """'Not today!' -> 'not_today'. Empty when the label has no letters or digits."""
    return _SLUG.sub("_", normalise(label)).strip("_")


def options_of(choices: Sequence[Choice | PickChoice]) -> tuple[Option, ...]:
    options = []
    for number, choice in enumerate(choices, start=1):
        label = as_text(choice.label)
        value = choice.value.strip() if choice.value is not None else ""
        value = value or slug(label.pick("en")) or f"choice_{number}"
        target = choice.next if isinstance(choice, Choice) else None
        options.append(Option(label=label, value=value, next=target))
    return tuple(options)


def build(step: ChoiceQuestion | ChoiceItem) -> ChoiceKind:
    return ChoiceKind(options_of(step.choices))
