"""What the sender keeps in the database: people Telegram cannot reach, and the send moments
that several processes share (on each backend)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlmodel import col, select

from storage import outbox
from storage.db import Database, migrate_async
from storage.models import OutboxMessage, ServiceUser
from storage.people import (
    add_person,
    ensure_organisation,
    mark_reachable,
    mark_unreachable,
    person_for_chat,
    unreachable_among,
)
from storage.types import utcnow

BLOCKED = "Forbidden: bot was blocked by the user"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    await migrate_async(db_url)
    database = Database(db_url)
    yield database
    await database.dispose()


async def _person(db: Database, telegram_id: int) -> int:
    async with db.transaction() as session:
        org = await ensure_organisation(session, "Delivery")
        assert org.id is not None
        person = await add_person(session, organisation_id=org.id, name=f"P{telegram_id}")
        person.telegram_user_id = person.telegram_chat_id = telegram_id
        session.add(person)
        await session.flush()
        assert person.id is not None
        return person.id


async def _rows(db: Database) -> dict[str, OutboxMessage]:
    async with db.transaction() as session:
        found = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    return {row.payload["text"]: row for row in found}


async def test_unreachable_gives_up_their_waiting_messages_only(db: Database) -> None:
    alex, sam = await _person(db, 501), await _person(db, 502)
    now = utcnow()
    async with db.transaction() as session:
        sent = outbox.enqueue(session, 501, {"text": "already sent"}, person_id=alex, now=now)
        outbox.enqueue(session, 501, {"text": "refused"}, person_id=alex, now=now)
        outbox.enqueue(session, 501, {"text": "by chat only"}, now=now)
        outbox.enqueue(session, 502, {"text": "for Sam"}, person_id=sam, now=now)
        await session.flush()
        assert sent.id is not None
        await outbox.mark_sent(session, sent.id, now=now, message_id=1)
    async with db.transaction() as session:
        given_up = await mark_unreachable(session, alex, BLOCKED, now)
    assert given_up == 2
    rows = await _rows(db)
    assert rows["already sent"].failed_at is None and rows["already sent"].sent_at is not None
    for text in ("refused", "by chat only"):
        assert rows[text].failed_at is not None and rows[text].last_error == "unreachable"
        assert rows[text].attempts == 0
    assert rows["for Sam"].failed_at is None

    async with db.transaction() as session:
        # A second refusal keeps the first moment.
        await mark_unreachable(session, alex, "Forbidden: user is deactivated", now + timedelta(1))
        person = await session.get(ServiceUser, alex)
        assert person is not None
        assert person.unreachable_at == now and person.unreachable_reason == BLOCKED
        # Found by person or by chat: their ids and their chats' ids.
        assert await unreachable_among(session, person_ids={alex, sam}, chat_ids={502}) == (
            {alex},
            {501},
        )
        assert await unreachable_among(session, person_ids=set(), chat_ids={501}) == (
            {alex},
            {501},
        )
        assert await person_for_chat(session, person_id=None, chat_id=501) == alex
        assert await person_for_chat(session, person_id=sam, chat_id=501) == sam
        assert await person_for_chat(session, person_id=None, chat_id=999) is None
        assert await mark_reachable(session, person, now) is True
        assert await mark_reachable(session, person, now) is False
        assert await mark_reachable(session, None, now) is False
    async with db.transaction() as session:
        person = await session.get(ServiceUser, alex)
        assert person is not None and person.unreachable_at is None
        assert person.unreachable_reason is None


async def test_send_moments_are_shared_and_never_overlap(db: Database, db_url: str) -> None:
    interval = 0.01
    first = await outbox.reserve_send_slots(db, count=3, interval=interval, now=1000.0)
    assert first == 1000.0
    # Later reservations follow on, even when asked for with an earlier "now".
    assert await outbox.reserve_send_slots(db, count=2, interval=interval, now=999.0) == (
        pytest.approx(1000.03)
    )
    # Nothing reserved for a while: the next starts now, not at the end of the last.
    assert await outbox.reserve_send_slots(db, count=1, interval=interval, now=2000.0) == 2000.0
    await outbox.hold_sends(db, until=2005.0)
    assert await outbox.reserve_send_slots(db, count=1, interval=interval, now=2001.0) == 2005.0

    # Two processes (two engines) reserving at once get disjoint moments.
    other = Database(db_url)
    try:
        blocks = await asyncio.gather(
            *(
                outbox.reserve_send_slots(d, count=5, interval=1.0, now=3000.0)
                for d in [db, other] * 10
            )
        )
    finally:
        await other.dispose()
    starts = sorted(blocks)
    assert starts == [3000.0 + 5 * n for n in range(20)]


async def test_give_up_fails_without_an_attempt(db: Database) -> None:
    now = utcnow()
    async with db.transaction() as session:
        row = outbox.enqueue(session, 7, {"text": "x"}, now=now)
        await session.flush()
        assert row.id is not None
        await outbox.give_up(session, [row.id], now=now)
    [stored] = (await _rows(db)).values()
    assert stored.failed_at is not None and stored.attempts == 0
    assert stored.last_error == "unreachable"
    assert await outbox.pending_count(db) == 0


async def test_replies_are_claimed_before_older_messages(db: Database) -> None:
    now = utcnow()
    async with db.transaction() as session:
        for chat_id in range(1, 6):
            outbox.enqueue(session, chat_id, {"text": f"reminder {chat_id}"}, now=now)
        outbox.enqueue(session, 9, {"text": "a reply"}, now=now, reply=True)
        outbox.enqueue(session, 1, {"text": "a reply behind a reminder"}, now=now, reply=True)
    first = await outbox.claim_due(db, now=now, limit=2)
    assert [r.payload["text"] for r in first] == ["a reply", "reminder 1"]
    assert first[0].payload[outbox.REPLY] is True
    rest = await outbox.claim_due(db, now=now, limit=10)
    assert [r.payload["text"] for r in rest] == [f"reminder {n}" for n in range(2, 6)]
