"""A conversation's state: small, frozen, JSON-able. The caller stores it between messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .errors import StateError
from .model import END, AnswerValue

FORMAT = 1


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Where a conversation is.

    `step` is the id of the question waiting for an answer, or END ("__end__") when finished.
    `answers` maps question ids to answers (None for a skipped question). `path` lists the
    questions answered, in order. `turn` counts the questions shown so far; a button carries the
    turn it was shown on, which is how old buttons are recognised.
    """

    step: str
    answers: Mapping[str, AnswerValue]
    path: tuple[str, ...] = ()
    turn: int = 0
    lang: str = "en"

    def __post_init__(self) -> None:
        if not isinstance(self.answers, MappingProxyType):
            object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))

    @property
    def finished(self) -> bool:
        return self.step == END

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "step": self.step,
            "answers": dict(self.answers),
            "path": list(self.path),
            "turn": self.turn,
            "lang": self.lang,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConversationState:
        """The inverse of `to_json`. Raises `StateError` on anything malformed."""
        if not isinstance(data, Mapping):
            raise StateError("a conversation state must be a JSON object")
        if data.get("format", FORMAT) != FORMAT:
            raise StateError(f"unknown conversation state format {data.get('format')!r}")
        step, answers, path = data.get("step"), data.get("answers", {}), data.get("path", [])
        turn, lang = data.get("turn", 0), data.get("lang", "en")
        if not isinstance(step, str) or not step:
            raise StateError("a conversation state needs a step")
        if not isinstance(answers, Mapping) or not all(isinstance(k, str) for k in answers):
            raise StateError("answers must be a JSON object")
        for value in answers.values():
            _check_json(value)
        if not isinstance(path, list | tuple) or not all(isinstance(p, str) for p in path):
            raise StateError("path must be a list of step ids")
        if not isinstance(turn, int) or isinstance(turn, bool) or turn < 0:
            raise StateError("turn must be a whole number, 0 or more")
        if not isinstance(lang, str):
            raise StateError("lang must be a language code")
        return cls(step=step, answers=answers, path=tuple(path), turn=turn, lang=lang)


def _check_json(value: object, depth: int = 0) -> None:
    if depth > 32:
        raise StateError("an answer is nested too deeply")
    if value is None or isinstance(value, str | bool | int | float):
        return
    if isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
        return
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        for item in value.values():
            _check_json(item, depth + 1)
        return
    raise StateError(f"an answer is not JSON: {type(value).__name__}")
