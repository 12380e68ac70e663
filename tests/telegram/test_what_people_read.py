"""What people on probation read: Tandem's own words and every shipped tool, held to the
standards of the tools library (issue 4)."""

from __future__ import annotations

import re

import pytest

from bot.conversations.texts import TEXTS
from bot.engine import load_dialogues
from bot.engine.checker import STAFF_WORDS, check_bytes
from bot.engine.registry import script_paths
from tests.support.tandem import DIALOGUES

SCRIPTS = script_paths(DIALOGUES)
STAFF_ONLY = {"preview_menu"}


def test_tandems_own_words_use_no_staff_language() -> None:
    for lang, table in TEXTS.items():
        for key, text in table.items():
            if key in STAFF_ONLY:
                continue
            for pattern, _ in STAFF_WORDS:
                assert not re.search(rf"\b{pattern}\b", text, re.IGNORECASE), (lang, key, pattern)


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_every_shipped_tool_checks_clean(path) -> None:
    report = check_bytes(path.read_bytes(), str(path))
    assert [str(p) for p in report.problems] == []


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_every_tool_says_who_reads_and_that_sharing_is_a_choice(path) -> None:
    script = load_dialogues(DIALOGUES).scripts[path.stem]
    assert set(script.languages) == {"en", "cy"}
    assert script.check_step is not None, "ends with check your answers and the sharing choice"
    opening = " ".join(
        step.text.get("en", "")
        for step in script.steps[
            : script.steps.index(next(s for s in script.steps if s.is_question))
        ]
    ).lower()
    assert "probation officer" in opening
    assert any(word in opening for word in ("share", "keep", "yourself", "choose"))
    questions = [s for s in script.steps if s.is_question and s.kind is not None]
    free_text = [s for s in questions if type(s.kind).__name__ == "TextKind"]
    assert all(s.skip for s in free_text), [s.id for s in free_text if not s.skip]
