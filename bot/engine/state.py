"""A conversation's state: small, frozen, JSON-able. The caller stores it between messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from .errors import StateError
from .model import END, AnswerValue

FORMAT = 1


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Where a conversation is.

    `step` is the id of the step waiting for the person, or END ("__end__") when finished.
    `answers` maps question ids to answers (None for a skipped question). `path` lists the
    questions answered, in order. `turn` counts the questions shown so far; a button carries the
    turn it was shown on, which is how old buttons are recognised.

    The rest is empty on most turns: `declined` lists questions answered "I'd rather not say";
    `draft` is the unfinished answer to the current question (ticks so far, a list in progress);
    `ahead` lists questions answered further on, that the person went back past; `returning`
    is the check-your-answers step to return to after changing an answer; `shared` is the
    person's sharing choice once made.
    """

    step: str
    answers: Mapping[str, AnswerValue]
    path: tuple[str, ...] = ()
    turn: int = 0
    lang: str = "en"
    declined: frozenset[str] = field(default_factory=frozenset)
    draft: AnswerValue = None
    ahead: tuple[str, ...] = ()
    returning: str | None = None
    shared: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.answers, MappingProxyType):
            object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))
        if not isinstance(self.declined, frozenset):
            object.__setattr__(self, "declined", frozenset(self.declined))

    @property
    def finished(self) -> bool:
        return self.step == END

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "step": self.step,
            "answers": dict(self.answers),
            "path": list(self.path),
            "turn": self.turn,
            "lang": self.lang,
        }
        # Only what is set, so most states stay as small as before (and older code reads them).
        if self.declined:
            data["declined"] = sorted(self.declined)
        if self.draft is not None:
            data["draft"] = self.draft
        if self.ahead:
            data["ahead"] = list(self.ahead)
        if self.returning is not None:
            data["returning"] = self.returning
        if self.shared is not None:
            data["shared"] = self.shared
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConversationState:
        """The inverse of `to_json`. Raises `StateError` on anything malformed."""
        if not isinstance(data, Mapping):
            raise StateError("a conversation state must be a JSON object")
        if data.get("format", FORMAT) != FORMAT:
            raise StateError(f"unknown conversation state format {data.get('format')!r}")
        step, answers, path = data.get("step"), data.get("answers", {}), data.get("path", [])
        turn, lang = data.get("turn", 0), data.get("lang", "en")
        declined, draft = data.get("declined", []), data.get("draft")
        ahead, returning, shared = data.get("ahead", []), data.get("returning"), data.get("shared")
        if not isinstance(step, str) or not step:
            raise StateError("a conversation state needs a step")
        if not isinstance(answers, Mapping) or not all(isinstance(k, str) for k in answers):
            raise StateError("answers must be a JSON object")
        for value in answers.values():
            _check_json(value)
        _check_json(draft)
        for name, ids in (("path", path), ("declined", declined), ("ahead", ahead)):
            if not isinstance(ids, list | tuple) or not all(isinstance(p, str) for p in ids):
                raise StateError(f"{name} must be a list of step ids")
        if not isinstance(turn, int) or isinstance(turn, bool) or turn < 0:
            raise StateError("turn must be a whole number, 0 or more")
        if not isinstance(lang, str):
            raise StateError("lang must be a language code")
        if returning is not None and not isinstance(returning, str):
            raise StateError("returning must be a step id")
        if shared is not None and not isinstance(shared, bool):
            raise StateError("shared must be true or false")
        return cls(
            step=step,
            answers=answers,
            path=tuple(path),
            turn=turn,
            lang=lang,
            declined=frozenset(declined),
            draft=draft,
            ahead=tuple(ahead),
            returning=returning,
            shared=shared,
        )


def with_language(state: ConversationState, lang: str) -> ConversationState:
    """The same conversation in another language. Then `step(..., Resume())` shows the current
    question again in that language (the buttons keep working: the turn is unchanged)."""
    return replace(state, lang=lang)


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
