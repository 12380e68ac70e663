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


# Keeping answers private has one exception, and people must know it before they write anything
# (dialogues/README.md, "Check your answers, and choosing to share"): words that may mean someone
# is not safe always reach the probation officer.
ALWAYS_PASSED_ON = {
    "en": ("One thing is always passed on.", "your probation officer will see that message."),
    "cy": (
        "Mae un peth bob amser yn cael ei rannu.",
        "bydd eich swyddog prawf yn gweld y neges honno.",
    ),
}
# The whole rule, in a tool that expects no hard words as answers (`expected_worries`; a tool
# that does, like the safety plan, says which words stay in it and which are passed on).
MAY_NOT_BE_SAFE = {
    "en": "If you write that you, or someone else, may not be safe, "
    "your probation officer will see that message.",
    "cy": "Os ydych chi'n ysgrifennu nad ydych chi, neu rywun arall, yn ddiogel, "
    "bydd eich swyddog prawf yn gweld y neges honno.",
}


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_every_tool_that_keeps_answers_private_says_what_is_always_passed_on(path) -> None:
    script = load_dialogues(DIALOGUES).scripts[path.stem]
    if script.check_step is None or script.share_always:
        return  # nothing is kept private, so there is no exception to tell
    first = next(i for i, step in enumerate(script.steps) if step.waits)
    # Messages every person reads before the first question (none passed over by a `when:`).
    opening = [step for step in script.steps[:first] if step.when is None]
    hard_words_expected = any(step.expected_worries for step in script.questions)
    for lang in script.languages:
        said = " ".join(" ".join(step.text.pick(lang).split()) for step in opening)
        for words in ALWAYS_PASSED_ON[lang]:
            assert words in said, (lang, words)
        if not hard_words_expected:
            assert MAY_NOT_BE_SAFE[lang] in said, lang
