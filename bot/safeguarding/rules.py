"""dialogues/safeguarding.yaml -> `Rules`; `Rules.check(message)` -> `Match | None`.

The file's format is described at its top. This module reads it (the only I/O in the package),
refuses a broken file with `file:line:col: message` problems, and compiles every phrase once.

How a message is checked:

1. it is tidied (`normalise`): case, apostrophes, accents, repeated letters, text-speak;
2. every `everyday:` phrase (idioms such as "could kill for a coffee") is found and the words it
   covers are blanked out, so they can't set anything off; the rest of the message still counts
   ("I could kill for a coffee but I want to kill myself" still matches);
3. if the message says something is over and safe (`past_and_over: over:`) and nothing says it
   is back (`again:`), a match whose part of the sentence says it was in the past (`past:`)
   does not count (see the file);
4. for each category, in file order (most urgent first), its own `except:` phrases are blanked
   the same way, then its phrases are tried in both languages; the first phrase that matches is
   that category's hit;
5. the result lists every category that matched. Negation is *not* special: "I'm not going to
   kill myself" matches, because missing a crisis costs far more than an unneeded message.

Speed: every phrase is indexed by the words it needs (`patterns.anchor`), so a message is tried
only against the phrases whose words it has. A message of more than CHUNK words is cut into
stretches (whole sentences, or overlapping windows of a long sentence), and each phrase is
searched only in the stretches that hold all its words. `trace` does the same the slow way and
says why each phrase counted or not.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import reduce
from itertools import chain
from operator import or_
from pathlib import Path
from typing import Literal

from . import patterns
from ._yaml import Key, Map, Node, Problem, SafeguardingError, Scalar, Seq, kind, parse
from .examples import FILE_NAME as EXAMPLES_FILE
from .examples import Case, parse_examples
from .learned import DEFAULT_THRESHOLD, Learned, Verdict, train
from .learned import cache_name as learned_cache_name
from .learned import digest as text_digest
from .learned import load as load_learned
from .learned import save as save_learned
from .normalise import BOUNDARY, FUZZY_MAX, FUZZY_MIN, fuzzy_index, normalise, tidy, words

MAX_BYTES = 1024 * 1024
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_LANGUAGE = re.compile(r"[a-z]{2,3}\Z")
_PLACEHOLDER = " ~"

TOP_KEYS = (
    "languages",
    "spellings",
    "fuzzy",
    "words",
    "everyday",
    "past_and_over",
    "learned",
    "categories",
)
LEARNED_KEYS = ("threshold",)
PAST_KEYS = ("past", "over", "again", "joins")
CATEGORY_KEYS = ("label", "reply", "also", "call", "phrases", "except")
# How a call from the probation officer is offered after the reply: `offer` asks whether they
# would like one; `ask_if_safe` first asks whether a call is safe at all, and when (someone may
# be hurting them, and may be there when the phone rings).
CALL_MODES = ("offer", "ask_if_safe")


@dataclass(frozen=True, slots=True)
class Rule:
    """One phrase (or raw regex) from the file."""

    # the category key; "everyday" for the shared exceptions; "past", "over" or "again" for
    # the lists of `past_and_over:`
    category: str
    language: str
    text: str  # as written in the file
    file: str
    line: int
    # "learned": no phrase but the learned tier (see learned.py); `text` says why in words,
    # file and line are those of the example the message was most like
    kind: Literal["phrase", "regex", "learned"] = "phrase"
    exception: bool = False
    example: str = field(default="", compare=False)  # a message it matches ("" for a regex)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def __str__(self) -> str:
        shown = f"regex: {self.text}" if self.kind == "regex" else self.text
        return f"{shown} ({self.language}, {self.where})"


# A long message is checked in stretches of at most CHUNK words: whole sentences where they fit
# (no phrase runs across two sentences), a longer sentence in windows that overlap by more
# words than any phrase covers. Each stretch is checked only for the phrases whose words are in
# it, so a message of 4096 characters costs a few short ones.
CHUNK = 48


def chunks(line: str, overlap: int) -> list[str]:
    """A tidied message (" w1 w2 . w3 ") cut into stretches of at most CHUNK words, each tidied
    the same way. Where a sentence is cut, the stretch gets the word "~" at the cut, so that
    {start} and {end} do not match there."""
    out: list[str] = []
    packed: list[str] = []
    count = 0
    step = max(1, CHUNK - overlap)
    for sentence in line.strip().split(" . "):
        size = sentence.count(" ") + 1
        if packed and count + size > CHUNK:
            out.append(" " + " . ".join(packed) + " ")
            packed, count = [], 0
        if size <= CHUNK:
            packed.append(sentence)
            count += size
            continue
        found = sentence.split()
        for at in range(0, len(found), step):
            head = "~ " if at else ""
            tail = " ~" if at + CHUNK < len(found) else ""
            out.append(" " + head + " ".join(found[at : at + CHUNK]) + tail + " ")
            if at + CHUNK >= len(found):
                break
    if packed:
        out.append(" " + " . ".join(packed) + " ")
    return out


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: Rule
    # A phrase's regular expression, compiled the first time a message has the words it needs:
    # compiling all 1,200 at start-up took a second, and most are rarely tried.
    source: re.Pattern[str] | str
    anchor: patterns.Anchor | None  # None: no word is required (a raw regex): always tried

    @property
    def regex(self) -> re.Pattern[str]:
        return self.source if isinstance(self.source, re.Pattern) else _regex(self.source)

    def possible(self, keys: frozenset[str]) -> bool:
        """Whether the text has the words this phrase needs (a fast pre-check)."""
        found = self.anchor
        if found is None:
            return True
        if keys.isdisjoint(found.keys):
            return False
        return not any(map(keys.isdisjoint, found.others))

    def search(self, text: str, keys: frozenset[str]) -> bool:
        return self.possible(keys) and self.regex.search(text) is not None

    def spans(self, text: str, keys: frozenset[str]) -> list[tuple[int, int]]:
        """Where the phrase matches, left to right, never overlapping."""
        if not self.possible(keys):
            return []
        return [match.span() for match in self.regex.finditer(text)]

    def blank(self, text: str, keys: frozenset[str]) -> str:
        if not self.possible(keys):
            return text
        return self.regex.sub(_PLACEHOLDER, text)


@functools.cache
def _regex(source: str) -> re.Pattern[str]:
    return re.compile(source)


@dataclass(frozen=True, slots=True)
class _Phrases:
    """A category's phrases (or a list like `over:`), found by the words they need."""

    compiled: tuple[_Compiled, ...]
    index: Mapping[str, tuple[int, ...]]  # anchor key -> phrases that need it
    always: tuple[int, ...]  # phrases tried on every message

    @classmethod
    def of(cls, compiled: tuple[_Compiled, ...]) -> _Phrases:
        index: dict[str, list[int]] = {}
        always: list[int] = []
        for at, phrase in enumerate(compiled):
            if phrase.anchor is None:
                always.append(at)
            else:
                for key in phrase.anchor.keys:
                    index.setdefault(key, []).append(at)
        return cls(compiled, {k: tuple(v) for k, v in index.items()}, tuple(always))

    def candidates(self, keys: frozenset[str]) -> list[_Compiled]:
        """The phrases that may match, in file order."""
        return [self.compiled[at] for at in self.numbered(keys)]

    def numbered(self, keys: frozenset[str]) -> list[int]:
        """The places (in file order) of the phrases that may match."""
        found = set(self.always)
        for key in keys & self.index.keys():
            found.update(self.index[key])
        return sorted(found)

    def any(self, text: str, keys: frozenset[str]) -> bool:
        return any(phrase.search(text, keys) for phrase in self.candidates(keys))


