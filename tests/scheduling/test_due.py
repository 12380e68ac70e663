"""storage/due.py on SQLite and PostgreSQL: scheduling twice is harmless, cancelling marks
pending jobs done, and on PostgreSQL two processes never take the same job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from storage import due
from tests.scheduling.conftest import MONDAY, World


async def test_scheduling_the_same_job_twice_keeps_one(world: World) -> None:
    for _ in range(2):
        async with world.db.transaction() as session:
            await due.schedule(session, "invite", 7, MONDAY)
            await due.schedule(session, "invite", 7, MONDAY)
    async with world.db.transaction() as session:
        await due.schedule(session, "invite", 7, MONDAY + timedelta(hours=1))
        await due.schedule(session, "nudge", 7, MONDAY)
    jobs = await world.jobs()
    assert sorted((j.kind, j.due_at) for j in jobs) == [
        ("invite", MONDAY),
        ("invite", MONDAY + timedelta(hours=1)),
        ("nudge", MONDAY),
    ]
    assert all(j.done_at is None and j.attempts == 0 for j in jobs)


async def test_cancel_marks_only_that_things_pending_jobs(world: World) -> None:
    async with world.db.transaction() as session:
        await due.schedule(session, "nudge", 1, MONDAY)
        await due.schedule(session, "nudge", 1, MONDAY + timedelta(days=1))
        await due.schedule(session, "nudge", 2, MONDAY)
        await due.schedule(session, "expire", 1, MONDAY)
    async with world.db.transaction() as session:
        assert await due.cancel(session, "nudge", 1, now=MONDAY) == 2
    outcomes = {(j.kind, j.ref_id, j.due_at): j.outcome for j in await world.jobs()}
    assert outcomes == {
        ("nudge", 1, MONDAY): "cancelled",
        ("nudge", 1, MONDAY + timedelta(days=1)): "cancelled",
        ("nudge", 2, MONDAY): None,
        ("expire", 1, MONDAY): None,
    }
    async with world.db.transaction() as session:
        assert await due.cancel(session, "nudge", 1, now=MONDAY) == 0


async def test_claim_takes_what_is_due_of_the_kinds_asked_oldest_first(world: World) -> None:
    async with world.db.transaction() as session:
        await due.schedule(session, "invite", 1, MONDAY - timedelta(minutes=5))
        await due.schedule(session, "invite", 2, MONDAY - timedelta(minutes=10))
        await due.schedule(session, "invite", 3, MONDAY + timedelta(seconds=1))
        await due.schedule(session, "notify", 4, MONDAY - timedelta(hours=1))
    async with world.db.transaction() as session:
        claimed = await due.claim_due(session, now=MONDAY, kinds=["invite"])
        assert [j.ref_id for j in claimed] == [2, 1]
        # One that failed waits until it may be tried again.
        assert claimed[0].id is not None
        await due.retry_later(
            session, claimed[0].id, attempts=1, until=MONDAY + timedelta(minutes=1), error="x"
        )
    async with world.db.transaction() as session:
        assert [j.ref_id for j in await due.claim_due(session, now=MONDAY, kinds=["invite"])] == [1]
        later = MONDAY + timedelta(minutes=2)
        assert [j.ref_id for j in await due.claim_due(session, now=later, kinds=["invite"])] == [
            2,
            1,
            3,
        ]


async def test_two_processes_never_take_the_same_job(world: World) -> None:
    if world.db.dialect != "postgresql":
        return  # SQLite serves one process per database (storage.db.sole_server)
    async with world.db.transaction() as session:
        for ref in range(10):
            await due.schedule(session, "invite", ref, MONDAY)
    first_has_claimed = asyncio.Event()
    release = asyncio.Event()
    taken: dict[str, list[int]] = {}

    async def first() -> None:
        async with world.db.transaction() as session:
            rows = await due.claim_due(session, now=MONDAY, kinds=["invite"], limit=4)
            taken["first"] = [r.ref_id for r in rows]
            first_has_claimed.set()
            await release.wait()

    async def second() -> None:
        await first_has_claimed.wait()
        async with world.db.transaction() as session:
            rows = await due.claim_due(session, now=MONDAY, kinds=["invite"], limit=100)
            taken["second"] = [r.ref_id for r in rows]
        release.set()

    await asyncio.wait_for(asyncio.gather(first(), second()), timeout=10)
    assert taken["first"] == [0, 1, 2, 3]
    assert taken["second"] == [4, 5, 6, 7, 8, 9]
