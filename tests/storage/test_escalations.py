"""storage/escalations.py on SQLite and PostgreSQL: a flag is marked escalated once and never
once resolved; the seniors to tell; what a senior's list and an email need; the messages added
to a flag, in order, and only through their own flag and person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from storage import escalations
from storage.db import Database, migrate_async
from storage.models import Flag, FlagMessage, Organisation, ServiceUser, Staff

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    await migrate_async(db_url)
    database = Database(db_url)
    yield database
    await database.dispose()


async def _org(db: Database, name: str, hours: int = 4) -> tuple[int, int]:
    """An organisation and a case manager in it."""
    async with db.transaction() as s:
        org = Organisation(name=name, escalation_hours=hours)
        s.add(org)
        await s.flush()
        sam = Staff(organisation_id=org.id or 0, email=f"sam@{name}.org", name=f"Sam {name}")
        s.add(sam)
        await s.flush()
        return org.id or 0, sam.id or 0


async def _person(db: Database, org_id: int, manager: int | None, name: str) -> int:
    async with db.transaction() as s:
        person = ServiceUser(
            organisation_id=org_id, case_manager_id=manager, name=name, crn=name[:3].upper()
        )
        s.add(person)
        await s.flush()
        return person.id or 0


async def _flag(db: Database, person_id: int, at: datetime, **fields: object) -> int:
    async with db.transaction() as s:
        flag = Flag(service_user_id=person_id, kind="safeguarding", created_at=at, **fields)
        s.add(flag)
        await s.flush()
        return flag.id or 0


async def test_escalated_once_and_never_once_resolved(db: Database) -> None:
    org, sam = await _org(db, "north", hours=6)
    alex = await _person(db, org, sam, "Alex")
    open_flag = await _flag(db, alex, NOW)
    done = await _flag(db, alex, NOW, resolved_at=NOW, resolution="Rang them")
    async with db.transaction() as s:
        assert await escalations.escalation_hours(s, alex) == 6
        assert await escalations.escalation_hours(s, 987_654) is None
        assert await escalations.mark_escalated(s, open_flag, NOW) is True
        assert await escalations.mark_escalated(s, open_flag, NOW + timedelta(hours=1)) is False
        assert await escalations.mark_escalated(s, done, NOW) is False
    async with db.transaction() as s:
        first = await escalations.fresh_flag(s, open_flag)
        second = await escalations.fresh_flag(s, done)
    assert first is not None and first.escalated_at == NOW
    assert second is not None and second.escalated_at is None


async def test_seniors_and_the_list_they_see(db: Database) -> None:
    north, sam = await _org(db, "north")
    south, sol = await _org(db, "south")
    async with db.transaction() as s:
        for name, org, active in (("Jo", north, True), ("Off", north, False), ("Sue", south, True)):
            s.add(
                Staff(
                    organisation_id=org,
                    email=f"{name}@x.org",
                    name=name,
                    role="senior",
                    active=active,
                )
            )
    alex = await _person(db, north, sam, "Alex")
    bo = await _person(db, north, None, "Bo")
    cai = await _person(db, south, sol, "Cai")
    older = await _flag(db, bo, NOW - timedelta(days=2), escalated_at=NOW, contact="not_safe")
    newer = await _flag(db, alex, NOW - timedelta(hours=6), escalated_at=NOW)
    await _flag(db, alex, NOW - timedelta(days=3))  # not escalated
    await _flag(db, alex, NOW - timedelta(days=4), escalated_at=NOW, resolved_at=NOW)
    await _flag(db, cai, NOW - timedelta(days=5), escalated_at=NOW)  # another organisation
    async with db.transaction() as s:
        seniors = await escalations.active_seniors(s, north)
        listed = await escalations.escalated_open(s, north)
        mine = await escalations.escalated_open(s, north, case_manager_id=sam)
        since = await escalations.waiting_since(s, [alex, bo, cai, alex])
        assert await escalations.waiting_since(s, []) == {}
    assert [m.name for m in seniors] == ["Jo"]
    assert [(e.flag_id, e.name, e.case_manager, e.contact) for e in listed] == [
        (older, "Bo", None, "not_safe"),
        (newer, "Alex", "Sam north", None),
    ]
    assert [e.flag_id for e in mine] == [newer]
    assert since == {
        alex: NOW - timedelta(hours=6),
        bo: NOW - timedelta(days=2),
        cai: NOW - timedelta(days=5),
    }


async def test_messages_of_a_flag_in_order_and_only_through_it(db: Database) -> None:
    org, sam = await _org(db, "north")
    alex = await _person(db, org, sam, "Alex")
    bo = await _person(db, org, sam, "Bo")
    flag = await _flag(db, alex, NOW)
    other = await _flag(db, bo, NOW)
    async with db.transaction() as s:
        made = []
        for minutes, kind, text in ((5, "after", "second"), (1, "repeat", "first")):
            message = FlagMessage(
                flag_id=flag,
                service_user_id=alex,
                kind=kind,
                text=text,
                categories=["suicide_self_harm"] if kind == "repeat" else [],
                created_at=NOW + timedelta(minutes=minutes),
            )
            s.add(message)
            made.append(message)
        s.add(
            FlagMessage(
                flag_id=other, service_user_id=bo, kind="after", text="bo's", created_at=NOW
            )
        )
        await s.flush()
    async with db.transaction() as s:
        found = await escalations.messages_of(s, [flag, other, flag])
        assert await escalations.messages_of(s, []) == {}
        mid = made[0].id or 0
        assert await escalations.flag_message_for(s, alex, flag, mid) is not None
        # Another flag's, another person's, or no such message: none.
        assert await escalations.flag_message_for(s, alex, other, mid) is None
        assert await escalations.flag_message_for(s, bo, flag, mid) is None
        assert await escalations.flag_message_for(s, alex, flag, 987_654) is None
    assert [m.text for m in found[flag]] == ["first", "second"]
    assert [m.text for m in found[other]] == ["bo's"]
    assert found[flag][0].categories == ["suicide_self_harm"]
