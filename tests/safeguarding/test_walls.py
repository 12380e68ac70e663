"""bot/safeguarding is a pure package: the standard library and PyYAML, nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "bot" / "safeguarding"
ALLOWED = {
    "__future__",
    "bisect",
    "codecs",
    "collections.abc",
    "dataclasses",
    "difflib",
    "functools",
    "hashlib",
    "itertools",
    "operator",
    "pathlib",
    "re",
    "time",
    "typing",
    "unicodedata",
    "yaml",
}


def test_imports_only_the_standard_library_and_yaml() -> None:
    found = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
    assert found <= ALLOWED, found - ALLOWED


def test_no_printing_or_writing() -> None:
    for path in PACKAGE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for banned in ("print(", "open(", "write_text(", "write_bytes(", "logging"):
            assert banned not in source, (path.name, banned)
