"""Loading scripts from files and folders. One broken file never stops the others."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from . import loader
from .compiler import compile_text
from .errors import ScriptError, ScriptProblem
from .script import Script

log = logging.getLogger(__name__)


def load_script_text(text: str, name: str) -> Script:
    """Compile a script from its text. `name` is its file name (``good_day_bad_day.yaml``):
    the tool id must match it, and problems are reported against it.

    Callers re-compile old published versions from their stored `Script.source` this way.
    Raises `ScriptError`, and only `ScriptError`.
    """
    try:
        return compile_text(loader.normalise_newlines(text.removeprefix("\ufeff")), name)
    except ScriptError:
        raise
    except Exception as err:  # a bug of ours must not take the process down with it
        log.exception("internal error while compiling %s", name)
        raise ScriptError(
            [
                ScriptProblem(
                    name,
                    1,
                    1,
                    f"internal error while reading this script ({type(err).__name__}); please report it",
                )
            ]
        ) from err


def load_script(path: Path) -> Script:
    """Read and compile one script file. Raises `ScriptError`."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ScriptError(
            [ScriptProblem(name, 1, 1, f"can't read this file: {err.strerror or err}")]
        ) from None
    return load_script_text(loader.decode(raw, name), name)


@dataclass(slots=True)
class Registry:
    """The scripts that loaded, by tool id, and every problem found (errors of refused files
    and warnings of loaded ones; see `ScriptProblem.severity`)."""

    scripts: dict[str, Script] = field(default_factory=dict)
    problems: list[ScriptProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[ScriptProblem]:
        return [p for p in self.problems if p.severity == "error"]


# Files in dialogues/ that are not tool scripts: they have formats and loaders of their own.
NOT_SCRIPTS = frozenset({"safeguarding.yaml", "safeguarding_examples.yaml"})


def script_paths(directory: Path) -> list[Path]:
    """The tool scripts in a dialogues folder."""
    return sorted(p for p in directory.glob("*.yaml") if p.name not in NOT_SCRIPTS and p.is_file())


def load_dialogues(directory: Path) -> Registry:
    """Load every ``*.yaml`` script in `directory` (sorted by name)."""
    registry = Registry()
    try:
        entries = sorted(directory.iterdir())
    except OSError as err:
        registry.problems.append(
            ScriptProblem(str(directory), 1, 1, f"can't read this folder: {err.strerror or err}")
        )
        return registry
    for path in entries:
        if path.suffix == ".yml":
            registry.problems.append(
                ScriptProblem(
                    str(path), 1, 1, "not loaded: script files must end in .yaml; rename it"
                )
            )
            continue
        if path.suffix != ".yaml" or path.name in NOT_SCRIPTS:
            continue
        try:
            script = load_script(path)
        except ScriptError as err:
            registry.problems.extend(err.problems)
            continue
        registry.scripts[script.id] = script
        registry.problems.extend(script.warnings)
    return registry
