"""What every answer kind implements.

An answer kind turns what a person sent (typed text, a button token, a voice note...) into a
stored answer, or a change to a draft (ticks so far, a list in progress), or says why it can't.
The runner handles everything kinds share: old buttons (turns), Skip / I'd rather not say / Back
/ Keep my answer, piping, splitting, and moving on. Kinds never use the tokens `s r b k`.

A kind is a frozen dataclass inheriting `AnswerKind`, with a `build(model)` function next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Final

from ..conditions import Measure
from ..model import AnswerValue, Button, Expects, MediaInput, Problem
from ..texts import Text, normalise

Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Piece:
    """One message of a question: text and buttons (the runner adds its own rows to the last)."""

    text: str
    rows: Rows = ()


@dataclass(frozen=True, slots=True)
class Ctx:
    """What a kind may know while reading an input or drawing its question."""

    lang: str
    today: date | None = None
    draft: AnswerValue = None
    old: AnswerValue = None  # the answer given before, when the question is asked again
    lookup: Callable[[str], str | None] | None = None  # piped answers, for texts inside a kind
    arriving: bool = False  # the question is being shown anew (not after a tick or an item)


@dataclass(frozen=True, slots=True)
class Accepted:
    value: AnswerValue  # JSON-able, stored in the conversation state
    display: str  # how the answer reads, in the person's language


@dataclass(frozen=True, slots=True)
class Pending:
    """The question is not finished: its draft changed (a tick, an item of a list)."""

    draft: AnswerValue
    replace: bool = False  # after a button: edit that message instead of sending a new one
    record: Accepted | None = None  # store this answer now, and stay on the question


Reading = Accepted | Pending | Problem


class BadValue(ValueError):
    """A value that does not fit the question (the message says why); `key` names the key of
    the step it is about, when that is known."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path: tuple[str | int, ...] = (key,) if key is not None else ()


class NoBack:
    """Returned by `AnswerKind.back` when Back leaves the question."""


NO_BACK: Final = NoBack()

_COMPARE_OPS = ("less_than", "more_than")


class AnswerKind:
    """Defaults for a kind answered in one go with buttons or typing."""

    __slots__ = ()

    expects: ClassVar[Expects] = "text"
    keeps: ClassVar[bool] = False  # offer "Keep my answer" when asked again (typed answers)
    fold: ClassVar[bool] = False  # conditions compare typed words loosely
    many: ClassVar[bool] = False  # the answer is a list (conditions test "includes")
    measure: ClassVar[Measure | None] = None  # what less_than / more_than compare

    # ---- drawing ---------------------------------------------------------------------------

    def begin(self, old: AnswerValue) -> AnswerValue:
        """The draft when the question is (re)asked; `old` is its earlier answer, if any."""
        return None

    def buttons(self, lang: str, draft: AnswerValue = None) -> Rows:
        """Rows of buttons shown under the question (without the runner's rows)."""
        return ()

    def pieces(self, text: str, ctx: Ctx) -> tuple[Piece, ...]:
        """The messages that show the question, given its (piped) text."""
        return (Piece(text, self.buttons(ctx.lang, ctx.draft)),)

    def expects_now(self, draft: AnswerValue) -> Expects:
        return self.expects

    def at_start(self, draft: AnswerValue) -> bool:
        """Whether the question's own Skip / I'd rather not say / Keep apply now."""
        return True

    def back(self, draft: AnswerValue) -> AnswerValue | NoBack:
        """Back inside the question (a list goes back one item question); NO_BACK leaves it."""
        return NO_BACK

    # ---- reading ---------------------------------------------------------------------------

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        return Problem.NEED_CHOICE

    def read_button(self, token: str, ctx: Ctx) -> Reading:
        return Problem.INVALID_BUTTON

    def read_media(self, media: MediaInput, ctx: Ctx) -> Reading:
        return Problem.NEED_CHOICE if self.expects == "choice" else Problem.NOT_TEXT

    # ---- showing ---------------------------------------------------------------------------

    def show(self, value: AnswerValue, lang: str) -> str:
        """A stored answer as the person reads it (summary, "You said: ...")."""
        return "" if value is None else str(value)

    def pipe(self, value: AnswerValue, lang: str) -> str:
        """A stored answer inside a sentence ("You said {x} helps you.")."""
        return self.show(value, lang)

    # ---- conditions ------------------------------------------------------------------------

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        """A value written in a condition (`is`, `one_of`, `less_than`, `more_than`) -> the
        stored value to compare with, and how to show it. Raises `BadValue`."""
        if op in _COMPARE_OPS:
            raise BadValue(
                f"`{op}` works on numbers, scales, dates, ticks and lists, not on this question"
            )
        if not isinstance(raw, str | int | float):
            raise BadValue("this should be one value")
        return str(raw), None

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Text]]:
        """Texts inside the kind (for translation checks), by their path in the step."""
        return iter(())


def number(raw: object) -> int | float:
    """A number written in a script (the loader keeps "4" a string)."""
    if isinstance(raw, bool):
        raise BadValue("this should be a number")
    if isinstance(raw, int | float):
        return raw
    if isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            raise BadValue(f"`{raw}` is not a number") from None
        return int(value) if value.is_integer() else value
    raise BadValue("this should be a number")


def count_value(op: str, raw: object) -> tuple[AnswerValue, Text | None]:
    value = number(raw)
    if not isinstance(value, int) or value < 0:
        raise BadValue(f"`{op}` on this question counts items: use a whole number")
    return value, None


__all__ = [
    "NO_BACK",
    "Accepted",
    "AnswerKind",
    "BadValue",
    "Ctx",
    "NoBack",
    "Pending",
    "Piece",
    "Reading",
    "Rows",
    "count_value",
    "normalise",
    "number",
]
