"""Tidy a message (and every phrase in the rules) into one plain form before matching.

Both sides go through the same steps, so staff write phrases the ordinary way ("I'm going to
kill myself") and they match "im gonna kil myslef", "I’M GOING TO KILLLL MYSELF" or
"i am going to kill myself". The steps, in order:

1. apostrophes of every kind (’ ‘ ` ´ ʼ ') are removed: "I’m" -> "im", "don't" -> "dont";
   first, the Welsh short forms glued to a word are written out: "teimlo'n" -> "teimlo yn",
   "i'r" -> "i yr", "i'w" -> "i ei" (no English word ends in 'n, 'r or 'w);
2. Unicode compatibility forms and accents are folded: "ŵ" -> "w", "strôc" -> "stroc",
   fancy letters (𝐤𝐢𝐥𝐥, ｋｉｌｌ) -> "kill"; then everything is lower case;
3. a letter written twice or more in a row is written once: "soooo" -> "so", "killl" -> "kil",
   "need" -> "ned", Welsh "lladd" -> "lad" (so soft-mutated "ladd" matches too);
4. the text is cut into words (letters and digits); emoji, commas, dashes and other symbols
   just separate words. A single ".", "!", "?", ";" or a new line ends a sentence and is kept as
   the word "." so that a phrase never runs across two sentences; "..." and "…" do not end one;
5. each word is looked up in the `spellings:` list of the rules file and replaced by what it
   means ("wanna" -> "want to", "kms" -> "kill myself", "im" -> "i am"); a word of 6 letters or
   more that is not in that list but is one slip (a letter missing, added, changed or two
   letters swapped) away from a word in the `fuzzy:` list is read as that word ("unconcious" ->
   "unconscious", "suicidle" -> "suicidal");
6. the result is the words separated by single spaces, with a space at each end:
   " i am going to kil myself ".
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Mapping

BOUNDARY = "."

_APOSTROPHE = "'’‘`´ʼʹ′‛"
# The apostrophe first: a pattern that starts with a fixed character is found fast.
_WELSH_SHORT = re.compile(r"'([nNrRwW])\b")
_WELSH_LONG = {"n": " yn", "r": " yr", "w": " ei"}
_DOTS = re.compile(r"\.{2,}")
_PAIRS = tuple((chr(c) * 2, chr(c)) for c in range(ord("a"), ord("z") + 1))
OTHER_LETTER = "\x7f"  # stands for letters of other alphabets: a word that no phrase has
# Letters and digits stay (in lower case), a sentence mark becomes ".", anything else a space.
_ASCII_BYTES = bytes(
    ord(chr(c).lower())
    if chr(c).isalnum() or chr(c) == OTHER_LETTER
    else ord(".")
    if chr(c) in ".!?;\n"
    else ord(" ")
    for c in range(256)
)


def _beyond_ascii(err: UnicodeError) -> tuple[str, int]:
    """What a run of characters beyond ASCII becomes (after NFKD): accents (combining marks)
    go, letters of other alphabets become one OTHER_LETTER each, anything else (emoji,
    symbols) a space, which separates words."""
    if not isinstance(err, UnicodeEncodeError):  # pragma: no cover - only used for encoding
        raise err
    run = err.object[err.start : err.end]
    if all(map(unicodedata.combining, run)):
        return "", err.end
    if not any(map(str.isalnum, run)) and not any(map(unicodedata.combining, run)):
        return " ", err.end
    out = [OTHER_LETTER if ch.isalnum() else " " for ch in run if not unicodedata.combining(ch)]
    return "".join(out), err.end


codecs.register_error("tandem-safeguarding", _beyond_ascii)


def _welsh_short(match: re.Match[str]) -> str:
    at = match.start()
    before = match.string[at - 1] if at else " "
    if before.isalpha() and not before.isdigit():
        return _WELSH_LONG[match.group(1).lower()]
    return match.group()


def fold(text: str) -> str:
    """Steps 1-3: apostrophes, accents and compatibility forms, case, repeated letters."""
    return _single_letters(_fold_letters(text))


def _fold_letters(text: str) -> str:
    """Steps 1-2, and step 3 for letters beyond a-z (rare once accents are folded)."""
    for mark in _APOSTROPHE[1:]:
        if mark in text:
            text = text.replace(mark, "'")
    if "'" in text:
        text = _WELSH_SHORT.sub(_welsh_short, text).replace("'", "")
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text).casefold()
    return text.encode("ascii", "tandem-safeguarding").decode("ascii")


def _single_letters(text: str) -> str:
    """A letter written twice or more in a row, written once (a-z; other letters in fold)."""
    for pair, single in _PAIRS:
        while pair in text:
            text = text.replace(pair, single)
    return text


FUZZY_MIN = 6
FUZZY_MAX = 24  # no word worth correcting is longer; keeps a 4096-letter "word" cheap


def deletes(word: str) -> set[str]:
    """The word with each one letter left out (for matching with one slip)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class FuzzyIndex(dict[str, str]):
    """word-with-one-letter-left-out -> word; `targets` are the words themselves.

    A word one slip away from a target (both of 6 letters or more) shares with it its first
    three letters, or its last three, or both its first two and its last two: `near` gives the
    targets that share one of those with a word, so most words are compared with none."""

    def __init__(self, targets: Iterable[str] = ()) -> None:
        super().__init__()
        self.targets = frozenset(targets)
        self._heads: dict[str, list[str]] = {}
        self._tails: dict[str, list[str]] = {}
        self._ends: dict[str, list[str]] = {}
        for target in sorted(self.targets):
            self._heads.setdefault(target[:3], []).append(target)
            self._tails.setdefault(target[-3:], []).append(target)
            self._ends.setdefault(target[:2] + target[-2:], []).append(target)

    def near(self, word: str) -> list[str]:
        """The targets that may be one slip away from the word."""
        heads = self._heads.get(word[:3])
        tails = self._tails.get(word[-3:])
        ends = self._ends.get(word[:2] + word[-2:])
        if heads is None and tails is None and ends is None:
            return []
        found = [*(heads or ()), *(tails or ()), *(ends or ())]
        return [t for t in found if -1 <= len(t) - len(word) <= 1]