@dataclass(frozen=True, slots=True)
class _Check:
    key: str
    exceptions: tuple[_Compiled, ...]
    phrases: _Phrases


@dataclass(frozen=True, slots=True)
class _Index:
    """Every `everyday:`, `except:` and category phrase in one list, in the order a message is
    checked (everyday, then each category's exceptions and phrases), found by the words they
    need: a stretch of a message gets the places of the phrases that may match, in order."""

    compiled: tuple[_Compiled, ...]
    index: Mapping[str, tuple[int, ...]]
    always: tuple[int, ...]
    everyday: int  # places below this are `everyday:` phrases
    bounds: tuple[tuple[int, int, int], ...]  # per category: exceptions from, phrases from, to
    wanted: frozenset[str] = frozenset()  # every key a phrase needs (past_and_over's too)
    anchors: frozenset[str] = frozenset()  # the keys of `index`

    @classmethod
    def of(
        cls,
        everyday: tuple[_Compiled, ...],
        checks: tuple[_Check, ...],
        past: PastAndOver | None,
    ) -> _Index:
        compiled = list(everyday)
        bounds: list[tuple[int, int, int]] = []
        for check in checks:
            first = len(compiled)
            compiled += check.exceptions
            middle = len(compiled)
            compiled += check.phrases.compiled
            bounds.append((first, middle, len(compiled)))
        found = _Phrases.of(tuple(compiled))
        wanted: set[str] = set()
        for phrase in (*compiled, *(past.all() if past is not None else ())):
            if phrase.anchor is not None:
                wanted |= phrase.anchor.keys
                for other in phrase.anchor.others:
                    wanted |= other
        return cls(
            found.compiled,
            found.index,
            found.always,
            len(everyday),
            tuple(bounds),
            frozenset(wanted),
            frozenset(found.index),
        )

    def places(self, keys: frozenset[str]) -> list[int]:
        found = set(self.always)
        index = self.index
        for key in keys & self.anchors:
            found.update(index[key])
        return sorted(found)


@dataclass(frozen=True, slots=True)
class PastAndOver:
    """`past_and_over:` in the file: a worry told as past and over does not count."""

    past: tuple[Rule, ...]  # "used to", "years ago": it was in the past
    over: tuple[Rule, ...]  # "been clean for", "I'm safe now": it is over
    again: tuple[Rule, ...]  # "again", "still": it is back, or never stopped
    joins: Mapping[str, tuple[str, ...]]  # language -> words that start a new part of a sentence
    _past: _Phrases = field(repr=False)
    _over: _Phrases = field(repr=False)
    _again: _Phrases = field(repr=False)
    _needles: Mapping[str, tuple[str, ...]] = field(repr=False)  # language -> " but "...

    def all(self) -> tuple[_Compiled, ...]:
        return (*self._past.compiled, *self._over.compiled, *self._again.compiled)

    def applies_in(
        self,
        texts: list[str],
        keys: list[frozenset[str]],
        stretches: Callable[[_Compiled], Iterator[int]],
        present: frozenset[str],
    ) -> bool:
        """`applies`, for a long message in stretches (see `Rules._check_long`)."""

        def says(phrases: _Phrases) -> bool:
            return any(
                phrase.possible(keys[n]) and phrase.regex.search(texts[n]) is not None
                for phrase in phrases.candidates(present)
                for n in stretches(phrase)
            )

        return says(self._over) and not says(self._again)

    def applies(self, pieces: list[tuple[str, frozenset[str]]]) -> bool:
        """The message says something is over, and nothing about it being back."""
        return any(self._over.any(text, keys) for text, keys in pieces) and not any(
            self._again.any(text, keys) for text, keys in pieces
        )

    def part(self, text: str, start: int, end: int, language: str) -> tuple[int, int]:
        """The part of the sentence around text[start:end]: from the last "." or join word
        (of the language of the phrase that matched) before it to the first one after it."""
        lo = text.rfind(" . ", 0, start + 1)
        lo = 0 if lo < 0 else lo + 2
        hi = text.find(" . ", end)
        hi = len(text) if hi < 0 else hi + 1
        for needle in self._needles.get(language, ()):
            at = text.rfind(needle, lo, start + 1)
            if at >= 0:
                lo = at + len(needle) - 1
            at = text.find(needle, end, hi)
            if at >= 0:
                hi = at + 1
        return lo, hi

    def blank_past(self, text: str, keys: frozenset[str]) -> str:
        """The text with every part of a sentence that says it was in the past blanked out
        ("~"): where a phrase would not count (for the learned tier, which has no spans)."""
        parts: list[tuple[int, int]] = []
        for phrase in self._past.candidates(keys):
            if not phrase.possible(keys):
                continue
            for found in phrase.regex.finditer(text):
                parts.append(self.part(text, *found.span(), phrase.rule.language))
        if not parts:
            return text
        out: list[str] = []
        at = 0
        for lo, hi in sorted(parts):
            if hi <= at:
                continue
            out.append(text[at : max(lo, at)])
            out.append(" ~ ")
            at = hi
        out.append(text[at:])
        return "".join(out)

    def covers(self, text: str, span: tuple[int, int], keys: frozenset[str], language: str) -> bool:
        """Whether the part of the sentence holding this match says it was in the past."""
        return self.covering(text, span, keys, language) is not None

    def covering(
        self, text: str, span: tuple[int, int], keys: frozenset[str], language: str
    ) -> Rule | None:
        """The `past:` phrase in the part of the sentence holding this match, if any."""
        lo, hi = self.part(text, *span, language)
        for phrase in self._past.candidates(keys):
            if phrase.possible(keys) and phrase.regex.search(text, lo, hi) is not None:
                return phrase.rule
        return None


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    label: Mapping[str, str]  # for staff
    reply: Mapping[str, str]  # what the person is told first, in every language
    also: Mapping[str, str]  # one line added when a more urgent category leads (may be empty)
    call: str  # one of CALL_MODES
    rules: tuple[Rule, ...] = field(repr=False)
    exceptions: tuple[Rule, ...] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Hit:
    category: str
    rule: Rule


