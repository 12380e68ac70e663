"""`make bench`: speed figures, measured side by side in one run and printed (never asserted).

    python -m tests.bench [--quick] [--review-only] [--reminders N] [--reminders-only]

Targets (from the issues): load and check every shipped script < 0.5 s; one engine step
< 1 ms at the median; the review app's caseload (60 people) and person page (200
conversations) < 50 ms at the median on a realistic database (see review.py). Also printed: one
message through the whole transaction (SQLite and, when TANDEM_TEST_POSTGRES_URL is set,
PostgreSQL), and round trips through the sandbox. Last, reminders falling due at once against
the sandbox enforcing Telegram's 30 messages a second (see reminders.py): the issue's figure is
for 10,000, about six minutes per database, so `make bench` runs 2,000 (--reminders N to
change it).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot import engine
from bot.conversations.catalogue import Catalogue
from bot.conversations.messages import Incoming, Kind
from bot.conversations.service import ConversationService
from bot.sandbox.server import SandboxServer
from storage.db import Database, migrate_async
from storage.people import add_person, ensure_organisation
from tests.bench.reminders import bench_reminders
from tests.bench.review import bench_review
from tests.support.databases import fresh_postgres
from tests.support.tandem import DIALOGUES, running_tandem


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f} ms"


def _row(name: str, value: str, target: str = "") -> None:
    print(f"  {name:<58}{value}{('   target ' + target) if target else ''}")


def bench_scripts(rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        registry = engine.load_dialogues(DIALOGUES)
        times.append(time.perf_counter() - started)
    assert registry.scripts and not registry.errors
    median = statistics.median(times)
    _row(
        f"load and check all {len(registry.scripts)} shipped script(s), median",
        _ms(median),
        "< 500 ms",
    )
    return median


def bench_reading() -> None:
    from bot.engine.checker import highest_grade

    for script in engine.load_dialogues(DIALOGUES).scripts.values():
        worst = highest_grade(script)
        figure = f"{worst[0]:8.1f}    ({worst[1]})" if worst else "       -"
        _row(f"highest reading grade, {script.id}", figure, "<= 6")


def bench_summaries() -> None:
    """'Here are your answers' with typical short answers (bot/engine/typical.py)."""
    from bot.engine.typical import SCREEN_CHARACTERS, summary_length

    scripts = engine.load_dialogues(DIALOGUES).scripts
    for script in sorted(scripts.values(), key=lambda s: s.id):
        sizes = [summary_length(script, lang) for lang in script.languages]
        figure = " / ".join("-" if size is None else str(size) for size in sizes)
        _row(
            f"check-your-answers characters, {script.id} ({'/'.join(script.languages)})",
            f"{figure:>11}",
            f"<= {SCREEN_CHARACTERS}",
        )


def bench_safeguarding() -> None:
    from tests.safeguarding.report import bench

    bench()


def bench_typed_choices() -> None:
    """Typed replies to buttons (issue 11): the corpus in tests/conversations/."""
    from tests.conversations.typed_corpus import bench

    bench(_row)


def bench_engine(rounds: int) -> float:
    script = engine.load_dialogues(DIALOGUES).scripts["good_day_bad_day"]
    start = engine.start(script)
    times = []
    for i in range(rounds):
        state = start.state
        t0 = time.perf_counter()
        outcome = engine.step(script, state, engine.TextInput(f"answer {i}"))
        times.append(time.perf_counter() - t0)
    assert outcome.answers
    median = statistics.median(times)
    _row("one engine step (typed answer), median", _ms(median), "< 1 ms")
    return median


async def _handle_latency(db_url: str, rounds: int) -> float:
    await migrate_async(db_url)
    db = Database(db_url)
    catalogue = Catalogue(DIALOGUES)
    service = ConversationService(db, catalogue)
    async with db.transaction() as session:
        org = await ensure_organisation(session, "Bench")
        person = await add_person(session, organisation_id=org.id, name="Bench Person")
        person.telegram_user_id = 4242
        person.telegram_chat_id = 4242
        from storage.types import utcnow

        person.consented_at = utcnow()
        session.add(person)
    ids = itertools.count(1)

    def incoming(kind: Kind, **fields: object) -> Incoming:
        return Incoming(
            bot_id=1, update_id=next(ids), chat_id=4242, user_id=4242, kind=kind, **fields
        )  # type: ignore[arg-type]

    times = []
    try:
        while len(times) < rounds:
            await service.handle(incoming(Kind.BUTTON, button_data="m:good_day_bad_day"))
            for _ in range(8):
                t0 = time.perf_counter()
                await service.handle(incoming(Kind.TEXT, text="an answer of ordinary length"))
                times.append(time.perf_counter() - t0)
            await service.handle(incoming(Kind.TEXT, text="Not now"))
    finally:
        await db.dispose()
    return statistics.median(times)


async def _round_trips(chats: int, answers: int) -> tuple[float, float]:
    """Median send-to-reply time, and answers stored per second, with `chats` people at once."""
    with SandboxServer() as sandbox, tempfile.TemporaryDirectory() as tmp:
        async with running_tandem(sandbox, Path(tmp)) as t:
            people = [await t.joined_chat(f"P{i}") for i in range(chats)]
            times: list[float] = []

            async def walk(chat) -> None:  # type: ignore[no-untyped-def]
                await chat.click("Good day, bad day")
                await chat.wait_for("Think of a good day", timeout=60)
                for i in range(answers):
                    t0 = time.perf_counter()
                    await chat.send(f"answer {i}")
                    await chat.wait_for(lambda m: bool(m.text) and "?" in m.text, timeout=60)
                    times.append(time.perf_counter() - t0)

            started = time.perf_counter()
            await asyncio.gather(*(walk(chat) for chat, _ in people))
            elapsed = time.perf_counter() - started
    return statistics.median(times), chats * answers / elapsed


async def bench_async(quick: bool) -> None:
    rounds = 40 if quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = await _handle_latency(f"sqlite+aiosqlite:///{tmp}/bench.db", rounds)
    _row("one message through the whole transaction, SQLite, median", _ms(sqlite))
    pg_base = os.environ.get("TANDEM_TEST_POSTGRES_URL")
    if pg_base:
        async with fresh_postgres(pg_base) as url:
            pg = await _handle_latency(url, rounds)
        _row("one message through the whole transaction, PostgreSQL, median", _ms(pg))
        _row("  ratio PostgreSQL / SQLite", f"{pg / sqlite:8.2f} x")
    else:
        _row("PostgreSQL", "skipped (set TANDEM_TEST_POSTGRES_URL)")
    one, _ = await _round_trips(1, 6 if quick else 8)
    _row("round trip through the sandbox, 1 person, median", _ms(one))
    many, rate = await _round_trips(20, 6 if quick else 8)
    _row("round trip through the sandbox, 20 people at once, median", _ms(many))
    _row("answers stored and replied to, 20 people at once", f"{rate:8.1f} /s")
    print("    (each answer and each opening line is one Telegram message, and the sender keeps")
    print("     under Telegram's 30 messages a second per bot: that is the ceiling here)")
    _row("  ratio 20 people / 1 person (round trip)", f"{many / one:8.2f} x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (for a smoke test)")
    parser.add_argument(
        "--review-only",
        action="store_true",
        help="only the review app's pages (caseload and person page)",
    )
    parser.add_argument(
        "--reminders",
        type=int,
        metavar="N",
        help="how many reminders fall due at once (default 2,000; 300 with --quick; "
        "the issue's figure is for 10,000)",
    )
    parser.add_argument(
        "--reminders-only",
        action="store_true",
        help="only the reminders falling due at once",
    )
    args = parser.parse_args(argv)
    reminders = args.reminders or (300 if args.quick else 2000)
    postgres = os.environ.get("TANDEM_TEST_POSTGRES_URL")
    print("Tandem benchmarks (this machine; figures, not pass/fail)")
    if args.review_only:
        asyncio.run(bench_review(args.quick, _row))
        return 0
    if args.reminders_only:
        asyncio.run(bench_reminders(reminders, _row, postgres_url=postgres))
        return 0
    scripts = bench_scripts(5 if args.quick else 50)
    step = bench_engine(500 if args.quick else 5000)
    _row("  ratio engine step / script load", f"{step / scripts:8.4f} x")
    bench_reading()
    bench_summaries()
    bench_safeguarding()
    bench_typed_choices()
    asyncio.run(bench_async(args.quick))
    asyncio.run(bench_review(args.quick, _row))
    asyncio.run(bench_reminders(reminders, _row, postgres_url=postgres))
    return 0


if __name__ == "__main__":
    sys.exit(main())
