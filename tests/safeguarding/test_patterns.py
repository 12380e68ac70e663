"""The phrase language: what a phrase matches, and what it refuses."""

from __future__ import annotations

import json

import pytest

from bot.safeguarding import Rules, SafeguardingError, parse_rules

HEAD = """
languages: [en]
spellings:
  gonna: going to
words:
  me: [myself, my self]
categories:
  test:
    label: {en: Test}
    reply: {en: Help.}
    phrases:
      en:
"""


def rules_for(*phrases: str) -> Rules:
    body = "".join(f"        - {json.dumps(p)}\n" for p in phrases)
    return parse_rules(HEAD + body, "test.yaml")


@pytest.mark.parametrize(
    ("phrase", "fires", "quiet"),
    [
        ("want to die", ["i want to die", "WANT TO DIE!"], ["want to dine", "want to. die"]),
        ("[really] want to die", ["want to die", "really want to die"], ["really want die"]),
        ("(going to|want to) die", ["going to die", "want to die"], ["need to die"]),
        ("kill* {me}", ["kill myself", "killing my self", "killed myself"], ["skill myself"]),
        ("kill* him", ["kill him", "killer him"], ["kilometres him"]),  # ending <= 4 letters
        ("threw * at me", ["threw it at me"], ["threw at me", "threw a plate at me"]),
        (
            "nobody ... miss me",
            ["nobody miss me", "nobody would ever really miss me"],
            ["nobody would ever really truly miss me"],  # more than three words between
        ),
        ("gonna die", ["going to die", "gonna die"], []),
        ("[a|the] (big|small) [red] dog", ["big dog", "the small red dog"], ["the dog"]),
    ],
)
def test_phrase_language(phrase: str, fires: list[str], quiet: list[str]) -> None:
    rules = rules_for(phrase)
    for text in fires:
        assert rules.check(text) is not None, (phrase, text)
    for text in quiet:
        assert rules.check(text) is None, (phrase, text)


def test_raw_regex_sees_the_tidied_text() -> None:
    text = HEAD + "        - regex: ' tok [0-9]+ pills'\n"
    rules = parse_rules(text, "t.yaml")
    assert rules.check("I took 30 PILLS") is not None
    doubled = HEAD + "        - regex: ' took [0-9]+ pills'\n"  # doubled letters folded for you
    assert parse_rules(doubled, "t.yaml").check("i took 12 pills") is not None


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("(want to die", "never closed"),
        ("want to die)", "no opening bracket"),
        ("want | die", "separates choices inside brackets"),
        ("want to (|die)", "is empty"),
        ("[really]", "optional"),
        ("* ...", "optional"),
        ("{nope} die", "no word list `nope`"),
        ("{mee} die", "did you mean {me}"),
        ("k*ll", "goes at the end"),
        ("die?", "put optional words in [ ]"),
        ("want to. die", "never runs across two sentences"),
        ("— die", "no letters or numbers"),
    ],
)
def test_bad_phrases_are_refused_with_their_line(phrase: str, message: str) -> None:
    text = HEAD + "        - ok phrase\n" + f'        - "{phrase}"\n'
    with pytest.raises(SafeguardingError) as err:
        parse_rules(text, "test.yaml")
    (problem,) = err.value.problems
    assert problem.line == text.count("\n")  # the last line
    assert message in problem.message
    assert str(problem).startswith(f"test.yaml:{problem.line}:")


EDGES = """
languages: [en]
spellings:
  "2": to
categories:
  test:
    label: {en: Test}
    reply: {en: Help.}
    phrases:
      en:
"""


@pytest.mark.parametrize(
    ("phrase", "fires", "quiet"),
    [
        (
            "i give up {end}",
            ["i give up", "I give up. Help", "i give up!!! whatever", "i give up..."],
            ["i give up on this form", "i give up smoking"],
        ),
        (
            "{start} help {end}",
            ["help", "HELP!!", "ok. help"],
            ["i need help", "help me", "can you help"],
        ),
        (
            "took # pills",
            ["I took 30 pills", "took 2 pills", "took 100 pills"],
            ["took the pills", "took some pills"],
        ),
    ],
)
def test_sentence_edges_and_numbers(phrase: str, fires: list[str], quiet: list[str]) -> None:
    rules = parse_rules(EDGES + f"        - {json.dumps(phrase)}\n", "test.yaml")
    for text in fires:
        assert rules.check(text) is not None, (phrase, text)
    for text in quiet:
        assert rules.check(text) is None, (phrase, text)


def test_edges_alone_or_a_number_alone_are_refused() -> None:
    for phrase in ("{start} {end}", "#"):
        with pytest.raises(SafeguardingError, match="optional or 'any word'"):
            parse_rules(EDGES + f"        - {json.dumps(phrase)}\n", "test.yaml")


def test_a_phrase_is_found_the_same_in_a_long_message(monkeypatch: pytest.MonkeyPatch) -> None:
    # A long message is checked in stretches, each only for the phrases whose words are in it:
    # never a different answer from checking the whole message at once.
    import bot.safeguarding.rules as rules_module

    rules = rules_for("[i] (really|just) want to die", "nobody ... miss me", "kill* {me}")
    filler = "had a normal day at work and then went home "
    messages = [
        filler * 20 + "i really want to die " + filler * 40,
        filler * 60 + "nobody would even miss me",
        (filler + ". ") * 30 + "killing myself. " + filler * 5,
        filler * 90,
        "just want to die " * 250,
    ]
    found = [rules.check(text) for text in messages]
    monkeypatch.setattr(rules_module, "CHUNK", 10**9)
    assert [rules.check(text) for text in messages] == found
    assert [m is not None for m in found] == [True, True, True, False, True]
