"""Which Telegram updates have been handled: the key to exactly-once processing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FailedUpdate, ProcessedUpdate


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def claim_update(session: AsyncSession, bot_id: int, update_id: int, outcome: str) -> bool:
    """Record the update inside the caller's transaction. False means it was handled before
    (Telegram redelivered it after a crash or a lost acknowledgement): the caller stops.

    On PostgreSQL a second copy racing this one waits on the primary key until this
    transaction ends, then sees the conflict, so two processes never both handle it.
    """
    table = ProcessedUpdate.__table__  # type: ignore[attr-defined]
    stmt = (
        _insert(session)(table)
        .values(bot_id=bot_id, update_id=update_id, outcome=outcome)
        .on_conflict_do_nothing(index_elements=["bot_id", "update_id"])
    )
    result = await session.exec(stmt)
    return bool(result.rowcount)


async def set_outcome(session: AsyncSession, bot_id: int, update_id: int, outcome: str) -> None:
    row = await session.get(ProcessedUpdate, (bot_id, update_id))
    if row is not None:
        row.outcome = outcome
        session.add(row)


async def keep_failed(
    session: AsyncSession, bot_id: int, update_id: int, raw: dict[str, Any], error: str
) -> None:
    session.add(FailedUpdate(bot_id=bot_id, update_id=update_id, raw=raw, error=error[:200]))
