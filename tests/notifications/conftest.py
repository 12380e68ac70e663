"""A real SMTP server on this machine (aiosmtpd) that keeps what it is sent, and the pieces
the mailer needs: settings pointing at it and a database with staff and people."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from bot.config import Settings
from bot.notifications.mailer import Mailer
from tests.support.review import ReviewHarness, review_app
from tests.support.tandem import free_port

PUBLIC_URL = "https://tandem.example.org"


@dataclass
class Inbox:
    """aiosmtpd's handler: every message accepted, parsed and kept."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"

    async def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.messages)} email(s) arrived, not {count}")
            await asyncio.sleep(0.05)
        return self.messages


@dataclass
class SmtpServer:
    inbox: Inbox
    port: int

    def settings(self, **overrides: Any) -> Settings:
        base = Settings(
            smtp_host="127.0.0.1",
            smtp_port=self.port,
            smtp_from="Tandem <tandem@example.org>",
            smtp_starttls=False,
            public_url=PUBLIC_URL,
        )
        return replace(base, **overrides)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(inbox, port)
    finally:
        controller.stop()


@pytest.fixture
async def review(db_url: str) -> AsyncIterator[ReviewHarness]:
    """Staff, people and a moveable clock on a fresh database, SQLite and PostgreSQL."""
    async with review_app(db_url) as harness:
        yield harness


def mailer(review: ReviewHarness, settings: Settings, **kw: Any) -> Mailer:
    return Mailer(review.db, settings, review.clock, **kw)


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())
