"""The shipped rules: idioms stay quiet, crises fire, every phrase works, the API."""

from __future__ import annotations

import pytest

from bot.safeguarding import Match, Rules

EVERYDAY = [
    "I could kill for a coffee",
    "this form is killing me",
    "my feet are killing me",
    "dying to see my kids",
    "I'm dead tired",
    "I killed it at the interview",
    "knock 'em dead",
    "a killer headache",
    "I'm dying for a fag",
    "my phone's dead",
    "my mum will kill me if I'm late",
    "I beat him at pool",
    "I cut myself shaving",
    "the news hit me hard",
    "I'm proud of myself",  # "off myself" must not match "of myself"
    "I don't see the point of this form",
    "can't go on holiday because of my licence",
    "I'm sleeping at my mum's tonight",
    "the homeless guy outside the shop was sound",
    "was laughing so hard I couldn't breathe",
    "dw i bron â marw eisiau paned",
    "mae fy nhraed yn fy lladd i",
    "wedi blino'n farw",
    "mae fy ffôn wedi marw",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_phrases_do_not_fire(rules: Rules, text: str) -> None:
    assert rules.check(text) is None


@pytest.mark.parametrize(
    ("text", "category", "language"),
    [
        ("I don't see the point anymore", "suicide_self_harm", "en"),
        ("everyone would be better off without me", "suicide_self_harm", "en"),
        ("he hit me again last night", "being_harmed", "en"),
        ("I've got nowhere to stay tonight", "nowhere_to_sleep", "en"),
        ("sleeping in the park tonight", "nowhere_to_sleep", "en"),
        ("my chest is really hurting and I can't breathe", "medical_emergency", "en"),
        ("I'm going to batter him", "harm_to_others", "en"),
        ("I want to hurt someone", "harm_to_others", "en"),
        ("he made me have sex when I didn't want to", "being_harmed", "en"),
        ("dw i eisiau lladd fy hun", "suicide_self_harm", "cy"),
        ("mae e'n fy nharo i", "being_harmed", "cy"),
        ("dw i'n mynd i'w ladd e", "harm_to_others", "cy"),
        ("does gen i unman i gysgu heno", "nowhere_to_sleep", "cy"),
        ("dw i'n methu anadlu", "medical_emergency", "cy"),
        # someone else's threat leads with being harmed, not with suicide (2026-12-03)
        ("he's going to kill me", "being_harmed", "en"),
        ("they're gonna kill me", "being_harmed", "en"),
        ("my ex said he will kill me", "being_harmed", "en"),
        ("i wish someone would just kill me", "suicide_self_harm", "en"),
        ("i just want someone to kill me", "suicide_self_harm", "en"),
    ],
)
def test_crises_fire_with_their_category(
    rules: Rules, text: str, category: str, language: str
) -> None:
    match = rules.check(text)
    assert match is not None
    assert match.category == category
    assert match.language == language


def test_negation_still_fires(rules: Rules) -> None:
    # Decided on purpose: people play down what they feel; a missed crisis costs more.
    for text in (
        "I'm not going to kill myself",
        "I'm not suicidal or anything",
        "I would never hurt anyone",
        "dw i ddim yn mynd i ladd fy hun",
    ):
        assert rules.check(text) is not None, text


def test_an_idiom_does_not_hide_a_crisis_in_the_same_message(rules: Rules) -> None:
    match = rules.check("I could kill for a coffee but honestly I want to kill myself")
    assert match is not None and match.category == "suicide_self_harm"


def test_phrases_do_not_run_across_sentences(rules: Rules) -> None:
    assert rules.check("Do I want to watch a film? Die Hard is on") is None
    assert rules.check("I want to... die") is not None  # "..." is a pause, not a full stop


def test_several_categories_most_urgent_first(rules: Rules) -> None:
    match = rules.check("I've taken all my tablets and I can't breathe")
    assert match is not None
    assert match.categories[0] == "medical_emergency"
    assert "suicide_self_harm" in match.categories
    assert match.category == match.categories[0]
    assert match.rule == match.hits[0].rule


def test_match_says_which_rule_fired_and_where(rules: Rules) -> None:
    match = rules.check("kms")
    assert isinstance(match, Match)
    rule = match.rule
    assert rule.category == "suicide_self_harm" and rule.language == "en"
    assert rule.file.endswith("safeguarding.yaml") and rule.line > 0
    assert rule.where == f"{rule.file}:{rule.line}"
    assert rule.text in str(rule)


def test_every_phrase_fires_on_its_own_example(rules: Rules) -> None:
    # Catches a phrase made dead by an exception, a spelling, or the tidying of the text.
    dead = []
    for category in rules.categories:
        for rule in category.rules:
            if rule.kind != "phrase":
                continue
            match = rules.check(rule.example)
            if match is None or category.key not in match.categories:
                dead.append(f"{rule.where}: {rule.text!r} (example {rule.example!r})")
    assert dead == []


def test_exceptions_are_quiet_on_their_own_example(rules: Rules) -> None:
    loud = []
    for rule in rules.everyday:
        if rules.check(rule.example) is not None:
            loud.append(f"{rule.where}: {rule.example!r}")
    for category in rules.categories:
        for rule in category.exceptions:
            match = rules.check(rule.example)
            if match is not None and category.key in match.categories:
                loud.append(f"{rule.where}: {rule.example!r}")
    assert loud == []


def test_labels_replies_and_calls(rules: Rules) -> None:
    keys = [c.key for c in rules.categories]
    assert keys == [
        "medical_emergency",
        "suicide_self_harm",
        "being_harmed",
        "harm_to_others",
        "nowhere_to_sleep",
        "struggling_to_cope",
    ]
    assert rules.languages == ("en", "cy")
    for category in rules.categories:
        assert set(category.label) == {"en", "cy"}
        assert set(category.reply) == {"en", "cy"} and set(category.also) == {"en", "cy"}
        assert "999" in category.reply["en"] and "999" in category.reply["cy"], category.key
    reply = rules.category("suicide_self_harm").reply["en"]
    for number in ("116 123", "85258", "NHS 111, option 2", "999"):
        assert number in reply
    assert "0808 164 0123" in rules.category("suicide_self_harm").reply["cy"]
    harmed = rules.category("being_harmed")
    assert harmed.call == "ask_if_safe"
    for words in ("press 55", "0808 2000 247", "0808 80 10 800", "delete this chat", "passcode"):
        assert words in harmed.reply["en"], words
    assert "0808 80 10 800" in harmed.reply["cy"]
    assert "0808 800 4444" in rules.category("nowhere_to_sleep").reply["en"]
    assert {c.key for c in rules.categories if c.call == "offer"} == set(keys) - {"being_harmed"}
    with pytest.raises(KeyError):
        rules.category("nope")


def test_digest_identifies_the_rules_version(rules: Rules) -> None:
    assert len(rules.digest) == 64
    assert sum(1 for _ in rules.all_rules()) > 200


def test_empty_and_symbol_only_messages(rules: Rules) -> None:
    for text in ("", "   ", "!!!", "😭😭😭", "\n\n", "...", "\x00"):
        assert rules.check(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "i used to self harm but ive been clean 2 years",
        "tried to top myself years ago, in a much better place now",
        "my ex used to hit me but thats over, im safe now",
        "i used to sleep in doorways, now i've got my own place",
        "i'm on licence for stabbing someone",  # an offence told as history
        "o'n i'n arfer hunan-niweidio ond dw i'n iawn nawr ers dwy flynedd",
        "trïais i ladd fy hun flynyddoedd yn ôl, dw i mewn lle llawer gwell nawr",
    ],
)
def test_past_told_as_over_and_safe_does_not_fire(rules: Rules, text: str) -> None:
    assert rules.check(text) is None
    assert rules.trace(text).past, "expected a phrase told as past and over"


