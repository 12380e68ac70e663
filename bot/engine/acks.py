"""Acknowledgements that fit the answer (`ack:` on a question).

An acknowledgement is said straight after an answer, before the next step ("Thank you for
telling me."). It must never jar: nothing after a skip, after "I'd rather not say", or after an
answer that says nothing or refuses ("no comment", "nothing", "dunno", "pass", Welsh "dim
byd"...), and nothing upbeat after "NOTHING IS WORKING". The script says which words to use for
which answers (`when:`, the conditions language); this module decides when *no* words fit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from .conditions import Condition
from .model import AnswerValue
from .piping import Wording

# Whole answers that refuse, or say there is nothing to say (after normalising: lower case,
# no punctuation, "’" as "'"). English and Welsh, with common spellings and text-speak.
NOTHING_ANSWERS: Final = frozenset(
    {
        # refusing
        "no comment", "no comments", "rather not say", "i'd rather not say", "id rather not say",
        "i'd rather not", "id rather not", "rather not", "prefer not to say", "i prefer not to say",
        "pass", "skip", "not telling", "not telling you", "none of your business",
        "mind your own business", "leave it", "whatever", "meh", "cant be bothered",
        "can't be bothered", "no thanks", "no thank you", "not saying",
        # nothing / don't know
        "nothing", "nothin", "nuthin", "nowt", "nout", "nothing really", "not much", "none",
        "nada", "zilch", "nil", "zero", "no", "nah", "na", "nope", "naw", "n/a", "na/", "x",
        "dunno", "dno", "i dunno", "idk", "dont know", "don't know", "i dont know", "i don't know",
        "no idea", "not sure", "im not sure", "i'm not sure", "unsure", "dont care", "don't care",
        "i dont care", "i don't care", "no one", "noone", "nobody", "no-one", "nothing to say",
        # Welsh
        "dim sylw", "dim", "dim byd", "dim byd really", "dim lot", "dim un", "dim syniad",
        "sai'n gwybod", "sain gwybod", "smo fi'n gwybod", "dwi ddim yn gwybod",
        "dw i ddim yn gwybod", "'dwn i ddim", "dwn i ddim", "wn i ddim", "gwell gen i beidio",
        "gwell gen i beidio â dweud", "gwell gen i beidio a dweud", "pasio", "nac oes", "nage",
        "neb", "dim diolch", "dim ots", "sdim ots",
    }
)  # fmt: skip

# An answer that *starts* with one of these and is short says that nothing is (working,
# good, helping...): "NOTHING IS WORKING", "nothing tbh", "nobody cares", "dim byd yn gweithio".
NOTHING_OPENERS: Final = ("nothing", "nothin", "nowt", "none", "nobody", "no one", "dim byd", "neb")
NOTHING_OPENER_WORDS: Final = 5

_SPACES = re.compile(r"\s+")


def _plain(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation (but ' and /) dropped, spaces tidied."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'").casefold()
    kept = "".join(
        char if char in "'/" or not unicodedata.category(char).startswith(("P", "S")) else " "
        for char in text
    )
    return _SPACES.sub(" ", kept).strip()


def says_nothing(value: AnswerValue) -> bool:
    """Whether an answer refuses or says there is nothing: no acknowledgement fits it.

    Typed words are read; an answer with no letters or digits at all ("?", "...", "👍") says
    nothing either. Empty lists and ticks are nothing too. Other answers (a number, a choice,
    a voice note) say something: the script's `when:` decides which words fit them."""
    if value is None:
        return True
    if isinstance(value, list):
        return not value
    if not isinstance(value, str):
        return False
    words = _plain(value)
    if not words:
        return True
    if words in NOTHING_ANSWERS:
        return True
    if len(words.split()) <= NOTHING_OPENER_WORDS:
        return any(words == o or words.startswith(o + " ") for o in NOTHING_OPENERS)
    return False


@dataclass(frozen=True, slots=True)
class Ack:
    """One acknowledgement: its words, and when they fit (None: after any other answer)."""

    wording: Wording
    when: Condition | None = field(default=None)


def pick(
    acks: tuple[Ack, ...], answers: Mapping[str, AnswerValue], answer: AnswerValue
) -> Ack | None:
    """The acknowledgement to say after `answer` (already in `answers`), or None."""
    if not acks or says_nothing(answer):
        return None
    for ack in acks:
        if ack.when is None or ack.when.holds(answers):
            return ack
    return None
