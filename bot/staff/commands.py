"""What ``tandem dialogues check`` and ``graph`` do, and finding a tool by its id.

A mistake a person can make (a tool that doesn't exist, a path that can't be read) raises
`StaffError`, which the CLI prints as one line.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.engine import Script, ScriptError, ScriptProblem, checker, load_script_text
from bot.engine import graph as flow
from bot.engine.errors import Severity
from bot.engine.loader import MAX_BYTES, decode
from bot.engine.registry import NOT_SCRIPTS, script_paths
from bot.staff.cli import StaffError

# ---- check ------------------------------------------------------------------------------------


def script_files(paths: Sequence[Path]) -> list[tuple[Path, ScriptProblem | None]]:
    """The files to check, in order; a folder stands for the .yaml and .yml files in it.

    A path that can't be checked comes with the problem to report instead.
    """
    found: list[tuple[Path, ScriptProblem | None]] = []
    for path in paths:
        if path.is_dir():
            try:
                entries = sorted(path.iterdir())
            except OSError as err:
                found.append((path, _problem(path, f"can't read this folder: {_why(err)}")))
                continue
            scripts = [
                p
                for p in entries
                if p.suffix in (".yaml", ".yml") and p.is_file() and p.name not in NOT_SCRIPTS
            ]
            if not scripts:
                found.append((path, _problem(path, "there are no .yaml scripts in this folder")))
            found.extend((p, None) for p in scripts)
        elif path.exists():
            found.append((path, None))
        else:
            found.append((path, _problem(path, "there is no file or folder here")))
    return found


def _problem(path: Path, message: str, severity: Severity = "error") -> ScriptProblem:
    return ScriptProblem(str(path), 1, 1, message, severity)


def _why(err: OSError) -> str:
    return err.strerror or type(err).__name__


READ_LIMIT = 64 * MAX_BYTES  # past this, don't even read it: say how big it is


def _read(path: Path) -> bytes:
    """The file's bytes, for `decode` to refuse with their real size if too big; a file far too
    big is not read whole (a few bytes stand for it, and the size is reported from disk)."""
    with path.open("rb") as handle:
        raw = handle.read(READ_LIMIT + 1)
    if len(raw) > READ_LIMIT:
        raise ScriptError([_too_big(path, path.stat().st_size)])
    return raw


def _too_big(path: Path, size: int) -> ScriptProblem:
    return _problem(
        path,
        f"this file is {size // 1024} KiB; a script can be at most {MAX_BYTES // 1024} KiB. "
        "Split it into two tools.",
    )


def check_file(path: Path) -> checker.Report:
    name = str(path)
    extra: list[ScriptProblem] = []
    if path.suffix != ".yaml":
        extra.append(
            _problem(path, "Tandem only loads scripts whose names end in .yaml; rename this file")
        )
    try:
        raw = _read(path)
    except OSError as err:
        return checker.Report(name, (*extra, _problem(path, f"can't read this file: {_why(err)}")))
    except ScriptError as err:
        return checker.Report(name, checker.ordered([*extra, *err.problems]))
    report = checker.check_bytes(raw, name)
    if extra:
        report = checker.Report(name, checker.ordered([*extra, *report.problems]), report.script)
    return report


def check(paths: Sequence[Path], strict: bool = False, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    reports = []
    for path, problem in script_files(paths):
        report = checker.Report(str(path), (problem,)) if problem is not None else check_file(path)
        reports.append(report)
        for found in report.problems:
            out.write(checker.format_problem(found) + "\n")
    out.write(checker.summary_line(reports) + "\n")
    errors = any(r.errors for r in reports)
    warnings = any(r.warnings for r in reports)
    return 1 if errors or (strict and warnings) else 0


# ---- finding one tool -------------------------------------------------------------------------


def load_tool(tool: str, dialogues_dir: Path) -> Script:
    """A tool by id (from the dialogues folder) or by file path; its errors end the command."""
    candidate = Path(tool)
    if candidate.suffix in (".yaml", ".yml") or os.sep in tool or "/" in tool:
        path = candidate
    else:
        path = dialogues_dir / f"{tool}.yaml"
    if not path.is_file():
        known = [p.stem for p in script_paths(dialogues_dir)] if dialogues_dir.is_dir() else []
        close = difflib.get_close_matches(tool, known, n=1, cutoff=0.6)
        if close:
            raise StaffError(
                f"there is no tool {tool!r} in {dialogues_dir} — did you mean {close[0]!r}?"
            )
        listing = f"; the tools are: {', '.join(known)}" if known else ""
        raise StaffError(f"there is no tool {tool!r} in {dialogues_dir}{listing}")
    try:
        return load_script_text(decode(_read(path), str(path)), str(path))
    except OSError as err:
        raise StaffError(f"can't read {path}: {_why(err)}") from None
    except ScriptError as err:
        errors = [p for p in err.problems if p.severity == "error"]
        for found in err.problems:
            sys.stderr.write(checker.format_problem(found) + "\n")
        count = len(errors)
        raise StaffError(
            f"{path} has {count} error{'' if count == 1 else 's'} (see above); "
            f"fix {'it' if count == 1 else 'them'}, then try again"
        ) from None


# ---- graph ------------------------------------------------------------------------------------


def graph(
    script: Script, lang: str, *, html: bool = False, text: bool = False, output: str | None = None
) -> int:
    if html:
        from bot.staff.page import page

        content = page(script, lang)
    elif text:
        content = flow.outline(script, lang)
    else:
        content = flow.mermaid(script, lang)
    if output:
        try:
            Path(output).write_text(content, encoding="utf-8")
        except OSError as err:
            raise StaffError(f"can't write {output}: {_why(err)}") from None
        sys.stderr.write(f"Wrote {output}\n")
    else:
        sys.stdout.write(content)
    return 0
