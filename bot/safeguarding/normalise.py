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

import re
import unicodedata
from collections.abc import Iterable, Mapping

BOUNDARY = "."

_APOSTROPHE = "'’‘`´ʼʹ′‛"
_APOSTROPHES = dict.fromkeys(map(ord, _APOSTROPHE), None)
_WELSH_SHORT = re.compile(rf"(?<=[^\W\d_])[{_APOSTROPHE}]([nNrRwW])\b")
_WELSH_LONG = {"n": " yn", "r": " yr", "w": " ei"}
_REPEATS = re.compile(r"([^\W\d_])\1+")
_TOKENS = re.compile(r"[^\W_]+|(?<!\.)\.(?!\.)|[!?;\n]")


def fold(text: str) -> str:
    """Steps 1-3: apostrophes, accents and compatibility forms, case, repeated letters."""
    text = _WELSH_SHORT.sub(lambda m: _WELSH_LONG[m.group(1).lower()], text)
    text = text.translate(_APOSTROPHES)
    text = unicodedata.normalize("NFKD", text)
    if not text.isascii():
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    return _REPEATS.sub(r"\1", text)


FUZZY_MIN = 6
FUZZY_MAX = 24  # no word worth correcting is longer; keeps a 4096-letter "word" cheap


def deletes(word: str) -> set[str]:
    """The word with each one letter left out (for matching with one slip)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def fuzzy_index(targets: Iterable[str]) -> dict[str, str]:
    """word-with-one-letter-left-out -> word, for matching a message word with one slip.

    A key two targets share is dropped (ambiguous); a key that is itself a target is left out.
    """
    exact = set(targets)
    index: dict[str, str] = {}
    clashes: set[str] = set()
    for target in exact:
        for key in deletes(target) - exact:
            if key in index and index[key] != target:
                clashes.add(key)
            index[key] = target
    for key in clashes:
        del index[key]
    return index


def _fuzzy(token: str, index: Mapping[str, str]) -> str | None:
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


def words(
    text: str,
    spellings: Mapping[str, tuple[str, ...]],
    fuzzy: Mapping[str, str] | None = None,
) -> list[str]:
    """Steps 1-5: the message as a list of words ("." between sentences)."""
    out: list[str] = []
    for token in _TOKENS.findall(fold(text)):
        if not token[0].isalnum():
            if out and out[-1] != BOUNDARY:
                out.append(BOUNDARY)
            continue
        meaning = spellings.get(token)
        if meaning is not None:
            out.extend(meaning)
            continue
        if fuzzy and FUZZY_MIN <= len(token) <= FUZZY_MAX:
            near = _fuzzy(token, fuzzy)
            if near is not None:
                token = near
        out.append(token)
    while out and out[-1] == BOUNDARY:
        out.pop()
    return out


def normalise(
    text: str,
    spellings: Mapping[str, tuple[str, ...]] | None = None,
    fuzzy: Mapping[str, str] | None = None,
) -> str:
    """The plain form matched against the rules: ``" i am going to kil myself "``."""
    found = words(text, spellings or {}, fuzzy)
    return " " + " ".join(found) + " " if found else " "
