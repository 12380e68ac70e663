"""Typed replies to a button question, matched to the buttons on screen by meaning.

People type instead of tapping: "yeh", "nah", "ie", "the first one", "2", "sumtimes",
"v close". This module says which of the buttons shown such a reply means. It is pure (no
Telegram, no database, no engine) so it can be tested on a corpus of messy replies and timed.

    choices = [Choice("Yes", "y", meaning="yes"), Choice("Not now", "n", meaning="no")]
    match("yeh", choices)        # Matched((choices[0],))
    match("maybe", choices)      # NoMatch()
    match("close", [...])        # Ambiguous((Very close, Quite close, Not very close))

Rules, in order (the first that decides wins):
1. the reply is a button's words (case, spaces, punctuation, accents and emoji aside);
2. it means yes, no or "not sure" and one button means the same (a button's meaning comes from
   the caller, or from its first word: "Yes, please" is yes, "No, thanks" is no, and "Not now"
   is no only next to a yes button, so "Not great" never stands for "no");
3. it points at a button by place: "1", "the first one", "2nd", "last one", "yr ail";
4. it is a close spelling of one button's words, or its words are all in one button's words
   (with a few everyday synonyms: kids -> children);
5. with `many` (tick boxes): it names several buttons ("housing n money").
When more than one button fits equally, the answer is `Ambiguous` with just those buttons; a
caller asks "Which one?" rather than guessing. Nothing here ever picks a button that a
rule above did not point at.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Meaning = Literal["yes", "no", "unsure"]


@dataclass(frozen=True, slots=True)
class Choice:
    """One button on screen. `system` buttons (Skip, Back, Done...) can be named but are not
    counted by place ("the last one" is the last real choice, not Back)."""

    label: str
    token: str
    system: bool = False
    meaning: Meaning | None = None


@dataclass(frozen=True, slots=True)
class Matched:
    choices: tuple[Choice, ...]  # one, or several for tick boxes


@dataclass(frozen=True, slots=True)
class Ambiguous:
    choices: tuple[Choice, ...]  # the buttons that fit equally well (at least two)


@dataclass(frozen=True, slots=True)
class NoMatch:
    pass


Result = Matched | Ambiguous | NoMatch

# ---- words ---------------------------------------------------------------------------------


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_EMOJI_WORDS = {
    "👍": " yes ",
    "✅": " yes ",
    "👌": " ok ",
    "✔": " yes ",
    "☑": " yes ",
    "👎": " no ",
    "❌": " no ",
    "✖": " no ",
    "🙅": " no ",
    "🤷": " not sure ",
}

# Text-speak and short forms -> the words a label would use.
_SPEAK = {
    "u": "you",
    "okay": "ok",
    "okey": "ok",
    "k": "ok",
    "kk": "ok",
    "some1": "someone",
    "sum1": "someone",
    "sumthing": "something",
    "summat": "something",
    "rn": "right now",
    "ur": "your",
    "n": "and",
    "&": "and",
    "+": "and",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "plse": "please",
    "plis": "please",
    "thx": "thanks",
    "thnx": "thanks",
    "ty": "thanks",
    "v": "very",
    "sum": "some",
    "sumtimes": "sometimes",
    "sumtime": "sometimes",
    "smtimes": "sometimes",
    "wiv": "with",
    "ppl": "people",
    "abt": "about",
    "wk": "week",
    "2day": "today",
    "2moz": "tomorrow",
    "tmrw": "tomorrow",
    "nxt": "next",
    "bk": "back",
    "dun": "done",
    "fin": "finished",
    "gud": "good",
    "gr8": "great",
    "grate": "great",
    "kl": "cool",
    "mum": "family",
    "mam": "family",
    "dad": "family",
    "nan": "family",
    "fam": "family",
    "kids": "children",
    "kid": "children",
    "child": "children",
    "mates": "friends",
    "pals": "friends",
    "mate": "friend",
    "job": "work",
    "cash": "money",
    "skint": "money",
    "booze": "drink",
    "drinking": "drink",
    "alcohol": "drink",
    "weed": "drugs",
    "gear": "drugs",
    "doc": "doctor",
    "gp": "doctor",
    "dog": "pet",
    "cat": "pet",
    "pass": "skip",
    "nxt1": "skip",
}

# Words that add nothing to a yes/no ("yes please mate", "nah thanks").
_FILLER = _set(
    "please thanks thank you ta cheers mate m8 tbh lol haha x xx xxx just i do would like "
    "that it is go on then really for now diolch os gwelwch yn dda plis iawn rn nothing "
    "right"
)

YES_WORDS = _set(
    "yes yess yesss yeah yeh yea ye ya yah yep yup yas aye ok okay okey k kk sure deffo "
    "defo definitely course alright awright ie ia oes ydw ydy ydyn hoffwn gallaf byddaf "
    "siwr"
)
# "do" is Welsh yes (to a past tense question) but English filler: counted only alone.
_YES_ALONE = frozenset({"do", "iawn", "y"})
NO_WORDS = _set("no noo nooo nah naa naw nope na nay nae nage naddo nac dim ddim not never")
_NO_ALONE = frozenset({"n"})
_UNSURE = (
    "maybe",
    "not sure",
    "notsure",
    "unsure",
    "dunno",
    "dno",
    "duno",
    "idk",
    "i dont know",
    "dont know",
    "no idea",
    "not sure yet",
    "perhaps",
    "possibly",
    "efallai",
    "falle",
    "efalle",
    "dwn i ddim",
    "sai n gwybod",
    "sain gwybod",
    "smo fi n gwybod",
    "sa i n gwybod",
    "dim syniad",
    "ddim yn siwr",
    "dim yn siwr",
    "dydw i ddim yn siwr",
    "dwi ddim yn siwr",
    "im not sure",
    "i am not sure",
    "not sure tbh",
)
_UNSURE_LABEL = ("not sure", "im not sure", "dim yn siwr", "ddim yn siwr", "dydw i ddim yn siwr")

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "top": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "ninth": 9,
    "9th": 9,
    "tenth": 10,
    "10th": 10,
    "cyntaf": 1,
    "gyntaf": 1,
    "ail": 2,
    "trydydd": 3,
    "trydedd": 3,
    "pedwerydd": 4,
    "pumed": 5,
    "last": -1,
    "bottom": -1,
    "olaf": -1,
}
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "zero": 0,
    "un": 1,
    "dau": 2,
    "dwy": 2,
    "tri": 3,
    "tair": 3,
    "pedwar": 4,
    "pedair": 4,
    "pump": 5,
    "chwech": 6,
    "saith": 7,
    "wyth": 8,
    "naw": 9,
    "deg": 10,
}
# Words around a place or number: "the first one please", "option 2", "yr un cyntaf".
_PLACE_FILLER = frozenset(
    {"the", "one", "option", "number", "button", "please", "yr", "un", "rhif", "botwm", "y", "no"}
)
# Small words that don't tell buttons apart.
_STOP = _set(
    "a an the my i me to of or and it its is in on at for with go please thanks tbh lol x "
    "this one neu y yr fy yn ei o"
)
_SPLIT = re.compile(r"\s*(?:,|/|&|\+|\band\b|\bn\b|\bneu\b|\ba\b)\s*")
_DIGITS = re.compile(r"-?\d+")


def plain(text: str, keep: str = "") -> str:
    """Lower case, no accents, no punctuation (apostrophes vanish so "don't" is "dont"); the
    characters in `keep` stay, each a word of its own. Shared with `steering`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    out = []
    for char in decomposed:
        if unicodedata.combining(char) or char in "'’`":
            continue
        if char in keep:
            out.append(f" {char} ")
        elif char.isalnum():
            out.append(char)
        else:
            out.append(" ")
    return " ".join("".join(out).split())


