"""Loading a folder of scripts: broken files are reported, the rest still load."""

from __future__ import annotations

from pathlib import Path

from bot.engine import load_dialogues
from tests.engine.helpers import SHIPPED, make


def test_one_broken_file_never_stops_the_others(tmp_path: Path) -> None:
    (tmp_path / "good_day_bad_day.yaml").write_bytes(SHIPPED.read_bytes())
    (tmp_path / "broken.yaml").write_text("tool: broken\nsteps: [\n", encoding="utf-8")
    (tmp_path / "t.yaml").write_text(
        make("""
        steps:
          - id: q
            ask: x
          - id: orphan
            ask: y
        """).replace("  - id: orphan", "    end: true\n  - id: orphan"),
        encoding="utf-8",
    )
    (tmp_path / "old.yml").write_text("tool: old\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes("tool: caf\xe9\n".encode("latin-1"))

    registry = load_dialogues(tmp_path)

    assert sorted(registry.scripts) == ["good_day_bad_day", "t"]
    files = sorted({Path(p.file).name for p in registry.errors})
    assert files == ["broken.yaml", "latin1.yaml", "old.yml"]
    assert [p.severity for p in registry.problems if Path(p.file).name == "t.yaml"] == ["warning"]
    for problem in registry.problems:
        assert str(problem).startswith(f"{problem.file}:{problem.line}:{problem.col}: ")


def test_missing_folder(tmp_path: Path) -> None:
    registry = load_dialogues(tmp_path / "nope")
    assert registry.scripts == {}
    assert "can't read this folder" in registry.problems[0].message
