"""The phrase language of dialogues/safeguarding.yaml, compiled to regular expressions.

A phrase is words separated by spaces. It matches a message when the same words appear in the
same order, as whole words, after both have been tidied (see `normalise`). On top of plain words:

    (a|b c)     one of these: "a" or "b c"
    [a|b c]     optional: "a", "b c" or nothing; [really] is one optional word
    word*       the word with any ending of up to 4 letters: kill* = kill, kills, killed,
                killing, killer
    *           exactly one word, any word
    #           a number written in digits: took # pills = took 30 pills (and took 2 pills,
                though `spellings:` read "2" as "to")
    ...         up to three words, any words (or none)
    {name}      one of the words listed under `words: name:` at the top of the file
    {start}     the start of a sentence (or of the message)
    {end}       the end of a sentence (or of the message): "i give up {end}" matches
                "i give up" and "I give up. Help", not "i give up on this form"

Brackets can be nested: "(want|going) to (die|[be] dead)".

Every phrase compiles to a regex of whole words: it starts at a space, each word is " word",
and it ends at a space. Any-word parts are ``[^ .]++`` (possessive: a word is never re-split), and
gaps have a fixed upper bound, so a phrase can't backtrack catastrophically on long messages.

`anchor` picks the words a message must contain for the phrase to match (the least common of
them, and a few more sets of which one must be there too), and how many words the phrase can
cover: `Rules.check` tries a phrase only on a message, or a stretch of a long one, that has
them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

from .normalise import BOUNDARY, words

MAX_ENDING = 4
MAX_GAP = 3
EDGES = ("start", "end")  # {start} and {end}: not word lists


class PatternError(ValueError):
    """A phrase can't be read; `offset` is where in the phrase (0-based)."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Word:
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stem:
    stem: str


@dataclass(frozen=True, slots=True)
class AnyWord:
    pass


@dataclass(frozen=True, slots=True)
class Gap:
    pass


@dataclass(frozen=True, slots=True)
class Number:
    words: tuple[str, ...] = ()  # what `spellings:` make of a number ("2" -> "to")


@dataclass(frozen=True, slots=True)
class Edge:
    end: bool  # False: the start of a sentence


@dataclass(frozen=True, slots=True)
class Choice:
    options: tuple[Sequence, ...]
    optional: bool


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Item, ...]


Item: TypeAlias = Word | Stem | AnyWord | Gap | Number | Edge | Choice

_LEX = re.compile(r"\s+|\.\.\.|[()\[\]|]|\{[^{}\s]*\}|[^\s()\[\]|{}]+")


def _lex(text: str) -> list[tuple[str, int]]:
    tokens: list[tuple[str, int]] = []
    pos = 0
    while pos < len(text):
        m = _LEX.match(text, pos)
        if m is None:
            raise PatternError(f"`{text[pos]}` can't be used here", pos)
        if not m.group().isspace():
            tokens.append((m.group(), pos))
        pos = m.end()
    return tokens


Lookup: TypeAlias = Callable[[str, int], Choice]
Cache: TypeAlias = dict[tuple[str, bool], list[str]]