@pytest.mark.parametrize(
    "text",
    [
        "i used to cut and i've started again",  # back
        "he used to hit me and i'm scared he'll come back",  # not over
        "my uncle abused me when i was a kid",  # historic, not said to be over
        "i tried to kill myself when i was 19",
        "i used to self harm but ive been clean 2 years. i want to die",  # now, elsewhere
        "i've been clean 2 years but i want to kill myself",  # now, in the same sentence
        "i used to self harm, i'm ok now, but i cut myself last night",  # recent
        "o'n i'n arfer torri fy hun a dw i wedi ailddechrau",
    ],
)
def test_past_that_is_back_unclear_or_recent_still_fires(rules: Rules, text: str) -> None:
    assert rules.check(text) is not None


def test_every_past_over_and_again_phrase_finds_its_own_example(rules: Rules) -> None:
    past = rules.past_and_over
    assert past is not None
    dead = []
    for rule in past.over + past.again:
        if rule.kind != "phrase":
            continue
        trace = rules.trace(rule.example)
        if rule not in (trace.over if rule.category == "over" else trace.again):
            dead.append(f"{rule.where}: {rule.text!r} (example {rule.example!r})")
    for compiled in past._past.compiled:
        rule = compiled.rule
        tidy = rules.normalise(rule.example)
        if compiled.regex.search(tidy) is None:
            dead.append(f"{rule.where}: {rule.text!r} (example {rule.example!r})")
        joins = [
            " " + " ".join(rules.normalise(j).split()) + " " for j in past.joins[rule.language]
        ]
        if any(join in tidy for join in joins):
            dead.append(f"{rule.where}: {rule.text!r} holds a join word, so is never in one part")
    assert dead == []


def test_trace_says_what_check_says(rules: Rules, corpus: list) -> None:  # type: ignore[type-arg]
    for case in corpus:
        assert rules.trace(case.text).match == rules.check(case.text), case.where


def test_a_long_message_is_checked_as_a_whole_would_be(
    rules: Rules,
    corpus: list,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A long message is checked in stretches of CHUNK words, each only for the phrases whose
    # words it holds: the same categories as checking it in one go.
    import random

    import bot.safeguarding.rules as rules_module

    pick = random.Random(4096)
    quiet = [case for case in corpus if not case.should_fire]
    messages = []
    for number in range(40):
        chosen = pick.sample(corpus if number % 2 else quiet, 60)
        messages.append(". ".join(case.text for case in chosen)[:4096])
    stretched = [rules.check(text) for text in messages]
    monkeypatch.setattr(rules_module, "CHUNK", 10**9)
    whole = [rules.check(text) for text in messages]
    assert [m and set(m.categories) for m in stretched] == [m and set(m.categories) for m in whole]
