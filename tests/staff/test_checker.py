"""The checker's own analyses: each finds what it should, and nothing on the shipped scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import checker
from bot.engine.registry import script_paths
from tests.staff.helpers import DIALOGUES, WELSH_HEADER, check, lines, make, messages

SHIPPED = sorted(script_paths(DIALOGUES))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scripts_have_no_errors_and_no_warnings(path: Path) -> None:
    report = checker.check_bytes(path.read_bytes(), str(path))
    assert report.script is not None
    assert lines(report) == []


def test_a_loop_with_no_way_out_is_an_error_naming_the_circle() -> None:
    report = check(
        """
        steps:
          - id: first
            ask: Pick one?
            choices:
              - label: Again
              - label: More
          - id: more
            ask: Say more?
            next: first
          - id: bye
            say: Bye.
        """
    )
    errors = [p for p in report.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].line == 12  # the `next: first` that closes the circle
    assert "first → more → first" in errors[0].message
    assert "can never finish" in errors[0].message


def test_a_question_that_leads_back_to_itself_is_an_error() -> None:
    report = check(
        """
        steps:
          - id: again
            ask: Again?
            next: again
          - id: bye
            say: Bye.
        """
    )
    assert any("can never finish once it reaches `again`" in m for m in messages(report, "error"))


def test_a_loop_with_a_way_out_is_fine() -> None:
    report = check(
        """
        steps:
          - id: another
            ask: Anyone else?
            choices:
              - label: Yes
                next: another
              - label: No
          - id: bye
            say: Bye.
        """
    )
    assert lines(report) == []


DEAD_END = """
steps:
  - id: more_q
    ask: Would you like to say more?
    choices:
      - label: Yes
        next: more
      - label: No
  - id: bye
    say: Thank you.
    end: true
  - id: more
    ask: Tell me more?
    skip: true
"""


def test_a_branch_that_runs_off_the_bottom_of_the_file_is_a_dead_end() -> None:
    report = check(DEAD_END)
    assert [(p.line, p.severity) for p in report.problems] == [(14, "warning")]
    message = report.problems[0].message
    assert "finishes after `more` only because it is the last step" in message
    assert "`bye` on line 11" in message


@pytest.mark.parametrize(
    "fix",
    ["    next: bye\n", "    end: true\n", "    next: end\n"],
    ids=["next", "end", "next-end"],
)
def test_an_explicit_ending_or_jump_is_not_a_dead_end(fix: str) -> None:
    assert lines(check(DEAD_END + fix)) == []


def test_falling_off_the_bottom_is_fine_when_no_ending_is_marked() -> None:
    report = check(
        """
        steps:
          - id: more_q
            ask: More?
            choices:
              - label: Yes
              - label: No
                next: end
          - id: more
            ask: Tell me more?
            skip: true
        """
    )
    assert lines(report) == []


LATER = """
steps:
  - id: q
    ask: How are you?
    next:
      - if: {answer: later, is: good}
        goto: bye
      - goto: later
  - id: later
    ask: Which?
    choices:
      - label: Good
      - label: Bad
  - id: bye
    say: Bye.
