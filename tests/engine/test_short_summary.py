"""Short check-your-answers: one line per answer named by its `short`, skipped questions
folded into one line, one line when everything was skipped — and every shipped tool's summary
fits on one phone screen with typical answers (the checker's measure, bot/engine/typical.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Script, load_dialogues
from bot.engine.checker import check_text
from bot.engine.typical import SCREEN_CHARACTERS, summary_length, typical_summary
from tests.engine.helpers import DIALOGUES, Chat, compile_ok, make

SHIPPED = sorted(load_dialogues(Path(DIALOGUES)).scripts.values(), key=lambda s: s.id)

SCRIPT = """
steps:
  - id: name
    ask: What would you like me to call you? A first name or a nickname is fine.
    short: Your name
  - id: good
    ask: Think of a good day. What do you do on a day like that? It could be anything.
    short: A good day
    skip: true
  - id: bad
    ask: Now think of a hard day. What happens on a day like that?
    short: A hard day
    skip: true
  - id: why
    ask: What makes a day like that hard, do you think?
    short: What makes it hard
    skip: true
    rather_not_say: true
  - id: check
    check_answers: true
"""


def test_one_short_line_per_answer_and_skips_folded() -> None:
    chat = Chat(compile_ok(SCRIPT))
    chat.send("Sam")
    chat.send("Football")
    chat.click("Skip this one")
    chat.click("I'd rather not say")
    assert chat.texts[0] == (
        "Here are your answers.\n\n"
        "Your name: Sam\n"
        "A good day: Football\n\n"
        "Skipped: A hard day\n\n"
        "Rather not say: What makes it hard"
    )


def test_many_skips_are_counted() -> None:
    steps = "\n".join(
        f"  - id: q{n}\n    ask: Question {n}?\n    short: Question number {n}\n    skip: true"
        for n in range(6)
    )
    chat = Chat(
        compile_ok(
            f"steps:\n  - id: a\n    ask: A?\n    short: A\n{steps}\n"
            "  - id: check\n    check_answers: true\n"
        )
    )
    chat.send("yes")
    for _ in range(6):
        chat.click("Skip this one")
    assert chat.texts[0] == "Here are your answers.\n\nA: yes\n\nSkipped: 6 questions"


def test_everything_skipped_is_one_line() -> None:
    chat = Chat(
        compile_ok(
            SCRIPT.replace("    short: Your name\n", "    short: Your name\n    skip: true\n")
        )
    )
    for _ in range(3):
        chat.click("Skip this one")
    chat.click("I'd rather not say")
    assert chat.texts[0] == "You skipped every question."


def test_the_checker_warns_when_the_summary_is_over_a_screen() -> None:
    steps = "\n".join(
        f"  - id: q{n}\n    ask: Tell me about thing number {n}?\n    skip: true" for n in range(20)
    )
    text = make(f"steps:\n{steps}\n  - id: check\n    check_answers: true\n")
    report = check_text(text, "t.yaml")
    assert any("more than one phone screen" in p.message for p in report.warnings), report


@pytest.mark.parametrize("script", SHIPPED, ids=lambda s: s.id)
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_shipped_summary_fits_one_screen(script: Script, lang: str) -> None:
    size = summary_length(script, lang)
    assert size is not None, f"{script.id}: the walk never reached the check step"
    assert size <= SCREEN_CHARACTERS, typical_summary(script, lang)


@pytest.mark.parametrize("script", SHIPPED, ids=lambda s: s.id)
def test_every_shipped_question_has_a_short_name(script: Script) -> None:
    for step in script.questions:
        assert step.short is not None, step.id
        assert set(step.short.langs) == {"en", "cy"}, step.id
