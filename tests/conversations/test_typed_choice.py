"""Typed replies to buttons: the corpus of messy replies to the shipped tools' questions, and
the matcher's rules one by one."""

from __future__ import annotations

import pytest

from bot.conversations.typed_choice import Ambiguous, Choice, Matched, NoMatch, match
from tests.conversations.typed_corpus import load_cases, play, shares


def test_the_corpus_is_big_enough_and_names_real_buttons() -> None:
    played, _ = play()
    assert len(played) >= 200
    # Every expected label is a button on that question (a typo in the corpus would make a
    # case impossible to pass, and silently lower the figure).
    from bot import engine
    from tests.conversations.typed_corpus import buttons
    from tests.support.tandem import DIALOGUES

    registry = engine.load_dialogues(DIALOGUES)
    for case in load_cases():
        labels = {c.label for c in buttons(registry, case.question, case.lang)[0]}
        assert set(case.expect) <= labels, (case, labels)


def test_matched_share_and_wrong_share() -> None:
    played, _ = play()
    matched, wrong = shares(played)
    wrongs = [(p.case.question, p.case.typed, p.got) for p in played if p.wrong]
    assert wrong <= 0.01, wrongs
    assert matched >= 0.90


YES_NOT_NOW = [Choice("Yes", "0"), Choice("Not now", "1"), Choice("Back", "b", system=True)]
CLOSE = [Choice("Very close", "0"), Choice("Quite close", "1"), Choice("Not very close", "2")]


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("yeh", "Yes"),
        ("yes please", "Yes"),
        ("nah", "Not now"),
        ("no", "Not now"),
        ("ie", "Yes"),
        ("na", "Not now"),
        ("the first one", "Yes"),
        ("last one", "Not now"),  # the last real choice, not Back
        ("2", "Not now"),
        ("bak", "Back"),
    ],
)
def test_yes_no_place_and_spelling(typed: str, label: str) -> None:
    result = match(typed, YES_NOT_NOW)
    assert isinstance(result, Matched)
    assert [c.label for c in result.choices] == [label]


def test_not_great_is_never_no() -> None:
    feeling = [Choice(x, str(i)) for i, x in enumerate(["Very well", "OK", "Not great"])]
    assert isinstance(match("no", feeling), NoMatch)


def test_ambiguous_gives_only_the_buttons_that_fit() -> None:
    result = match("close", CLOSE)
    assert isinstance(result, Ambiguous)
    assert {c.label for c in result.choices} <= {c.label for c in CLOSE}
    assert len(result.choices) >= 2


def test_a_scale_takes_its_numbers_and_nothing_else() -> None:
    scale = [Choice(str(n), str(n)) for n in range(1, 11)]
    got = match("7", scale)
    assert isinstance(got, Matched) and got.choices[0].label == "7"
    got = match("seven", scale)
    assert isinstance(got, Matched) and got.choices[0].label == "7"
    assert isinstance(match("40", scale), NoMatch)


def test_several_tick_boxes() -> None:
    boxes = [Choice(x, f"t{i}") for i, x in enumerate(["Housing", "Money", "Drink", "Drugs"])]
    got = match("housing n money", boxes, many=True)
    assert isinstance(got, Matched)
    assert [c.label for c in got.choices] == ["Housing", "Money"]
    # Without `many`, several things named is not one choice.
    assert not isinstance(match("housing n money", boxes), Matched)
