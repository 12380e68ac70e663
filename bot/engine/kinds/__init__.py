"""Answer kinds: one module each, behind the `AnswerKind` base in `base`.

`build_kind` turns a validated question (from `schema`) into its runtime kind. A new kind adds
a module here, a model in `schema` (with its `answer:` word), and one line in `_BUILDERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from .. import schema
from ..piping import Wording
from ..schema import as_text
from ..system import ADD_LABEL, ADD_QUESTION, ENOUGH_LABEL
from . import choice, date, media, multi, number, scale, text, yes_no
from .base import (
    NO_BACK,
    Accepted,
    AnswerKind,
    BadValue,
    Ctx,
    NoBack,
    Pending,
    Piece,
    Reading,
    Rows,
    normalise,
)
from .choice import ChoiceKind, Option
from .date import DateKind
from .items import ItemQuestion, ListKind
from .media import MediaKind
from .multi import MultiChoiceKind
from .number import NumberKind
from .scale import ScaleKind
from .text import TextKind
from .yes_no import YesNoKind

_BUILDERS: dict[type[BaseModel], Callable[[Any], AnswerKind]] = {
    schema.TextQuestion: text.build,
    schema.TextItem: text.build,
    schema.ChoiceQuestion: choice.build,
    schema.ChoiceItem: choice.build,
    schema.MultiChoiceQuestion: multi.build,
    schema.MultiChoiceItem: multi.build,
    schema.ScaleQuestion: scale.build,
    schema.ScaleItem: scale.build,
    schema.YesNoQuestion: yes_no.build,
    schema.YesNoItem: yes_no.build,
    schema.NumberQuestion: number.build,
    schema.NumberItem: number.build,
    schema.DateQuestion: date.build,
    schema.DateItem: date.build,
    schema.MediaQuestion: media.build,
    schema.MediaItem: media.build,
}


def _build_list(step: schema.ListQuestion) -> ListKind:
    questions = []
    for number_, item in enumerate(step.questions):
        try:
            kind = _BUILDERS[type(item)](item)
        except BadValue as err:
            err.path = ("questions", number_, *err.path)
            raise
        questions.append(
            ItemQuestion(
                id=item.id,
                wording=Wording.of(as_text(item.ask)),
                kind=kind,
                skip=item.skip,
                decline=item.rather_not_say,
            )
        )
    custom = {
        key
        for key in ("add_question", "add_button", "done_button")
        if getattr(step, key) is not None
    }
    return ListKind(
        questions=tuple(questions),
        max_items=step.max_items,
        add_question=as_text(step.add_question) if step.add_question else ADD_QUESTION,
        add_label=as_text(step.add_button) if step.add_button else ADD_LABEL,
        done_label=as_text(step.done_button) if step.done_button else ENOUGH_LABEL,
        outer_skip=step.skip,
        outer_decline=step.rather_not_say,
        custom=frozenset(custom),
    )


def build_kind(step: BaseModel) -> AnswerKind | None:
    """The runtime kind of a validated step; None for a message or the check step.
    Raises `BadValue` for settings that don't fit together (like `min` above `max`)."""
    if isinstance(step, schema.ListQuestion):
        return _build_list(step)
    builder = _BUILDERS.get(type(step))
    return builder(step) if builder is not None else None


__all__ = [
    "NO_BACK",
    "Accepted",
    "AnswerKind",
    "BadValue",
    "ChoiceKind",
    "Ctx",
    "DateKind",
    "ItemQuestion",
    "ListKind",
    "MediaKind",
    "MultiChoiceKind",
    "NoBack",
    "NumberKind",
    "Option",
    "Pending",
    "Piece",
    "Reading",
    "Rows",
    "ScaleKind",
    "TextKind",
    "YesNoKind",
    "build_kind",
    "normalise",
]
