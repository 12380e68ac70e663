"""Reading YAML safely: every refusal names file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import ScriptError, load_script, load_script_text
from bot.engine.loader import MAX_BYTES, decode, parse
from tests.engine.helpers import HEADER, make, problems


def only(text: str, name: str = "t.yaml") -> str:
    found = problems(text, name)
    assert len(found) == 1, found
    return found[0]


def test_malformed_yaml_colon_in_text() -> None:
    text = make("""
    steps:
      - id: a
        ask: Hello: there
    """)
    message = only(text)
    assert message.startswith("t.yaml:6:15: YAML can't read this")
    assert "put the whole text in quotes" in message


def test_unclosed_quote_points_at_the_quote() -> None:
    text = make("""
    steps:
      - id: a
        ask: 'Hello
    """)
    assert only(text).startswith("t.yaml:6:10: ")
    assert "never closed" in only(text)


def test_bad_indentation() -> None:
    text = make("""
    steps:
      - id: a
        ask: Hello
       skip: true
    """)
    assert only(text).startswith("t.yaml:7:")
    assert "line up" in only(text)


def test_tabs_are_refused_with_their_place() -> None:
    text = HEADER + "steps:\n  - id: a\n\task: x\n  - id: b\n    say: 'a\tb'\n"
    assert problems(text) == [
        "t.yaml:6:1: this line has a tab character; use spaces instead "
        "(tabs look like spaces but YAML can't read them)",
        "t.yaml:8:12: this line has a tab character; use spaces instead "
        "(tabs look like spaces but YAML can't read them)",
    ]


@pytest.mark.parametrize("text", ["", "   \n\n", "\n"])
def test_empty_file(text: str) -> None:
    assert only(text) == "t.yaml:1:1: the file is empty; a script starts with `tool: ...`"


def test_file_with_only_comments() -> None:
    assert only("# nothing yet\n\n# still nothing\n") == (
        "t.yaml:1:1: the file has no script in it, only comments"
    )


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    text = HEADER + "# " + "x" * MAX_BYTES + "\n"
    assert "at most 256 KiB" in only(text)
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScriptError) as info:
        load_script(path)
    assert str(info.value.problems[0]).startswith(f"{path}:1:1: this file is ")


def test_alias_bomb_is_refused_at_the_first_anchor() -> None:
    bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    assert only(bomb) == "t.yaml:1:4: anchors and aliases (& and *) are not allowed in scripts"


def test_aliases_are_refused() -> None:
    text = make("""
    steps:
      - &first
        id: a
        ask: x
      - *first
    """)
    assert only(text) == "t.yaml:5:5: anchors and aliases (& and *) are not allowed in scripts"


def test_tags_are_refused() -> None:
    text = make("""
    steps:
      - id: a
        ask: !!python/object/apply:os.system ["echo hi"]
    """)
    assert only(text) == "t.yaml:6:10: tags (words starting with `!`) are not allowed in scripts"


def test_duplicate_keys_are_refused() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
        ask: y
    """)
    assert only(text) == "t.yaml:7:5: `ask` appears twice here (first on line 6); keep one"


def test_two_documents_are_refused() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
    ---
    tool: u
    """)
    assert only(text).startswith("t.yaml:7:1: a script is one document")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    raw = (HEADER + "steps:\n  - id: a\n    ask: caf").encode() + b"\xe9 ok\n"
    path = tmp_path / "t.yaml"
    path.write_bytes(raw)
    with pytest.raises(ScriptError) as info:
        load_script(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (6, 13)
    assert "not saved as UTF-8 (byte 0xe9" in problem.message


def test_unencodable_character_in_text() -> None:
    assert only(HEADER + "steps: \ud800\n").startswith("t.yaml:4:8: this character can't be saved")


def test_control_character() -> None:
    assert only(HEADER + "steps: a\x00\n").startswith("t.yaml:4:9: this character isn't allowed")


def test_too_deep_nesting() -> None:
    assert "nested too deeply" in only(HEADER + "steps: " + "[" * 200 + "]" * 200 + "\n")


def test_scalars_stay_text_as_written() -> None:
    """`Yes`, `no`, `on`, `1.50` are kept as written (no YAML 1.1 surprises)."""
    doc = parse("a: Yes\nb: [no, on, 1.50, ~, '']\nc:\n", "t.yaml")
    assert doc.data == {"a": "Yes", "b": ["no", "on", "1.50", "~", ""], "c": ""}
    assert doc.source_map.value(("b", 2)).col == 13
    assert doc.source_map.key(("c",)).line == 3


def test_bom_and_windows_newlines_are_accepted(tmp_path: Path) -> None:
    text = make("""
    steps:
      - id: a
        ask: x
    """)
    path = tmp_path / "t.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    script = load_script(path)
    assert script.source == text
    assert script.version == load_script_text(text, "t.yaml").version


def test_decode_refuses_oversize_bytes() -> None:
    with pytest.raises(ScriptError, match="at most 256 KiB"):
        decode(b"#" * (MAX_BYTES + 1), "t.yaml")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ScriptError) as info:
        load_script(tmp_path / "missing.yaml")
    assert "can't read this file" in str(info.value)
