"""Texts in several languages, and splitting long texts to fit one Telegram message."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

DEFAULT_LANG: Final = "en"
SUPPORTED_LANGS: Final = ("en", "cy")

# Telegram's limit for one message, counted in UTF-16 code units (an emoji can count 2).
MESSAGE_LIMIT: Final = 4096
BUTTON_LABEL_LIMIT: Final = 64


class Text(Mapping[str, str]):
    """One text in one or more languages: an immutable mapping like ``{"en": "Hello",
    "cy": "Helo"}``. `pick` chooses the person's language with a fallback to English."""

    __slots__ = ("_by_lang",)

    def __init__(self, by_lang: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = by_lang.items() if isinstance(by_lang, Mapping) else by_lang
        self._by_lang: dict[str, str] = dict(pairs)

    @classmethod
    def of(cls, value: str | Mapping[str, str]) -> Text:
        """A plain string means English."""
        return cls({DEFAULT_LANG: value} if isinstance(value, str) else value)

    def __getitem__(self, lang: str) -> str:
        return self._by_lang[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_lang)

    def __len__(self) -> int:
        return len(self._by_lang)

    def __hash__(self) -> int:
        return hash(tuple(self._by_lang.items()))

    def __repr__(self) -> str:
        return f"Text({self._by_lang!r})"

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(self._by_lang)

    @property
    def by_lang(self) -> tuple[tuple[str, str], ...]:
        return tuple(self._by_lang.items())

    def pick(self, lang: str) -> str:
        """The text in `lang`, else English, else the first language given, else ""."""
        found = self._by_lang.get(lang)
        if found is None:
            found = self._by_lang.get(DEFAULT_LANG)
        if found is None:
            found = next(iter(self._by_lang.values()), "")
        return found


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


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-16 units, ending in "…" when cut."""
    if telegram_length(text) <= limit:
        return text
    out = ""
    size = 1  # the ellipsis
    for char in text:
        width = telegram_length(char)
        if size + width > limit:
            break
        out += char
        size += width
    return out.rstrip() + "…"


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\s+")


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> tuple[str, ...]:
    """Split `text` into pieces of at most `limit` UTF-16 units.

    Breaks between paragraphs where possible, then between sentences, then between words, and
    only as a last resort inside a word.
    """
    text = text.strip()
    if telegram_length(text) <= limit:
        return (text,)
    return tuple(piece for piece in _pack(text, limit, 0) if piece)


_SEPARATORS: Final = ((_PARAGRAPH, "\n\n"), (_SENTENCE, " "), (_WORD, " "))


def _pack(text: str, limit: int, level: int) -> Iterator[str]:
    if telegram_length(text) <= limit:
        yield text
        return
    if level >= len(_SEPARATORS):
        yield from _hard_split(text, limit)
        return
    pattern, joiner = _SEPARATORS[level]
    parts = [p.strip() for p in pattern.split(text) if p.strip()]
    if len(parts) <= 1:
        yield from _pack(text, limit, level + 1)
        return
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            yield current
        if telegram_length(part) <= limit:
            current = part
        else:
            yield from _pack(part, limit, level + 1)
            current = ""
    if current:
        yield current


def _hard_split(text: str, limit: int) -> Iterator[str]:
    current = ""
    size = 0
    for char in text:
        width = telegram_length(char)
        if size + width > limit:
            yield current
            current, size = "", 0
        current += char
        size += width
    if current:
        yield current
