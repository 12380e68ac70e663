"""Earlier answers inside later texts: ``You said {good_people} helps you.``

A placeholder is an answer's id in braces, with an optional fallback after `or`:
``{good_people}``, ``{good_people or the people around you}``. ``{{`` and ``}}`` write a brace.

When an answer is missing (skipped, or never asked) and there is no fallback, the *sentence*
holding the placeholder is left out, so no half sentence like "You said  helps you." is sent.

Piped values are what people typed, so they are cleaned before they go in: control and
direction-changing characters are removed, runs of spaces and new lines become one space, and a
long value is cut (with "…") so that messages stay readable. The caller sends plain text (no
parse mode), so nothing a person types can become formatting or a link.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from .texts import Text, shorten

PIPE_LIMIT: Final = 200
"""The most characters one piped answer takes in a message (UTF-16 units, like Telegram)."""

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]{1,120})\}")
_INNER = re.compile(r"\s*(\S+?)(?:\s+or\s+(.*?))?\s*", re.DOTALL)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*[ \t]+|[ \t]*\n\s*")


@dataclass(frozen=True, slots=True)
class Slot:
    name: str  # the answer id as written (checked by the compiler)
    fallback: str | None  # words to use when there is no answer
    start: int  # where the placeholder is in the text (for error positions)


Part = str | Slot


Unit = tuple[tuple[Part, ...], str]  # a sentence, and the spaces or new lines after it


@dataclass(frozen=True, slots=True)
class Template:
    """A text split into sentences of literal pieces and slots."""

    units: tuple[Unit, ...]
    plain: str | None  # the finished text when there are no slots

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(part for unit, _ in self.units for part in unit if isinstance(part, Slot))

    def render(self, lookup: Callable[[str], str | None]) -> str:
        """The text with answers filled in (`lookup` gives a cleaned answer, or None)."""
        if self.plain is not None:
            return self.plain
        kept: list[list[str]] = []  # [sentence, what follows it]
        for unit, after in self.units:
            pieces: list[str] = []
            for part in unit:
                if isinstance(part, str):
                    pieces.append(part)
                    continue
                found = lookup(part.name)
                if found is None or not found.strip():
                    found = part.fallback
                if found is None:
                    break
                pieces.append(found)
            else:
                kept.append(["".join(pieces), after])
                continue
            # Left out: keep a paragraph break that came after it.
            if kept and after.count("\n") > kept[-1][1].count("\n"):
                kept[-1][1] = after
        text = "".join(sentence + after for sentence, after in kept).strip()
        if text:
            return text
        # Every sentence needed a missing answer: show the words around the gaps instead.
        return re.sub(
            r"[ \t]{2,}",
            " ",
            "".join(
                "".join(p for p in unit if isinstance(p, str)) + after for unit, after in self.units
            ),
        ).strip()


def parse(text: str) -> Template:
    parts: list[Part] = []
    at = 0
    for match in _TOKEN.finditer(text):
        if match.start() > at:
            parts.append(text[at : match.start()])
        found = match.group(0)
        if found == "{{":
            parts.append("{")
        elif found == "}}":
            parts.append("}")
        else:
            inner = _INNER.fullmatch(match.group(1))
            if inner is None:  # only spaces inside the braces: keep them as written
                parts.append(found)
            else:
                fallback = inner.group(2)
                parts.append(
                    Slot(inner.group(1), fallback.strip() if fallback else None, match.start())
                )
        at = match.end()
    if at < len(text):
        parts.append(text[at:])
    if not any(isinstance(part, Slot) for part in parts):
        return Template((((text,), ""),), "".join(p for p in parts if isinstance(p, str)))
    return Template(tuple(_sentences(parts)), None)


def _sentences(parts: list[Part]) -> Iterator[Unit]:
    unit: list[Part] = []
    for part in parts:
        if isinstance(part, Slot):
            unit.append(part)
            continue
        at = 0
        for match in _BOUNDARY.finditer(part):
            gap = match.group(0)
            marks = len(gap) - len(gap.lstrip(".!?…\"'”’)]"))
            end = match.start() + marks  # the punctuation stays with its sentence
            unit.append(part[at:end])
            yield tuple(unit), part[end : match.end()]
            unit = []
            at = match.end()
        if at < len(part):
            unit.append(part[at:])
    if unit:
        yield tuple(unit), ""


_REMOVE = frozenset({"Cc", "Cf", "Co", "Cs"})
_KEEP = frozenset({"\u200d"})  # the zero-width joiner inside emoji like 👩‍👧


def clean(value: str, limit: int = PIPE_LIMIT) -> str:
    """A person's words made safe to put inside one of our sentences."""
    kept = "".join(
        char
        for char in value
        if char in _KEEP or unicodedata.category(char) not in _REMOVE or char in "\n\t"
    )
    return shorten(" ".join(kept.split()), limit)


@dataclass(frozen=True, slots=True)
class Wording:
    """A text in each language, ready to fill in."""

    text: Text
    templates: tuple[tuple[str, Template], ...]

    @classmethod
    def of(cls, text: Text) -> Wording:
        return cls(text, tuple((lang, parse(words)) for lang, words in text.by_lang))

    def template(self, lang: str) -> Template:
        found = dict(self.templates)
        return found.get(lang) or found.get("en") or self.templates[0][1]

    @property
    def slots(self) -> tuple[tuple[str, Slot], ...]:
        return tuple((lang, slot) for lang, template in self.templates for slot in template.slots)

    @property
    def piped(self) -> bool:
        return any(template.plain is None for _, template in self.templates)

    def render(self, lang: str, lookup: Callable[[str], str | None]) -> str:
        return self.template(lang).render(lookup)
