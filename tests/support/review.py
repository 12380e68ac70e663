"""The review app under test: a fresh database, staff and people made to order, and a
browser-like client that signs in and carries the form token.

    async with review_app(db_url) as r:
        sam = await r.staff("case_manager")
        alex = await r.person(sam, name="Alex")
        async with r.signed_in(sam) as web:
            page = await web.get(f"/people/{alex.id}")
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bot.conversations.catalogue import Catalogue
from bot.review import auth
from bot.review.app import create_app
from bot.review.web import ReviewConfig
from bot.sample_data import add_conversation
from storage.db import Database, migrate_async
from storage.models import Conversation, Flag, Organisation, ServiceUser, Staff
from storage.people import ensure_organisation
from tests.support.tandem import DIALOGUES

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_CATALOGUE: Catalogue | None = None


def catalogue() -> Catalogue:
    """Compiling the ten scripts takes a moment: once per test run is enough."""
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = Catalogue(DIALOGUES)
    return _CATALOGUE


_hash_cache: dict[str, str] = {}


def hashed(password: str) -> str:
    """argon2 is slow on purpose: one hash per password is enough for a test run."""
    if password not in _hash_cache:
        _hash_cache[password] = auth.hash_password(password)
    return _hash_cache[password]


class Clock:
    """The app's clock, moved by the test instead of waiting."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Web:
    """One signed-in browser."""

    client: httpx.AsyncClient
    staff: Staff
    csrf: str = ""

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.client.get(url, **kw)

    async def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
        """A form post with this session's token, as the pages send it."""
        return await self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kw)


@dataclass
class ReviewHarness:
    db: Database
    config: ReviewConfig
    clock: Clock
    orgs: dict[str, Organisation] = field(default_factory=dict)

    @property
    def app(self) -> Any:
        return create_app(self.config)

    async def org(self, name: str = "Probation North", kind: str = "probation") -> Organisation:
        if name not in self.orgs:
            async with self.db.transaction() as session:
                self.orgs[name] = await ensure_organisation(session, name, kind)
        return self.orgs[name]

    async def staff(
        self,
        role: str = "case_manager",
        *,
        org: str = "Probation North",
        name: str | None = None,
        password: str = PASSWORD,
        must_change: bool = False,
    ) -> Staff:
        organisation = await self.org(org)
        n = next(_numbers)
        async with self.db.transaction() as session:
            staff = Staff(
                organisation_id=organisation.id,
                email=f"{role}.{n}@example.org",
                name=name or f"{role.replace('_', ' ').title()} {n}",
                role=role,
                password_hash=hashed(password),
                must_change_password=must_change,
            )
            session.add(staff)
        return staff

    async def person(
        self,
        case_manager: Staff | None,
        *,
        name: str | None = None,
        crn: str | None = None,
        org: str | None = None,
        joined: bool = True,
    ) -> ServiceUser:
        n = next(_numbers)
        organisation_id = (
            (await self.org(org)).id
            if org
            else case_manager.organisation_id
            if case_manager
            else (await self.org()).id
        )
        async with self.db.transaction() as session:
            person = ServiceUser(
                organisation_id=organisation_id,
                case_manager_id=case_manager.id if case_manager else None,
                name=name or f"Person {n}",
                crn=crn or f"X{n:06d}",
                telegram_user_id=7_000_000 + n if joined else None,
                telegram_chat_id=7_000_000 + n if joined else None,
                linked_at=self.clock() if joined else None,
                consented_at=self.clock() if joined else None,
            )
            session.add(person)
        return person

    async def conversation(
        self, person: ServiceUser, tool: str, answers: dict[str, Any], **kw: Any
    ) -> Conversation:
        kw.setdefault("at", self.clock())
        async with self.db.transaction() as session:
            return await add_conversation(session, catalogue(), person.id or 0, tool, answers, **kw)

    async def flag(self, person: ServiceUser, kind: str = "safeguarding", **kw: Any) -> Flag:
        async with self.db.transaction() as session:
            flag = Flag(service_user_id=person.id or 0, kind=kind, created_at=self.clock(), **kw)
            session.add(flag)
        return flag

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(self.config)),
            base_url="https://testserver",
            follow_redirects=False,
        )

    @asynccontextmanager
    async def signed_in(self, staff: Staff, password: str = PASSWORD) -> AsyncIterator[Web]:
        async with self.client() as client:
            web = Web(client, staff)
            response = await sign_in(client, staff.email, password)
            assert response.status_code == 303, response.text
            page = await client.get("/account/password")
            found = CSRF.search(page.text)
            assert found, "no form token on the page"
            web.csrf = found.group(1)
            yield web


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    form = await client.get("/sign-in")
    token = CSRF.search(form.text)
    assert token, "the sign-in form has no token"
    return await client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": token.group(1)}
    )


@asynccontextmanager
async def review_app(db_url: str) -> AsyncIterator[ReviewHarness]:
    await migrate_async(db_url)
    db = Database(db_url)
    clock = Clock()
    try:
        yield ReviewHarness(db, ReviewConfig(db=db, catalogue=catalogue(), clock=clock), clock)
    finally:
        await db.dispose()


@asynccontextmanager
async def served(config: ReviewConfig) -> AsyncIterator[str]:
    """The review app on a real port (for the browser), on this event loop."""
    import asyncio

    import uvicorn

    from tests.support.tandem import free_port

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