def one_slip(word: str, target: str) -> bool:
    """Whether the two are one slip apart: a letter missing, added or changed, or a letter out
    of place (one letter left out of each makes them the same); not the same word."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    size = min(len(word), len(target))
    first = 0
    while first < size and word[first] == target[first]:
        first += 1
    if len(word) != len(target):
        longer, shorter = (word, target) if len(word) > len(target) else (target, word)
        return longer[first + 1 :] == shorter[first:]
    last = len(word) - 1
    while last > first and word[last] == target[last]:
        last -= 1
    return (
        first == last
        or word[first + 1 : last + 1] == target[first:last]
        or word[first:last] == target[first + 1 : last + 1]
    )


def fuzzy_index(targets: Iterable[str]) -> FuzzyIndex:
    """word-with-one-letter-left-out -> word, for matching a message word with one slip.

    A key two targets share is dropped (ambiguous); a key that is itself a target is left out.
    """
    index = FuzzyIndex(targets)
    clashes: set[str] = set()
    for target in index.targets:
        for key in deletes(target) - index.targets:
            if key in index and index[key] != target:
                clashes.add(key)
            index[key] = target
    for key in clashes:
        del index[key]
    return index


def _fuzzy(token: str, index: Mapping[str, str]) -> str | None:
    if isinstance(index, FuzzyIndex):
        if token in index.targets:
            return None
        near = {target for target in index.near(token) if one_slip(token, target)}
        found = near.pop() if len(near) == 1 else None  # two targets one slip away: neither
    else:
        found = index.get(token)
        if found is None:
            for key in deletes(token):
                found = index.get(key)
                if found is not None:
                    break
    # Never turn one form of a word into another ("strangle" is not a slip for "strangled").
    if found is None or found.startswith(token) or token.startswith(found):
        return None
    return found


def tidy(
    text: str,
    spellings: Mapping[str, tuple[str, ...]],
    fuzzy: Mapping[str, str] | None = None,
) -> tuple[str, frozenset[str]]:
    """Steps 1-6: the tidied message (``" i am going to kil myself "``, "." between sentences,
    ``" "`` when it has no words) and the set of its words.

    Whole-text steps run in C (str methods); the per-word steps (repeated letters, spellings,
    slips) run once for each different word, so a message of 4096 characters costs little more
    than a short one."""
    text = _fold_letters(text)
    if ".." in text:
        text = _DOTS.sub(" ", text)
    text = text.encode("ascii").translate(_ASCII_BYTES).decode("ascii")
    found = text.replace(".", " . ").split()
    if not found:
        return " ", frozenset()
    distinct = list(set(found))
    joined = " ".join(distinct)
    single = _single_letters(joined)
    plain = distinct if single == joined else single.split()
    changes: dict[str, str] = {}
    present: set[str] = set()
    for token, word in zip(distinct, plain, strict=True):
        spelt = spellings.get(word)
        if spelt is not None:
            word = " ".join(spelt)
            present.update(spelt)
        else:
            if fuzzy and FUZZY_MIN <= len(word) <= FUZZY_MAX:
                word = _fuzzy(word, fuzzy) or word
            present.add(word)
        if word != token:
            changes[token] = word
    if changes:
        found = [changes.get(token, token) for token in found]
    line = " " + " ".join(found) + " "
    if BOUNDARY in present:
        while " . . " in line:
            line = line.replace(" . . ", " . ")
        line = line.removeprefix(" .")
        if line.endswith(" . "):
            line = line[:-2]
        if line == " ":
            return " ", frozenset()
    return line, frozenset(present)


def words(
    text: str,
    spellings: Mapping[str, tuple[str, ...]],
    fuzzy: Mapping[str, str] | None = None,
) -> list[str]:
    """Steps 1-5: the message as a list of words ("." between sentences)."""
    return tidy(text, spellings, fuzzy)[0].split()


def normalise(
    text: str,
    spellings: Mapping[str, tuple[str, ...]] | None = None,
    fuzzy: Mapping[str, str] | None = None,
) -> str:
    """The plain form matched against the rules: ``" i am going to kil myself "``."""
    return tidy(text, spellings or {}, fuzzy)[0]