class _Parser:
    def __init__(
        self,
        text: str,
        spellings: Mapping[str, tuple[str, ...]],
        lookup: Lookup | None,
        cache: Cache | None = None,
    ) -> None:
        self.text = text
        self.tokens = _lex(text)
        self.i = 0
        self.spellings = spellings
        self.lookup = lookup
        self.cache = cache

    def words(self, token: str, spellings: Mapping[str, tuple[str, ...]]) -> list[str]:
        """`normalise.words`, remembered in `cache` when given: reading a file tidies tens of
        thousands of words, most of them the same few hundred."""
        if self.cache is None:
            return words(token, spellings)
        key = (token, bool(spellings))
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = words(token, spellings)
        return found

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def offset(self) -> int:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else len(self.text)

    def parse(self) -> Sequence:
        seq = self.sequence()
        if self.peek() is not None:
            tok = self.peek()
            if tok == "|":
                raise PatternError(
                    "`|` separates choices inside brackets: write (a|b), or [a|b] if optional",
                    self.offset(),
                )
            raise PatternError(f"`{tok}` here has no opening bracket to close", self.offset())
        if not seq.items:
            raise PatternError("this phrase is empty", 0)
        return seq

    def sequence(self) -> Sequence:
        items: list[Item] = []
        while (tok := self.peek()) is not None and tok not in ")]|":
            items.extend(self.item())
        return Sequence(tuple(items))

    def item(self) -> list[Item]:
        tok, at = self.tokens[self.i]
        self.i += 1
        if tok in "([":
            close = ")" if tok == "(" else "]"
            options = [self.sequence()]
            while self.peek() == "|":
                self.i += 1
                options.append(self.sequence())
            if self.peek() != close:
                raise PatternError(f"`{tok}` is opened here but never closed with `{close}`", at)
            self.i += 1
            if any(not o.items for o in options):
                raise PatternError(
                    f"a choice in `{tok}...{close}` is empty; to make words optional use [ ]", at
                )
            return [Choice(tuple(options), optional=(tok == "["))]
        if tok == "...":
            return [Gap()]
        if tok == "*":
            return [AnyWord()]
        if tok == "#":
            spelt = sorted(
                " ".join(meaning) for key, meaning in self.spellings.items() if key.isdigit()
            )
            return [Number(tuple(spelt))]
        if tok.startswith("{"):
            name = tok[1:-1]
            if name in EDGES:
                return [Edge(end=name == "end")]
            if self.lookup is None:
                raise PatternError("a word list can't use another word list", at)
            return [self.lookup(name, at)]
        if "*" in tok[:-1] or tok.startswith("*"):
            raise PatternError(
                f"`{tok}`: `*` goes at the end of a word (kill*), or alone for any one word", at
            )
        if tok.endswith("*"):
            stem = self.words(tok[:-1], {})
            if len(stem) != 1 or stem[0] == BOUNDARY:
                raise PatternError(f"`{tok}`: write the start of one word before `*`", at)
            return [Stem(stem[0])]
        if "?" in tok:
            raise PatternError("`?` isn't used in phrases; put optional words in [ ]", at)
        if any(mark in tok for mark in ".!;"):
            raise PatternError(
                f"`{tok}`: a phrase never runs across two sentences; leave out . ! ;", at
            )
        found = [w for w in self.words(tok, self.spellings) if w != BOUNDARY]
        if not found:
            raise PatternError(f"`{tok}` has no letters or numbers in it", at)
        return [Word(tuple(found))]


def parse(
    text: str,
    spellings: Mapping[str, tuple[str, ...]],
    lookup: Lookup | None = None,
    cache: Cache | None = None,
) -> Sequence:
    """Phrase text -> syntax tree. Raises PatternError. `cache` (one per file, with its
    spellings) remembers how each word of the phrases is tidied."""
    seq = _Parser(text, spellings, lookup, cache).parse()
    if not _required(seq):
        raise PatternError(
            "every part of this phrase is optional or 'any word', so it would match "
            "almost every message; add a word that must be there",
            0,
        )
    return seq


def _required(seq: Sequence) -> bool:
    """Whether the sequence needs at least one real word to be present."""
    for item in seq.items:
        if isinstance(item, Word | Stem):
            return True
        if isinstance(item, Choice) and not item.optional and all(map(_required, item.options)):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Compiling


def to_regex(seq: Sequence) -> str:
    """A sequence as regex text over normalised messages (each word written " word")."""
    return "".join(_item_regex(item) for item in seq.items)


def _item_regex(item: Item) -> str:
    if isinstance(item, Word):
        return "".join(" " + re.escape(t) for t in item.tokens)
    if isinstance(item, Stem):
        return f" {re.escape(item.stem)}[^ .]{{0,{MAX_ENDING}}}"
    if isinstance(item, AnyWord):
        return " [^ .]++"
    if isinstance(item, Number):
        spelt = "".join(f"|{re.escape(w)}" for w in item.words)
        return f" (?:[0-9]++{spelt})"
    if isinstance(item, Edge):
        # " ." follows the last word of a sentence, or nothing at all (the end of the message).
        return "(?= (?:\\.|$))" if item.end else "(?:^|(?<=\\.))"
    if isinstance(item, Gap):
        return f"(?: [^ .]++){{0,{MAX_GAP}}}"
    body = "|".join(to_regex(option) for option in item.options)
    return f"(?:{body}){'?' if item.optional else ''}"


def phrase_source(seq: Sequence) -> str:
    """The regular expression a phrase is matched with (compile it when it is first needed)."""
    return to_regex(seq) + "(?= )"


def compile_phrase(seq: Sequence) -> re.Pattern[str]:
    return re.compile(phrase_source(seq))


def example(seq: Sequence) -> str:
    """The shortest message the phrase is written to match (first choice of each choice, no
    optional words, "xyz" for any word), in tidied form: shown to staff, and tested."""
    return " ".join(_example_words(seq))


def _example_words(seq: Sequence) -> list[str]:
    out: list[str] = []
    for item in seq.items:
        if isinstance(item, Word):
            out.extend(item.tokens)
        elif isinstance(item, Stem):
            out.append(item.stem)
        elif isinstance(item, AnyWord):
            out.append("xyz")
        elif isinstance(item, Number):
            out.append("12")
        elif isinstance(item, Choice) and not item.optional:
            out.extend(_example_words(item.options[0]))
    return out


