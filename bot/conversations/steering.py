"""Words that steer: a whole short message that says "stop" or "help", in English or Welsh.

"stop", "not now thanks", "leave me alone", "nes ymlaen", "gad fi fod" mean pause (as /pause);
"help", "?", "what do you mean", "helpa" mean /help. Only a message that *is* such words counts:
"I need to stop drinking" is an answer, and so is "stop" inside a longer sentence. Words of
politeness around them ("stop please", "ok not now mate") don't change that.

Pure, so it can be tested on its own. The caller decides what counts first: safeguarding always
runs before this (so "help me" can be a cry for help), and a button whose own words were typed
("Not now" is a button on some questions) is that button, not a pause.
"""

from __future__ import annotations

from enum import Enum

from bot.conversations.typed_choice import plain


class Steer(Enum):
    PAUSE = "pause"
    HELP = "help"


_PAUSE = (
    "stop",
    "stop it",
    "stop this",
    "stop now",
    "stop here",
    "pause",
    "pause it",
    "later",
    "do it later",
    "do this later",
    "can we do this later",
    "can we do it later",
    "maybe later",
    "another time",
    "some other time",
    "talk later",
    "not now",
    "not right now",
    "not today",
    "leave me alone",
    "leave it",
    "leave it there",
    "enough",
    "thats enough",
    "that is enough",
    "enough now",
    "cancel",
    "quit",
    "exit",
    "end",
    "give it a rest",
    # Welsh (draft, for review by a Welsh speaker)
    "stopio",
    "stopia",
    "stopiwch",
    "saib",
    "oedi",
    "nes ymlaen",
    "wedyn",
    "rywbryd eto",
    "dim nawr",
    "ddim nawr",
    "nid nawr",
    "dim heddiw",
    "gad fi fod",
    "gadael fi fod",
    "gadewch fi fod",
    "gad lonydd i mi",
    "gadewch lonydd i mi",
    "digon",
    "dyna ddigon",
    "canslo",
)
_HELP = (
    "help",
    "?",
    "??",
    "???",
    "help?",
    "what",
    "what?",
    "huh",
    "huh?",
    "eh?",
    "what do you mean",
    "what do u mean",
    "wdym",
    "what does that mean",
    "i dont understand",
    "dont understand",
    "i dont get it",
    "dont get it",
    "how does this work",
    "what do i do",
    "what do i do now",
    "commands",
    # Welsh (draft)
    "helpa",
    "helpu",
    "helpwch",
    "cymorth",
    "beth?",
    "be?",
    "dwi ddim yn deall",
    "dydw i ddim yn deall",
    "be ti n feddwl",
    "beth wyt ti n feddwl",
)
# Said around the steering words without changing them.
_AROUND = frozenset(
    {
        "please",
        "pls",
        "plz",
        "plis",
        "thanks",
        "thank you",
        "thx",
        "ta",
        "cheers",
        "mate",
        "ok",
        "okay",
        "oh",
        "just",
        "sorry",
        "for now",
        "for today",
        "now",
        "thats it",
        "no",
        "can we",
        "can you",
        "i want to",
        "i wanna",
        "i need to",
        "lets",
        "let s",
        "i said",
        "diolch",
        "os gwelwch yn dda",
        "iawn",
        "sori",
    }
)
_PHRASES: dict[tuple[str, ...], Steer] = {
    **{tuple(p.split()): Steer.PAUSE for p in _PAUSE},
    **{tuple(p.split()): Steer.HELP for p in _HELP},
}
_FILLERS = frozenset(tuple(p.split()) for p in _AROUND)
_LONGEST = max(len(p) for p in [*_PHRASES, *_FILLERS])
MAX_WORDS = 10


def _fold(text: str) -> list[str]:
    """Lower case, no accents or emoji, apostrophes gone; "?" kept as a word of its own."""
    words = plain(text, keep="?").split()
    # "what ?" -> "what?" (the phrases keep a question mark on the word before it).
    joined: list[str] = []
    for word in words:
        if word == "?" and joined:
            joined[-1] += "?"
        else:
            joined.append(word)
    return joined


def steering(text: str) -> Steer | None:
    """PAUSE or HELP when the whole message is steering words (with politeness around them),
    else None."""
    words = _fold(text)
    if not words or len(words) > MAX_WORDS:
        return None
    found: list[Steer] = []
    at = 0
    while at < len(words):
        for size in range(min(_LONGEST, len(words) - at), 0, -1):
            piece = tuple(words[at : at + size])
            plain = tuple(w.rstrip("?") or w for w in piece)
            if piece in _PHRASES:
                found.append(_PHRASES[piece])
            elif plain in _PHRASES and piece[-1].endswith("?"):
                found.append(_PHRASES[plain])
            elif piece in _FILLERS or plain in _FILLERS:
                pass
            else:
                continue
            at += size
            break
        else:
            return None
    if not found:
        return None
    # "stop. help" - asking for help is the kinder reading.
    return Steer.HELP if Steer.HELP in found else Steer.PAUSE
