"""Two `tandem serve` processes on one PostgreSQL database and one bot, behind a load balancer
(DESIGN: "several copies of Tandem can serve one bot"): every message goes exactly once, each
chat's in order, every due reminder exactly once, and the two keep to one send rate between
them (Telegram counts per bot, not per process).

Both run in webhook mode: a bot has one webhook URL, so a small TCP balancer takes it and hands
connections to the two in turn (only one process at a time could long-poll a bot). Each
process talks to the Bot API through a counting proxy of its own, so the test sees that both
did their share of the sending.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import col, select

from bot.conversations.messages import Outgoing
from bot.conversations.texts import say
from bot.sandbox.client import Chat, SandboxClient
from bot.sandbox.server import SandboxServer
from storage import due, outbox
from storage.db import Database, migrate_async
from storage.models import Appointment, DueJob, OutboxMessage, ServiceUser
from storage.people import ensure_organisation
from tests.support.databases import fresh_postgres, postgres_base_url
from tests.support.serve import ServeProcess, TcpProxy, serve_env
from tests.support.tandem import new_token

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PEOPLE = 200
PER_CHAT = 10
# The two processes share this rate, so the bot's messages go at most RATE a second in all;
# each keeping to RATE on its own would make about twice that, which the sandbox refuses
# (LIMIT a second for this bot; above RATE to allow for the odd stall of a busy test machine).
RATE = 100
LIMIT = 160
FIRST_USER_ID = 6_100_000_000
NEWS = say("new_in_tandem", "en")


def daytime_zone(now: datetime) -> str:
    """A zone where it is early afternoon now, so the reminders never meet quiet hours
    (21:00-09:00 local) whenever the test runs. Etc/GMT-3 is three hours *ahead* of UTC."""
    ahead = (14 - now.hour) % 24
    if ahead > 14:
        ahead -= 24
    if ahead == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if ahead > 0 else '+'}{abs(ahead)}"


@dataclass
class Fleet:
    db: Database
    client: SandboxClient
    chats: list[Chat]
    person_ids: list[int]
    servers: list[ServeProcess]
    api_proxies: list[TcpProxy]
    webhook: TcpProxy

    def sends(self) -> list[int]:
        """sendMessage calls each process has made."""
        return [proxy.counts[0] for proxy in self.api_proxies]


async def add_people(db: Database, zone: str) -> list[int]:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        org = await ensure_organisation(session, "Two servers")
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
            for n in range(PEOPLE)
        ]
        session.add_all(people)
        await session.flush()
        return [p.id for p in people if p.id is not None]


async def eventually(
    check: Callable[[], Awaitable[bool]], what: str, fleet: Fleet, timeout: float = 120.0
) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            tails = "\n".join(server.tail() for server in fleet.servers)
            raise AssertionError(f"{what}: not within {timeout:.0f} s\n{tails}")
        await asyncio.sleep(0.25)


@asynccontextmanager
async def two_servers(sandbox: SandboxServer, tmp_path: Path) -> AsyncIterator[Fleet]:
    base = postgres_base_url()
    if base is None:
        pytest.skip("needs TANDEM_TEST_POSTGRES_URL (CI sets it)")
    async with fresh_postgres(base) as db_url:
        await migrate_async(db_url)
        db = Database(db_url)
        token = new_token()
        bot_id = int(token.split(":")[0])
        # The bot exists once it has called the Bot API; then its limit can be set.
        async with httpx.AsyncClient(trust_env=False) as http:
            assert (await http.get(f"{sandbox.api_url}{token}/getMe")).json()["ok"]
        client = SandboxClient(sandbox.url, bot_id=bot_id)
        await client.ratelimit(per_second=LIMIT)
        sandbox_port = urlsplit(sandbox.url).port
        assert sandbox_port is not None
        api_proxies = [
            TcpProxy([("127.0.0.1", sandbox_port)], marker=b"/sendMessage ") for _ in range(2)
        ]
        servers: list[ServeProcess] = []
        webhook: TcpProxy | None = None
        try:
            person_ids = await add_people(db, daytime_zone(datetime.now(UTC)))
            chats = [await client.chat(f"P{n}", user_id=FIRST_USER_ID + n) for n in range(PEOPLE)]
            webhook = TcpProxy([], marker=b"POST ")
            webhook_port = await webhook.start()
            for name, proxy in zip(("first", "second"), api_proxies, strict=True):
                api_port = await proxy.start()
                env = serve_env(
                    db_url,
                    f"http://127.0.0.1:{api_port}/bot",
                    token,
                    webhook_url=f"http://127.0.0.1:{webhook_port}/telegram/updates",
                    send_rate=str(RATE),
                )
                servers.append(ServeProcess(name, env, tmp_path / f"{name}.log"))
            webhook.backends = [("127.0.0.1", s.port) for s in servers]
            webhook.counts = [0, 0]
            await asyncio.gather(*(s.start() for s in servers))
            await asyncio.gather(*(s.wait_ready() for s in servers))
            yield Fleet(db, client, chats, person_ids, servers, api_proxies, webhook)
        finally:
            for server in servers:
                await server.stop()
            for proxy in [*api_proxies, *([webhook] if webhook else [])]:
                await proxy.stop()
            await client.aclose()
            await db.dispose()


async def sustained_rate(client: SandboxClient, since: int) -> float:
    """Messages a second as the sandbox received them, first to last."""
    times = [c["time"] for c in await client.calls(since) if c["method"] == "sendMessage"]
    return (len(times) - 1) / (max(times) - min(times))


async def bot_texts(chat: Chat) -> list[str]:
    return [m.text or "" for m in await chat.bot_messages()]


async def test_two_servers_send_every_message_and_reminder_exactly_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with two_servers(sandbox, tmp_path) as fleet:
        # Everyone opens the chat: their updates reach one process or the other.
        for chat in fleet.chats:
            await chat.start()

        async def everyone_greeted() -> bool:
            await asyncio.gather(*(chat.refresh() for chat in fleet.chats))
            return all(chat.last_message for chat in fleet.chats)

        async def all_sent() -> bool:
            return await outbox.pending_count(fleet.db) == 0

        await eventually(everyone_greeted, "every /start answered", fleet)
        await eventually(all_sent, "every greeting sent", fleet)
        assert all(fleet.webhook.counts), f"updates reached only one process: {fleet.webhook}"

        # 1. Ten messages for each of 200 chats, queued at once: both processes send.
        before = fleet.sends()
        calls_before = (await fleet.client.bot_info())["calls"]
        now = datetime.now(UTC)
        async with fleet.db.transaction() as session:
            for number in range(PER_CHAT):
                for chat, person_id in zip(fleet.chats, fleet.person_ids, strict=True):
                    text = f"m{chat.user_id}-{number}"
                    outbox.enqueue(
                        session,
                        chat.user_id,
                        Outgoing(chat.user_id, text).to_payload(),
                        person_id=person_id,
                        now=now,
                    )
        started = time.monotonic()
        await eventually(all_sent, "2,000 messages sent", fleet)
        took = time.monotonic() - started
        rate = await sustained_rate(fleet.client, calls_before)
        assert rate <= RATE * 1.05, f"{rate:.0f} messages a second: the rate is not shared"
        for chat in fleet.chats:
            mine = [t for t in await bot_texts(chat) if t.startswith(f"m{chat.user_id}-")]
            assert mine == [f"m{chat.user_id}-{n}" for n in range(PER_CHAT)], (chat.user_id, mine)
        sent = [after - b for after, b in zip(fleet.sends(), before, strict=True)]
        assert sum(sent) == PEOPLE * PER_CHAT, sent
        assert min(sent) > PEOPLE * PER_CHAT // 10, f"one process did nearly all: {sent}"

        # 2. A reminder for everyone, all due now: each exactly once.
        before = fleet.sends()
        async with fleet.db.transaction() as session:
            appointments = [
                Appointment(service_user_id=pid, at=now + timedelta(hours=3), place="the office")
                for pid in fleet.person_ids
            ]
            session.add_all(appointments)
            await session.flush()
            for appointment in appointments:
                assert appointment.id is not None
                await due.schedule(
                    session,
                    "appointment_morning",
                    appointment.id,
                    datetime.now(UTC),
                    appointment.service_user_id,
                )

        async def reminders_done() -> bool:
            async with fleet.db.transaction() as session:
                waiting = await due.pending_count(session)
            return waiting == 0 and await outbox.pending_count(fleet.db) == 0

        await eventually(reminders_done, "200 reminders handled and sent", fleet)
        async with fleet.db.transaction() as session:
            outcomes = Counter((await session.exec(select(DueJob.outcome))).all())
            failed = (
                await session.exec(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(col(OutboxMessage.failed_at).is_not(None))
                )
            ).one()
        assert outcomes == {"sent": PEOPLE}, outcomes
        assert failed == 0
        counts: Counter[int] = Counter()
        for chat in fleet.chats:
            counts[sum(1 for t in await bot_texts(chat) if t.startswith(NEWS))] += 1
        assert counts == {1: PEOPLE}, f"reminders per chat -> chats: {dict(counts)}"
        sent = [after - b for after, b in zip(fleet.sends(), before, strict=True)]
        assert sum(sent) == PEOPLE, sent

        # Between them, within the one bot's limit: never refused.
        assert await fleet.client.too_many_requests() == 0
        print(
            f"\ntwo servers: {PEOPLE * PER_CHAT} messages in {took:.1f} s "
            f"({rate:.0f}/s as Telegram saw it, shared limit {RATE}/s); "
            f"updates per process {fleet.webhook.counts}, reminders per process {sent}"
        )
