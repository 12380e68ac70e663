"""`tandem dialogues graph`: Mermaid shape and labels, escaping, the page, the outline."""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

import pytest

from bot.engine import Script, graph, load_script, load_script_text
from bot.staff.page import page
from tests.staff.helpers import DIALOGUES, make, tandem

NASTY = '"Quote" <script>alert(1)</script> | [x] {y} (z) #35; end; %% `tick` & more'
SHIPPED = DIALOGUES / "good_day_bad_day.yaml"


@pytest.fixture(scope="module")
def shipped() -> Script:
    return load_script(SHIPPED)


@pytest.fixture(scope="module")
def nasty() -> Script:
    # `{y}` would show an answer; `{{y}}` writes the braces
    quoted = NASTY.replace("{y}", "{{y}}").replace("\\", "\\\\").replace('"', '\\"')
    return load_script_text(
        make(
            f"""
            steps:
              - id: q
                ask: "{quoted}"
                choices:
                  - label: "{quoted[:30]}"
                    next: bye
                  - label: Other
              - id: other
                say: "{quoted}"
              - id: bye
                say: Bye.
                end: true
            """,
            header=f'tool: t\ntitle: "{quoted[:40]}"\nabout: A test script.\n',
        ),
        "t.yaml",
    )


def test_one_node_per_step_shaped_by_kind(shipped: Script) -> None:
    source = graph.mermaid(shipped)
    assert source.startswith("flowchart TD\n")
    nodes = re.findall(r"^  (s\d+)(\(|\[|\{\{|\[\[)\"<b>(\w+)</b>", source, re.MULTILINE)
    assert [name for _, _, name in nodes] == [step.id for step in shipped.steps]
    shapes = {name: shape for _, shape, name in nodes}
    assert shapes["welcome"] == "("  # a message: rounded
    assert shapes["good_day"] == "["  # a typed question: a box
    assert shapes["want_help"] == "{{"  # buttons: a hexagon
    assert '  finish(["End"])' in source
    assert "  start --> s0" in source


def test_edges_carry_the_button_labels(shipped: Script) -> None:
    source = graph.mermaid(shipped)
    number = {step.id: f"s{i}" for i, step in enumerate(shipped.steps)}
    not_now = next(r.target for r in shipped.step("want_help").routes if r.target != "help_with")
    assert f'{number["want_help"]} -->|"Not now"| {number[not_now]}' in source
    assert f'{number["want_help"]} -->|"Yes"| {number["help_with"]}' in source
    assert f"{number[shipped.steps[-1].id]} --> finish" in source


def test_script_text_cannot_break_the_diagram(nasty: Script) -> None:
    source = graph.mermaid(nasty)
    for line in source.splitlines()[1:]:
        # Inside each label only our own tags and entity codes: no quote, bracket or pipe
        for label in re.findall(r'"(.*?)"', line):
            stripped = re.sub(r"</?b>|<br/>|#\d+;", "", label)
            assert not set(stripped) & set('"<>|[]{}()`;%#&'), label
    assert "#60;script#62;" in source
    assert "<script" not in source


def test_escape_round_trips_through_mermaid_entities() -> None:
    escaped = graph.escape(NASTY)
    decoded = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), escaped)
    assert decoded == NASTY


@pytest.mark.skipif(importlib.util.find_spec("mermaidx") is None, reason="mermaidx not installed")
def test_mermaid_itself_reads_the_diagram(nasty: Script) -> None:
    """Render with the real Mermaid (bundled in mermaidx, run in QuickJS)."""
    import mermaidx

    svg = mermaidx.render(graph.mermaid(nasty)).svg()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<script>alert" not in svg


def test_the_page_is_self_contained_and_escaped(nasty: Script) -> None:
    text = page(nasty, mermaid_js="window.mermaid = null; // </script> <!-- x")
    assert "<script>alert(1)" not in text
    assert text.count("</script>") == 2  # ours only: the embedded code can't close them
    assert "\\x3C/script" in text and "\\x3C!--" in text
    assert "http" not in text.split("<script>")[1]  # nothing fetched when Mermaid is bundled
    source = re.search(r'<pre id="source">(.*?)</pre>', text, re.DOTALL)
    assert source is not None
    assert html.unescape(source.group(1)) == graph.mermaid(nasty)


def test_without_mermaid_the_page_still_shows_the_flow(shipped: Script) -> None:
    from bot.staff import page as page_module

    original = page_module.bundled_mermaid
    page_module.bundled_mermaid = lambda: None
    try:
        text = page_module.page(shipped)
    finally:
        page_module.bundled_mermaid = original
    assert "could not include the drawing tool" in text
    assert '<details id="source-box" open>' in text
    assert "1. welcome — message" in text  # the outline
    assert page_module.CDN in text


def test_the_outline_reads_as_numbered_steps(shipped: Script) -> None:
    text = graph.outline(shipped)
    number = {step.id: n for n, step in enumerate(shipped.steps, start=1)}
    not_now = next(r.target for r in shipped.step("want_help").routes if r.target != "help_with")
    assert text.startswith("Good day, bad day (good_day_bad_day)\n")
    assert f"{number['want_help']}. want_help — question with buttons\n" in text
    assert f"   Not now → {number[not_now]}. {not_now}\n" in text
    assert "   Then: the end\n" in text
    assert "- A good day: good_day, good_where, good_people, good_why" in text


def test_the_command(tmp_path: Path) -> None:
    mermaid = tandem("dialogues", "graph", "good_day_bad_day")
    assert mermaid.returncode == 0, mermaid.stderr
    assert mermaid.stdout == graph.mermaid(load_script(SHIPPED))
    out = tmp_path / "flow.html"
    made = tandem("dialogues", "graph", "good_day_bad_day", "--html", "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert made.stderr == f"Wrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    missing = tandem("dialogues", "graph", "good_day")
    assert missing.returncode == 1
    assert missing.stderr == (
        f"tandem: there is no tool 'good_day' in {DIALOGUES} — did you mean 'good_day_bad_day'?\n"
    )


def test_welsh_and_conditions_are_drawn() -> None:
    script = load_script_text(
        make(
            """
            steps:
              - id: first
                ask:
                  en: Which?
                  cy: Pa un?
                choices:
                  - label:
                      en: Good
                      cy: Da
                  - label:
                      en: Bad
                      cy: Drwg
              - id: why
                ask:
                  en: What went well?
                  cy: Beth aeth yn dda?
                when: {answer: first, is: good}
              - id: bye
                check_answers: true
            """,
            header="tool: t\ntitle:\n  en: Test\n  cy: Prawf\nabout:\n  en: A.\n  cy: A.\n"
            "languages: [en, cy]\n",
        ),
        "t.yaml",
    )
    source = graph.mermaid(script, "cy")
    assert 's1["<b>why</b><br/>Beth aeth yn dda?"]' in source
    assert "  s1 -.->|" in source and "| s2" in source  # passed over when `when` fails
    assert 's2[["<b>bye</b>' in source  # check your answers
    assert "Only when " in graph.outline(script)
