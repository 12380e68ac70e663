"""'Here are your answers' with typical answers, to check it fits on one phone screen.

The checker walks a script the way a typical person might, answering every question and
taking the first way on, and measures the summary shown at the check step:

- a typed answer (or the words of an open question) is a few words (`TYPICAL_WORDS`, 24
  characters); a number is 12; a date is today;
- a button question gets its first button; a question where people tick several gets two ticks;
- a list gets two items, each with every question answered the same way.

`SCREEN_CHARACTERS` is one phone screen: about 600 characters of chat text on a small phone
(around 15 lines of 40 characters). The measure counts characters as Telegram does.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from .model import END, ButtonInput, Problem, TextInput
from .render import question_prompts, summary_text
from .runner import Outcome, start, step
from .script import Script
from .texts import telegram_length

SCREEN_CHARACTERS: Final = 600
TYPICAL_WORDS: Final = {"en": "Going to the gym with Jo", "cy": "Mynd i'r gampfa gyda Jo"}
TYPICAL_OTHERS: Final = ("12", "today")
LIST_ITEMS: Final = 2
TICKS: Final = 2
_ENGINE_TOKENS: Final = frozenset({"s", "r", "b", "k", "x"})
_MAX_INPUTS: Final = 400
_TODAY: Final = date(2025, 4, 3)


def typical_summary(script: Script, lang: str) -> str | None:
    """The check-your-answers summary after typical answers (None: no check step reached)."""
    outcome = start(script, lang, _TODAY)
    items = 0
    for _ in range(_MAX_INPUTS):
        state = outcome.state
        if state.step == END:
            return None
        here = script.step(state.step)
        if here.check is not None:
            return summary_text(script, state)
        prompts = question_prompts(script, state, _TODAY, arriving=False)
        last = prompts[-1]
        buttons = [(b.token, b.label) for row in last.buttons for b in row]
        tokens = [token for token, _ in buttons]
        if "e" in tokens and "a" in tokens and last.expects == "choice":
            items += 1
            token = "a" if items < LIST_ITEMS else "e"
            outcome = step(script, state, ButtonInput(state.turn, token), _TODAY)
            continue
        if "d" in tokens:
            ticked = sum(1 for _, label in buttons if label.startswith("✓ "))
            free = [t for t, label in buttons if t.startswith("t") and not label.startswith("✓ ")]
            token = "d" if ticked >= TICKS or not free else free[0]
            outcome = step(script, state, ButtonInput(state.turn, token), _TODAY)
            continue
        if last.expects in ("text", "media"):
            outcome = _typed(script, state, lang)
            continue
        choice = next((t for t in tokens if t not in _ENGINE_TOKENS), None)
        if choice is None:
            return None
        outcome = step(script, state, ButtonInput(state.turn, choice), _TODAY)
        if outcome.problem is not None:
            return None
    return None


def _typed(script: Script, state: object, lang: str) -> Outcome:
    from .state import ConversationState

    assert isinstance(state, ConversationState)
    tried: Outcome | None = None
    for words in (TYPICAL_WORDS.get(lang, TYPICAL_WORDS["en"]), *TYPICAL_OTHERS):
        tried = step(script, state, TextInput(words), _TODAY)
        if tried.problem is None:
            return tried
    assert tried is not None
    if tried.problem in (Problem.NOT_TEXT, Problem.NEED_MEDIA):
        return step(script, state, ButtonInput(state.turn, "s"), _TODAY)
    return tried


def summary_length(script: Script, lang: str) -> int | None:
    """How many characters the typical summary has (None: no check step reached)."""
    found = typical_summary(script, lang)
    return None if found is None else telegram_length(found)