# Words so common that a phrase is better found by its other words (written as matched: a
# doubled letter once, so "all" is "al" and "will" is "wil").
_COMMON = (
    "i me my you your he she it we they him her them a an the to of in on at and or but is am "
    "are was be ben have has had do not no so for with that this just up out al get got go "
    "going want wil can like now what if there self y yr yn ac o e fe fo hi nhw fi fy dw "
    "wedi dim mae ar eisiau mynd"
)
COMMON = frozenset(_COMMON.split())
PREFIXES = (3, 4, 5)  # a stem (kill*) is looked for by its first letters, up to five: "kil*"


@dataclass(frozen=True, slots=True)
class Anchor:
    """Words (or starts of words, "kil*") of which a message must contain one; and how many words
    the phrase can reach before and after where one of them is found."""

    keys: frozenset[str]
    before: int
    after: int
    others: tuple[frozenset[str], ...] = ()  # further sets: each must meet the message too
    reach: int = 0  # the most words the whole phrase can cover


def keys_of(found: Iterable[str]) -> set[str]:
    """The words of a message as anchor keys: each word, and the start of each longer word."""
    keys: set[str] = set()
    for word in found:
        keys.update(word_keys(word))
    return keys


def word_keys(word: str) -> tuple[str, ...]:
    """One word as anchor keys: itself, and its first 3, 4 and 5 letters ("kil*")."""
    size = len(word)
    if size >= 5:
        return (word, word[:3] + "*", word[:4] + "*", word[:5] + "*")
    if size == 4:
        return (word, word[:3] + "*", word + "*")
    if size == 3:
        return (word, word + "*")
    return (word,)


def anchor(seq: Sequence) -> Anchor | None:
    """The least common required words of the phrase, or None when no word is required."""
    found: list[tuple[int, int, frozenset[str]]] = []
    for at, item in enumerate(seq.items):
        keys = _item_keys(item)
        if keys is not None:
            found.append((_cost(keys), at, keys))
    if not found:
        return None
    found.sort(key=lambda f: f[0])
    _, at, keys = found[0]
    reach = _reach(seq.items[at])
    before = sum(map(_reach, seq.items[:at])) + reach
    after = reach + sum(map(_reach, seq.items[at + 1 :]))
    reach_all = sum(map(_reach, seq.items))
    return Anchor(keys, before, after, tuple(k for _, _, k in found[1:5]), reach_all)


def _cost(keys: frozenset[str]) -> int:
    return sum(30 if k in COMMON else 4 if k.endswith("*") else 1 for k in keys)


def _item_keys(item: Item) -> frozenset[str] | None:
    if isinstance(item, Word):
        return frozenset({min(item.tokens, key=lambda t: (t in COMMON, -len(t)))})
    if isinstance(item, Stem):
        if len(item.stem) < PREFIXES[0]:
            return None
        return frozenset({item.stem[: PREFIXES[-1]] + "*"})
    if isinstance(item, Choice) and not item.optional:
        union: set[str] = set()
        for option in item.options:
            found = anchor(option)
            if found is None:
                return None
            union |= found.keys
        return frozenset(union)
    return None


def _reach(item: Item) -> int:
    """The most words this part of a phrase can cover."""
    if isinstance(item, Word):
        return len(item.tokens)
    if isinstance(item, Stem | AnyWord | Number):
        return 1
    if isinstance(item, Gap):
        return MAX_GAP
    if isinstance(item, Edge):
        return 0
    return max(sum(map(_reach, option.items)) for option in item.options)


# A raw `regex:` is the escape hatch. It is refused when a repeated group itself contains a
# repeat, like (a+)+ or (\w+ )* : the classic shape of catastrophic backtracking.
_NESTED_REPEAT = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)[+*{]")


_RAW_DOUBLES = re.compile(r"(?<!\\)([^\W\d_])\1+")


def check_raw(text: str) -> re.Pattern[str]:
    """Compile a raw regex from the file, refusing ones that are unsafe or match everything.

    Messages are matched with a doubled letter written once ("took" is "tok"), so the same is
    done to the letters of the regex (never to a letter after a backslash, like \\b)."""
    text = _RAW_DOUBLES.sub(r"\1", text)
    if _NESTED_REPEAT.search(text):
        raise PatternError(
            "this regex repeats a group that itself repeats (like (a+)+), which can make "
            "checking a long message very slow; rewrite it without the nested repeat"
        )
    try:
        pattern = re.compile(text)
    except re.error as err:
        raise PatternError(f"this regex can't be read: {err.msg}", err.pos or 0) from None
    if pattern.search(" ") is not None or pattern.search("") is not None:
        raise PatternError("this regex matches an empty message, so it would match everything")
    return pattern