"""


def test_a_branch_on_an_answer_only_asked_later_is_flagged_where_it_names_it() -> None:
    report = check(LATER)
    assert lines(report) == [
        "t.yaml:8:22: warning: a branch here looks at the answer to `later`, but `later` is "
        "only asked later, so the branch can never see that answer. Move the branch below "
        "`later`, or look at another answer"
    ]


def test_a_when_on_an_answer_only_asked_later_is_flagged() -> None:
    report = check(
        """
        steps:
          - id: q
            ask: How are you?
            when: {answer: later, is: good}
          - id: later
            ask: Which?
            choices:
              - label: Good
              - label: Bad
        """
    )
    assert [(p.line, p.col) for p in report.problems] == [(7, 20)]
    assert report.problems[0].message.startswith("`when:` here looks at the answer to `later`")


def test_conditions_on_earlier_answers_are_fine() -> None:
    report = check(
        """
        steps:
          - id: first
            ask: Which?
            choices:
              - label: Good
              - label: Bad
          - id: q
            ask: What went well?
            when: {answer: first, is: good}
            next:
              - if: {answer: first, is: bad}
                goto: bye
              - goto: bye
          - id: bye
            say: Bye.
        """
    )
    assert lines(report) == []


def test_conditions_after_opening_messages_see_earlier_answers() -> None:
    # Regression: answers were not carried past statements that open a script.
    report = check(
        """
        steps:
          - id: hello
            say: Hello.
          - id: also
            say: This is about you.
          - id: first
            ask: Which?
            choices:
              - label: Good
              - label: Bad
          - id: q
            ask: What went well?
            when: {answer: first, is: good}
          - id: bye
            say: Bye.
        """
    )
    assert lines(report) == []


def test_steps_nobody_can_reach_are_reported_once() -> None:
    report = check(
        """
        steps:
          - id: q
            ask: Hello?
            end: true
          - id: lost
            say: Nobody sees me.
        """
    )
    found = [m for m in messages(report) if "lost" in m]
    assert len(found) == 1 and "nobody will see it" in found[0]


def test_missing_welsh_is_an_error_once_and_untranslated_welsh_a_warning() -> None:
    report = check(
        """
        steps:
          - id: q
            ask:
              en: How are you today, really?
              cy: How are you today, really?
            choices:
              - label:
                  en: Fine
                  cy: Iawn
              - label: Not so good
        """,
        header=WELSH_HEADER,
    )
    errors = messages(report, "error")
    assert len(errors) == 1 and "`cy:`" in errors[0]
    # (the error stops the compiler, so the same-as-English warning needs a good script)
    fixed = make(
        """
        steps:
          - id: q
            ask:
              en: How are you today, really?
              cy: How are you today, really?
            choices:
              - label:
                  en: Fine
                  cy: Iawn
              - label:
                  en: Not so good
                  cy: Ddim yn dda iawn
        """,
        WELSH_HEADER,
    )
    report = checker.check_text(fixed, "t.yaml")
    assert [(p.severity, p.line) for p in report.problems] == [("warning", 13)]  # its cy: line
    assert "same as the English" in report.problems[0].message


def test_a_long_message_is_split_warning() -> None:
    long = "This is a sentence. " * 220
    report = check(
        f"""
        steps:
          - id: long
            say: {long.strip()}
          - id: q
            ask: OK?
        """
    )
    found = [m for m in messages(report, "warning") if "4096" in m]
    assert found and "arrive as 2 messages" in found[0]


def test_a_message_that_quotes_an_answer_can_grow_past_the_limit() -> None:
    padding = "Word " * 800
    report = check(
        f"""
        steps:
          - id: q
            ask: What helps?
            skip: true
          - id: echo
            say: {padding.strip()} You said {{q}}.
          - id: r
            ask: OK?
        """
    )
    found = [m for m in messages(report, "warning") if "4096" in m]
    assert found and "`q`" in found[0]


def test_long_button_labels_are_reported_once() -> None:
    """The compiler measures labels; the checker must not say it again."""
    report = check(
        """
        steps:
          - id: q
            ask: Which?
            choices:
              - label: A label that is longer than thirty characters
              - label: Short
        """
    )
    assert [(p.severity, p.line) for p in report.problems] == [("warning", 8)]
    assert "30" in report.problems[0].message
    report = check(
        f"""
        steps:
          - id: q
            ask: Which?
            choices:
              - label: {"x" * 70}
              - label: Short
        """
    )
    errors = messages(report, "error")
    assert len(errors) == 1 and "64" in errors[0]


HARD = (
    "Considering the multifaceted circumstances surrounding your rehabilitation, "
    "articulate comprehensively the organisational difficulties you experience."
)


def test_a_hard_message_is_above_the_default_reading_grade() -> None:
    report = check(
        f"""
        steps:
          - id: q
            ask: {HARD}
        """
    )
    assert len(report.problems) == 1
    message = report.problems[0].message
    assert message.startswith("this message reads at grade ")
    assert "Flesch–Kincaid, English" in message
    assert "grade 6 or below unless they set `reading_grade:`" in message
    assert "(long words here: comprehensively, organisational, rehabilitation)" in message


MODERATE = (
    "Tell us about the organisations and services you have contacted, and whether they "
    "were useful to you."
)  # about grade 8


def test_the_script_sets_its_own_reading_grade() -> None:
    header = "tool: t\ntitle: Test\nabout: A test script.\nreading_grade: {}\n"
    body = f"steps:\n  - id: q\n    ask: {MODERATE}\n"
    assert lines(check(body, header.format(9))) == []
    report = check(body, header.format(6))
    assert len(report.problems) == 1
    assert "this script aims for grade 6 or below (`reading_grade: 6`)" in (
        report.problems[0].message
    )


def test_short_texts_are_not_graded() -> None:
    assert lines(check("steps:\n  - id: q\n    ask: Accommodation circumstances?\n")) == []


def test_welsh_texts_are_not_graded() -> None:
    report = check(
        f"""
        steps:
          - id: q
            ask:
              en: What do you like to do on a good day?
              cy: {HARD}
        """,
        header=WELSH_HEADER,
    )
    assert lines(report) == []


def test_staff_words_are_flagged() -> None:
    report = check(
        """
        steps:
          - id: q
            ask: As an offender, what helps?
        """
    )
    assert len(report.problems) == 1
    assert "“offender” is staff language" in report.problems[0].message


def test_errors_come_first_then_warnings_in_file_order() -> None:
    report = check(
        """
        steps:
          - id: q
            ask: As an offender, what helps?
            chioces: []
          - id: q
            say: Hi.
        """
    )
    severities = [p.severity for p in report.problems]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert any("did you mean `choices`?" in m for m in messages(report, "error"))


def test_did_you_mean_for_a_misspelt_step_name() -> None:
    report = check(
        """
        steps:
          - id: q
            ask: Hello?
            next: thankyou
          - id: thank_you
            say: Thanks.
        """
    )
    assert lines(report) == [
        "t.yaml:7:11: error: there is no step `thankyou` to go to — did you mean `thank_you`?"
    ]


def test_a_bug_in_an_analysis_is_a_warning_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(checker._Analysis, "run", broken)
    report = check("steps:\n  - id: q\n    ask: Hello?\n")
    assert report.script is not None
    assert messages(report) == [
        "internal error in the checker (RuntimeError); the script itself loaded, so it can be "
        "used, but please report this"
    ]


def test_summary_line_counts() -> None:
    good = check("steps:\n  - id: q\n    ask: Hello?\n")
    bad = check(DEAD_END + "  - id: q\n    ask: Again?\n")
    assert checker.summary_line([good]) == "1 file, 0 errors, 0 warnings"
    assert checker.summary_line([good, bad]).startswith("2 files, ")


def test_expected_worries_mistakes_are_errors_that_say_where() -> None:
    report = check(
        """
        steps:
          - id: hello
            say: Hi.
            expected_worries: [suicide_self_harm]
          - id: warning_signs
            ask: What tells you a hard time may be coming?
            skip: true
            expected_worries: [Suicide]
        """
    )
    assert lines(report) == [
        "t.yaml:7:5: error: `expected_worries:` only works on a question (a step with `ask:`), "
        "not on a `say:` step",
        "t.yaml:11:24: error: `Suicide` is not the name of a safeguarding category: write the "
        "name as safeguarding.yaml does, in lower-case letters, numbers and _ (like `suicide`)",
    ]
    fine = check(
        """
        steps:
          - id: warning_signs
            ask: What tells you a hard time may be coming?
            skip: true
            expected_worries: [suicide_self_harm, struggling_to_cope]
        """
    )
    assert lines(fine) == []
