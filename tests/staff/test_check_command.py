"""`tandem dialogues check`: the output format, exit codes, and broken files of every kind."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.engine.registry import script_paths
from bot.staff.commands import check
from tests.staff.helpers import DIALOGUES, make, tandem

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): .+$")
SUMMARY = re.compile(r"^\d+ files?, \d+ errors?, \d+ warnings?$")

GOOD = make("steps:\n  - id: q\n    ask: What helps you on a good day?\n    skip: true\n")
WARNS = make("steps:\n  - id: q\n    ask: As an offender, what helps?\n")
ALIAS_BOMB = 'tool: t\na: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n'

BROKEN: dict[str, bytes] = {
    "tabs.yaml": GOOD.replace("    ask", "\task").encode(),
    "latin1.yaml": GOOD.replace("What", "Caf\xe9 what").encode("latin-1"),
    "empty.yaml": b"",
    "comments.yaml": b"# nothing here\n",
    "huge.yaml": b"# " + b"x" * (300 * 1024) + b"\n",
    "bomb.yaml": ALIAS_BOMB.encode(),
    "broken.yaml": b"tool: t\nsteps:\n  - id: q\n    ask: Is it: this?\n",
    "unclosed.yaml": b'tool: t\ntitle: "Test\n',
    "tags.yaml": b"tool: !!python/object:os.system t\n",
    "twodocs.yaml": GOOD.encode() + b"---\n" + GOOD.encode(),
    "list.yaml": b"- just\n- a list\n",
    "deep.yaml": b"tool: " + b"[" * 200 + b"]" * 200 + b"\n",
    "binary.yaml": bytes(range(256)),
    "selfref.yaml": make("steps:\n  - id: q\n    ask: Again?\n    next: q\n").encode(),
}


def run_check(*paths: Path, strict: bool = False) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = check(list(paths), strict, out)
    return code, out.getvalue().splitlines()


def test_every_line_is_located_and_the_last_is_the_summary(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(WARNS)
    code, output = run_check(tmp_path / "t.yaml")
    assert code == 0
    *problems, summary = output
    assert problems and all(LINE.match(line) for line in problems)
    assert summary == "1 file, 0 errors, 1 warning"


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(WARNS)
    assert run_check(tmp_path / "t.yaml")[0] == 0
    assert run_check(tmp_path / "t.yaml", strict=True)[0] == 1
    (tmp_path / "t.yaml").write_text(GOOD)
    assert run_check(tmp_path / "t.yaml", strict=True) == (0, ["1 file, 0 errors, 0 warnings"])


def test_a_folder_means_its_scripts_and_errors_come_first_per_file(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(WARNS.replace("    ask:", "    chioces: []\n    ask:"))
    (tmp_path / "notes.md").write_text("not a script")
    (tmp_path / "u.yml").write_text(GOOD.replace("tool: t", "tool: u"))
    code, output = run_check(tmp_path)
    assert code == 1
    severities = [LINE.match(line).group("severity") for line in output[:-1]]  # type: ignore[union-attr]
    files = [LINE.match(line).group("file") for line in output[:-1]]  # type: ignore[union-attr]
    assert files == sorted(files)
    for name in set(files):
        mine = [s for f, s in zip(files, severities, strict=True) if f == name]
        assert mine == sorted(mine, key=lambda s: s != "error")
    assert any("did you mean `choices`?" in line for line in output)
    assert any(
        line.endswith("only loads scripts whose names end in .yaml; rename this file")
        for line in output
    )
    assert output[-1].startswith("2 files, ")


def test_a_huge_file_says_its_real_size(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    with path.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # sparse: 20 MiB of nothing, not worth reading
    code, output = run_check(path)
    assert code == 1
    assert output[0] == (
        f"{path}:1:1: error: this file is 20480 KiB; a script can be at most 256 KiB. "
        "Split it into two tools."
    )


def test_missing_paths_and_empty_folders_are_errors(tmp_path: Path) -> None:
    code, output = run_check(tmp_path / "nope.yaml", tmp_path)
    assert code == 1
    assert output[0] == f"{tmp_path / 'nope.yaml'}:1:1: error: there is no file or folder here"
    assert output[1] == f"{tmp_path}:1:1: error: there are no .yaml scripts in this folder"


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_kind_of_broken_file_gets_a_located_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BROKEN[name])
    code, output = run_check(path)
    assert code == 1, output
    errors = [line for line in output[:-1] if LINE.match(line) and ": error: " in line]
    assert errors, output
    assert all(line.startswith(f"{path}:") for line in output[:-1])
    assert "internal error" not in "\n".join(output)


def test_the_command_never_shows_a_traceback(tmp_path: Path) -> None:
    for name, raw in BROKEN.items():
        (tmp_path / name).write_bytes(raw)
    result = tandem("dialogues", "check", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == ""
    *problems, summary = result.stdout.splitlines()
    assert all(LINE.match(line) for line in problems), problems
    assert SUMMARY.match(summary)
    assert summary.startswith(f"{len(BROKEN)} files, ")


def test_the_shipped_scripts_pass_with_strict() -> None:
    result = tandem("dialogues", "check", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    count = len(list(script_paths(DIALOGUES)))
    assert result.stdout.splitlines() == [
        f"{count} file{'' if count == 1 else 's'}, 0 errors, 0 warnings"
    ]
