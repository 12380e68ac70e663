"""Small runtime values shared by the engine: inputs, prompts, buttons, answers, problems."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal, TypeAlias

# Anything that can be stored as JSON. Answers are always JSON-able.
AnswerValue: TypeAlias = (
    str | int | float | bool | None | list["AnswerValue"] | dict[str, "AnswerValue"]
)

# What the current question waits for: typed text, a tap on a button, or a voice note/photo.
Expects: TypeAlias = Literal["text", "choice", "media"]

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
    NOT_A_NUMBER = "not_a_number"  # a number (or a scale) question got words
    OUT_OF_RANGE = "out_of_range"  # a number outside the question's `min`..`max`
    NOT_A_DATE = "not_a_date"  # words that can't be read as a date
    DATE_IN_FUTURE = "date_in_future"  # a date after today where only past dates make sense
    DATE_IN_PAST = "date_in_past"  # a date before today where only future dates make sense
    NEED_MEDIA = "need_media"  # text, a sticker... where a voice note or photo is expected
    NOTHING_CHOSEN = "nothing_chosen"  # "Done" on a multiple choice with nothing ticked
    NO_BACK = "no_back"  # "Back" on the first question: there is nothing to go back to


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    token: str  # opaque engine data, at most 8 characters of [A-Za-z0-9_.-]


@dataclass(frozen=True, slots=True)
class Prompt:
    """One message to send. `buttons` are rows of buttons.

    `replace=True` means: don't send a new message, *edit* the message whose button was just
    pressed to show this text and these buttons (a multiple-choice tick, say). It is only ever
    set in answer to a `ButtonInput`, on the only prompt of that outcome.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    step_id: str = ""
    expects: Expects | None = None
    replace: bool = False


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    """An answer taken in this step, ready to store for the case manager.

    A later `RecordedAnswer` for the same `step_id` always supersedes an earlier one.
    A skipped question has `value=None, skipped=True`; "I'd rather not say" is also
    `value=None, skipped=True`, with `declined=True`.
    """

    step_id: str
    question: str  # the question exactly as shown, in the person's language
    value: AnswerValue  # JSON-able; None when skipped
    display: str  # how to show the answer to a person
    skipped: bool = False
    declined: bool = False  # the person chose "I'd rather not say"


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
    """A sticker, photo, voice note, video, document... `kind` names which.

    For a question that takes a voice note or photo as its answer, the caller passes Telegram's
    `file_id` (to fetch the file later), `file_unique_id` (stable across bots) and, for sound and
    video, the `duration` in seconds.
    """

    kind: str
    file_id: str = ""
    file_unique_id: str = ""
    duration: int | None = None


@dataclass(frozen=True, slots=True)
class Resume:
    """Show the current question again (after a pause, on /resume, or after a language change)."""


@dataclass(frozen=True, slots=True)
class Back:
    """Go back to the previous question (the Back button, or a /back command)."""


Input: TypeAlias = TextInput | ButtonInput | MediaInput | Resume | Back
