"""Answer kinds: one module each, behind the `AnswerKind` protocol in `base`."""

from .base import Accepted, AnswerKind, Reading, normalise
from .choice import ChoiceKind, Option
from .text import TextKind

__all__ = ["Accepted", "AnswerKind", "ChoiceKind", "Option", "Reading", "TextKind", "normalise"]
