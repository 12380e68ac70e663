"""Processed updates, people, invites, conversations and answers, on both backends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.conversations import (
    answers_of,
    drop_answers,
    open_conversations,
    publish_version,
    put_answer,
    start_conversation,
)
from storage.db import Database, migrate_async
from storage.export import person_export
from storage.people import (
    add_invite,
    add_person,
    ensure_organisation,
    invite_by_hash,
    person_by_telegram_user,
)
from storage.types import utcnow
from storage.updates import claim_update


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    await migrate_async(db_url)
    database = Database(db_url)
    yield database
    await database.dispose()


async def _person(db: Database, telegram_user_id: int | None = None) -> int:
    async with db.transaction() as s:
        org = await ensure_organisation(s, "Org")
        person = await add_person(s, organisation_id=org.id, name="Jo Bloggs", crn="X1")
        person.telegram_user_id = telegram_user_id
        s.add(person)
    assert person.id is not None
    return person.id


async def test_update_is_claimed_once(db: Database) -> None:
    async with db.transaction() as s:
        assert await claim_update(s, 1, 500, "handled") is True
    async with db.transaction() as s:
        assert await claim_update(s, 1, 500, "handled") is False
        # Update ids belong to one bot: another bot's 500 is a different update.
        assert await claim_update(s, 2, 500, "handled") is True


async def test_claim_rolled_back_with_its_transaction(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as s:
            await claim_update(s, 1, 7, "handled")
            raise RuntimeError("crash before commit")
    async with db.transaction() as s:
        assert await claim_update(s, 1, 7, "handled") is True


async def test_racing_claims_of_one_update_let_exactly_one_through(db: Database) -> None:
    wins: list[bool] = []

    async def claim() -> None:
        async with db.transaction() as s:
            won = await claim_update(s, 1, 42, "handled")
            await asyncio.sleep(0.05)  # hold the transaction open while the others try
            wins.append(won)

    await asyncio.gather(*(claim() for _ in range(5)))
    assert sorted(wins) == [False, False, False, False, True]


async def test_telegram_ids_are_unique_and_found(db: Database) -> None:
    await _person(db, telegram_user_id=9_000_000_001)  # beyond 32 bits, as Telegram ids are
    async with db.transaction() as s:
        found = await person_by_telegram_user(s, 9_000_000_001, lock=True)
        assert found is not None and found.name == "Jo Bloggs"
    with pytest.raises(IntegrityError):
        await _person(db, telegram_user_id=9_000_000_001)


async def test_invites_by_hash_and_expiry_are_timezone_aware(db: Database) -> None:
    pid = await _person(db)
    expires = utcnow() + timedelta(days=14)
    async with db.transaction() as s:
        await add_invite(s, pid, "a" * 64, expires)
    async with db.transaction() as s:
        invite = await invite_by_hash(s, "a" * 64)
        assert invite is not None
        assert invite.expires_at == expires  # comes back aware, comparable with utcnow()
        assert invite.expires_at > utcnow()
        assert await invite_by_hash(s, "b" * 64) is None


async def test_answers_keep_question_version_and_order(db: Database) -> None:
    pid = await _person(db)
    now = utcnow()
    async with db.transaction() as s:
        version = await publish_version(
            s, script_id="t", content_hash="h1", title="T", source="src"
        )
        again = await publish_version(s, script_id="t", content_hash="h1", title="T", source="src")
        assert again.id == version.id
        conv = await start_conversation(
            s,
            person_id=pid,
            version_id=version.id,
            script_id="t",
            step="q1",
            state={"step": "q1"},
            now=now,
        )
        for i, value in enumerate(["first", {"choice": "yes"}, None]):
            await put_answer(
                s,
                conv,
                step_id=f"q{i}",
                question=f"Question {i}?",
                value=value,
                display=str(value),
                skipped=value is None,
                update_id=100 + i,
                now=now,
            )
    async with db.transaction() as s:
        stored = await answers_of(s, conv.id)
        assert [a.value for a in stored] == ["first", {"choice": "yes"}, None]
        assert [a.question for a in stored] == ["Question 0?", "Question 1?", "Question 2?"]
        assert {a.script_version_id for a in stored} == {version.id}
        assert [c.id for c in await open_conversations(s, pid)] == [conv.id]
        data = await person_export(s, pid)
    assert data is not None
    assert data["person"]["name"] == "Jo Bloggs"
    assert data["conversations"][0]["script_version"] == "h1"
    assert [a["step_id"] for a in data["conversations"][0]["answers"]] == ["q0", "q1", "q2"]


async def test_changing_an_answer_replaces_it_and_dropping_removes_it(db: Database) -> None:
    pid = await _person(db)
    now = utcnow()
    async with db.transaction() as s:
        version = await publish_version(
            s, script_id="t", content_hash="h2", title="T", source="src"
        )
        conv = await start_conversation(
            s, person_id=pid, version_id=version.id, script_id="t", step="a", state={}, now=now
        )
        for step_id, value in [("a", "one"), ("b", "two"), ("c", "three")]:
            await put_answer(
                s,
                conv,
                step_id=step_id,
                question="?",
                value=value,
                display=value,
                skipped=False,
                update_id=None,
                now=now,
            )
    async with db.transaction() as s:
        # The person went back to "a" and took another path: "b" and "c" are left behind.
        await put_answer(
            s,
            conv,
            step_id="a",
            question="?",
            value="changed",
            display="changed",
            skipped=False,
            update_id=None,
            now=now,
        )
        await drop_answers(s, conv.id, ["b", "c"])
    async with db.transaction() as s:
        assert [(a.step_id, a.value) for a in await answers_of(s, conv.id)] == [("a", "changed")]
