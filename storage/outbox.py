"""The outbox: replies are written in the same transaction as the change that caused them and
sent afterwards, so a crash can delay a reply but never lose one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, String, and_, cast, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import Database
from storage.models import OutboxMessage, Setting

# Payload key: this message answers what the person just did.
REPLY = "reply"


def enqueue(
    session: AsyncSession,
    chat_id: int,
    payload: dict[str, Any],
    *,
    person_id: int | None = None,
    now: datetime,
    reply: bool = False,
) -> OutboxMessage:
    """Queue a message. ``reply``: it answers what the person just did, so the sender sends it
    at once, without the pause it keeps between other messages to one chat (the person is
    waiting for it, and Telegram allows such short bursts)."""
    row = OutboxMessage(
        chat_id=chat_id,
        payload={**payload, REPLY: True} if reply else payload,
        service_user_id=person_id,
        created_at=now,
        not_before=now,
    )
    session.add(row)
    return row


def _pending() -> Any:
    return and_(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None))


def _is_reply() -> Any:
    return col(OutboxMessage.payload)[REPLY].as_boolean()


def _due(now: datetime, limit: int) -> Any:
    """The first unsent message of each chat that is due and not leased to a sender."""
    inner = OutboxMessage.__table__.alias("inner")  # type: ignore[attr-defined]
    head_id = (
        select(func.min(inner.c.id))
        .where(
            inner.c.chat_id == OutboxMessage.chat_id,
            inner.c.sent_at.is_(None),
            inner.c.failed_at.is_(None),
        )
        .scalar_subquery()
    )
    return (
        select(OutboxMessage)
        .where(
            _pending(),
            col(OutboxMessage.id) == head_id,
            col(OutboxMessage.not_before) <= now,
            or_(
                col(OutboxMessage.claimed_until).is_(None),
                col(OutboxMessage.claimed_until) < now,
            ),
        )
        # Replies first: someone is waiting for them, even behind thousands of reminders.
        .order_by(func.coalesce(_is_reply(), False).desc(), col(OutboxMessage.id))
        .limit(limit)
    )


# Longer than one send can take (the Bot API client times out well before), short enough that a
# chat whose sender died is picked up again soon by another process.
LEASE = timedelta(seconds=20)


async def claim_due(
    db: Database, *, now: datetime, limit: int = 100, lease: timedelta = LEASE
) -> list[OutboxMessage]:
    """Claim the first unsent message of each chat that is due and not held by someone else.

    Only a chat's *first* pending message is ever claimed, so one chat's messages go out in
    order even with several senders; the next one becomes the head once this one is marked.
    The lease lets another process take over if this one dies mid-send.
    """
    async with db.transaction() as session:
        return await claim_in(session, now=now, limit=limit, lease=lease)


async def claim_in(
    session: AsyncSession, *, now: datetime, limit: int = 100, lease: timedelta = LEASE
) -> list[OutboxMessage]:
    """`claim_due` inside the caller's transaction (the claims hold once it commits)."""
    stmt = _due(now, limit)
    if _dialect(session) == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list((await session.exec(stmt)).all())
    for row in rows:
        row.claimed_until = now + lease
        session.add(row)
    return rows


def _dialect(session: AsyncSession) -> str:
    bind = session.bind
    assert bind is not None, "sessions come from Database.transaction(), bound to its engine"
    return str(bind.dialect.name)


async def release_claims(db: Database) -> int:
    """Forget every claim. Only for a sender that knows it is the only one (SQLite: one
    process per database), at start-up, so a crash does not hold chats for a whole lease."""
    async with db.transaction() as session:
        result = await session.exec(
            update(OutboxMessage)
            .where(_pending(), col(OutboxMessage.claimed_until).is_not(None))
            .values(claimed_until=None)
        )
        return int(result.rowcount)


async def lock_due(
    session: AsyncSession, *, now: datetime, limit: int = 100
) -> list[OutboxMessage]:
    """PostgreSQL: lock the first unsent message of each chat for the caller's transaction
    (``FOR UPDATE SKIP LOCKED``). The caller sends them and records the results before it
    commits; if the process dies, its connection drops and the locks go with it — no lease to
    wait out."""
    stmt = _due(now, limit).with_for_update(skip_locked=True)
    return list((await session.exec(stmt)).all())


async def mark_sent(
    session: AsyncSession,
    row_id: int,
    *,
    now: datetime,
    message_id: int | None,
    buttons_open: bool = False,
) -> None:
    await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id)
        .values(
            sent_at=now,
            claimed_until=None,
            telegram_message_id=message_id,
            buttons_open=buttons_open,
        )
    )


async def sent_message(session: AsyncSession, row_id: int) -> tuple[int, str] | None:
    """The Telegram id and text of a queued message once it is sent (None before)."""
    row = await session.get(OutboxMessage, row_id)
    if row is None or row.telegram_message_id is None or row.sent_at is None:
        return None
    return int(row.telegram_message_id), str(row.payload.get("text", ""))


async def open_buttons(db: Database, chat_id: int) -> list[int]:
    """Telegram ids of this chat's sent messages whose buttons can still be pressed."""
    async with db.transaction() as session:
        stmt = select(OutboxMessage.telegram_message_id).where(
            OutboxMessage.chat_id == chat_id,
            col(OutboxMessage.buttons_open).is_(True),
            col(OutboxMessage.telegram_message_id).is_not(None),
        )
        return [int(mid) for mid in (await session.exec(stmt)).all() if mid is not None]


