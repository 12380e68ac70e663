"""The review app's two busiest pages against a realistic database: the caseload of a case
manager with 60 people, and the page of a person with 200 conversations.

Built with `bot.sample_data.populate` (thousands of people in several organisations, hundreds of
thousands of answers), then timed through the ASGI app in process (httpx's ASGITransport,
signed in once): what is measured is the server's time for the whole request — sign-in check,
queries, template, audit write and commit. Target (issue 5): under 50 ms at the median.

    python -m tests.bench --review-only [--quick]
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from sqlmodel import col, func, select

from bot.conversations.catalogue import Catalogue
from bot.review import auth
from bot.review.app import create_app
from bot.review.caseload import caseload_rows
from bot.review.web import ReviewConfig
from bot.sample_data import add_history, populate
from storage.db import Database, migrate_async
from storage.models import Answer, Conversation, ServiceUser, Staff
from storage.types import utcnow
from tests.support.databases import fresh_postgres
from tests.support.review import PASSWORD, sign_in
from tests.support.tandem import DIALOGUES

TARGET_MS = 50.0
CASELOAD = 60
LONG_HISTORY = 200


@dataclass
class Sizes:
    people: int
    conversations_per_person: int
    rounds: int


FULL = Sizes(people=3000, conversations_per_person=16, rounds=60)
QUICK = Sizes(people=600, conversations_per_person=8, rounds=15)


@dataclass
class Built:
    db: Database
    staff_email: str
    senior_email: str
    org_people: int
    person_id: int
    seconds: float
    people: int
    conversations: int
    answers: int
    needing_attention: int


async def _build(url: str, catalogue: Catalogue, sizes: Sizes) -> Built:
    await migrate_async(url)
    db = Database(url)
    now = utcnow()
    started = time.perf_counter()
    done = await populate(
        db,
        catalogue,
        people=sizes.people,
        conversations_per_person=sizes.conversations_per_person,
        organisations=4,
        caseload=CASELOAD,
        password_hash=auth.hash_password(PASSWORD),
        now=now,
    )
    manager = done.case_managers[0]
    person_id = done.caseloads[manager][0]
    await add_history(db, catalogue, person_id, conversations=LONG_HISTORY, reviewed_by=manager)
    seconds = time.perf_counter() - started
    async with db.transaction() as session:
        staff = await session.get(Staff, manager)
        senior = await session.get(Staff, done.seniors[0])
        assert staff is not None and senior is not None
        org_people = (
            await session.exec(
                select(func.count())
                .select_from(ServiceUser)
                .where(col(ServiceUser.organisation_id) == senior.organisation_id)
            )
        ).one()
        people = (await session.exec(select(func.count()).select_from(ServiceUser))).one()
        conversations = (await session.exec(select(func.count()).select_from(Conversation))).one()
        answers = (await session.exec(select(func.count()).select_from(Answer))).one()
        history = (
            await session.exec(
                select(func.count())
                .select_from(Conversation)
                .where(col(Conversation.service_user_id) == person_id)
            )
        ).one()
        rows = await caseload_rows(session, staff, now=now, show="mine", catalogue=catalogue)
    assert len(rows) == CASELOAD and history >= LONG_HISTORY, (len(rows), history)
    return Built(
        db=db,
        staff_email=staff.email,
        senior_email=senior.email,
        org_people=org_people,
        person_id=person_id,
        seconds=seconds,
        people=people,
        conversations=conversations,
        answers=answers,
        needing_attention=sum(1 for row in rows if row.rank < 3),
    )


async def _time_page(client: httpx.AsyncClient, url: str, rounds: int) -> tuple[list[float], int]:
    status = 0
    for _ in range(3):  # warm: compiled scripts, templates, statement caches
        status = (await client.get(url)).status_code
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        response = await client.get(url)
        times.append(time.perf_counter() - t0)
        status = response.status_code
    return times, status


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def _measure(
    name: str, url: str, sizes: Sizes, catalogue: Catalogue, row: Callable[..., None]
) -> None:
    built = await _build(url, catalogue, sizes)
    try:
        row(f"{name}: build the database (sample_data.populate)", f"{built.seconds:8.1f} s")
        row(
            "  people / conversations / answers",
            f"{built.people:8d} / {built.conversations} / {built.answers}",
        )
        row(
            f"  the caseload of {CASELOAD}: people who need attention",
            f"{built.needing_attention:8d}",
        )
        app = create_app(ReviewConfig(db=built.db, catalogue=catalogue))
        pages = (
            # (who, what, where, held to the target)
            (built.staff_email, f"GET / (caseload of {CASELOAD})", "/", True),
            (
                built.staff_email,
                f"GET /people/id ({LONG_HISTORY} conversations)",
                f"/people/{built.person_id}",
                True,
            ),
            # For information: everyone in a senior's organisation on one page.
            (built.senior_email, f"GET / as a senior ({built.org_people} people)", "/", False),
        )
        for email, label, path, targeted in pages:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="https://testserver"
            ) as client:
                signed = await sign_in(client, email, PASSWORD)
                assert signed.status_code == 303, signed.status_code
                times, status = await _time_page(client, path, sizes.rounds)
            median = statistics.median(times) * 1000
            shown = "" if status == 200 else f"  (answered {status})"
            row(
                f"  {label}, median / p95",
                f"{median:8.1f} ms / {_p95(times) * 1000:.1f} ms{shown}",
                f"< {TARGET_MS:.0f} ms" if targeted else "",
            )
            if targeted:
                row("    ratio median / target", f"{median / TARGET_MS:8.2f} x")
    finally:
        await built.db.dispose()


async def bench_review(quick: bool, row: Callable[..., None]) -> None:
    sizes = QUICK if quick else FULL
    catalogue = Catalogue(DIALOGUES)
    with tempfile.TemporaryDirectory() as tmp:
        await _measure("SQLite", f"sqlite+aiosqlite:///{tmp}/review.db", sizes, catalogue, row)
    pg_base = os.environ.get("TANDEM_TEST_POSTGRES_URL")
    if pg_base:
        async with fresh_postgres(pg_base) as url:
            await _measure("PostgreSQL", url, sizes, catalogue, row)
    else:
        row("review pages on PostgreSQL", "skipped (set TANDEM_TEST_POSTGRES_URL)")
