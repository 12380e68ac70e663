"""The engine stays pure: it imports nothing from the channel, the web apps, storage or I/O."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "bot" / "engine"
FORBIDDEN = {
    "telegram",
    "bot",
    "storage",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "aiosqlite",
    "asyncpg",
    "asyncio",
    "socket",
    "subprocess",
    "requests",
    "urllib",
    "http",
    "importlib",
    "pickle",
    "shelve",
}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_engine_imports_nothing_outside_the_wall() -> None:
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        bad = imported_roots(path) & FORBIDDEN
        assert not bad, f"{path.relative_to(ENGINE)} imports {sorted(bad)}"


def test_yaml_is_only_parsed_never_constructed() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in ENGINE.rglob("*.py"))
    for call in (
        "yaml.load(",
        "yaml.unsafe_load",
        "yaml.full_load",
        "yaml.safe_load",
        "eval(",
        "exec(",
    ):
        assert call not in source