@dataclass(frozen=True, slots=True)
class Match:
    """What a message set off: one hit per category, most urgent category first."""

    hits: tuple[Hit, ...]

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(hit.category for hit in self.hits)

    @property
    def category(self) -> str:
        return self.hits[0].category

    @property
    def rule(self) -> Rule:
        return self.hits[0].rule

    @property
    def language(self) -> str:
        return self.hits[0].rule.language


@dataclass(frozen=True, slots=True)
class Trace:
    """How one message was checked, phrase by phrase: for staff writing rules
    (``python -m tests.safeguarding.report --explain "message"``) and for tests."""

    tidy: str  # the message as matched, with idioms blanked out ("~")
    everyday: tuple[Rule, ...]  # `everyday:` and `except:` phrases that blanked words
    hits: tuple[Hit, ...]  # every phrase that counted, category by category
    past: tuple[tuple[Hit, Rule], ...]  # phrases told as past and over, with the `past:` phrase
    over: tuple[Rule, ...]  # `over:` phrases found in the message
    again: tuple[Rule, ...]  # `again:` phrases found in the message
    # what the learned tier made of it (None: no tier, or nothing to go on); its hit is in
    # `hits` when no phrase counted and it was sure enough
    learned: Verdict | None = None
    learned_text: str = ""  # the message as the tier read it

    @property
    def match(self) -> Match | None:
        """The same as `Rules.check`: the first phrase that counted in each category."""
        first: dict[str, Hit] = {}
        for hit in self.hits:
            first.setdefault(hit.category, hit)
        return Match(tuple(first.values())) if first else None


