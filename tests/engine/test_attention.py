"""`attention:` — a script's rules for answers the case manager should read first: written in
the condition language of `when:`, checked like it, evaluated by our own code."""

from __future__ import annotations

from bot.engine import load_dialogues
from bot.engine.checker import check_text
from tests.engine.helpers import DIALOGUES, Chat, compile_ok, make, problems

BODY = """
steps:
  - id: feeling
    ask: How have you been?
    skip: true
    choices:
      - label: Well
      - label: Not great
      - label: Struggling
  - id: note
    say: Thank you.
  - id: support
    ask: Any help you'd like?
    answer: multi_choice
    choices:
      - label: Housing
      - label: Money
    none_of_these: No, nothing
  - id: score
    ask: How was your week, 1 to 10?
    answer: scale
"""

RULES = """
attention:
  - when: {answer: feeling, one_of: [not_great, struggling]}
    say: Said they are not doing well
  - when: {answer: feeling, is: Struggling}
    say:
      en: Said they are struggling
      cy: Wedi dweud ei bod hi'n anodd
  - when:
      all:
        - {answer: support, answered: true}
        - not: {answer: support, is: none}
    say: Would like support
  - when: {answer: score, less_than: 3}
    say: Said they are not doing well
"""


def test_reasons_are_the_rules_that_hold_in_order_each_once() -> None:
    script = compile_ok(BODY + RULES)
    assert [rule.reason.pick("en") for rule in script.attention][:2] == [
        "Said they are not doing well",
        "Said they are struggling",
    ]
    assert script.attention_reasons(
        {"feeling": "struggling", "support": ["money"], "score": 2}
    ) == [
        "Said they are not doing well",
        "Said they are struggling",
        "Would like support",
    ]
    assert script.attention_reasons({"feeling": "well", "support": ["none"], "score": 8}) == []
    assert script.attention_reasons({"feeling": "well", "score": 1}) == [
        "Said they are not doing well"
    ]
    # Skipped ("I'd rather not say" too) is stored as None and meets no test of a value.
    assert script.attention_reasons({"feeling": None, "support": None}) == []
    assert script.attention_reasons({}) == []
    assert script.attention_reasons({"feeling": "struggling"}, "cy")[1] == (
        "Wedi dweud ei bod hi'n anodd"
    )


def test_a_script_without_rules_has_none() -> None:
    script = compile_ok(BODY)
    assert script.attention == () and script.attention_reasons({"feeling": "struggling"}) == []


def test_reasons_from_a_real_conversation() -> None:
    chat = Chat(compile_ok(BODY + RULES))
    chat.click("Struggling")
    chat.click("Housing")
    chat.click("Done")
    chat.click("2")
    assert chat.state.finished
    assert chat.script.attention_reasons(chat.state.answers) == [
        "Said they are not doing well",
        "Said they are struggling",
        "Would like support",
    ]


def test_unknown_questions_and_values_are_located() -> None:
    text = make(
        BODY
        + """
attention:
  - when: {answer: feelings, is: struggling}
    say: Struggling
  - when: {answer: note, answered: true}
    say: Read the note
  - when: {answer: feeling, one_of: [fine, struggling]}
    say: Not well
  - when: {answer: feeling}
    say: Nothing tested
"""
    )
    found = problems(text)
    lines = text.splitlines()

    def line_of(fragment: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if fragment in line)

    assert any(
        p.startswith(f"t.yaml:{line_of('feelings')}:")
        and "there is no question `feelings` — did you mean `feeling`?" in p
        for p in found
    ), found
    assert any(
        p.startswith(f"t.yaml:{line_of('answer: note')}:") and "`note` is a message" in p
        for p in found
    ), found
    assert any(p.startswith(f"t.yaml:{line_of('[fine, struggling]')}:") for p in found), found
    assert any("`fine`" in p for p in found), found
    assert any(
        p.startswith(f"t.yaml:{line_of('answer: feeling}')}:") and "not what to test" in p
        for p in found
    ), found


def test_the_shape_of_a_rule_is_checked() -> None:
    found = problems(
        make(
            BODY
            + """
attention:
  - wen: {answer: feeling, is: struggling}
    say: Struggling
  - when: {answer: feeling, is: struggling}
"""
        )
    )
    assert any("unknown key `wen` — did you mean `when`?" in p for p in found), found
    assert any("`say:` is missing here" in p for p in found), found


def test_the_reason_is_for_staff_in_english() -> None:
    no_english = make(
        BODY
        + """
attention:
  - when: {answer: feeling, is: struggling}
    say:
      cy: Yn ei chael hi'n anodd
"""
    )
    assert any("add an `en:` line" in p for p in problems(no_english))

    long = compile_ok(
        BODY
        + """
attention:
  - when: {answer: feeling, is: struggling}
    say: Said that they have been struggling a great deal since the last appointment with you
"""
    )
    assert any("shown as a tag on the caseload" in w.message for w in long.warnings)


def test_reasons_need_no_welsh_and_no_reading_grade() -> None:
    """A bilingual script's person-facing texts all need Welsh; staff's reasons do not, and
    staff words ("compliance") are fine in them."""
    header = "tool: t\ntitle: {en: Test, cy: Prawf}\nabout: {en: A test., cy: Prawf.}\n"
    header += "languages: [en, cy]\n"
    text = make(
        """
steps:
  - id: feeling
    ask: {en: How are you?, cy: Sut ydych chi?}
    choices:
      - label: {en: Well, cy: Da}
        value: well
      - label: {en: Struggling, cy: Anodd}
        value: struggling
attention:
  - when: {answer: feeling, is: struggling}
    say: Compliance may be at risk; consider the risk factors
""",
        header,
    )
    report = check_text(text, "t.yaml")
    assert report.errors == () and report.warnings == (), report.problems


def test_the_shipped_rules() -> None:
    scripts = load_dialogues(DIALOGUES).scripts
    check_in = scripts["check_in"]
    assert check_in.attention_reasons(
        {"feeling": "struggling", "support": ["housing", "money"], "callback": True}
    ) == [
        "Check-in: struggling",
        "Check-in: would like support",
        "Check-in: asked for a call",
    ]
    assert check_in.attention_reasons({"feeling": "not_great"}) == ["Check-in: not great"]
    assert (
        check_in.attention_reasons({"feeling": "ok", "support": ["none"], "callback": False}) == []
    )
    assert scripts["people_in_my_life"].attention_reasons({"harder": "sometimes"}) == []
    assert scripts["people_in_my_life"].attention_reasons({"harder": "yes"}) == [
        "Someone makes it harder to stay on track"
    ]
    assert scripts["my_responsibilities"].attention_reasons({"how_clear": "not_clear_yet"})
    assert scripts["enabling_fund"].attention_reasons({"how_soon": "this_week"})
    assert scripts["good_day_bad_day"].attention == ()
