"""When Telegram says no: a person who blocked the bot or deleted their account is marked
unreachable (what their case manager sees), nothing more is tried, and they are reachable
again as soon as they write. End to end through the sandbox: the real bot, real 403s."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlmodel import col, select

from bot.conversations.messages import Outgoing
from bot.review.web import ReviewConfig
from bot.sandbox.client import Chat
from storage import outbox
from storage.models import OutboxMessage, ServiceUser, Staff
from storage.types import utcnow
from tests.support.review import Clock, ReviewHarness
from tests.support.tandem import Harness

BLOCKED = "Forbidden: bot was blocked by the user"
DEACTIVATED = "Forbidden: user is deactivated"
NEWS = "You have something new in Tandem."


async def queue(tandem: Harness, chat: Chat, person_id: int, *texts: str) -> list[int]:
    """Messages for the person, as the review app and the scheduler queue them."""
    async with tandem.db.transaction() as session:
        rows = [
            outbox.enqueue(
                session,
                chat.user_id,
                Outgoing(chat.user_id, text).to_payload(),
                person_id=person_id,
                now=utcnow(),
            )
            for text in texts
        ]
        await session.flush()
        ids = [row.id for row in rows if row.id is not None]
    tandem.running.sender.wake()
    return ids


async def person(tandem: Harness, person_id: int) -> ServiceUser:
    async with tandem.db.transaction() as session:
        found = await session.get(ServiceUser, person_id)
    assert found is not None
    return found


async def rows(tandem: Harness, ids: list[int]) -> list[OutboxMessage]:
    async with tandem.db.transaction() as session:
        stmt = select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
        found = list((await session.exec(stmt.order_by(col(OutboxMessage.id)))).all())
    return found


async def eventually(check: Callable[[], Any], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {timeout} s: {check.__doc__}")
        await asyncio.sleep(0.05)


async def case_manager(tandem: Harness, person_id: int) -> tuple[ReviewHarness, Staff]:
    """The review app on Tandem's own database, and the person's case manager."""
    config = ReviewConfig(
        db=tandem.db, catalogue=tandem.running.catalogue, on_queued=tandem.running.sender.wake
    )
    review = ReviewHarness(tandem.db, config, Clock())
    sam = await review.staff(name="Sam Jones", org="Tandem")  # enrol() uses "Tandem"
    async with tandem.db.transaction() as session:
        found = await session.get(ServiceUser, person_id)
        assert found is not None
        found.case_manager_id = sam.id
        session.add(found)
    return review, sam


async def what_staff_see(tandem: Harness, person_id: int) -> tuple[str, str]:
    """The person's page and the caseload, as their case manager sees them."""
    review, sam = await case_manager(tandem, person_id)
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{person_id}")
        caseload = await web.get("/")
    assert page.status_code == caseload.status_code == 200
    return page.text, caseload.text


async def sends_to(tandem: Harness, chat: Chat) -> list[dict[str, Any]]:
    """Every sendMessage and edit the bot has tried in this chat, refused or not."""
    methods = {"sendMessage", "editMessageText", "editMessageReplyMarkup"}
    calls = await tandem.client.calls()
    return [c for c in calls if c["chat_id"] == chat.user_id and c["method"] in methods]


async def test_blocked_bot_makes_the_person_unreachable_until_they_write(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Blair")
    other, _ = await tandem.joined_chat("Cass")
    await chat.block()
    tried_before = len(await sends_to(tandem, chat))

    ids = await queue(tandem, chat, person_id, NEWS, "A second message", "A third message")

    async def marked() -> bool:
        """the person is marked unreachable"""
        return (await person(tandem, person_id)).unreachable_at is not None

    await eventually(marked)
    blair = await person(tandem, person_id)
    assert blair.unreachable_reason == BLOCKED  # Telegram's words; nothing of the message
    first, second, third = await rows(tandem, ids)
    assert first.failed_at is not None and first.last_error == BLOCKED
    # The others were given up in the same transaction, never tried.
    for row in (second, third):
        assert row.sent_at is None and row.failed_at is not None
        assert row.last_error == "unreachable" and row.attempts == 0
    refused = (await sends_to(tandem, chat))[tried_before:]
    assert [(c["method"], c["error_code"]) for c in refused] == [("sendMessage", 403)]

    page, caseload = await what_staff_see(tandem, person_id)
    assert "Tandem cannot reach Blair on Telegram" in page
    assert "Unreachable" in caseload

    # Messages queued for them later are given up without a call.
    [later] = await queue(tandem, chat, person_id, "Your appointment is tomorrow")

    async def given_up() -> bool:
        """the later message is given up"""
        return (await rows(tandem, [later]))[0].failed_at is not None

    await eventually(given_up)
    assert (await rows(tandem, [later]))[0].last_error == "unreachable"
    assert len(await sends_to(tandem, chat)) == tried_before + 1
    # Everyone else is served as before.
    await other.send("/help")
    await other.wait_for("Samaritans")

    # They come back: RESTART in their app unblocks the bot and says /start.
    await chat.restart()
    await chat.wait_for("What would you like to do?")
    blair = await person(tandem, person_id)
    assert blair.unreachable_at is None and blair.unreachable_reason is None
    page, caseload = await what_staff_see(tandem, person_id)
    assert "cannot reach" not in page and "Unreachable" not in caseload
    await queue(tandem, chat, person_id, "Welcome back")
    await chat.wait_for("Welcome back")


async def test_a_deleted_account_is_unreachable_and_left_alone(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Dara")
    await chat.delete_account()
    tried_before = len(await sends_to(tandem, chat))
    ids = await queue(tandem, chat, person_id, NEWS, "And another")

    async def settled() -> bool:
        """both messages are settled"""
        return all(r.failed_at is not None for r in await rows(tandem, ids))

    await eventually(settled)
    dara = await person(tandem, person_id)
    assert dara.unreachable_at is not None and dara.unreachable_reason == DEACTIVATED
    assert [r.last_error for r in await rows(tandem, ids)] == [DEACTIVATED, "unreachable"]
    assert len(await sends_to(tandem, chat)) == tried_before + 1


async def test_a_reply_that_is_refused_marks_the_person_too(tandem: Harness) -> None:
    """A message queued without naming the person (as some replies are) still finds them
    through their chat."""
    chat, person_id = await tandem.joined_chat("Emry")
    await chat.block()
    async with tandem.db.transaction() as session:
        outbox.enqueue(session, chat.user_id, {"text": "no person named"}, now=utcnow())
    tandem.running.sender.wake()

    async def marked() -> bool:
        """the person is marked unreachable"""
        return (await person(tandem, person_id)).unreachable_reason == BLOCKED

    await eventually(marked)
