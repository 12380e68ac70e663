"""Migrations apply on both backends, are safe to run again, and match the models."""

from __future__ import annotations

import asyncio
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from storage.db import Database, migrate_async
from storage.models import metadata


async def test_migrations_apply_twice_and_match_models(db_url: str) -> None:
    await migrate_async(db_url)
    await migrate_async(db_url)  # start-up runs it every time: must be a no-op
    db = Database(db_url)
    try:
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    finally:
        await db.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    assert version == "0001"


async def test_concurrent_start_ups_migrate_once(db_url: str) -> None:
    # Several copies of Tandem starting together against one database, as separate processes.
    code = "import sys; from storage.db import migrate; migrate(sys.argv[1])"
    procs = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", code, db_url) for _ in range(3)
    ]
    assert [await p.wait() for p in procs] == [0, 0, 0]
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            count = (await session.exec(text("SELECT count(*) FROM alembic_version"))).scalar()  # type: ignore[call-overload]
    finally:
        await db.dispose()
    assert count == 1


async def test_sqlite_pragmas(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    await migrate_async(url)
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
            fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
    finally:
        await db.dispose()
    assert (mode, fks) == ("wal", 1)
    assert busy >= 5000
