"""A small world for the scheduler: a migrated database (SQLite and PostgreSQL in turn), an
organisation with Sam, people made to order, a clock the test moves, and the scheduler."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import col, select

from bot.conversations.messages import Outgoing
from bot.conversations.notices import content_of, neutral_text
from bot.scheduling import assignments
from bot.scheduling.scheduler import Scheduler
from storage.conversations import start_conversation
from storage.db import Database, migrate_async
from storage.models import (
    Assignment,
    Conversation,
    DueJob,
    Organisation,
    OutboxMessage,
    ServiceUser,
    Staff,
)
from tests.support.review import Clock, catalogue

# A Monday morning in winter (GMT, so UTC and London agree).
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
_chats = itertools.count(5_000_001)


@dataclass
class World:
    db: Database
    clock: Clock
    scheduler: Scheduler
    org: Organisation
    sam: Staff

    async def person(
        self,
        name: str = "Alex Example",
        *,
        timezone: str = "Europe/London",
        language: str = "en",
        linked: bool = True,
        **fields: Any,
    ) -> ServiceUser:
        chat = next(_chats)
        async with self.db.transaction() as session:
            person = ServiceUser(
                organisation_id=self.org.id,
                case_manager_id=self.sam.id,
                name=name,
                timezone=timezone,
                language=language,
                telegram_user_id=chat if linked else None,
                telegram_chat_id=chat if linked else None,
                linked_at=self.clock() if linked else None,
                consented_at=self.clock() if linked else None,
                **fields,
            )
            session.add(person)
        return person

    async def set_tools(
        self,
        person: ServiceUser,
        tools: list[str],
        due_at: datetime,
        *,
        note: str | None = None,
        appointment_id: int | None = None,
    ) -> list[Assignment]:
        async with self.db.transaction() as session:
            return await assignments.set_tools(
                session,
                person=person,
                tools=tools,
                appointment_id=appointment_id,
                due_at=due_at,
                note=note,
                staff_id=self.sam.id,
                now=self.clock(),
            )

    async def conversation(self, person: ServiceUser, tool: str) -> Conversation:
        """A conversation of the tool under way, as if the person had started it."""
        async with self.db.transaction() as session:
            script = catalogue().get(tool)
            assert script is not None
            return await start_conversation(
                session,
                person_id=person.id or 0,
                version_id=await catalogue().version_id(session, script),
                script_id=tool,
                step="start",
                state={},
                now=self.clock(),
            )

    async def run(self) -> int:
        return await self.scheduler.run_once()

    async def notices(self, person: ServiceUser) -> list[Outgoing]:
        """Everything queued for the person, oldest first, as it arrives on their phone."""
        async with self.db.transaction() as session:
            rows = await session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.service_user_id == person.id)
                .order_by(col(OutboxMessage.id))
            )
            return [Outgoing.from_payload(r.chat_id, r.payload) for r in rows.all()]

    async def sent(self, person: ServiceUser) -> list[Outgoing]:
        """What the person sees of each message once they tap "Show me" (every message sent
        unasked is a neutral line until then: checked here too)."""
        async with self.db.transaction() as session:
            rows = await session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.service_user_id == person.id)
                .order_by(col(OutboxMessage.id))
            )
            shown = []
            for row in rows.all():
                assert row.payload["text"] == neutral_text(person.language), row.payload
                first, *_ = content_of(row.chat_id, row.payload)
                shown.append(first)
            return shown

    async def jobs(self, kind: str | None = None, ref_id: int | None = None) -> list[DueJob]:
        async with self.db.transaction() as session:
            stmt = select(DueJob)
            if kind:
                stmt = stmt.where(DueJob.kind == kind)
            if ref_id is not None:
                stmt = stmt.where(DueJob.ref_id == ref_id)
            return list(
                (await session.exec(stmt.order_by(col(DueJob.due_at), col(DueJob.id)))).all()
            )

    async def get(self, model: type[Any], row_id: int | None) -> Any:
        async with self.db.transaction() as session:
            return await session.get(model, row_id)

    async def update(self, row: Any, **values: Any) -> None:
        async with self.db.transaction() as session:
            fresh = await session.get(type(row), row.id)
            for key, value in values.items():
                setattr(fresh, key, value)
            session.add(fresh)


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    await migrate_async(db_url)
    db = Database(db_url)
    clock = Clock(MONDAY)
    try:
        async with db.transaction() as session:
            org = Organisation(name="Probation North")
            session.add(org)
            await session.flush()
            sam = Staff(organisation_id=org.id, email="sam@example.org", name="Sam Jones")
            session.add(sam)
        yield World(db, clock, Scheduler(db, catalogue(), clock), org, sam)
    finally:
        await db.dispose()
