"""Fixtures for the sandbox tests: one running sandbox, and a fresh bot identity per test.

Self-contained on purpose (it may move to tests/conftest.py): each test gets its own bot token,
so bots, chats and update queues never leak between tests sharing the server.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator

import pytest
import telegram

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer

_bot_ids = itertools.count(7_000_000_001)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """A running sandbox on a free port, shared by the whole session."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
def token() -> str:
    """A new, valid bot token: a bot the sandbox has never seen."""
    return f"{next(_bot_ids)}:AAH-sandbox_test_token_0123456789"


@pytest.fixture
async def bot(sandbox: SandboxServer, token: str) -> AsyncIterator[telegram.Bot]:
    """python-telegram-bot talking to the sandbox over real HTTP (initialised: getMe done)."""
    async with telegram.Bot(token, base_url=sandbox.api_url) as tg_bot:
        yield tg_bot


@pytest.fixture
async def client(sandbox: SandboxServer, bot: telegram.Bot) -> AsyncIterator[SandboxClient]:
    """The people's side of the sandbox, for this test's bot."""
    async with SandboxClient(sandbox.url, bot_id=bot.id) as people:
        yield people
