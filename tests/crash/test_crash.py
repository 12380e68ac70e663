"""The crash test: `tandem serve` as a separate process, SIGKILLed again and again while 50
people work through good day / bad day; every answer is stored exactly once, in order, and
everyone finishes.

Replay a run with the seed it prints: TANDEM_CRASH_SEED=<seed> pytest tests/crash -s

Each person joins with their invite, answers the eight questions (typing, or now and then
"Skip this one"), picks Yes or Not now (Yes: one more question), then shares or keeps their
answers at the check step. Their choices come from a per-person RNG derived from the seed.

What a person may legitimately see, and so what the simulated people put up with:
- a reply late (the process was down, or their update is fetched again after a restart);
- a reply twice (sent, then the process died before marking it sent, so it goes again);
- earlier messages edited (the pressed button shown under a question, old buttons removed).
They never see a question before their previous answer is stored, so each person has at most
one update in flight and answers each question exactly once, pressing buttons on the very
message that asked (whichever copy they saw first).

Time: about 2,000 replies at the outbox's 30 messages/s make the floor about 65 s per backend
even without kills; the kills add about 10 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import pytest
from sqlmodel import col, select

from bot.conversations.enrolment import enrol
from bot.sandbox.client import Chat, Message, SandboxClient
from bot.sandbox.server import SandboxServer
from storage.db import Database, migrate_async
from storage.export import person_export
from storage.models import Answer, OutboxMessage, ProcessedUpdate
from storage.types import utcnow
from tests.support.tandem import DIALOGUES, ROOT, free_port, new_token

# Generous bounds, never a measure of speed: on a busy 2-core machine every restart is slower,
# so the killer (which kills until everyone has finished) kills more often and the walk is
# longer; about 2 to 4 minutes a backend has been seen under a full parallel run.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

PEOPLE = 50
MIN_KILLS = 10
SEED_ENV = "TANDEM_CRASH_SEED"
# One person waiting for one reply, across any number of restarts. Unsent replies go out as
# soon as Tandem is back (DESIGN: "anything unsent at start-up is sent then"); the longest wait
# seen is about 16 s (several kills in a row, then a backlog at the outbox's 30 messages/s).
WAIT = 60.0
DEADLINE = 600.0  # the whole walk, for all 50 people
SKIP_RATE = 0.2
BOT_USERNAME = "TandemSandboxBot"

FREE_TEXT = [
    ("good_day", "Think of a good day."),
    ("good_where", "Where are you on a good day?"),
    ("good_people", "Who is with you on a good day?"),
    ("good_why", "What makes that day a good one?"),
    ("bad_day", "Now think of a hard day."),
    ("bad_why", "What makes a day like that hard?"),
    ("what_helps", "When a day starts to go wrong, what helps you?"),
    ("more_good", "What would help you have more good days?"),
]
CHOICE = "Is there one thing you'd like your probation officer to help with?"
HELP_WITH = "What would you like help with?"
SHARE_QUESTION = "Would you like to share these answers with your probation officer?"
SHARE = "Share with my probation officer"
KEEP = "Keep it to myself for now"
FINISHED = "That's it for Good day, bad day"
SKIP = "Skip this one"


@dataclass
class Person:
    number: int
    person_id: int
    code: str
    rng: random.Random
    given: list[Any] = field(default_factory=list)  # every answer, as it should be stored
    sharing: str = "undecided"
    at: str = "not started"
    finished: bool = False
    longest_wait: float = 0.0

    async def wait_for(self, chat: Chat, text: str) -> Message:
        began = time.monotonic()
        try:
            return await chat.wait_for(text, timeout=WAIT)
        finally:
            self.longest_wait = max(self.longest_wait, time.monotonic() - began)


class Tandem:
    """`tandem serve` in a child process that can be killed and started again."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.log: IO[bytes] = log_path.open("ab")
        self.proc: asyncio.subprocess.Process | None = None
        self.port = 0
        self.spawned_at = 0.0
        self.starts = 0
        self.kills = 0
        self.kills_in_startup = 0

    async def start(self) -> None:
        self.port = free_port()
        self.starts += 1
        self.log.write(f"\n===== start {self.starts} (port {self.port}) =====\n".encode())
        self.log.flush()
        env = {**self.env, "TANDEM_HTTP_PORT": str(self.port)}
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
        )
        self.spawned_at = time.monotonic()

    def died_by_itself(self) -> bool:
        return self.proc is not None and self.proc.returncode is not None

    def lost_its_port(self) -> bool:
        """Another program took the free port between our choosing it and Tandem binding it
        (rare; not Tandem's fault): start again on another port."""
        self.log.flush()
        this_start = self.log_path.read_text(errors="replace").rsplit("===== start", 1)[-1]
        return "address already in use" in this_start.lower()

    def exited(self) -> AssertionError:
        assert self.proc is not None
        return AssertionError(
            f"tandem serve exited by itself (code {self.proc.returncode})\n{self.tail()}"
        )

    async def is_ready(self) -> bool:
        # The web server starts after migrations, the scripts and the outbox sender; polling
        # begins right after it.
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True

    async def wait_ready(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while not await self.is_ready():
            if self.died_by_itself():
                if not self.lost_its_port():
                    raise self.exited()
                await self.start()
            if time.monotonic() > deadline:
                raise AssertionError(f"tandem serve not ready within {timeout} s\n{self.tail()}")
            await asyncio.sleep(0.05)

    async def kill(self) -> bool:
        """SIGKILL; False if it had already exited because its port was taken."""
        assert self.proc is not None
        if self.died_by_itself():
            if not self.lost_its_port():
                raise self.exited()
            return False  # not a kill: the killer starts it again
        if not await self.is_ready():
            self.kills_in_startup += 1
        self.proc.kill()
        await self.proc.wait()
        assert self.proc.returncode == -signal.SIGKILL
        self.kills += 1
        self.log.write(f"\n===== SIGKILL {self.kills} =====\n".encode())
        self.log.flush()
        return True

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        self.log.close()

    def tail(self, lines: int = 60) -> str:
        self.log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "--- tandem serve log (tail) ---\n" + "\n".join(text[-lines:])


async def think(person: Person) -> None:
    await asyncio.sleep(person.rng.uniform(0.0, 0.3))


async def question(person: Person, chat: Chat, step_id: str, text: str, number: int) -> None:
    """Wait for the question, then type an answer or skip it: once, whatever comes twice."""
    person.at = f"waiting for {step_id}"
    asked = await person.wait_for(chat, text)
    await think(person)
    if person.rng.random() < SKIP_RATE:
        await chat.click(SKIP, message_id=asked.id)
        person.given.append(None)
    else:
        answer = f"p{person.number} answer {number}"
        await chat.send(answer)
        person.given.append(answer)
    person.at = f"answered {step_id}"


async def walk(person: Person, chat: Chat) -> None:
    person.at = "joining"
    await chat.start(person.code)
    consent = await person.wait_for(chat, "Nobody watches this chat")
    await think(person)
    await chat.click("OK, let's start", message_id=consent.id)
    person.at = "waiting for the menu"
    menu = await person.wait_for(chat, "What would you like to do?")
    await chat.click("Good day, bad day", message_id=menu.id)
    for number, (step_id, text) in enumerate(FREE_TEXT, start=1):
        await question(person, chat, step_id, text, number)
    person.at = "waiting for want_help"
    asked = await person.wait_for(chat, CHOICE)
    await think(person)
    yes = person.rng.random() < 0.5
    await chat.click("Yes" if yes else "Not now", message_id=asked.id)
    person.given.append("yes" if yes else "not_now")
    if yes:
        await question(person, chat, "help_with", HELP_WITH, len(FREE_TEXT) + 1)
    person.at = "waiting for the check step"
    # The summary before it quotes every question; nothing is waited for by a question's
    # text after this point.
    asked = await person.wait_for(chat, SHARE_QUESTION)
    await think(person)
    share = person.rng.random() < 0.7
    await chat.click(SHARE if share else KEEP, message_id=asked.id)
    person.sharing = "shared" if share else "private"
    person.at = "waiting for the end"
    await person.wait_for(chat, FINISHED)
    person.at = "finished"
    person.finished = True


async def sent_twice(chat: Chat) -> int:
    """Replies this person saw more than once (re-sent after a crash). Within one walk every
    reply has a different text, so equal texts are copies."""
    texts = Counter(m.text for m in await chat.bot_messages())
    return sum(n - 1 for n in texts.values())


class Killer:
    """SIGKILLs `tandem serve` at random moments and starts it again at once (sometimes after a
    short pause). Stops once everyone has finished, but not before MIN_KILLS kills.

    Three kinds of moment:
    - soon after the spawn, usually in the middle of start-up;
    - any moment while it works (mid-transaction, between a commit and its replies being
      sent, between a send and marking it sent, ...);
    - between a commit and its acknowledgement. That window is only milliseconds wide (the
      next getUpdates confirms the batch), so it is opened on purpose: the sandbox refuses the
      next getUpdates with 429 retry_after=1, and the kill lands while Tandem waits to ask
      again. Updates already handled are then fetched again after the restart.
    After every kill the updates handled but not yet acknowledged are counted: Tandem must
    recognise each of them when it comes again.

    Replies the killed process had claimed for sending must not wait out its lease: DESIGN
    says anything unsent at start-up is sent then. So the claims held at each kill are noted,
    and at the next kill that follows some working time they must have been sent or claimed
    afresh. (Without this a crash silently holds those chats for the whole lease.)
    """

    def __init__(
        self,
        tandem: Tandem,
        client: SandboxClient,
        db: Database,
        rng: random.Random,
        everyone_done: asyncio.Event,
        seed: int,
    ) -> None:
        self.seed = seed
        self.tandem = tandem
        self.client = client
        self.db = db
        self.rng = rng
        self.everyone_done = everyone_done
        assert client.bot_id is not None
        self.bot_id: int = client.bot_id
        self.handled_unacknowledged = 0  # updates handled, then fetched again after a kill
        self.refused_polls = 0
        self.claims_left = 0  # outbox claims held by a process when it was killed
        self._held: dict[int, datetime] = {}  # those not yet seen resumed

    def enough(self) -> bool:
        return self.everyone_done.is_set() and self.tandem.kills >= MIN_KILLS

    async def nap(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.everyone_done.wait(), timeout=seconds)

    async def run(self) -> None:
        tandem, rng = self.tandem, self.rng
        while not self.enough():
            moment = rng.random()
            worked = moment >= 0.2
            if not worked:
                await self.nap(tandem.spawned_at + rng.uniform(0.05, 1.0) - time.monotonic())
            else:
                # Start-up takes about a second and the outbox sends 30 messages a second at
                # most: kills much closer together would leave Tandem little time to work.
                await tandem.wait_ready()
                await self.nap(rng.uniform(0.3, 4.0))
                if moment < 0.5 and not self.everyone_done.is_set():
                    await self.refuse_next_poll()
            if self.enough():
                return
            if await tandem.kill():
                self.handled_unacknowledged += await self.unacknowledged()
                if worked:
                    await self.check_claims_resumed()
                held = await self.held_claims()
                self.claims_left += len(held)
                self._held.update(held)
            if rng.random() < 0.3:
                await asyncio.sleep(rng.uniform(0.1, 1.0))
            await tandem.start()

    async def refuse_next_poll(self) -> None:
        """Make the next getUpdates fail with 429 retry_after=1; return once it has (Tandem
        then waits a second before asking again), after up to 0.5 s more."""
        path = f"/bots/{self.bot_id}/calls"
        seen = (await self.client.request("GET", path, params={"since": 2**62}))["total"]
        await self.client.flood(1, retry_after=1, methods=["getUpdates"])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            body = await self.client.request("GET", path, params={"since": seen})
            seen = body["total"]
            if any(c["method"] == "getUpdates" and c["error_code"] == 429 for c in body["calls"]):
                self.refused_polls += 1
                await asyncio.sleep(self.rng.uniform(0.0, 0.5))
                return
            await asyncio.sleep(0.01)

    async def held_claims(self) -> dict[int, datetime]:
        """Unsent outbox rows whose claim (by the process just killed) has not run out."""
        now = utcnow()
        async with self.db.transaction() as session:
            stmt = select(OutboxMessage).where(
                col(OutboxMessage.sent_at).is_(None),
                col(OutboxMessage.failed_at).is_(None),
                col(OutboxMessage.claimed_until) > now,
            )
            rows = (await session.exec(stmt)).all()
        return {m.id: m.claimed_until for m in rows if m.id is not None and m.claimed_until}

    async def check_claims_resumed(self) -> None:
        """The process just killed had started and worked for a while: every claim left by
        an earlier kill must be gone (sent, or claimed again by a live process)."""
        if not self._held:
            return
        async with self.db.transaction() as session:
            stmt = select(OutboxMessage).where(col(OutboxMessage.id).in_(list(self._held)))
            rows = (await session.exec(stmt)).all()
        still = [m for m in rows if m.sent_at is None and m.claimed_until == self._held[m.id]]
        if still:
            raise AssertionError(
                f"seed {self.seed}: {len(still)} replies claimed by a killed process were "
                f"still held by that dead claim after a restart (DESIGN: anything unsent at "
                f"start-up is sent then); they wait until the lease runs out, e.g. outbox "
                f"{still[0].id} for chat {still[0].chat_id}, claimed until "
                f"{still[0].claimed_until}\n{self.tandem.tail(20)}"
            )
        self._held.clear()

    async def unacknowledged(self) -> int:
        """Updates the dead process committed that Telegram (the sandbox) will send again."""
        pending = [u["update_id"] for u in await self.client.pending_updates()]
        if not pending:
            return 0
        async with self.db.transaction() as session:
            stmt = select(ProcessedUpdate.update_id).where(
                ProcessedUpdate.bot_id == self.bot_id, col(ProcessedUpdate.update_id).in_(pending)
            )
            return len(list((await session.exec(stmt)).all()))


async def until_done_or_failed(
    walks: list[asyncio.Task[None]], killer: asyncio.Task[None], deadline: float
) -> None:
    """Until every walk ends, one fails, the deadline passes or the killer fails."""
    waiting = set(walks)
    while waiting:
        done, _ = await asyncio.wait(
            {*waiting, killer},
            timeout=max(deadline - time.monotonic(), 0),
            return_when=asyncio.FIRST_COMPLETED,
        )
        if killer in done:
            killer.result()  # the process died by itself, or would not start
            raise AssertionError("the killer stopped before everyone finished")
        if not done:
            return
        waiting -= done
        if any(t.exception() is not None for t in done):
            return


def serve_env(db_url: str, api_url: str, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_URL=api_url,
        TANDEM_DATABASE_URL=db_url,
        TANDEM_DIALOGUES_DIR=str(DIALOGUES),
        TANDEM_POLL_TIMEOUT="2",
        # This test is about exactly-once storage, not Telegram's rate limit (the sandbox does
        # not enforce one here): a higher send rate keeps it short.
        TANDEM_SEND_RATE="300",
        PYTHONUNBUFFERED="1",
    )
    return env


async def outbox_state(db: Database) -> str:
    """For a failure message: replies still waiting, and any still held by a claim."""
    now = utcnow()
    async with db.transaction() as session:
        stmt = select(OutboxMessage).where(
            col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None)
        )
        waiting = list((await session.exec(stmt)).all())
    held = [m for m in waiting if m.claimed_until is not None and m.claimed_until > now]
    lines = [f"outbox: {len(waiting)} replies unsent, {len(held)} of them still claimed"]
    lines += [
        f"  outbox {m.id} chat {m.chat_id} claimed until {m.claimed_until} (now {now}): "
        f"{str(m.payload.get('text'))[:40]!r}"
        for m in held[:10]
    ]
    return "\n".join(lines)


