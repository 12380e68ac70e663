"""The small protocol every answer kind implements.

An answer kind turns what a person sent (typed text, a button token, a photo...) into a stored
answer, or says why it can't. The runner handles everything kinds share: old buttons (turns),
the skip button, and moving on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from ..model import AnswerValue, Button, Expects, Problem


@dataclass(frozen=True, slots=True)
class Accepted:
    value: AnswerValue  # JSON-able, stored in the conversation state
    display: str  # how the answer reads, in the person's language


Reading = Accepted | Problem


class AnswerKind(Protocol):
    @property
    def expects(self) -> Expects: ...

    def buttons(self, lang: str) -> tuple[tuple[Button, ...], ...]:
        """Rows of buttons shown under the question (without the skip button)."""
        ...

    def read_text(self, text: str, lang: str) -> Reading: ...

    def read_button(self, token: str, lang: str) -> Reading: ...

    def read_media(self, media_kind: str, lang: str) -> Reading: ...


_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text for loose matching: case-folded, single spaces, no punctuation at either end."""
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    start, end = 0, len(folded)
    while start < end and _is_edge(folded[start]):
        start += 1
    while end > start and _is_edge(folded[end - 1]):
        end -= 1
    return folded[start:end]


def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PZ"
