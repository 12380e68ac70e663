"""`tandem dialogues try`: a conversation through stdin, both branches, Welsh, /back, /quit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot import engine
from bot.engine import load_script, load_script_text
from bot.staff.trial import run_trial
from tests.staff.helpers import DIALOGUES, WELSH_HEADER, make, tandem

SHIPPED = DIALOGUES / "good_day_bad_day.yaml"
# The shipped script: 3 messages, 8 typed questions, want_help (Yes / Not now), help_with,
# then check your answers ([1] Change an answer [2] Share [3] Keep it to myself).
EIGHT = "Seeing my kids\nAt home\n/1\nIt's calm\nSkip\nNoise\nMy sister\nMore work\n"
SHARE, KEEP = "2\n", "3\n"

ENGLISH = make(
    """
    steps:
      - id: feel
        ask: How do you feel?
        choices:
          - label: Good
          - label: Not good
    """
)

WELSH = make(
    """
    steps:
      - id: hello
        say:
          en: Hello.
          cy: Helo.
      - id: feel
        ask:
          en: How do you feel?
          cy: Sut ydych chi'n teimlo?
        choices:
          - label:
              en: Good
              cy: Da
          - label:
              en: Not good
              cy: Ddim yn dda
            next: bye
      - id: why
        ask:
          en: What made it good?
          cy: Beth wnaeth e'n dda?
      - id: bye
        say:
          en: Thank you.
          cy: Diolch.
    summary:
      - heading:
          en: Feelings
          cy: Teimladau
        steps: [feel, why]
    """,
    WELSH_HEADER,
)


def talk(script: engine.Script, typed: str, lang: str = "en") -> str:
    out = io.StringIO()
    assert run_trial(script, lang, io.StringIO(typed), out) == 0
    return out.getvalue()


def test_the_yes_branch_through_the_command() -> None:
    result = tandem("dialogues", "try", "good_day_bad_day", stdin=EIGHT + "1\nFind a job\n" + SHARE)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Tandem: Hi. This is about your good days and your bad days.\n" in out
    assert "        [/1] Skip this one\n" in out  # typed answers: buttons are /1, /2...
    assert "        [1] Yes\n        [2] Not now\n" in out
    assert "Tandem: That's it for Good day, bad day. Thank you." in out
    assert "> Find a job\n" in out
    assert "The conversation is over. This is what the case manager would see:" in out
    report = out.split("would see:")[1]
    assert "A good day\n----------\n" in report
    assert (
        "  Think of a good day. What do you do on a day like that?\n    Seeing my kids\n" in report
    )
    assert "    Skipped\n" in report
    assert "Help they would like from you" in report
    assert "    Find a job\n" in report


def test_the_not_now_branch_skips_the_follow_up_and_keeping_answers_private_is_shown() -> None:
    out = talk(load_script(SHIPPED), EIGHT + "2\n" + KEEP)
    assert "(The person chose to keep these answers to themselves" in out
    assert "What would you like help with?" not in out.split("would see:")[0]
    report = out.split("would see:")[1]
    assert "    Not now\n" in report
    assert "  What would you like help with? A few words is fine.\n    (not asked)\n" in report


def test_numbers_are_answers_where_words_are_typed_and_buttons_elsewhere() -> None:
    out = talk(load_script(SHIPPED), "3\n/quit\n")
    assert "You stopped before the end." in out
    assert "    3\n" in out  # "3" was the answer to a typed question, not a button
    out = talk(load_script(SHIPPED), EIGHT + "7\n/quit\n")
    assert "(There is no button 7: the buttons are 1 to " in out


def test_welsh(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(WELSH, encoding="utf-8")
    result = tandem(
        "dialogues", "try", str(tmp_path / "t.yaml"), "--lang", "cy", stdin="1\nPopeth\n"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Trying Prawf (t) in Welsh." in out
    assert "Tandem: Sut ydych chi'n teimlo?\n        [1] Da\n        [2] Ddim yn dda\n" in out
    assert "Teimladau\n---------\n  Sut ydych chi'n teimlo?\n    Da\n" in out
    assert "    Popeth\n" in out


def test_a_script_not_in_welsh_says_so() -> None:
    out = talk(load_script_text(ENGLISH, "t.yaml"), "/quit\n", lang="cy")
    assert "This script is not written in Welsh, so you'll see English." in out


def test_input_running_out_stops_like_quit() -> None:
    out = talk(load_script_text(WELSH, "t.yaml"), "1\n")
    assert "You stopped before the end. The answers so far:" in out
    assert "  How do you feel?\n    Good\n" in out


@pytest.mark.skipif(not hasattr(engine, "Back"), reason="this engine has no Back yet")
def test_back_changes_the_path() -> None:
    out = talk(load_script_text(WELSH, "t.yaml"), "1\n/back\n2\n")
    report = out.split("would see:")[1]
    assert "    Not good\n" in report
    assert "What made it good?\n    (not asked)" in report


def test_a_broken_script_is_refused_with_its_errors(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(make("steps:\n  - id: q\n    ask: Hi?\n    next: nowhere\n"))
    result = tandem("dialogues", "try", str(tmp_path / "t.yaml"))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{tmp_path / 't.yaml'}:7:11: error: there is no step `nowhere`")
    assert lines[-1] == (
        f"tandem: {tmp_path / 't.yaml'} has 1 error (see above); fix it, then try again"
    )
