"""How messages are tidied before matching (the same happens to every phrase)."""

from __future__ import annotations

import pytest

from bot.safeguarding import Rules, normalise
from bot.safeguarding.normalise import fold, fuzzy_index, words


@pytest.mark.parametrize(
    ("text", "tidy"),
    [
        ("I’M", " im "),  # curly apostrophe, case
        ("don't", " dont "),
        ("soooo", " so "),  # repeated letters
        ("KILLLL", " kil "),
        ("  lots   of\tspace  ", " lots of space "),
        ("strôc ŵ", " stroc w "),  # accents
        ("𝐤𝐢𝐥𝐥 ｋｉｌｌ", " kil kil "),  # fancy letters
        ("hi. bye", " hi . bye "),  # a full stop ends a sentence
        ("hi... bye", " hi bye "),  # an ellipsis does not
        ("hi… bye", " hi bye "),
        ("hi!!! bye?", " hi . bye "),
        ("hi 😭😭 bye", " hi bye "),  # emoji separate words
        ("teimlo'n drist", " teimlo yn drist "),  # Welsh 'n = yn
        ("i'r dre", " i yr dre "),
        ("999", " 999 "),  # digits are never folded
        ("", " "),
    ],
)
def test_normalise(text: str, tidy: str) -> None:
    assert normalise(text) == tidy


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("im gonna kil myslef", "I'm going to kill myself"),
        ("i wanna die", "I want to die"),
        ("kms", "kill myself"),
        ("kys", "kill yourself"),
        ("i dont want 2 live", "I do not want to live"),
        ("cant breath", "can't breathe"),
        ("ive got no where 2 stay 2nite", "I have got nowhere to stay tonight"),
        ("dwi isio marw", "dw i eisiau marw"),
        ("dwi moyn marw", "dw i isho marw"),
        ("im sucidal", "I'm suicidal"),
    ],
)
def test_spellings_and_text_speak(rules: Rules, typed: str, meant: str) -> None:
    assert rules.normalise(typed) == rules.normalise(meant)


@pytest.mark.parametrize(
    "typed",
    [
        "im gonna kill myself",
        "I’m going to kill myself",
        "IM GONNA KILL MYSELF!!!",
        "i'm    gonna   kil   my self",
        "im goin to kill myself 😭😭😭",
        "kmsss",
        "i wanna diiiie",
        "i'm going to unalive myself",
    ],
)
def test_variants_all_fire(rules: Rules, typed: str) -> None:
    match = rules.check(typed)
    assert match is not None and match.category == "suicide_self_harm", typed


def test_fuzzy_reads_one_slip_as_the_word(rules: Rules) -> None:
    assert rules.normalise("shes unconcious") == " she is unconscious "
    assert rules.normalise("i feel suicdal") == rules.normalise("i feel suicidal")
    # but never turns one form of a word into another
    assert rules.normalise("strangle") == " strangle "


def test_fuzzy_index_drops_ambiguous_keys() -> None:
    index = fuzzy_index(["abcdef", "abcdeg"])  # both lose a letter to "abcde"
    assert "abcde" not in index
    assert index["bcdef"] == "abcdef"
    assert words("abdcef", {}, index) == ["abcdef"]  # two letters swapped
    assert words("abcdef", {}, index) == ["abcdef"]
    assert words("short", {}, index) == ["short"]


def test_fold_keeps_digits_and_welsh_short_forms() -> None:
    assert fold("2000") == "2000"
    assert fold("i'w") == "i ei"


@pytest.mark.parametrize(
    ("word", "target", "slip"),
    [
        ("unconcious", "unconscious", True),  # a letter missing
        ("suicidle", "suicidal", True),  # a letter left out of each: the same
        ("suiciadl", "suicidal", True),  # two letters swapped
        ("overdosse", "overdose", True),  # a letter added
        ("ovexdose", "overdose", True),  # a letter changed
        ("talking", "stalking", True),  # one slip, which is why stalking is not a fuzzy word
        ("overdose", "overdose", False),
        ("abcdx", "vwxyz", False),
        ("homeless", "hopeful", False),
    ],
)
def test_one_slip(word: str, target: str, slip: bool) -> None:
    from bot.safeguarding.normalise import one_slip

    assert one_slip(word, target) is slip


@pytest.mark.parametrize(
    "word",
    ["talking", "walking", "stalling", "attached", "overdone", "stubbed", "blending", "breeding"],
)
def test_real_words_are_not_read_as_slips(rules: Rules, word: str) -> None:
    assert rules.normalise(word) == f" {word} ".replace("ll", "l").replace("bb", "b").replace(
        "ee", "e"
    ).replace("tt", "t")
