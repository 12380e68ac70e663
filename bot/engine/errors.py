"""Problems found in a script, with the place they were found.

`str(problem)` is ``file:line:col: message`` so editors and terminals can jump to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ScriptProblem:
    """One thing wrong with a script. Lines and columns count from 1."""

    file: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}:{self.col}: {prefix}{self.message}"


class ScriptError(Exception):
    """A script was refused. `problems` says every reason found, in file order."""

    def __init__(self, problems: Iterable[ScriptProblem]) -> None:
        self.problems: tuple[ScriptProblem, ...] = tuple(
            sorted(set(problems), key=lambda p: (p.file, p.line, p.col, p.message))
        )
        super().__init__("\n".join(str(p) for p in self.problems))


class EngineError(RuntimeError):
    """A bug or a broken invariant inside the engine (never caused by a person's message)."""


class StateError(ValueError):
    """A stored conversation state does not fit the script it is used with."""