def _fold(text: str) -> str:
    """`plain`, with emoji meaning words and "&" / "+" kept (they join tick boxes)."""
    for emoji, words in _EMOJI_WORDS.items():
        text = text.replace(emoji, words)
    return plain(text, keep="&+")


def _words(text: str) -> list[str]:
    """Folded words, with text-speak spelled out (and a doubled word once: "ok 👌")."""
    out: list[str] = []
    for word in _fold(text).split():
        for spelled in _SPEAK.get(word, word).split():
            if not out or out[-1] != spelled:
                out.append(spelled)
    return out


def label_words(label: str) -> str:
    """A button's words as compared: ticks ("✓ ") and emoji gone, folded."""
    return " ".join(_fold(label.replace("✓", " ")).split())


def _label_meaning(label: str, has_yes: bool) -> Meaning | None:
    words = label_words(label)
    if any(words == u or words.startswith(u + " ") for u in _UNSURE_LABEL):
        return "unsure"
    first = words.split(" ", 1)[0] if words else ""
    if first in {"yes", "oes", "ie", "hoffwn", "ydyn", "ydw", "ydy", "do", "yep"}:
        return "yes"
    if first in {"no", "na", "nac", "naddo", "nage"}:
        return "no"
    if has_yes and first in {"not", "dim", "ddim", "never"}:
        return "no"
    return None


