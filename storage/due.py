"""Things to do at a time (DueJob rows): scheduled, cancelled and claimed here.

Scheduling is idempotent: the unique (kind, ref_id, due_at) turns a repeat into nothing, so
callers may schedule again whenever they are unsure. Claiming differs by database:
PostgreSQL locks the due rows for the caller's transaction with ``FOR UPDATE SKIP LOCKED`` (two
processes never take the same job, and a killed process frees its jobs with its connection);
SQLite has one serving process per database, so a plain select inside its one-writer
transaction is enough.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DueJob
from storage.types import utcnow


def _dialect(session: AsyncSession) -> str:
    bind = session.bind
    assert bind is not None, "sessions come from Database.transaction(), bound to its engine"
    return str(bind.dialect.name)


async def schedule(
    session: AsyncSession,
    kind: str,
    ref_id: int,
    due_at: datetime,
    person_id: int | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Add a job unless the same one (kind, thing, moment) is already there."""
    values: dict[str, Any] = {
        "kind": kind,
        "ref_id": ref_id,
        "service_user_id": person_id,
        "due_at": due_at,
        "attempts": 0,
        "created_at": now or utcnow(),
    }
    table = DueJob.__table__  # type: ignore[attr-defined]
    keys = ["kind", "ref_id", "due_at"]
    if _dialect(session) == "postgresql":
        stmt: Any = pg_insert(table).values(values).on_conflict_do_nothing(index_elements=keys)
    else:
        stmt = sqlite_insert(table).values(values).on_conflict_do_nothing(index_elements=keys)
    await session.exec(stmt)


def _pending() -> Any:
    return col(DueJob.done_at).is_(None)


async def cancel(
    session: AsyncSession,
    kind: str,
    ref_id: int,
    *,
    now: datetime | None = None,
    outcome: str = "cancelled",
) -> int:
    """Mark the pending jobs of a kind for one thing done ("cancelled"); returns how many.

    On PostgreSQL a job another process is handling right now is left to it (SKIP LOCKED):
    waiting for it could deadlock with that process, and every handler checks the state of
    what it is about when it runs, so it will see the change if it runs again.
    """
    ids = select(DueJob.id).where(DueJob.kind == kind, DueJob.ref_id == ref_id, _pending())
    if _dialect(session) == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    result = await session.exec(
        update(DueJob)
        .where(col(DueJob.id).in_(ids.scalar_subquery()))
        .values(done_at=now or utcnow(), outcome=outcome, claimed_until=None)
    )
    return int(result.rowcount)


async def claim_due(
    session: AsyncSession, *, now: datetime, kinds: Iterable[str], limit: int = 50
) -> list[DueJob]:
    """The jobs due by ``now`` of the given kinds, oldest first, for the caller's transaction.

    On PostgreSQL the rows stay locked until the caller's transaction ends.
    """
    stmt = (
        select(DueJob)
        .where(
            _pending(),
            col(DueJob.due_at) <= now,
            col(DueJob.kind).in_(list(kinds)),
            # A job that failed waits a while before it is tried again.
            or_(col(DueJob.claimed_until).is_(None), col(DueJob.claimed_until) <= now),
        )
        .order_by(col(DueJob.due_at), col(DueJob.id))
        .limit(limit)
    )
    if _dialect(session) == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await session.exec(stmt)).all())


async def finish(
    session: AsyncSession,
    job_id: int,
    *,
    now: datetime,
    outcome: str,
    attempts: int | None = None,
) -> None:
    values: dict[str, Any] = {"done_at": now, "outcome": outcome[:60], "claimed_until": None}
    if attempts is not None:
        values["attempts"] = attempts
    await session.exec(update(DueJob).where(col(DueJob.id) == job_id).values(**values))


async def retry_later(
    session: AsyncSession, job_id: int, *, attempts: int, until: datetime, error: str
) -> None:
    """A job that failed is tried again after ``until``; its error is kept as the outcome so
    far (it is not done yet)."""
    await session.exec(
        update(DueJob)
        .where(col(DueJob.id) == job_id)
        .values(attempts=attempts, claimed_until=until, outcome=error[:60])
    )


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


async def pending(
    session: AsyncSession, *, kind: str | None = None, ref_id: int | None = None
) -> list[DueJob]:
    """Pending jobs (for tests, the review app and the bench), soonest first."""
    stmt = select(DueJob).where(_pending())
    if kind is not None:
        stmt = stmt.where(DueJob.kind == kind)
    if ref_id is not None:
        stmt = stmt.where(DueJob.ref_id == ref_id)
    return list((await session.exec(stmt.order_by(col(DueJob.due_at), col(DueJob.id)))).all())


async def pending_count(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(DueJob).where(_pending())
    return int((await session.exec(stmt)).one())
