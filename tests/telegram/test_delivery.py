"""The outbox: replies survive restarts, flood limits are honoured, blocked chats fail cleanly."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlmodel import select

from storage import outbox
from storage.models import OutboxMessage
from storage.types import utcnow
from tests.support.tandem import Harness, new_token, running_tandem


async def test_flood_limit_is_waited_out_and_nothing_is_lost(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Flo")
    await tandem.client.flood(count=2, retry_after=1, methods=["sendMessage"])
    started = asyncio.get_running_loop().time()
    await chat.click("Good day, bad day")
    await chat.wait_for("Think of a good day", timeout=15)
    assert asyncio.get_running_loop().time() - started >= 1.0
    texts = [m.text for m in await chat.bot_messages()]
    # Every message of the tool's opening arrived once, in order.
    opening = [
        t for t in texts if t and ("good days and your bad days" in t or "Think of a good day" in t)
    ]
    assert len(opening) == 2 and "good days" in opening[0]
    refused = [c for c in await tandem.client.calls() if c["error_code"] == 429]
    assert len(refused) == 2


async def test_unsent_replies_go_out_at_start_up(sandbox, tmp_path) -> None:
    token = new_token()
    async with running_tandem(sandbox, tmp_path, telegram_token=token) as first:
        chat, person_id = await first.joined_chat("Una")
        db_url = first.running.settings.database_url
    # Tandem crashed after committing a reply but before sending it.
    from storage.db import Database

    db = Database(db_url)
    async with db.transaction() as session:
        outbox.enqueue(
            session, chat.user_id, {"text": "A reply from before the restart"}, now=utcnow()
        )
    await db.dispose()
    async with running_tandem(sandbox, tmp_path, telegram_token=token) as second:
        chat.client = second.client
        await chat.wait_for("A reply from before the restart")


async def test_blocked_chat_fails_without_holding_up_others(tandem: Harness) -> None:
    blocked, _ = await tandem.joined_chat("Bo")
    other, _ = await tandem.joined_chat("Cy")
    await blocked.block()
    async with tandem.db.transaction() as session:
        outbox.enqueue(session, blocked.user_id, {"text": "to a blocked chat"}, now=utcnow())
    tandem.running.sender.wake()
    await other.send("/help")
    await other.wait_for("Samaritans")
    for _ in range(50):
        async with tandem.db.transaction() as session:
            row = (
                await session.exec(
                    select(OutboxMessage)
                    .where(OutboxMessage.chat_id == blocked.user_id)
                    .order_by(OutboxMessage.id.desc())
                )
            ).first()
        if row and row.failed_at:
            break
        await asyncio.sleep(0.05)
    assert row is not None and row.failed_at is not None and row.sent_at is None
    assert row.last_error.startswith("Forbidden")


async def test_a_second_server_on_one_sqlite_file_is_refused(
    tandem: Harness, sandbox, tmp_path
) -> None:
    from storage.db import DatabaseInUse

    try:
        async with running_tandem(sandbox, tmp_path):
            raise AssertionError("a second Tandem started on the same SQLite database")
    except DatabaseInUse as exc:
        assert "already serving" in str(exc)


async def test_claims_left_by_a_crash_are_released_at_start_up(sandbox, tmp_path) -> None:
    from datetime import timedelta

    from storage.db import Database

    token = new_token()
    async with running_tandem(sandbox, tmp_path, telegram_token=token) as first:
        chat, _ = await first.joined_chat("Cal")
        db_url = first.running.settings.database_url
    # A crash in the middle of a send leaves the message claimed for a whole lease.
    db = Database(db_url)
    async with db.transaction() as session:
        row = outbox.enqueue(
            session, chat.user_id, {"text": "claimed when it crashed"}, now=utcnow()
        )
        row.claimed_until = utcnow() + timedelta(hours=1)
    await db.dispose()
    async with running_tandem(sandbox, tmp_path, telegram_token=token) as second:
        chat.client = second.client
        await chat.wait_for("claimed when it crashed", timeout=5)


async def test_an_idle_sender_looks_about_once_a_poll(
    tandem: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing to send, the outbox is looked at about once per IDLE_POLL, not in a loop
    (a round that claimed nothing used to wake the idle wait at once: a core burnt doing
    nothing). A slow machine only makes fewer looks, so the bound cannot fail from load."""
    from bot.telegram import sender

    looks = 0
    claim = outbox.claim_in

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal looks
        looks += 1
        return await claim(*args, **kwargs)

    monkeypatch.setattr(outbox, "claim_in", counted)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.sleep(3 * sender.IDLE_POLL)  # the time passing is what is measured here
    polls = (loop.time() - started) / sender.IDLE_POLL
    assert looks <= polls + 3, f"{looks} looks at the outbox in {polls:.1f} polls"