def _meanings(choices: Sequence[Choice]) -> list[Meaning | None]:
    derived = [c.meaning or _label_meaning(c.label, has_yes=False) for c in choices]
    has_yes = "yes" in derived
    return [c.meaning or _label_meaning(c.label, has_yes) for c in choices]


def _reply_meaning(words: list[str]) -> Meaning | None:
    core = list(words)
    while core and core[-1] in _FILLER:
        core.pop()  # "dunno tbh", "not sure mate"
    if " ".join(core) in _UNSURE or " ".join(words) in _UNSURE:
        return "unsure"
    if len(words) >= 2 and words[0] == "nac":
        return "no"  # Welsh "nac oes", "nac ydw": no
    if len(words) == 1 and (words[0] in _YES_ALONE):
        return "yes"
    if len(words) == 1 and words[0] in _NO_ALONE:
        return "no"
    if not words:
        return None
    head, rest = words[0], words[1:]
    if head in YES_WORDS and all(w in _FILLER or w in YES_WORDS for w in rest):
        return "yes"
    if head in NO_WORDS and all(w in _FILLER or w in NO_WORDS for w in rest):
        # "not now", "no thanks", "nah not really" - but "not great" never reaches here,
        # since "great" is not filler.
        return "no"
    return None


def _place(words: list[str], count: int) -> int | None:
    """ "the 2nd one", "option 3", "last" -> an index among `count` choices."""
    if len(words) > 4:
        return None
    core = [w for w in words if w not in _PLACE_FILLER]
    if not core and words and words[-1] == "one" and len(words) == 1:
        core = ["one"]
    if len(core) != 1:
        return None
    word = core[0]
    if word in _ORDINALS:
        n = _ORDINALS[word]
    elif word in _NUMBER_WORDS:
        n = _NUMBER_WORDS[word]
    elif word.isdigit() and len(word) <= 2:
        n = int(word)
    else:
        return None
    if n == -1:
        return count - 1 if count else None
    return n - 1 if 1 <= n <= count else None


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) >= 4 and b.startswith(a):
        return True
    return len(a) >= 4 and len(b) >= 4 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def _content(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in _STOP]


def _by_words(words: list[str], choices: Sequence[Choice]) -> list[Choice]:
    """Choices whose words include every word typed. When several do, the one whose words
    are all typed ("very close" over "not very close"), or else the one naming each word
    exactly ("work" is "Work, learning..." more than "A worker..."); else all of them."""
    typed = _content(words)
    small = not typed  # "i go": only small words, so compare them all
    typed = typed or words
    fits: list[tuple[int, int, Choice]] = []
    for choice in choices:
        label = _words(choice.label.replace("✓", " "))
        have = label if small else _content(label)
        if have and all(any(_close(t, h) for h in have) for t in typed):
            extra = sum(1 for h in have if not any(_close(t, h) for t in typed))
            exact = sum(1 for t in typed if t in have)
            fits.append((extra, exact, choice))
    if len(fits) <= 1:
        return [c for _, _, c in fits]
    whole = [c for extra, _, c in fits if extra == 0]
    if len(whole) == 1:
        return whole
    most = max(exact for _, exact, _ in fits)
    named = [c for _, exact, c in fits if exact == most and exact == len(typed)]
    if len(named) == 1:
        return named
    return [c for _, _, c in fits]