async def enrol_people(db_url: str, seed: int) -> list[Person]:
    await migrate_async(db_url)
    db = Database(db_url)
    people = []
    try:
        for n in range(PEOPLE):
            invitation = await enrol(db, name=f"Person{n} Crash", username=BOT_USERNAME)
            rng = random.Random(f"{seed}/person/{n}")
            people.append(Person(n, invitation.person_id, invitation.code, rng))
    finally:
        await db.dispose()
    return people


async def stored(db_url: str, people: list[Person]) -> tuple[dict[int, Any], list[Any], list[Any]]:
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            exports = {p.person_id: await person_export(session, p.person_id) for p in people}
            rows = list((await session.exec(select(Answer).order_by(col(Answer.id)))).all())
            failed = list(
                (
                    await session.exec(
                        select(OutboxMessage).where(col(OutboxMessage.failed_at).is_not(None))
                    )
                ).all()
            )
    finally:
        await db.dispose()
    return exports, rows, failed


async def test_crash_and_restart(db_url: str, sandbox: SandboxServer, tmp_path: Path) -> None:
    seed = int(os.environ.get(SEED_ENV) or random.randrange(2**32))
    print(f"\ncrash test seed {seed} (replay with {SEED_ENV}={seed})")
    began = time.monotonic()
    people = await enrol_people(db_url, seed)

    token = new_token()
    client = SandboxClient(sandbox.url, bot_id=int(token.split(":")[0]))
    tandem = Tandem(serve_env(db_url, sandbox.api_url, token), tmp_path / "tandem-serve.log")
    everyone_done = asyncio.Event()
    killer: asyncio.Task[None] | None = None
    db = Database(db_url)
    walks: list[asyncio.Task[None]] = []
    walked = 0.0
    try:
        await tandem.start()
        await tandem.wait_ready()  # the sandbox knows the bot once it has called getMe
        chats = [
            await client.chat(f"Person{p.number}", user_id=7_000_000_000 + p.number) for p in people
        ]
        rng = random.Random(f"{seed}/killer")
        killing = Killer(tandem, client, db, rng, everyone_done, seed)
        killer = asyncio.create_task(killing.run())
        walk_started = time.monotonic()
        walks = [asyncio.create_task(walk(p, c)) for p, c in zip(people, chats, strict=True)]
        await until_done_or_failed(walks, killer, walk_started + DEADLINE)
        walked = time.monotonic() - walk_started
        for task in walks:
            task.cancel()
        errors = [
            f"person {p.number} ({p.at}): {type(t.exception()).__name__}: {t.exception()}"
            for p, t in zip(people, walks, strict=True)
            if t.done() and not t.cancelled() and t.exception() is not None
        ]
        unfinished = [f"person {p.number} ({p.at})" for p in people if not p.finished]
        if errors or unfinished:
            raise AssertionError(
                f"seed {seed}: {len(unfinished)} of {PEOPLE} people did not finish "
                f"after {walked:.0f} s and {tandem.kills} kills\n"
                + "\n".join(errors or unfinished)
                + "\n"
                + await outbox_state(db)
                + "\n"
                + tandem.tail()
            )
        everyone_done.set()
        await asyncio.wait_for(killer, timeout=60)
        resent = sum([await sent_twice(chat) for chat in chats])
    finally:
        everyone_done.set()
        for task in walks:
            task.cancel()
        if killer is not None and not killer.done():
            killer.cancel()
            with contextlib.suppress(BaseException):
                await killer
        await tandem.stop()
        await client.aclose()
        await db.dispose()

    print(
        f"crash test: {tandem.kills} kills ({tandem.kills_in_startup} during start-up), "
        f"{tandem.starts} starts, {killing.refused_polls} polls refused, "
        f"{killing.handled_unacknowledged} handled updates fetched again, "
        f"{killing.claims_left} outbox claims left by a kill, "
        f"{resent} replies sent twice, longest wait for a reply "
        f"{max(p.longest_wait for p in people):.1f} s, "
        f"{PEOPLE} people finished in {walked:.1f} s "
        f"({time.monotonic() - began:.1f} s in all), seed {seed}"
    )
    assert tandem.kills >= MIN_KILLS

    exports, rows, failed = await stored(db_url, people)
    for person in people:
        data = exports[person.person_id]
        assert data is not None
        [conv] = data["conversations"]
        assert conv["status"] == "finished", (seed, person.number, conv)
        assert conv["sharing"] == person.sharing, (seed, person.number, conv)
        values = [a["value"] for a in conv["answers"]]
        assert values == person.given, (
            f"seed {seed}: person {person.number} stored {values!r}, gave {person.given!r}"
        )
        assert [a["skipped"] for a in conv["answers"]] == [v is None for v in person.given]

    twice = [k for k, n in Counter((r.conversation_id, r.step_id) for r in rows).items() if n > 1]
    assert not twice, f"seed {seed}: answers stored twice for (conversation, step): {twice}"
    by_update = Counter(r.update_id for r in rows)
    assert None not in by_update
    assert all(n == 1 for n in by_update.values()), f"seed {seed}: one update, several answers"
    assert len(rows) == sum(len(p.given) for p in people)
    assert not failed, f"seed {seed}: outbox messages given up on: " + "; ".join(
        f"{m.id} {m.last_error}" for m in failed
    )
