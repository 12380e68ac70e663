"""Engines, transactions and migrations for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import fcntl
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

DEFAULT_URL = "sqlite+aiosqlite:///var/tandem.db"
MIGRATIONS = Path(__file__).parent / "migrations"
# Alembic keeps its context in module globals: one migration at a time in a process.
_MIGRATING = threading.Lock()


def normalise_url(url: str) -> str:
    """Accept the URLs people write (``sqlite:///x.db``, ``postgresql://...``) and pick the
    async drivers Tandem runs on."""
    u = make_url(url)
    if u.drivername in ("sqlite", "sqlite+pysqlite"):
        u = u.set(drivername="sqlite+aiosqlite")
    elif u.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        u = u.set(drivername="postgresql+asyncpg")
    return u.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below own transaction start (pysqlite otherwise
        # begins lazily and deferred, which lets two writers deadlock on lock upgrade).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit that returned survives power loss too, not just a killed process.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        # Take the write lock up front: every Tandem transaction may write, and an immediate
        # transaction waits on busy_timeout instead of failing half way with SQLITE_BUSY.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine per process. ``transaction()`` is the only way code writes."""

    def __init__(self, url: str = DEFAULT_URL, *, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        path = sqlite_path(self.url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {}
        if self.dialect == "postgresql":
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
        self.engine = create_async_engine(self.url, **kwargs)
        self._writer: asyncio.Lock | None = None
        if self.dialect == "sqlite":
            _tune_sqlite(self.engine)
            self._writer = asyncio.Lock()

    @property
    def dialect(self) -> str:
        return make_url(self.url).get_backend_name()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Commit when the block ends, roll back if it raises."""
        if self._writer is None:
            async with self._session() as session:
                yield session
            return
        # SQLite has one writer at a time. Queueing here, in order, is much faster than
        # letting SQLite's busy handler put waiting connections to sleep and retry.
        async with self._writer, self._session() as session:
            yield session

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with AsyncSession(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def migrate(url: str = DEFAULT_URL) -> None:
    """Bring the schema to the newest migration. Safe to call at every start-up, and from
    several processes at once on PostgreSQL (the migration env takes an advisory lock)."""
    url = normalise_url(url)
    with _MIGRATING:
        _upgrade(url)


def _upgrade(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = url
    path = sqlite_path(url)
    if path is None:
        command.upgrade(cfg, "head")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # SQLite has no advisory locks; a lock file beside the database serialises start-ups.
    with open(path.with_name(path.name + ".migrate-lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            command.upgrade(cfg, "head")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


async def migrate_async(url: str = DEFAULT_URL) -> None:
    # Alembic's async env runs its own event loop, so it must run outside ours.
    await asyncio.to_thread(migrate, url)


class DatabaseInUse(RuntimeError):
    """Another Tandem already serves this SQLite database."""


@contextmanager
def sole_server(url: str) -> Iterator[None]:
    """On SQLite, make sure this is the only serving process (SQLite is the one-machine,
    one-process option; PostgreSQL is for more). The lock goes with the process, even on
    SIGKILL, so a crash never leaves it behind."""
    path = sqlite_path(normalise_url(url))
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".serve-lock"), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUse(
                f"another Tandem is already serving {path}; stop it first, or use PostgreSQL "
                "to run more than one"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
