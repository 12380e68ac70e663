"""bot/safeguarding is a pure package: the standard library and PyYAML; numpy and scikit-learn
(with its scipy) for the learned tier only, in learned.py."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "bot" / "safeguarding"
ALLOWED = {
    "__future__",
    "bisect",
    "codecs",
    "collections",
    "collections.abc",
    "dataclasses",
    "difflib",
    "functools",
    "hashlib",
    "itertools",
    "math",
    "operator",
    "os",
    "pathlib",
    "re",
    "time",
    "typing",
    "unicodedata",
    "yaml",
}


LEARNING = {"numpy", "numpy.typing", "sklearn.linear_model", "scipy.sparse"}


def test_imports_only_the_standard_library_and_yaml() -> None:
    found = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
    assert found <= ALLOWED | LEARNING, found - ALLOWED - LEARNING


def test_only_the_learned_tier_uses_numpy_and_scikit_learn() -> None:
    for path in PACKAGE.glob("*.py"):
        if path.name == "learned.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = {a.name for a in node.names} if isinstance(node, ast.Import) else set()
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module)
                assert not names & LEARNING, (path.name, names)


def _without_save(path: Path, source: str) -> str:
    """The source, less learned.save: the one place that writes (the fitted tier, under var/)."""
    if path.name != "learned.py":
        return source
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == "save":
            lines = source.split("\n")
            assert node.end_lineno is not None
            return "\n".join(lines[: node.lineno - 1] + lines[node.end_lineno :])
    raise AssertionError("learned.save is gone: update this test")


def test_no_printing_or_writing() -> None:
    for path in PACKAGE.glob("*.py"):
        source = _without_save(path, path.read_text(encoding="utf-8"))
        for banned in ("print(", "open(", "write_text(", "write_bytes(", "logging", "savez"):
            assert banned not in source, (path.name, banned)
