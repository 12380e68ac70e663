"""Single choice: one button per option; typing an option's words counts as tapping it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model import Button, Expects, Problem
from ..schema import ChoiceQuestion, as_text
from ..texts import Text
from .base import Accepted, Reading, normalise


@dataclass(frozen=True, slots=True)
class Option:
    label: Text
    value: str
    next: str | None  # a branch target, or None to follow the step's own route


@dataclass(frozen=True, slots=True)
class ChoiceKind:
    options: tuple[Option, ...]
    _typed: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        typed: dict[str, int] = {}
        for index, option in enumerate(self.options):
            words = [text for _, text in option.label.by_lang]
            words += [option.value, option.value.replace("_", " ")]
            for word in words:
                typed.setdefault(normalise(word), index)
        typed.pop("", None)
        object.__setattr__(self, "_typed", typed)

    @property
    def expects(self) -> Expects:
        return "choice"

    def buttons(self, lang: str) -> tuple[tuple[Button, ...], ...]:
        # One button per row: easier to read and tap on a phone.
        return tuple(
            (Button(option.label.pick(lang), str(index)),)
            for index, option in enumerate(self.options)
        )

    def _chosen(self, index: int, lang: str) -> Accepted:
        option = self.options[index]
        return Accepted(option.value, option.label.pick(lang))

    def read_text(self, text: str, lang: str) -> Reading:
        index = self._typed.get(normalise(text))
        return Problem.NEED_CHOICE if index is None else self._chosen(index, lang)

    def read_button(self, token: str, lang: str) -> Reading:
        if not _INDEX.fullmatch(token):
            return Problem.INVALID_BUTTON
        index = int(token)
        if index >= len(self.options):
            return Problem.INVALID_BUTTON
        return self._chosen(index, lang)

    def read_media(self, media_kind: str, lang: str) -> Reading:
        return Problem.NEED_CHOICE


_INDEX = re.compile(r"0|[1-9][0-9]?")
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(label: str) -> str:
    """'Not today!' -> 'not_today'. Empty when the label has no letters or digits."""
    return _SLUG.sub("_", normalise(label)).strip("_")


def build(step: ChoiceQuestion) -> ChoiceKind:
    options = []
    for number, choice in enumerate(step.choices, start=1):
        label = as_text(choice.label)
        value = choice.value.strip() if choice.value is not None else ""
        value = value or slug(label.pick("en")) or f"choice_{number}"
        options.append(Option(label=label, value=value, next=choice.next))
    return ChoiceKind(tuple(options))
