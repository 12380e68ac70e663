"""How hard an English text is to read: its Flesch–Kincaid grade, computed by textstat.

English only. Flesch–Kincaid's weights were fitted on English, and textstat has no rules for
Welsh, so Welsh texts get no grade.

The grade is a guide, not a measurement: on a text of a few words one long word swings it wildly,
so texts shorter than `MIN_WORDS` get no grade at all.

Offline by design. For English, textstat looks syllables up in NLTK's CMU dictionary and
*downloads it on first use* — a network call from a checker that must work on an office PC with
no internet. Its test for English cuts the language at "_" (``en_GB`` -> ``en``), so we ask for
``en-GB``: that skips the dictionary, and textstat counts syllables from the hyphenation points of
Pyphen's British English dictionary, which ships inside the pyphen package. Hyphenation counts a
few words a syllable short ("every" -> ev-ery), so grades come out slightly low, never high.
(tests/staff/test_readability.py fails if grading ever opens a network connection.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from textstat.textstat import textstatistics

TEXTSTAT_LANG = "en-GB"
MIN_WORDS = 10
HARD_SYLLABLES = 3  # a word of this many syllables or more counts as long

_PLACEHOLDER = re.compile(r"\{[^{}\n]{0,60}\}")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_ENDS_SENTENCE = (".", "!", "?", ":", ";", "…")


@dataclass(frozen=True, slots=True)
class Grade:
    """The Flesch–Kincaid grade of one text, and the long words that pushed it up."""

    grade: float
    words: int
    long_words: tuple[str, ...]  # longest first, each once


@lru_cache(maxsize=1)
def _stats() -> textstatistics:
    stats = textstatistics()
    stats.set_lang(TEXTSTAT_LANG)
    return stats


def prepare(text: str) -> str:
    """A chat message as prose for grading.

    Each line of a chat message reads as a sentence of its own, so a line with no full stop gets
    one (else a list of short lines counts as one very long sentence). List bullets are dropped,
    and ``{placeholders}`` for earlier answers become a short word.
    """
    lines = []
    for raw in text.splitlines():
        line = _BULLET.sub("", _PLACEHOLDER.sub("it", raw)).strip()
        if not line:
            continue
        if not line.endswith(_ENDS_SENTENCE):
            line += "."
        lines.append(line)
    return " ".join(lines)


def syllables(word: str) -> int:
    return max(1, int(_stats().syllable_count(word)))


def grade(text: str) -> Grade | None:
    """The grade of an English text, or None when it is too short to grade fairly."""
    prose = prepare(text)
    words = _WORD.findall(prose)
    if len(words) < MIN_WORDS:
        return None
    value = float(_stats().flesch_kincaid_grade(prose))
    long_words: dict[str, str] = {}
    for word in words:
        if word.lower() not in long_words and syllables(word.lower()) >= HARD_SYLLABLES:
            long_words[word.lower()] = word
    ranked = sorted(long_words.values(), key=lambda w: (-len(w), w.lower()))
    return Grade(round(value, 1), len(words), tuple(ranked))
