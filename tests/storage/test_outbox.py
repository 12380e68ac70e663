"""The outbox hands out one chat's messages strictly in order, even to competing senders."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from storage import outbox
from storage.db import Database, migrate_async
from storage.types import utcnow
from tests.support.databases import fresh_postgres, postgres_base_url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    await migrate_async(db_url)
    database = Database(db_url)
    yield database
    await database.dispose()


async def _queue(db: Database, chat_id: int, *texts: str) -> None:
    async with db.transaction() as s:
        for text in texts:
            outbox.enqueue(s, chat_id, {"text": text}, now=utcnow())


async def test_one_head_per_chat_in_order(db: Database) -> None:
    await _queue(db, 1, "a1", "a2", "a3")
    await _queue(db, 2, "b1")
    seen: list[str] = []
    for _ in range(5):
        rows = await outbox.claim_due(db, now=utcnow())
        assert len({r.chat_id for r in rows}) == len(rows), "two messages of one chat at once"
        for row in rows:
            seen.append(row.payload["text"])
            async with db.transaction() as s:
                await outbox.mark_sent(s, row.id, now=utcnow(), message_id=1)
    assert seen == ["a1", "b1", "a2", "a3"]
    assert await outbox.pending_count(db) == 0


async def test_claimed_head_blocks_its_chat_until_lease_ends(db: Database) -> None:
    await _queue(db, 1, "first", "second")
    now = utcnow()
    [row] = await outbox.claim_due(db, now=now, lease=timedelta(seconds=30))
    assert await outbox.claim_due(db, now=now) == []  # held, and "second" must wait behind it
    # The holder died: after the lease another sender takes the same message over.
    [again] = await outbox.claim_due(db, now=now + timedelta(seconds=31))
    assert again.id == row.id


async def test_retry_waits_and_failure_unblocks(db: Database) -> None:
    await _queue(db, 1, "x", "y")
    now = utcnow()
    [row] = await outbox.claim_due(db, now=now)
    async with db.transaction() as s:
        await outbox.mark_retry(s, row.id, not_before=now + timedelta(seconds=10), error="TimedOut")
    assert await outbox.claim_due(db, now=now) == []
    [row] = await outbox.claim_due(db, now=now + timedelta(seconds=11))
    assert row.attempts == 1
    async with db.transaction() as s:
        await outbox.mark_failed(s, row.id, now=now, error="Forbidden")
    [nxt] = await outbox.claim_due(db, now=now + timedelta(seconds=11))
    assert nxt.payload["text"] == "y"


async def test_competing_senders_never_share_a_message(db: Database) -> None:
    for chat in range(20):
        await _queue(db, chat, f"{chat}-1", f"{chat}-2")
    claimed: list[int] = []

    async def sender() -> None:
        for _ in range(10):
            rows = await outbox.claim_due(db, now=utcnow(), limit=7)
            for row in rows:
                claimed.append(row.id)
                async with db.transaction() as s:
                    await outbox.mark_sent(s, row.id, now=utcnow(), message_id=None)
            await asyncio.sleep(0)

    await asyncio.gather(sender(), sender(), sender())
    assert len(claimed) == len(set(claimed)) == 40


@pytest.mark.postgres
async def test_locked_heads_are_skipped_by_other_senders_and_freed_by_a_dead_one() -> None:
    # Row locks for the outbox are PostgreSQL's way (SQLite has one sender per database).
    base = postgres_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need TANDEM_TEST_POSTGRES_URL (CI sets it)")
    async with fresh_postgres(base) as url:
        await migrate_async(url)
        db = Database(url)
        try:
            await _queue(db, 1, "first", "second")
            await _queue(db, 2, "other chat")
            async with db.transaction() as holder:
                held = await outbox.lock_due(holder, now=utcnow())
                assert sorted(r.payload["text"] for r in held) == ["first", "other chat"]
                async with db.transaction() as other:
                    # Locked heads are skipped; "second" waits behind its chat's locked head.
                    assert await outbox.lock_due(other, now=utcnow()) == []
                await holder.rollback()  # the sender died: its transaction and locks are gone
            async with db.transaction() as again:
                taken = await outbox.lock_due(again, now=utcnow())
            assert sorted(r.payload["text"] for r in taken) == ["first", "other chat"]
        finally:
            await db.dispose()