def _by_spelling(reply: str, choices: Sequence[Choice]) -> list[Choice]:
    scored = []
    for choice in choices:
        label = " ".join(_words(choice.label.replace("✓", " ")))
        if not label:
            continue
        score = difflib.SequenceMatcher(None, reply, label).ratio()
        if score >= 0.8:
            scored.append((score, choice))
    if not scored:
        return []
    scored.sort(key=lambda pair: -pair[0])
    best = scored[0][0]
    return [c for s, c in scored if best - s < 0.06]


def _one(words: list[str], reply: str, choices: Sequence[Choice]) -> Result:
    """Rules 1 and 4 for one reply (or one part of a tick-box reply)."""
    folded = " ".join(words)
    for choice in choices:
        if folded and folded in (label_words(choice.label), " ".join(_words(choice.label))):
            return Matched((choice,))
    spelled = _by_spelling(folded, choices)
    if len(spelled) == 1:
        return Matched((spelled[0],))
    fits = _by_words(words, choices)
    if len(fits) == 1:
        return Matched((fits[0],))
    candidates = fits or spelled
    if len(candidates) > 1:
        return Ambiguous(tuple(candidates))
    return NoMatch()


def match(text: str, choices: Sequence[Choice], *, many: bool = False) -> Result:
    """What a typed `text` means among the buttons `choices` (as shown, in order)."""
    if not choices or len(text) > 200:
        return NoMatch()
    words = _words(text)
    if not words:
        return NoMatch()
    reply = " ".join(words)
    # 1. A button's own words.
    for choice in choices:
        if reply == label_words(choice.label) or _fold(text) == label_words(choice.label):
            return Matched((choice,))
    # 2. yes / no / not sure.
    meaning = _reply_meaning(_fold(text).split())
    if meaning is not None:
        meanings = _meanings(choices)
        same = [c for c, m in zip(choices, meanings, strict=True) if m == meaning]
        if len(same) == 1:
            return Matched((same[0],))
        if len(same) > 1:
            return Ambiguous(tuple(same))
        if meaning in ("yes", "no") and len(words) <= 3:
            return NoMatch()  # a plain yes/no with no such button: don't guess from spelling
    # 3. By place or number. A scale's buttons are numbers: "7" is the button "7".
    real = [c for c in choices if not c.system]
    numbers = _DIGITS.fullmatch(reply)
    if numbers is None and len(words) == 1 and words[0] in _NUMBER_WORDS:
        numbers = _DIGITS.fullmatch(str(_NUMBER_WORDS[words[0]]))
    if numbers is not None:
        named = [c for c in choices if label_words(c.label) == numbers.group(0)]
        if named:
            return Matched((named[0],))
        if any(label_words(c.label).lstrip("-").isdigit() for c in real):
            return NoMatch()  # a scale, and that number is not on it
    at = _place(_fold(text).split(), len(real))
    if at is not None:
        return Matched((real[at],))
    # 4. Spelling and words.
    found = _one(words, reply, choices)
    if not isinstance(found, NoMatch) or not many:
        return found
    # 5. Several tick boxes at once: every part must name one box.
    parts = [" ".join(_words(p)) for p in _SPLIT.split(text.casefold())]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return found
    picked: list[Choice] = []
    for part in parts:
        one = _one(part.split(), part, choices)
        if not isinstance(one, Matched) or one.choices[0].system:
            return NoMatch()
        if one.choices[0] not in picked:
            picked.append(one.choices[0])
    return Matched(tuple(picked))
