"""Whatever bytes or text arrive, the loader answers with a script or ScriptError — nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Script, ScriptError, load_script, load_script_text
from tests.engine.helpers import EVERYTHING, SHIPPED

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = [
    "tool",
    "title",
    "about",
    "languages",
    "reading_grade",
    "steps",
    "summary",
    "id",
    "say",
    "ask",
    "skip",
    "choices",
    "label",
    "value",
    "next",
    "end",
    "min_length",
    "max_length",
    "heading",
    "en",
    "cy",
    "answer",
    "when",
    "if",
    "goto",
    "is",
    "one_of",
    "less_than",
    "more_than",
    "answered",
    "skipped",
    "all",
    "any",
    "not",
    "rather_not_say",
    "short",
    "min",
    "max",
    "min_label",
    "max_label",
    "none_of_these",
    "questions",
    "check_answers",
    "accept",
    "also_text",
    "dates",
    "share",
    "scale",
    "multi_choice",
    "list",
    "media",
    "date",
    "number",
    "yes_no",
    "t",
    "q",
    "a",
]
scalars = st.one_of(
    st.sampled_from(
        ["t", "q", "a", "end", "true", "no", "Yes", "4000", "-1", "", "en", "cy", "~", "{q}"]
        + ["scale", "list", "multi_choice", "date", "media", "number", "yes_no", "2025-04-03"]
    ),
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=6
        ),
    ),
    max_leaves=40,
)


def check(text: str) -> None:
    try:
        result = load_script_text(text, "t.yaml")
    except ScriptError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.line >= 1 and problem.col >= 1
            assert "internal error" not in problem.message, problem
    else:
        assert isinstance(result, Script)


@SETTINGS
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    check(text)


@SETTINGS
@given(st.one_of(st.binary(max_size=400), st.text(max_size=200).map(lambda t: t.encode("utf-16"))))
def test_random_bytes(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_bytes(raw)
        try:
            load_script(path)
        except ScriptError as err:
            assert all("internal error" not in p.message for p in err.problems)


@SETTINGS
@given(structures)
def test_yamlish_structures(data: object) -> None:
    check(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@SETTINGS
@given(st.data())
def test_mutated_shipped_script(data: st.DataObject) -> None:
    """Delete, repeat or replace a piece of the real script."""
    text = SHIPPED.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    insert = data.draw(
        st.one_of(
            st.just(""),
            st.text(max_size=10),
            st.sampled_from(["\n", ": ", "- ", "  ", "&a ", "*a", "!x ", "'", "[", "{"]),
        )
    )
    check(text[:start] + insert + text[end:])


@SETTINGS
@given(st.data())
def test_mutated_everything_script(data: st.DataObject) -> None:
    """The same, on the script that uses every part of the language."""
    text = EVERYTHING.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    insert = data.draw(
        st.one_of(
            st.just(""),
            st.text(max_size=10),
            st.sampled_from(
                ["\n", ": ", "- ", "  ", "{", "}", "{x}", "is: ", "answer: ", "[", "]"]
            ),
        )
    )
    try:
        result = load_script_text(text[:start] + insert + text[end:], "everything.yaml")
    except ScriptError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.line >= 1 and problem.col >= 1
            assert "internal error" not in problem.message, problem
    else:
        assert isinstance(result, Script)