async def close_buttons(session: AsyncSession, chat_id: int, message_ids: list[int]) -> None:
    if not message_ids:
        return
    await session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.chat_id) == chat_id,
            col(OutboxMessage.telegram_message_id).in_(message_ids),
        )
        .values(buttons_open=False)
    )


async def mark_retry(
    session: AsyncSession,
    row_id: int,
    *,
    not_before: datetime,
    error: str,
    count_attempt: bool = True,
) -> None:
    values: dict[str, Any] = {
        "not_before": not_before,
        "claimed_until": None,
        "last_error": error[:300],
    }
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    await session.exec(
        update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(**values)
    )


async def mark_failed(session: AsyncSession, row_id: int, *, now: datetime, error: str) -> None:
    await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id)
        .values(
            failed_at=now,
            claimed_until=None,
            attempts=OutboxMessage.attempts + 1,
            last_error=error[:300],
        )
    )


async def pending_count(db: Database) -> int:
    async with db.transaction() as session:
        stmt = select(func.count()).select_from(OutboxMessage).where(_pending())
        return int((await session.exec(stmt)).one())


UNREACHABLE = "unreachable"


async def give_up_pending(
    session: AsyncSession,
    *,
    chat_id: int | None,
    person_id: int | None,
    now: datetime,
    error: str = UNREACHABLE,
) -> int:
    """Fail every waiting message to this chat or person, without trying it: Telegram said
    they cannot be reached. Returns how many were given up.

    On PostgreSQL a message another sender holds right now is left to it (SKIP LOCKED, so no
    sender ever waits on another here); it fails on its own, or is given up when next claimed.
    """
    whom = []
    if chat_id is not None:
        whom.append(col(OutboxMessage.chat_id) == chat_id)
    if person_id is not None:
        whom.append(col(OutboxMessage.service_user_id) == person_id)
    if not whom:
        return 0
    ids = select(OutboxMessage.id).where(_pending(), or_(*whom))
    if _dialect(session) == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    result = await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids.scalar_subquery()))
        .values(failed_at=now, claimed_until=None, last_error=error)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


async def give_up(
    session: AsyncSession, row_ids: list[int], *, now: datetime, error: str = UNREACHABLE
) -> None:
    """Fail these messages without trying them (the caller holds them)."""
    if not row_ids:
        return
    await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(row_ids))
        .values(failed_at=now, claimed_until=None, last_error=error)
        .execution_options(synchronize_session=False)
    )


# The next free moment to call the Bot API, shared by every Tandem process on one database
# (seconds since the epoch, as text in the setting table).
SEND_SLOT_KEY = "outbox.next_send_slot"


async def reserve_send_slots(
    db: Database, *, count: int, interval: float, now: float, key: str = SEND_SLOT_KEY
) -> float:
    """Reserve `count` moments, `interval` seconds apart, to call the Bot API; returns the
    first. The reservation is one short transaction on one row, so several processes sending
    for one bot keep to one rate between them (Telegram counts per bot, not per process)."""
    span = count * interval
    async with db.transaction() as session:
        end = await _advance_slot(session, key, now, span)
    return end - span


async def hold_sends(db: Database, *, until: float, key: str = SEND_SLOT_KEY) -> None:
    """No process reserves a moment before `until` (Telegram said "retry after")."""
    async with db.transaction() as session:
        await _advance_slot(session, key, until, 0.0)


async def _advance_slot(session: AsyncSession, key: str, now: float, span: float) -> float:
    postgres = _dialect(session) == "postgresql"
    current = cast(Setting.value, Float)
    later = func.greatest(current, now) if postgres else func.max(current, now)
    stmt = (
        update(Setting)
        .where(col(Setting.key) == key)
        .values(value=cast(later + span, String))
        .returning(col(Setting.value))
    )
    value = (await session.exec(stmt)).scalar_one_or_none()
    if value is None:
        # First use on this database; another process may be doing the same at this moment.
        insert: Any = (pg_insert if postgres else sqlite_insert)(Setting)
        await session.exec(
            insert.values(key=key, value=repr(now)).on_conflict_do_nothing(index_elements=["key"])
        )
        value = (await session.exec(stmt)).scalar_one()
    return float(value)


# -- notices: what Tandem sends unasked ----------------------------------------------------------
# Payload key of a notice: one neutral line with a "Show me" button on the lock screen; what it
# is about (``content``: the messages' payloads) is kept here, in the same row, until the
# person taps. Kept in the database, not in memory: a tap after a restart, or a second tap,
# finds it again.
NOTICE = "notice"


async def notice(session: AsyncSession, row_id: int, chat_id: int) -> OutboxMessage | None:
    """The notice queued as this row for this chat, locked for the caller's transaction (two
    taps at once take turns); None when there is none (an old or forged button)."""
    stmt = (
        select(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id, col(OutboxMessage.chat_id) == chat_id)
        .with_for_update()
    )
    row = (await session.exec(stmt)).first()
    if row is None or not isinstance(row.payload.get(NOTICE), dict):
        return None
    return row


def mark_notice_opened(session: AsyncSession, row: OutboxMessage, *, now: datetime) -> None:
    """The person has tapped "Show me" on this notice (the first time counts)."""
    held = dict(row.payload[NOTICE])
    held.setdefault("opened_at", now.isoformat())
    row.payload = {**row.payload, NOTICE: held}
    session.add(row)