@dataclass(frozen=True, slots=True)
class Rules:
    file: str
    digest: str  # sha256 of the file text: store it with a flag to know which rules raised it
    languages: tuple[str, ...]
    categories: tuple[Category, ...]
    spellings: Mapping[str, tuple[str, ...]] = field(repr=False)
    fuzzy: Mapping[str, str] = field(repr=False)
    everyday: tuple[Rule, ...] = field(repr=False)
    past_and_over: PastAndOver | None = field(repr=False)
    _everyday: tuple[_Compiled, ...] = field(repr=False)
    _checks: tuple[_Check, ...] = field(repr=False)
    _overlap: int = field(default=CHUNK // 2, repr=False)  # words, longer than any phrase
    _index: _Index = field(default=None, repr=False)  # type: ignore[assignment]
    # `learned:` in the file: how sure the learned tier must be to raise a category (None: off)
    threshold: float | None = DEFAULT_THRESHOLD
    # the learned tier, trained from the examples beside the file by `load_rules` (None: none)
    learned: Learned | None = field(default=None, repr=False)

    def normalise(self, text: str) -> str:
        """The tidied form a message is matched in (useful when writing a raw regex)."""
        return normalise(text, self.spellings, self.fuzzy)

    def check(self, text: str) -> Match | None:
        """The categories this message sets off, or None. Never raises for any text."""
        line, found = tidy(text, self.spellings, self.fuzzy)
        if not found:
            return None
        if line.count(" ") > CHUNK + 1:
            return self._check_long(line, found)
        index = self._index
        compiled = index.compiled
        keys = frozenset(patterns.keys_of(found))
        places = index.places(keys)
        split = bisect_left(places, index.everyday)
        for at in places[:split]:
            line = compiled[at].blank(line, keys)
        past = self.past_and_over
        if past is not None and not past.applies([(line, keys)]):
            past = None
        hits: list[Hit] = []
        for (first, middle, last), check in zip(index.bounds, self._checks, strict=True):
            lo = bisect_left(places, first, split)
            mid = bisect_left(places, middle, lo)
            hi = bisect_left(places, last, mid)
            if mid == hi:
                continue
            mine = line
            for at in places[lo:mid]:
                mine = compiled[at].blank(mine, keys)
            for at in places[mid:hi]:
                phrase = compiled[at]
                if past is None:
                    if not phrase.search(mine, keys):
                        continue
                elif all(
                    past.covers(mine, span, keys, phrase.rule.language)
                    for span in phrase.spans(mine, keys)
                ):
                    continue  # no match, or every match is told as past and over
                hits.append(Hit(check.key, phrase.rule))
                break
        if hits:
            return Match(tuple(hits))
        if self.learned is None:
            return None
        if past is not None:
            line = past.blank_past(line, keys)
        return self._learned(line, keys)[0]

    def _learned(
        self, line: str, keys: frozenset[str], *, traced: bool = False
    ) -> tuple[Match | None, Verdict | None]:
        """The learned tier on a message as `learned_text` reads it: a Match when it is sure
        enough (`threshold`), and (when `traced`, or it fires) its verdict. When it would fire,
        the chosen category's `except:` phrases are blanked out and the message scored again,
        so they win over the tier too."""
        learned = self.learned
        threshold = self.threshold
        if learned is None or line.isspace():
            return None, None
        if not traced:
            score = learned.score(line)  # the common case, quickly: not sure enough
            if score is None or threshold is None or score < threshold:
                return None, None
        verdict = learned.verdict(line)
        tried: set[str] = set()
        while (
            verdict is not None
            and threshold is not None
            and verdict.score >= threshold
            and verdict.category not in tried
        ):
            tried.add(verdict.category)
            blanked = line
            for exception in self._exceptions(verdict.category):
                blanked = exception.blank(blanked, keys)
            if blanked == line:
                break
            line = blanked
            verdict = learned.verdict(line)
        if verdict is None or threshold is None or verdict.score < threshold:
            return None, verdict
        near = learned.nearest(line, verdict.category)
        if near:
            case, _ = near[0]
            said, language, where, at = case.text, case.language, case.file, case.line
        else:  # pragma: no cover - a category with a score has examples
            said, language, where, at = "", self.languages[0], learned.file, 1
        shown = said if len(said) <= 80 else said[:77] + "..."
        rule = Rule(
            verdict.category,
            language,
            f'learned ({verdict.score:.2f}): like "{shown}" in {Path(where).name}',
            where,
            at,
            "learned",
            example=said,
        )
        return Match((Hit(verdict.category, rule),)), verdict

    def learned_match(self, text: str) -> Match | None:
        """What the learned tier alone makes of a message (as `check` would use it, whatever
        the phrases say): for measuring it, and for `--explain`."""
        if self.learned is None:
            return None
        return self._learned(*self.learned_text(text))[0]

    def _exceptions(self, key: str) -> tuple[_Compiled, ...]:
        for check in self._checks:
            if check.key == key:
                return check.exceptions
        return ()

    def learned_text(self, text: str) -> tuple[str, frozenset[str]]:
        """What the learned tier reads: the tidied message with the `everyday:` idioms blanked
        out ("~"), and, when it says something is past and over, the parts of its sentences
        told as past; with the anchor keys of its words."""
        line, found = tidy(text, self.spellings, self.fuzzy)
        if not found:
            return " ", frozenset()
        return self._blanked(line, found)

    def _blanked(self, line: str, found: frozenset[str]) -> tuple[str, frozenset[str]]:
        """`learned_text` of a tidied message."""
        keys = frozenset(patterns.keys_of(found))
        index = self._index
        places = index.places(keys)
        for at in places[: bisect_left(places, index.everyday)]:
            line = index.compiled[at].blank(line, keys)
        past = self.past_and_over
        if past is not None and past.applies([(line, keys)]):
            line = past.blank_past(line, keys)
        return line, keys

    def _check_long(self, line: str, found: frozenset[str]) -> Match | None:
        """`check` for a message of more than CHUNK words: cut into stretches (see `chunks`),
        each phrase is searched only in the stretches that hold all the words it needs."""
        index = self._index
        compiled = index.compiled
        keys_of = {word: patterns.word_keys(word) for word in found}
        keys_of[BOUNDARY] = keys_of["~"] = ()
        texts = chunks(line, self._overlap)
        stretch_keys: list[frozenset[str]] = []
        where: dict[str, int] = {}  # key -> the stretches that have it, as bits
        for number, piece in enumerate(texts):
            keys = frozenset(chain.from_iterable(map(keys_of.__getitem__, piece.split())))
            stretch_keys.append(keys)
            bit = 1 << number
            for key in keys & index.wanted:
                where[key] = where.get(key, 0) | bit
        present = frozenset(where)
        every = (1 << len(texts)) - 1

        def stretches(phrase: _Compiled) -> Iterator[int]:
            """The stretches holding every word the phrase needs."""
            found = phrase.anchor
            if found is None:
                mask = every
            elif any(map(present.isdisjoint, found.others)):
                return  # a word it needs is nowhere in the message
            else:
                mask = reduce(or_, map(where.__getitem__, found.keys & present), 0)
                for other in found.others:
                    mask &= reduce(or_, map(where.__getitem__, other & present), 0)
            while mask:
                low = mask & -mask
                yield low.bit_length() - 1
                mask ^= low

        places = index.places(present)
        split = bisect_left(places, index.everyday)
        for at in places[:split]:
            for number in stretches(compiled[at]):
                texts[number] = compiled[at].regex.sub(_PLACEHOLDER, texts[number])
        past = self.past_and_over
        if past is not None and not past.applies_in(texts, stretch_keys, stretches, present):
            past = None
        hits: list[Hit] = []
        for (first, middle, last), check in zip(index.bounds, self._checks, strict=True):
            lo = bisect_left(places, first, split)
            mid = bisect_left(places, middle, lo)
            hi = bisect_left(places, last, mid)
            if mid == hi:
                continue
            mine: dict[int, str] = {}
            for at in places[lo:mid]:
                for number in stretches(compiled[at]):
                    mine[number] = compiled[at].regex.sub(
                        _PLACEHOLDER, mine.get(number, texts[number])
                    )
            for at in places[mid:hi]:
                phrase = compiled[at]
                if any(
                    self._counts(phrase, mine.get(n, texts[n]), stretch_keys[n], past)
                    for n in stretches(phrase)
                ):
                    hits.append(Hit(check.key, phrase.rule))
                    break
        if hits or self.learned is None:
            return Match(tuple(hits)) if hits else None
        return self._learned(*self._blanked(line, found))[0]

    @staticmethod
    def _counts(
        phrase: _Compiled, text: str, keys: frozenset[str], past: PastAndOver | None
    ) -> bool:
        """Whether the phrase matches the text, and not only as past and over."""
        if past is None:
            return phrase.regex.search(text) is not None
        spans = [match.span() for match in phrase.regex.finditer(text)]
        return any(not past.covers(text, span, keys, phrase.rule.language) for span in spans)

    def _stretches(self, line: str, found: frozenset[str]) -> list[tuple[str, frozenset[str]]]:
        """A tidied message in stretches of at most CHUNK words (see `chunks`), each with the
        words it has (as anchor keys)."""
        if line.count(" ") <= CHUNK + 1:
            return [(line, frozenset(patterns.keys_of(found)))]
        keys_of = {word: patterns.word_keys(word) for word in found}
        keys_of[BOUNDARY] = keys_of["~"] = ()
        return [
            (piece, frozenset(chain.from_iterable(map(keys_of.__getitem__, piece.split()))))
            for piece in chunks(line, self._overlap)
        ]

    def _pieces(
        self, text: str, blanked: list[Rule] | None = None
    ) -> list[tuple[str, frozenset[str]]]:
        """The tidied message in stretches, with the `everyday:` idioms blanked out (for
        `trace`, the slow way)."""
        line, found = tidy(text, self.spellings, self.fuzzy)
        if not found:
            return []
        out: list[tuple[str, frozenset[str]]] = []
        for piece, keys in self._stretches(line, found):
            for exception in self._everyday:
                new = exception.blank(piece, keys)
                if blanked is not None and new != piece:
                    blanked.append(exception.rule)
                piece = new
            out.append((piece, keys))
        return out

    def trace(self, text: str) -> Trace:
        """Check a message the slow way, noting every phrase that matched and why it counted
        or not. `trace(text).match` is always `check(text)`."""
        blanked: list[Rule] = []
        pieces = self._pieces(text, blanked)
        past = self.past_and_over
        over: dict[Rule, None] = {}
        again: dict[Rule, None] = {}
        if past is not None:
            for piece, keys in pieces:
                for c in past._over.candidates(keys):
                    if c.search(piece, keys):
                        over[c.rule] = None
                for c in past._again.candidates(keys):
                    if c.search(piece, keys):
                        again[c.rule] = None
        hits: dict[tuple[int, int], Hit] = {}
        told_as_past: dict[tuple[int, int], tuple[Hit, Rule]] = {}
        for number, check in enumerate(self._checks):
            for piece, keys in pieces:
                mine = piece
                for exception in check.exceptions:
                    new = exception.blank(mine, keys)
                    if new != mine:
                        blanked.append(exception.rule)
                    mine = new
                for at in check.phrases.numbered(keys):
                    phrase = check.phrases.compiled[at]
                    spans = phrase.spans(mine, keys)
                    if not spans or (number, at) in hits:
                        continue
                    hit = Hit(check.key, phrase.rule)
                    if past is not None and over and not again:
                        covering = [
                            past.covering(mine, span, keys, phrase.rule.language) for span in spans
                        ]
                        first = covering[0]
                        if first is not None and all(covering):
                            told_as_past.setdefault((number, at), (hit, first))
                            continue
                    hits[(number, at)] = hit
        for key in hits:
            told_as_past.pop(key, None)
        tidied = " . ".join(piece.strip() for piece, _ in pieces)
        found = tuple(hit for _, hit in sorted(hits.items()))
        verdict = None
        learned_line = ""
        if self.learned is not None:
            learned_line, keys = self.learned_text(text)
            learned, verdict = self._learned(learned_line, keys, traced=True)
            if learned is not None and not found:
                found = learned.hits
        return Trace(
            tidy=f" {tidied} " if tidied else " ",
            everyday=tuple(dict.fromkeys(blanked)),
            hits=found,
            past=tuple(pair for _, pair in sorted(told_as_past.items())),
            over=tuple(over),
            again=tuple(again),
            learned=verdict,
            learned_text=learned_line,
        )

    def category(self, key: str) -> Category:
        for category in self.categories:
            if category.key == key:
                return category
        raise KeyError(key)

    def reply(self, match: Match, language: str) -> str:
        """What the person is told first: the leading category's reply, then the `also:` line
        of each other category that matched, in `language` (English where a text is missing)."""
        lead = self.category(match.category)
        parts = [_pick(lead.reply, language)]
        for key in match.categories[1:]:
            line = _pick(self.category(key).also, language)
            if line:
                parts.append(line)
        return "\n\n".join(p for p in parts if p)

    def call_mode(self, match: Match) -> str:
        """`ask_if_safe` when any category that matched says so: a call must not put the
        person at risk, whichever category leads the reply."""
        modes = {self.category(key).call for key in match.categories}
        return "ask_if_safe" if "ask_if_safe" in modes else "offer"

    def all_rules(self) -> Iterator[Rule]:
        yield from self.everyday
        if self.past_and_over is not None:
            yield from self.past_and_over.past
            yield from self.past_and_over.over
            yield from self.past_and_over.again
        for category in self.categories:
            yield from category.exceptions
            yield from category.rules


def _pick(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


# Where `load_rules` keeps fitted learned tiers between runs (see learned.save), like the
# database under var/ in the folder Tandem runs in.
CACHE = Path("var") / "safeguarding"


def load_rules(path: str | Path, cache: Path | None = CACHE) -> Rules:
    """Read and compile the safeguarding file, and train its learned tier from the examples
    beside it (or read the fitted tier kept in `cache`; None: always train). Raises
    SafeguardingError (file:line:col: ...)."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise SafeguardingError(
            [Problem(file, 1, 1, f"can't read this file: {err.strerror or err}")]
        ) from None
    if len(raw) > MAX_BYTES:
        raise SafeguardingError(
            [
                Problem(
                    file, 1, 1, f"this file is over {MAX_BYTES // 1024} KiB; is it the right one?"
                )
            ]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise SafeguardingError(
            [Problem(file, line, 1, "this line is not saved as UTF-8; save the file as UTF-8")]
        ) from None
    key = (file, hashlib.sha256(raw).hexdigest())
    rules = _PARSED.get(key)
    if rules is None:
        rules = parse_rules(text, file)
        _PARSED[key] = rules
        while len(_PARSED) > _KEEP:
            _PARSED.pop(next(iter(_PARSED)))
    if rules.threshold is None:
        return rules  # `learned: off`
    beside = Path(path).with_name(EXAMPLES_FILE)
    if not beside.is_file():
        return rules
    try:
        examples = beside.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) else "it is not saved as UTF-8"
        raise SafeguardingError(
            [Problem(str(beside), 1, 1, f"can't read this file: {why or err}")]
        ) from None
    return replace(rules, learned=learned_for(rules, examples, str(beside), cache))


# Trained tiers, by (rules digest, examples digest), and compiled rules, by (file, digest):
# loading the same files again in this process (a reload, another Tandem in the same tests)
# neither trains nor compiles again. A few of the most recent are kept.
_TRAINED: dict[tuple[str, str], Learned] = {}
_PARSED: dict[tuple[str, str], Rules] = {}
_KEEP = 4


def learned_for(
    rules: Rules, examples: str, file: str = EXAMPLES_FILE, cache: Path | None = None
) -> Learned:
    """The learned tier for these rules, trained from the text of an examples file (or the
    one trained before for the same two files, in this process or kept in `cache`). Raises
    SafeguardingError (file:line:col)."""
    key = (rules.digest, text_digest(examples))
    found = _TRAINED.get(key)
    if found is not None:
        return found
    cases = parse_examples(examples, file, tuple(c.key for c in rules.categories))
    kept = None if cache is None else cache / learned_cache_name(*key)
    learned = (
        None if kept is None or not kept.is_file() else load_learned(kept, cases, file, key[1])
    )
    if learned is None:
        lines = [rules.learned_text(case.text)[0] for case in cases]
        try:
            learned = train(
                cases, lines, [c.key for c in rules.categories], file=file, text_digest=key[1]
            )
        except ValueError as err:
            raise SafeguardingError([Problem(file, 1, 1, str(err))]) from None
        if kept is not None:
            save_learned(learned, kept)
    while len(_TRAINED) >= _KEEP:
        del _TRAINED[next(iter(_TRAINED))]
    _TRAINED[key] = learned
    return learned


def with_examples(rules: Rules, cases: list[Case], rows: list[int] | None = None) -> Rules:
    """The rules with a learned tier trained on these examples (all, or those rows): for
    measuring, as in leave-one-round-out. Not cached."""
    lines = [rules.learned_text(case.text)[0] for case in cases]
    learned = train(cases, lines, [c.key for c in rules.categories], rows=rows)
    return replace(rules, learned=learned)


def parse_rules(text: str, file: str = "safeguarding.yaml") -> Rules:
    """Compile rules from the text of a safeguarding file (no I/O). Rules only: the learned
    tier is trained by `load_rules`, from the examples beside the file."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    root = parse(text, file)
    return _Compiler(file, text).compile(root)


class _Compiler:
    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.lines = text.split("\n")
        self.word_cache: patterns.Cache = {}  # how each phrase word is tidied (see parse)
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()
        self.spellings: dict[str, tuple[str, ...]] = {}
        self.fuzzy: dict[str, str] = {}
        self.word_lists: dict[str, tuple[Node, list[patterns.Sequence]]] = {}

    # -- reporting ---------------------------------------------------------------------------

    def problem(self, at: Node | Key, message: str, col_offset: int = 0) -> None:
        self.problems.append(Problem(self.file, at.line, at.col + col_offset, message))

    def unknown_keys(self, mapping: Map, allowed: tuple[str, ...], where: str) -> None:
        for name, (key, _) in mapping.entries.items():
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f"did you mean `{close[0]}`?" if close else "allowed: " + ", ".join(allowed)
                self.problem(key, f"`{name}` is not a key {where}; {hint}")

    def expect_map(self, node: Node, what: str) -> Map | None:
        if isinstance(node, Map):
            return node
        self.problem(node, f"{what} should be a set of `key: value` lines, not {kind(node)}")
        return None

    def expect_list(self, node: Node, what: str) -> Seq | None:
        if isinstance(node, Seq):
            return node
        if isinstance(node, Scalar) and node.value == "" and not node.quoted:
            self.problem(node, f"{what} is empty; write a list, one `- item` per line")
            return None
        self.problem(node, f"{what} should be a list (lines starting with `- `), not {kind(node)}")
        return None

    def expect_text(self, node: Node, what: str) -> Scalar | None:
        if isinstance(node, Scalar) and node.value.strip():
            return node
        if isinstance(node, Scalar):
            self.problem(node, f"{what} is empty")
        else:
            self.problem(node, f"{what} should be a text, not {kind(node)}")
        return None

    # -- the file ----------------------------------------------------------------------------

    def compile(self, root: Map) -> Rules:
        self.unknown_keys(root, TOP_KEYS, "at the top of the file")
        for required in ("languages", "categories"):
            if required not in root.entries:
                self.problem(root, f"the file needs `{required}:`")
        if "languages" in root.entries:
            self.read_languages(root.entries["languages"][1])
        if "spellings" in root.entries:
            self.read_spellings(root.entries["spellings"][1])
        if "fuzzy" in root.entries:
            self.read_fuzzy(root.entries["fuzzy"][1])
        if "words" in root.entries:
            self.read_words(root.entries["words"][1])
        everyday: list[_Compiled] = []
        if "everyday" in root.entries:
            everyday = self.read_per_language(
                root.entries["everyday"][1], "`everyday:`", "everyday", exception=True
            )
        past = None
        if "past_and_over" in root.entries:
            past = self.read_past_and_over(root.entries["past_and_over"][1])
        threshold: float | None = DEFAULT_THRESHOLD
        if "learned" in root.entries:
            threshold = self.read_learned(root.entries["learned"][1])
        categories: list[Category] = []
        checks: list[_Check] = []
        if "categories" in root.entries:
            node = root.entries["categories"][1]
            mapping = self.expect_map(node, "`categories:`")
            if mapping is not None:
                if not mapping.entries:
                    self.problem(mapping, "`categories:` needs at least one category")
                for name, (key, value) in mapping.entries.items():
                    read = self.read_category(name, key, value)
                    if read is not None:
                        categories.append(read[0])
                        checks.append(_Check(name, read[2], _Phrases.of(read[1])))
        if self.problems:
            raise SafeguardingError(self.problems)
        return Rules(
            file=self.file,
            digest=hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
            languages=self.languages,
            categories=tuple(categories),
            spellings=dict(self.spellings),
            fuzzy=self.fuzzy,
            everyday=tuple(c.rule for c in everyday),
            past_and_over=past,
            _everyday=tuple(everyday),
            _checks=tuple(checks),
            _overlap=self.overlap(everyday, checks, past),
            _index=_Index.of(tuple(everyday), tuple(checks), past),
            threshold=threshold,
        )

    def read_learned(self, node: Node) -> float | None:
        """`learned: off`, or `learned:` with `threshold: 0.9` below it."""
        usage = (
            "write `learned: off`, or `learned:` with `threshold: 0.9` on the line below it "
            "(a number between 0 and 1: how sure Tandem must be)"
        )
        if isinstance(node, Scalar):
            if node.value.strip().lower() == "off":
                return None
            self.problem(node, f"`learned:` is `{node.value}`; {usage}")
            return DEFAULT_THRESHOLD
        if not isinstance(node, Map):
            self.problem(
                node, f"`learned:` should be `off` or `threshold:`, not {kind(node)}; {usage}"
            )
            return DEFAULT_THRESHOLD
        self.unknown_keys(node, LEARNED_KEYS, "in `learned:`")
        if "threshold" not in node.entries:
            self.problem(node, f"`learned:` needs `threshold:`; {usage}")
            return DEFAULT_THRESHOLD
        text = self.expect_text(node.entries["threshold"][1], "`threshold:`")
        if text is None:
            return DEFAULT_THRESHOLD
        try:
            value = float(text.value)
        except ValueError:
            value = -1.0
        if not 0.0 < value < 1.0:
            self.problem(
                text,
                f"`threshold:` is `{text.value}`; write a number between 0 and 1, like 0.9 "
                "(higher: fewer alarms, and more missed; `learned: off` turns it off)",
            )
            return DEFAULT_THRESHOLD
        return value

    def overlap(
        self, everyday: list[_Compiled], checks: list[_Check], past: PastAndOver | None
    ) -> int:
        """How many words the windows of a long sentence must overlap: the most words a
        phrase can cover (a raw regex is taken to cover up to half a window)."""
        compiled = [*everyday]
        for check in checks:
            compiled += [*check.exceptions, *check.phrases.compiled]
        if past is not None:
            compiled += [*past._past.compiled, *past._over.compiled, *past._again.compiled]
        reach = [c.anchor.reach if c.anchor is not None else CHUNK // 2 for c in compiled]
        return min(max(reach, default=1), CHUNK - 8)

    def read_past_and_over(self, node: Node) -> PastAndOver | None:
        mapping = self.expect_map(node, "`past_and_over:`")
        if mapping is None:
            return None
        self.unknown_keys(mapping, PAST_KEYS, "in `past_and_over:`")
        lists: dict[str, list[_Compiled]] = {}
        for part in ("past", "over", "again"):
            if part not in mapping.entries:
                self.problem(mapping, f"`past_and_over:` needs `{part}:`")
                lists[part] = []
                continue
            lists[part] = self.read_per_language(
                mapping.entries[part][1], f"`{part}:`", part, exception=False, required=True
            )
        joins: dict[str, tuple[str, ...]] = {}
        if "joins" in mapping.entries:
            joins = self.read_joins(mapping.entries["joins"][1])
        needles = {
            language: tuple(
                sorted({" " + " ".join(words(join, self.spellings)) + " " for join in found})
            )
            for language, found in joins.items()
        }
        return PastAndOver(
            past=tuple(c.rule for c in lists["past"]),
            over=tuple(c.rule for c in lists["over"]),
            again=tuple(c.rule for c in lists["again"]),
            joins=joins,
            _past=_Phrases.of(tuple(lists["past"])),
            _over=_Phrases.of(tuple(lists["over"])),
            _again=_Phrases.of(tuple(lists["again"])),
            _needles=needles,
        )

    def read_joins(self, node: Node) -> dict[str, tuple[str, ...]]:
        mapping = self.expect_map(node, "`joins:`")
        if mapping is None:
            return {}
        self.unknown_keys_languages(mapping, "`joins:`")
        out: dict[str, tuple[str, ...]] = {}
        for language, (_, value) in mapping.entries.items():
            seq = self.expect_list(value, f"`joins:` `{language}:`")
            if seq is None:
                continue
            found: list[str] = []
            for item in seq.items:
                text = self.expect_text(item, "a join word")
                if text is None:
                    continue
                folded = [w for w in words(text.value, self.spellings) if w != BOUNDARY]
                if not folded or len(folded) != len(text.value.split()):
                    self.problem(
                        text,
                        f"`{text.value}`: a join is a word or two (letters and digits), "
                        "like `but` or `and now`",
                    )
                    continue
                found.append(text.value)
            out[language] = tuple(found)
        return out

    def read_languages(self, node: Node) -> None:
        seq = self.expect_list(node, "`languages:`")
        if seq is None:
            return
        found: list[str] = []
        for item in seq.items:
            text = self.expect_text(item, "a language")
            if text is None:
                continue
            if not _LANGUAGE.match(text.value):
                self.problem(text, f"`{text.value}` is not a language code like `en` or `cy`")
            elif text.value in found:
                self.problem(text, f"`{text.value}` is listed twice")
            else:
                found.append(text.value)
        if not found and not self.problems:
            self.problem(node, "`languages:` needs at least one language, like [en, cy]")
        self.languages = tuple(found)

    def read_spellings(self, node: Node) -> None:
        mapping = self.expect_map(node, "`spellings:`")
        if mapping is None:
            return
        for name, (key, value) in mapping.entries.items():
            folded = words(name, {})
            if len(folded) != 1 or folded[0] == BOUNDARY:
                self.problem(key, f"`{name}`: a spelling must be one word (letters and digits)")
                continue
            text = self.expect_text(value, f"the meaning of `{name}`")
            if text is None:
                continue
            meaning = tuple(w for w in words(text.value, {}) if w != BOUNDARY)
            if not meaning:
                self.problem(text, "a meaning needs letters or numbers")
                continue
            if folded[0] in self.spellings:
                self.problem(key, f"`{name}` is the same word as another spelling above")
                continue
            self.spellings[folded[0]] = meaning

    def read_fuzzy(self, node: Node) -> None:
        seq = self.expect_list(node, "`fuzzy:`")
        if seq is None:
            return
        targets: list[str] = []
        for item in seq.items:
            text = self.expect_text(item, "a word")
            if text is None:
                continue
            folded = words(text.value, {})
            if (
                len(folded) != 1
                or not FUZZY_MIN <= len(folded[0]) <= FUZZY_MAX
                or folded[0] == BOUNDARY
            ):
                self.problem(
                    text,
                    f"`{text.value}`: a fuzzy word must be one word of at least {FUZZY_MIN} "
                    f"letters (short words have too many near neighbours) and at most {FUZZY_MAX}",
                )
                continue
            if folded[0] in self.spellings:
                self.problem(text, f"`{text.value}` is already under `spellings:`")
                continue
            targets.append(folded[0])
        self.fuzzy = fuzzy_index(targets)

    def read_words(self, node: Node) -> None:
        mapping = self.expect_map(node, "`words:`")
        if mapping is None:
            return
        for name, (key, value) in mapping.entries.items():
            if not _NAME.match(name):
                self.problem(key, f"`{name}`: a list name uses a-z, 0-9 and _ (like `myself`)")
                continue
            if name in patterns.EDGES:
                self.problem(
                    key,
                    f"`{name}` is taken: {{start}} and {{end}} mark the start and the end of a "
                    "sentence; give this list another name",
                )
                continue
            seq = self.expect_list(value, f"`{name}:`")
            if seq is None:
                continue
            options: list[patterns.Sequence] = []
            for item in seq.items:
                text = self.expect_text(item, "a word")
                if text is None:
                    continue
                try:
                    options.append(
                        patterns.parse(text.value, self.spellings, None, self.word_cache)
                    )
                except patterns.PatternError as err:
                    self.problem(text, str(err), self.offset(text, err.offset))
            self.word_lists[name] = (value, options)

    def lookup(self) -> patterns.Lookup:
        def find(name: str, offset: int) -> patterns.Choice:
            found = self.word_lists.get(name)
            if found is None:
                close = difflib.get_close_matches(name, list(self.word_lists), n=1)
                hint = f"; did you mean {{{close[0]}}}?" if close else " under `words:`"
                raise patterns.PatternError(f"there is no word list `{name}`{hint}", offset)
            if not found[1]:
                raise patterns.PatternError(f"the word list `{name}` is empty", offset)
            return patterns.Choice(tuple(found[1]), optional=False)

        return find

    def offset(self, at: Scalar, offset: int) -> int:
        return offset + (1 if at.quoted else 0) if "\n" not in at.value else 0

    def read_per_language(
        self, node: Node, what: str, category: str, *, exception: bool, required: bool = False
    ) -> list[_Compiled]:
        mapping = self.expect_map(node, what)
        if mapping is None:
            return []
        self.unknown_keys_languages(mapping, what)
        out: list[_Compiled] = []
        for language in self.languages:
            if language not in mapping.entries:
                if required:
                    self.problem(mapping, f"{what} needs phrases in `{language}:` too")
                continue
            seq = self.expect_list(mapping.entries[language][1], f"{what} `{language}:`")
            if seq is None:
                continue
            if required and not seq.items:
                self.problem(seq, f"{what} `{language}:` needs at least one phrase")
            seen: dict[str, int] = {}
            for item in seq.items:
                compiled = self.read_phrase(item, category, language, exception)
                if compiled is None:
                    continue
                rule = compiled.rule
                if rule.text in seen:
                    self.problem(item, f"this phrase is already on line {seen[rule.text]}")
                    continue
                seen[rule.text] = rule.line
                out.append(compiled)
        return out

    def unknown_keys_languages(self, mapping: Map, what: str) -> None:
        if not self.languages:
            return  # `languages:` itself is wrong; that problem is reported already
        for name, (key, _) in mapping.entries.items():
            if name not in self.languages:
                listed = ", ".join(self.languages) or "none yet"
                self.problem(
                    key, f"`{name}` is not one of the file's `languages:` ({listed}) in {what}"
                )

    def read_phrase(
        self, node: Node, category: str, language: str, exception: bool
    ) -> _Compiled | None:
        if isinstance(node, Seq) or (isinstance(node, Map) and "regex" not in node.entries):
            self.problem(
                node,
                'a phrase that starts with [ or { must be put in quotes, like - "{myself} ..."; '
                "a raw regular expression is written - regex: '...'",
            )
            return None
        if isinstance(node, Map):
            self.unknown_keys(node, ("regex", "note"), "in a phrase")
            text = self.expect_text(node.entries["regex"][1], "`regex:`")
            if "note" in node.entries:
                self.expect_text(node.entries["note"][1], "`note:`")
            if text is None:
                return None
            try:
                regex = patterns.check_raw(text.value)
            except patterns.PatternError as err:
                self.problem(text, str(err), self.offset(text, err.offset))
                return None
            rule = Rule(category, language, text.value, self.file, text.line, "regex", exception)
            return _Compiled(rule, regex, None)
        text = self.expect_text(node, "a phrase")
        if text is None:
            return None
        if not text.quoted and "\n" not in text.value:
            rest = self.lines[text.line - 1][text.col - 1 + len(text.value) :]
            if "#" in rest:
                self.problem(
                    text,
                    "` #` starts a YAML comment, so the rest of this line is not part of the "
                    "phrase: put the whole phrase in quotes (`#` for a number needs them), and "
                    "write a comment on a line of its own",
                    len(text.value) + rest.index("#"),
                )
                return None
        try:
            seq = patterns.parse(text.value, self.spellings, self.lookup(), self.word_cache)
        except patterns.PatternError as err:
            self.problem(text, str(err), self.offset(text, err.offset))
            return None
        rule = Rule(
            category,
            language,
            text.value,
            self.file,
            text.line,
            "phrase",
            exception,
            example=patterns.example(seq),
        )
        return _Compiled(rule, patterns.phrase_source(seq), patterns.anchor(seq))

    def read_texts(
        self, node: Node, what: str, *, required: bool, lines: bool = False
    ) -> dict[str, str]:
        mapping = self.expect_map(node, what)
        if mapping is None:
            return {}
        self.unknown_keys_languages(mapping, what)
        out: dict[str, str] = {}
        for language in self.languages:
            if language not in mapping.entries:
                if required:
                    self.problem(mapping, f"{what} needs `{language}:` too")
                continue
            text = self.expect_text(mapping.entries[language][1], f"{what} `{language}:`")
            if text is None:
                continue
            if lines:
                # A reply keeps its lines (one helpline a line); spaces inside a line are tidied.
                kept = [" ".join(line.split()) for line in text.value.strip().splitlines()]
                out[language] = "\n".join(kept)
            else:
                out[language] = " ".join(text.value.split())
        return out

    def read_category(
        self, name: str, key: Key, node: Node
    ) -> tuple[Category, tuple[_Compiled, ...], tuple[_Compiled, ...]] | None:
        if not _NAME.match(name):
            self.problem(key, f"`{name}`: a category name uses a-z, 0-9 and _")
            return None
        mapping = self.expect_map(node, f"the category `{name}`")
        if mapping is None:
            return None
        self.unknown_keys(mapping, CATEGORY_KEYS, "in a category")
        for required in ("label", "reply", "phrases"):
            if required not in mapping.entries:
                self.problem(key, f"the category `{name}` needs `{required}:`")
        entries = mapping.entries
        label = (
            self.read_texts(entries["label"][1], "`label:`", required=True)
            if "label" in entries
            else {}
        )
        reply = (
            self.read_texts(entries["reply"][1], "`reply:`", required=True, lines=True)
            if "reply" in entries
            else {}
        )
        also = (
            self.read_texts(entries["also"][1], "`also:`", required=False)
            if "also" in entries
            else {}
        )
        call = "offer"
        if "call" in entries:
            node_call = entries["call"][1]
            chosen = self.expect_text(node_call, "`call:`")
            if chosen is not None and chosen.value not in CALL_MODES:
                self.problem(
                    chosen, f"`call:` is `{chosen.value}`; use one of: {', '.join(CALL_MODES)}"
                )
            elif chosen is not None:
                call = chosen.value
        phrases = (
            self.read_per_language(
                entries["phrases"][1], "`phrases:`", name, exception=False, required=True
            )
            if "phrases" in entries
            else []
        )
        excepts = (
            self.read_per_language(entries["except"][1], "`except:`", name, exception=True)
            if "except" in entries
            else []
        )
        category = Category(
            key=name,
            label=label,
            reply=reply,
            also=also,
            call=call,
            rules=tuple(c.rule for c in phrases),
            exceptions=tuple(c.rule for c in excepts),
        )
        return (
            category,
            tuple(phrases),
            tuple(excepts),
        )
