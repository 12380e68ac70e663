"""The checker never raises, whatever the file holds (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import checker
from bot.engine.registry import script_paths
from tests.staff.helpers import DIALOGUES

SHIPPED = sorted(script_paths(DIALOGUES))
SOURCE = SHIPPED[0].read_text(encoding="utf-8")
SOURCE_LINES = SOURCE.splitlines(keepends=True)

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def assert_reported(report: checker.Report, name: str) -> None:
    assert isinstance(report, checker.Report)
    for problem in report.problems:
        assert problem.file == name
        assert problem.line >= 1 and problem.col >= 1
        assert problem.severity in ("error", "warning")
        assert problem.message.strip()
        assert "\n" not in problem.message


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes(raw: bytes) -> None:
    assert_reported(checker.check_bytes(raw, "t.yaml"), "t.yaml")


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(SOURCE_LINES)),
            st.sampled_from(["delete", "insert", "replace"]),
            st.lists(
                st.sampled_from(list("abc :-_{}[]&*!#'\"\t\n|>?") + ["end", "next: "]),
                max_size=12,
            ).map("".join),
        ),
        max_size=6,
    )
)
def test_edits_of_a_shipped_script(edits: list[tuple[int, str, str]]) -> None:
    lines = list(SOURCE_LINES)
    for where, how, text in edits:
        where = min(where, len(lines))
        if how == "delete" and where < len(lines):
            del lines[where]
        elif how == "insert":
            lines.insert(where, text + "\n")
        elif where < len(lines):
            lines[where] = lines[where][: len(lines[where]) // 2] + text + "\n"
    name = SHIPPED[0].name
    assert_reported(checker.check_text("".join(lines), name), name)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["say", "ask", "choices"]),
            st.integers(0, 5),
            st.booleans(),
            st.text(min_size=1, max_size=80).filter(lambda s: s.strip()),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_generated_flows(steps: list[tuple[str, int, bool, str]]) -> None:
    """Well-formed scripts with random jumps: loops, dead ends, unreachable steps."""
    out = ["tool: t", "title: T", "about: A.", "steps:"]
    for number, (kind, jump, end, text) in enumerate(steps):
        out.append(f"  - id: s{number}")
        quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if kind == "say":
            out.append(f"    say: {quoted}")
        else:
            out.append(f"    ask: {quoted}")
        if kind == "choices":
            out += [
                "    choices:",
                "      - label: A",
                f"        next: s{jump % len(steps)}",
                "      - label: B",
            ]
        if end:
            out.append("    end: true")
        elif jump % 3 == 0:
            out.append(f"    next: s{jump % len(steps)}")
    assert_reported(checker.check_text("\n".join(out) + "\n", "t.yaml"), "t.yaml")
