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
    assert version == "0005"


def _upgrade(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from storage.db import MIGRATIONS, normalise_url

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = normalise_url(url)
    command.upgrade(cfg, revision)


async def test_a_database_from_the_first_release_keeps_its_data(db_url: str) -> None:
    """Someone who ran the first release has rows in tables that later gained NOT NULL columns:
    the upgrade fills them with defaults rather than failing."""
    await asyncio.to_thread(_upgrade, db_url, "0001")
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            for sql in (
                "INSERT INTO organisation (id, name, kind, created_at) "
                "VALUES (1, 'North', 'probation', '2026-01-01 00:00:00+00:00')",
                "INSERT INTO staff (id, organisation_id, email, name, role, active, created_at) "
                "VALUES (1, 1, 'sam@example.org', 'Sam', 'case_manager', true, "
                "'2026-01-01 00:00:00+00:00')",
                "INSERT INTO service_user (id, organisation_id, case_manager_id, name, language, "
                "timezone, created_at) VALUES (1, 1, 1, 'Alex', 'en', 'Europe/London', "
                "'2026-01-01 00:00:00+00:00')",
                "INSERT INTO script_version (id, script_id, content_hash, title, source, "
                "published_at) VALUES (1, 'check_in', 'abc', 'Check-in', 'x', "
                "'2026-01-01 00:00:00+00:00')",
                "INSERT INTO conversation (id, service_user_id, script_version_id, script_id, "
                "step, state, status, sharing, started_at, updated_at) VALUES (1, 1, 1, "
                "'check_in', 'check', '{}', 'finished', 'shared', '2026-01-01 00:00:00+00:00', "
                "'2026-01-01 00:00:00+00:00')",
            ):
                await session.exec(text(sql))  # type: ignore[call-overload]
    finally:
        await db.dispose()
    await migrate_async(db_url)
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            staff = (
                await session.exec(  # type: ignore[call-overload]
                    text("SELECT must_change_password, failed_sign_ins, notify_by_email FROM staff")
                )
            ).one()
            org = (
                await session.exec(  # type: ignore[call-overload]
                    text(
                        "SELECT remind_day_before, remind_on_the_day, reminder_hour FROM organisation"
                    )
                )
            ).one()
            conv = (
                await session.exec(text("SELECT sensitive, attention FROM conversation"))  # type: ignore[call-overload]
            ).one()
    finally:
        await db.dispose()
    assert tuple(staff) == (False, 0, True)
    assert tuple(org) == (True, True, 9)
    assert not conv[0] and conv[1] in ([], "[]")


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


async def test_open_flags_from_before_the_follow_up_go_to_the_seniors_after_the_upgrade(
    db_url: str,
) -> None:
    """A flag raised before flags were followed up, and still open, has waited longer than any
    follow-up time: the upgrade gives it the same job a new flag gets, due at once."""
    await asyncio.to_thread(_upgrade, db_url, "0002")
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            for sql in (
                "INSERT INTO organisation (id, name, kind, remind_day_before, remind_on_the_day, "
                "reminder_hour, created_at) VALUES (1, 'North', 'probation', true, true, 9, "
                "'2026-01-01 00:00:00+00:00')",
                "INSERT INTO service_user (id, organisation_id, name, language, timezone, "
                "created_at) VALUES (1, 1, 'Alex', 'en', 'Europe/London', "
                "'2026-01-01 00:00:00+00:00')",
                "INSERT INTO flag (id, service_user_id, kind, categories, created_at) VALUES "
                "(1, 1, 'safeguarding', '[]', '2026-01-01 00:00:00+00:00')",
                "INSERT INTO flag (id, service_user_id, kind, categories, created_at, "
                "resolved_at, resolution) VALUES (2, 1, 'callback', '[]', "
                "'2026-01-01 00:00:00+00:00', '2026-01-02 00:00:00+00:00', 'Called back')",
            ):
                await session.exec(text(sql))  # type: ignore[call-overload]
    finally:
        await db.dispose()
    await migrate_async(db_url)
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            jobs = (
                await session.exec(text("SELECT kind, ref_id, service_user_id FROM due_job"))  # type: ignore[call-overload]
            ).all()
            flags = (
                await session.exec(text("SELECT id, escalate_at FROM flag ORDER BY id"))  # type: ignore[call-overload]
            ).all()
    finally:
        await db.dispose()
    assert [tuple(j) for j in jobs] == [("flag_escalation", 1, 1)]
    assert flags[0][1] is not None and flags[1][1] is None
