"""Test databases: a fresh SQLite file or a fresh PostgreSQL database per use."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

POSTGRES_ENV = "TANDEM_TEST_POSTGRES_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_base_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if in_ci():
        pytest.fail(f"{POSTGRES_ENV} is not set, and CI must run the PostgreSQL tests")
    return None


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_postgres(base_url: str) -> AsyncIterator[str]:
    """A new empty database on the test server, dropped afterwards."""
    name = f"tandem_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(_asyncpg_dsn(base_url))
    except (OSError, asyncpg.PostgresError) as exc:
        if in_ci():
            pytest.fail(f"PostgreSQL at {POSTGRES_ENV} is not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable ({exc}); set {POSTGRES_ENV} to run these tests")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(base_url).set(drivername="postgresql+asyncpg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(_asyncpg_dsn(base_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'tandem.db'}"
