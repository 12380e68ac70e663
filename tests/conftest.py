"""Shared fixtures. Databases: every storage-level test runs on SQLite and on PostgreSQL.

PostgreSQL comes from TANDEM_TEST_POSTGRES_URL (CI sets it; .ci/run starts the server). On a
machine without it those tests skip with the reason; with CI=true they fail instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.sandbox.server import SandboxServer
from tests.support.databases import fresh_postgres, postgres_base_url, sqlite_url
from tests.support.tandem import Harness, running_tandem

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database (no tables yet) on each backend in turn."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    base = postgres_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need TANDEM_TEST_POSTGRES_URL (CI sets it)")
    async with fresh_postgres(base) as url:
        yield url


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox for the session; every test talks to it as a bot of its own."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
async def tandem(sandbox: SandboxServer, tmp_path: Path) -> AsyncIterator[Harness]:
    """Tandem running in-process on SQLite, polling the sandbox."""
    async with running_tandem(sandbox, tmp_path) as harness:
        yield harness
