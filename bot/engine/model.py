"""Small runtime values shared by the engine: inputs, prompts, buttons, answers, problems."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal, TypeAlias

# Anything that can be stored as JSON. Answers are always JSON-able.
AnswerValue: TypeAlias = (
    str | int | float | bool | None | list["AnswerValue"] | dict[str, "AnswerValue"]
)

# What the current question waits for: typed text, or a tap on a button.
Expects: TypeAlias = Literal["text", "choice"]

END = "__end__"
"""The step id of a finished conversation."""


class Problem(enum.Enum):
    """Why an input was not taken as an answer. The caller owns the wording shown to people."""

    STALE_BUTTON = "stale_button"  # a button from an earlier question
    INVALID_BUTTON = "invalid_button"  # a button token this question does not know (forged)
    NOT_TEXT = "not_text"  # a sticker, photo, voice note... where typed text is expected
    NEED_CHOICE = "need_choice"  # text (or media) that matches no choice where a button is expected
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    token: str  # opaque engine data, at most a few characters


@dataclass(frozen=True, slots=True)
class Prompt:
    """One message to send. `buttons` are rows of buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    step_id: str = ""
    expects: Expects | None = None


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    """An answer taken in this step, ready to store for the case manager."""

    step_id: str
    question: str  # the question exactly as shown, in the person's language
    value: AnswerValue  # JSON-able; None when skipped
    display: str  # how to show the answer to a person
    skipped: bool = False


# ---- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextInput:
    """A typed message."""

    text: str


@dataclass(frozen=True, slots=True)
class ButtonInput:
    """A tap on a button. `turn` is the state's turn when the button was shown."""

    turn: int
    token: str


@dataclass(frozen=True, slots=True)
class MediaInput:
    """A sticker, photo, voice note, video, document... `kind` names which."""

    kind: str


@dataclass(frozen=True, slots=True)
class Resume:
    """Show the current question again (after a pause, or on /resume)."""


Input: TypeAlias = TextInput | ButtonInput | MediaInput | Resume


# ---- the skip button, shared by every kind of question ---------------------------------------

SKIP_TOKEN = "s"  # noqa: S105 (a button token, not a password)
SKIP_LABEL = {"en": "Skip this one", "cy": "Hepgor hwn"}
SKIPPED_DISPLAY = {"en": "Skipped", "cy": "Wedi'i hepgor"}
# Typed words that also mean "skip" on a question that offers the skip button.
SKIP_WORDS = frozenset({"skip", "skip this", "skip this one", "skip it", "hepgor", "hepgor hwn"})
