"""The walls in DESIGN.md, checked on every run: a wall that is not tested erodes."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports(path: Path) -> set[str]:
    """Dotted module names a file imports (absolute imports only; the project uses no others)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_storage_imports_nothing_from_bot() -> None:
    assert offenders("storage", ("bot",)) == []


def test_review_app_never_calls_telegram() -> None:
    assert offenders("bot/review", ("telegram", "bot.telegram", "bot.sandbox")) == []


def test_conversations_core_is_channel_free() -> None:
    assert (
        offenders("bot/conversations", ("telegram", "bot.telegram", "bot.sandbox", "bot.review"))
        == []
    )


def test_sandbox_is_a_stand_in_not_part_of_tandem() -> None:
    # The sandbox plays Telegram; it must not reach into Tandem's own parts.
    assert (
        offenders(
            "bot/sandbox",
            ("bot.engine", "bot.conversations", "bot.telegram", "bot.review", "storage"),
        )
        == []
    )
