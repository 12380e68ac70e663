"""Run the real Tandem (python-telegram-bot over real HTTP) against the sandbox, in-process.

async with running_tandem(sandbox, tmp_path) as t:
    chat = await t.joined_chat("Alex")
    await chat.click("Good day, bad day")
"""

from __future__ import annotations

import asyncio
import itertools
import random
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.conversations.enrolment import Invitation, enrol
from bot.runtime import Running, serve
from bot.sandbox.client import Chat, SandboxClient
from bot.sandbox.server import SandboxServer
from storage.export import person_export
from storage.types import utcnow
from tests.support.databases import sqlite_url

ROOT = Path(__file__).resolve().parents[2]
DIALOGUES = ROOT / "dialogues"
_user_ids = itertools.count(random.randint(10_000_000, 90_000_000) * 10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def new_token() -> str:
    # A bot of its own per test: the sandbox keeps each bot's updates and chats apart.
    return f"{random.randint(10**9, 9 * 10**9)}:test-{random.getrandbits(64):016x}-token"


@dataclass
class Harness:
    running: Running
    client: SandboxClient
    sandbox: SandboxServer
    chats: list[Chat] = field(default_factory=list)

    @property
    def db(self) -> Any:
        return self.running.db

    async def invite(self, name: str = "Alex Example", crn: str | None = None) -> Invitation:
        return await enrol(self.db, name=name, crn=crn, username=self.running.bot.username)

    async def chat(self, first_name: str = "Alex", language_code: str = "en") -> Chat:
        chat = await self.client.chat(
            first_name, user_id=next(_user_ids), language_code=language_code
        )
        self.chats.append(chat)
        return chat

    async def joined_chat(self, first_name: str = "Alex") -> tuple[Chat, int]:
        """A person who has opened their invite link and said OK: the menu is showing."""
        invitation = await self.invite(f"{first_name} Example")
        chat = await self.chat(first_name)
        await chat.start(invitation.code)
        await chat.wait_for("Nobody watches this chat")
        await chat.click("OK, let's start")
        await chat.wait_for("What would you like to do?")
        return chat, invitation.person_id

    async def export(self, person_id: int) -> dict[str, Any]:
        async with self.db.transaction() as session:
            data = await person_export(session, person_id)
        assert data is not None
        return data

    async def answers(self, person_id: int) -> list[tuple[str, Any]]:
        data = await self.export(person_id)
        return [(a["step_id"], a["value"]) for c in data["conversations"] for a in c["answers"]]


def test_settings(sandbox: SandboxServer, tmp_path: Path, **overrides: Any) -> Settings:
    settings = Settings(
        telegram_token=new_token(),
        telegram_api_url=sandbox.api_url,
        database_url=sqlite_url(tmp_path),
        dialogues_dir=DIALOGUES,
        http_port=0,
        poll_timeout=5,
    )
    return replace(settings, **overrides)


@asynccontextmanager
async def running_tandem(
    sandbox: SandboxServer,
    tmp_path: Path,
    *,
    web: bool = False,
    clock: Callable[[], datetime] | None = None,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """``clock``: the one clock Tandem reads (a test moves it instead of waiting)."""
    settings = test_settings(sandbox, tmp_path, **overrides)
    stop = asyncio.Event()
    ready: asyncio.Future[Running] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve(settings, stop=stop, on_ready=ready.set_result, web=web, clock=clock or utcnow)
    )
    done, _ = await asyncio.wait({task, ready}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        await task  # start-up failed: show why
    if ready not in done:
        raise TimeoutError("Tandem did not start within 30 s")
    running = ready.result()
    client = SandboxClient(sandbox.url, bot_id=running.bot.id)
    try:
        yield Harness(running, client, sandbox)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        await client.aclose()
