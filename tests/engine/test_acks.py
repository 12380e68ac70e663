"""Acknowledgements that fit (`ack:`): said after an answer, chosen by the answer, never after
a skip, "I'd rather not say", or words that refuse or say nothing."""

from __future__ import annotations

import pytest

from bot.engine.acks import says_nothing
from bot.engine.checker import check_text
from tests.engine.helpers import HEADER, Chat, compile_ok, make, problems

HEADER_CY = "tool: t\ntitle: {en: T, cy: T}\nabout: {en: A, cy: A}\nlanguages: [en, cy]\n"

SCRIPT = """
steps:
  - id: pleased
    ask: What are you pleased about?
    skip: true
    ack: Thank you for sharing that.
  - id: week
    ask: How was your week?
    answer: scale
    ack:
      - when: {answer: week, more_than: 7}
        say: That's great to hear.
      - when: {answer: week, less_than: 4}
        say: I'm sorry it was hard.
  - id: check
    check_answers: true
"""


def test_a_neutral_ack_after_an_answer() -> None:
    chat = Chat(compile_ok(SCRIPT))
    chat.send("Getting my CSCS card")
    assert chat.texts[0] == "Thank you for sharing that."
    assert chat.last.messages[0].step_id == "pleased"
    assert chat.texts[1].startswith("How was your week?")


@pytest.mark.parametrize("how", ["Skip this one", "I'd rather not say"])
def test_no_ack_after_a_skip(how: str) -> None:
    chat = Chat(
        compile_ok(
            SCRIPT.replace("    skip: true\n", "    skip: true\n    rather_not_say: true\n", 1)
        )
    )
    chat.click(how)
    assert chat.texts[0].startswith("How was your week?")


@pytest.mark.parametrize(
    "words",
    [
        "no comment",
        "No comment.",
        "nothing",
        "NOTHING IS WORKING",
        "nothing really tbh",
        "dunno",
        "idk",
        "I don't know",
        "rather not say",
        "pass",
        "nah",
        "n/a",
        "?",
        "...",
        "👍",
        "dim byd",
        "Dim sylw",
        "sai'n gwybod",
        "gwell gen i beidio",
        "nobody",
    ],
)
def test_no_ack_after_words_that_say_nothing(words: str) -> None:
    assert says_nothing(words)
    chat = Chat(compile_ok(SCRIPT))
    chat.send(words)
    assert chat.texts[0].startswith("How was your week?"), chat.texts
    assert chat.state.answers["pleased"] == words  # still kept: it is the person's answer


@pytest.mark.parametrize(
    "words",
    ["My kids", "Seeing my mum", "no more drinking, 3 weeks now", "Dim ond fy mhlant"],
)
def test_real_answers_say_something(words: str) -> None:
    assert not says_nothing(words)


def test_short_answers_that_start_with_nothing_get_no_ack() -> None:
    # Cautious on purpose: missing a thank-you after "Nothing beats seeing my mum" costs less
    # than "That's good to hear." after "nothing is working".
    assert says_nothing("Nothing beats seeing my mum")
    assert not says_nothing("Nothing beats seeing my mum on a Sunday after church")


def test_the_ack_is_chosen_by_the_answer() -> None:
    script = compile_ok(SCRIPT)
    for score, expected in (("9", "That's great to hear."), ("2", "I'm sorry it was hard.")):
        chat = Chat(script)
        chat.send("My kids")
        chat.click(score)
        assert chat.texts[0] == expected
    chat = Chat(script)
    chat.send("My kids")
    chat.click("5")  # no line fits a 5, and there is no default: nothing is said
    assert chat.texts[0].startswith("Here are your answers.")


def test_no_ack_on_the_way_back_to_the_summary() -> None:
    chat = Chat(compile_ok(SCRIPT))
    chat.send("My kids")
    chat.click("5")
    chat.click("Change an answer")
    chat.click("What are you pleased about?")
    chat.send("My job")
    assert chat.texts[0].startswith("Here are your answers.")


def test_an_ack_in_welsh() -> None:
    script = compile_ok(
        """
        steps:
          - id: q
            ask: {en: What helps?, cy: Beth sy'n helpu?}
            ack: {en: Thank you., cy: Diolch.}
          - id: r
            ask: {en: And?, cy: A?}
        """,
        HEADER_CY,
    )
    chat = Chat(script, "cy")
    chat.send("Cerdded")
    assert chat.texts == ["Diolch.", "A?"]


def test_an_ack_line_without_when_must_be_last() -> None:
    found = problems(
        make(
            """
            steps:
              - id: q
                ask: Q?
                answer: scale
                ack:
                  - say: Thank you.
                  - when: {answer: q, more_than: 7}
                    say: Great.
            """
        )
    )
    assert any("must be the last" in p for p in found), found


def test_an_ack_needs_every_language() -> None:
    found = problems(
        HEADER
        + "languages: [en, cy]\nsteps:\n  - id: q\n    ask: {en: Q?, cy: C?}\n    ack: Thanks.\n"
    )
    assert any("only in English" in p for p in found), found


def test_the_checker_warns_on_praise_after_any_answer() -> None:
    report = check_text(
        make(
            """
            steps:
              - id: pleased
                ask: What are you pleased about?
                ack: That's good to hear.
              - id: week
                ask: How was your week?
                answer: scale
                ack:
                  - when: {answer: later, more_than: 7}
                    say: Great.
                  - when: {answer: week, more_than: 7}
                    say: That's great to hear.
              - id: later
                ask: Later?
                answer: scale
            """
        ),
        "t.yaml",
    )
    messages = [p.message for p in report.warnings]
    assert sum("is said after any answer" in m for m in messages) == 1, messages
    assert any("this `ack` looks at the answer to `later`" in m for m in messages), messages
