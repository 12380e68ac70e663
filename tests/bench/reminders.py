"""Reminders falling due at once, against the sandbox enforcing Telegram's 30 messages a second.

    python -m tests.bench --reminders-only --reminders 10000

N people (each with a chat the bot may write to) have an appointment later today and its
reminder due now. Tandem runs as in production (scheduler, outbox sender, real HTTP to the
sandbox); the sandbox refuses more than 30 messages a second for the bot with 429s, as
Telegram does. Printed, never asserted: the sustained send rate as Telegram saw it (goal at
least 28 a second, over 93% of the limit), the 429s (goal none), the busiest second, and the
time from "due" until the last reminder was sent.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer
from storage import due, outbox
from storage.db import Database, migrate_async
from storage.models import Appointment, DueJob, ServiceUser
from storage.people import ensure_organisation
from tests.support.databases import fresh_postgres
from tests.support.tandem import new_token, running_tandem

TELEGRAM_LIMIT = 30.0
FIRST_USER_ID = 8_100_000_000
Row = Callable[..., None]


@dataclass
class Figures:
    reminders: int
    sent: int
    first_to_last: float  # seconds between the first and the last send, at the sandbox
    due_to_last: float  # seconds from "due" to the last send
    refused: int  # 429 answers
    busiest_second: int  # most sends in any one second, at the sandbox

    @property
    def sustained(self) -> float:
        return (self.sent - 1) / self.first_to_last if self.first_to_last > 0 else 0.0


def daytime_zone(now: datetime) -> str:
    """A zone where it is early afternoon now: no reminder meets quiet hours (21:00-09:00
    local), whenever the bench runs. Etc/GMT-3 is three hours *ahead* of UTC."""
    ahead = (14 - now.hour) % 24
    if ahead > 14:
        ahead -= 24
    return "Etc/GMT" if ahead == 0 else f"Etc/GMT{'-' if ahead > 0 else '+'}{abs(ahead)}"


async def _people(db: Database, count: int) -> dict[int, int]:
    """N people with an appointment in three hours: appointment id -> person id."""
    now = datetime.now(UTC)
    zone = daytime_zone(now)
    async with db.transaction() as session:
        org = await ensure_organisation(session, "Bench reminders")
        assert org.id is not None
        people = [
            ServiceUser(
                organisation_id=org.id,
                name=f"Person {n}",
                telegram_user_id=FIRST_USER_ID + n,
                telegram_chat_id=FIRST_USER_ID + n,
                linked_at=now,
                consented_at=now,
                timezone=zone,
            )
            for n in range(count)
        ]
        session.add_all(people)
        await session.flush()
        appointments = [
            Appointment(service_user_id=p.id or 0, at=now + timedelta(hours=3), place="the office")
            for p in people
        ]
        session.add_all(appointments)
        await session.flush()
        return {a.id: a.service_user_id for a in appointments if a.id is not None}


async def _fall_due(db: Database, appointments: dict[int, int]) -> None:
    """Every reminder due at this moment, in one transaction."""
    now = datetime.now(UTC)
    rows = [
        {
            "kind": "appointment_morning",
            "ref_id": appointment_id,
            "service_user_id": person_id,
            "due_at": now,
            "attempts": 0,
            "created_at": now,
        }
        for appointment_id, person_id in appointments.items()
    ]
    async with db.transaction() as session:
        await session.exec(insert(DueJob), params=rows)  # type: ignore[call-overload]


async def _settled(db: Database, timeout: float) -> bool:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with db.transaction() as session:
            jobs = await due.pending_count(session)
        if jobs == 0 and await outbox.pending_count(db) == 0:
            return True
        await asyncio.sleep(0.5)
    return False


def _busiest_second(times: list[float]) -> int:
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def run_reminders(count: int, db_url: str) -> Figures:
    await migrate_async(db_url)
    db = Database(db_url)
    try:
        appointments = await _people(db, count)
        token = new_token()
        bot_id = int(token.split(":")[0])
        with SandboxServer() as sandbox, tempfile.TemporaryDirectory() as tmp:
            async with httpx.AsyncClient(trust_env=False) as http:
                await http.get(f"{sandbox.api_url}{token}/getMe")  # the bot exists from now
            async with SandboxClient(sandbox.url, bot_id=bot_id) as client:
                await client.ratelimit(per_second=TELEGRAM_LIMIT)
                await client.started_chats([FIRST_USER_ID + n for n in range(count)])
                async with running_tandem(
                    sandbox, Path(tmp), telegram_token=token, database_url=db_url
                ) as tandem:
                    before = await client.bot_info()
                    await _fall_due(db, appointments)
                    fell_due = time.time()
                    scheduler = getattr(tandem.running, "scheduler", None)
                    if scheduler is not None:
                        scheduler.wake()
                    # Generous: at 30 a second the run takes count / 30 seconds.
                    await _settled(db, timeout=count / 20 + 120)
                    after = await client.bot_info()
                    calls = await client.calls(before["calls"])
    finally:
        await db.dispose()
    times = sorted(c["time"] for c in calls if c["method"] == "sendMessage" and c["ok"])
    return Figures(
        reminders=count,
        sent=len(times),
        first_to_last=(times[-1] - times[0]) if len(times) > 1 else 0.0,
        due_to_last=(times[-1] - fell_due) if times else 0.0,
        refused=after["too_many_requests"] - before["too_many_requests"],
        busiest_second=_busiest_second(times),
    )


async def bench_reminders(count: int, row: Row, *, postgres_url: str | None) -> None:
    print(
        f"  {count:,} reminders due at once, sandbox enforcing Telegram's "
        f"{TELEGRAM_LIMIT:.0f} messages a second (the issue's figure is for 10,000: "
        f"python -m tests.bench --reminders-only --reminders 10000, about 6 minutes)"
    )
    backends: list[tuple[str, str | None]] = [("SQLite", None)]
    if postgres_url:
        backends.append(("PostgreSQL", postgres_url))
    for name, base in backends:
        if base is None:
            with tempfile.TemporaryDirectory() as tmp:
                figures = await run_reminders(count, f"sqlite+aiosqlite:///{tmp}/bench.db")
        else:
            async with fresh_postgres(base) as url:
                figures = await run_reminders(count, url)
        _report(name, figures, row)


def _report(name: str, f: Figures, row: Row) -> None:
    row(f"{name}: reminders sent (of {f.reminders:,})", f"{f.sent:8,d}")
    row(
        f"{name}: sustained send rate, first to last",
        f"{f.sustained:8.1f} /s",
        f">= 28 /s ({f.sustained / TELEGRAM_LIMIT:.1%} of {TELEGRAM_LIMIT:.0f})",
    )
    row(f"{name}: 429 Too Many Requests answered", f"{f.refused:8d}", "0")
    row(f"{name}: busiest second at the sandbox", f"{f.busiest_second:8d}", "<= 30")
    row(f"{name}: from due to the last one sent", f"{f.due_to_last:8.1f} s")
