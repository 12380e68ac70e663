"""`check` never raises and never backtracks catastrophically, whatever people type.

The time bounds are deliberately loose (a catastrophic regex takes seconds or hours, not
milliseconds); real speed figures belong to `make bench`.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.safeguarding import Match, Rules

TELEGRAM_MAX = 4096
LOOSE_SECONDS = 0.25

_WORDS = (
    "i want to going kill myself he she they hit me the a of never not wake up sleep rough "
    "no where stay tonight chest pain can not breathe ... . ! ? dead die dying nobody would "
    "miss me fy lladd hun eisiau marw dim pwynt byw 😭 im dont wanna gonna kms kys ' ’ - "
)
TRIGGERISH = tuple(_WORDS.split())


def timed_check(rules: Rules, text: str) -> Match | None:
    started = time.perf_counter()
    result = rules.check(text)
    elapsed = time.perf_counter() - started
    assert elapsed < LOOSE_SECONDS, f"{elapsed:.3f}s for {text[:60]!r}..."
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=TELEGRAM_MAX))
def test_any_text(rules: Rules, text: str) -> None:
    result = timed_check(rules, text)
    assert result is None or isinstance(result, Match)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TRIGGERISH), max_size=700).map(" ".join))
def test_text_made_of_trigger_words(rules: Rules, text: str) -> None:
    result = timed_check(rules, text[:TELEGRAM_MAX])
    if result is not None:
        assert result.categories and len(set(result.categories)) == len(result.categories)


def _fill(unit: str) -> str:
    return (unit * (TELEGRAM_MAX // len(unit) + 1))[:TELEGRAM_MAX]


@pytest.mark.parametrize(
    "text",
    [
        _fill("a"),
        _fill("a "),
        _fill("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"),
        _fill("kill "),
        _fill("want to "),
        _fill("nobody would really ever "),
        _fill("i am going to "),
        _fill("."),
        _fill("... "),
        _fill("😭"),
        _fill("'"),
        _fill("fy "),
        _fill("dw i'n mynd i fy "),
        _fill("\u0301"),  # combining accents only
        _fill("𝐤"),
        _fill("0123456789"),
        _fill("sleep in the "),
        _fill("threat"),
        _fill("abcdefghijklmnopqrstuvwxyz"),  # one 4096-letter word (fuzzy matching)
        _fill("unconciousunconcious "),
    ],
)
def test_adversarial_4096_character_messages(rules: Rules, text: str) -> None:
    assert len(text) == TELEGRAM_MAX
    timed_check(rules, text)


def test_a_crisis_at_the_end_of_a_long_message_is_found(rules: Rules) -> None:
    text = _fill("had a normal day at work and then went home. ")[: TELEGRAM_MAX - 20]
    match = timed_check(rules, text + " i want to die")
    assert match is not None and match.category == "suicide_self_harm"
