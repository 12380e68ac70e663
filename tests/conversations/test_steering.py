"""Words that steer: only a whole short message of them counts."""

from __future__ import annotations

import pytest

from bot.conversations.steering import Steer, steering

PAUSE = [
    "stop",
    "STOP",
    "Stop!",
    "stop please",
    "not now",
    "not now thanks",
    "ok not now mate",
    "later",
    "can we do this later",
    "leave me alone",
    "enough",
    "that's enough",
    "pause",
    "cancel",
    "stopio",
    "Stop",
    "nes ymlaen",
    "dim nawr",
    "dim nawr diolch",
    "gad fi fod",
    "gadael fi fod",
    "digon",
]
HELP = [
    "help",
    "Help?",
    "?",
    "??",
    "what do u mean",
    "what?",
    "helpa",
    "help plis",
    "dwi ddim yn deall",
]
NEITHER = [
    "I need to stop drinking",
    "stop drinking",
    "no",
    "nah",
    "not now because work",
    "helping my mum",
    "later this week",
    "Yes",
    "",
    "not great",
    "the help I get from my sister",
]


@pytest.mark.parametrize("text", PAUSE)
def test_pause_words(text: str) -> None:
    assert steering(text) is Steer.PAUSE


@pytest.mark.parametrize("text", HELP)
def test_help_words(text: str) -> None:
    assert steering(text) is Steer.HELP


@pytest.mark.parametrize("text", NEITHER)
def test_answers_that_contain_the_words_are_answers(text: str) -> None:
    assert steering(text) is None
