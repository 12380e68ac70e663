"""`tandem demo`: Tandem on the embedded SQLite database against the local Telegram sandbox,
with a demo organisation, case manager and person, so a newcomer can play it in a browser."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from dataclasses import replace
from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.conversations.catalogue import Catalogue
from bot.conversations.enrolment import Invitation, enrol, reissue_invite
from bot.review.auth import hash_password
from bot.runtime import Running, serve
from bot.sample_data import add_caseload, add_conversation, sample_answers
from bot.scheduling import escalation
from storage.db import Database, migrate_async, normalise_url, sqlite_path
from storage.models import Flag, ServiceUser, Staff
from storage.people import ensure_organisation, ensure_staff
from storage.types import utcnow

DEMO_TOKEN = "7000000001:tandem-demo-sandbox-token"  # noqa: S105 - only the local sandbox accepts it
DEMO_BOT_USERNAME = "TandemSandboxBot"
DEMO_ORG = "Demo Probation Service"
DEMO_PERSON = "Alex Demo"
DEMO_CRN = "X000001"
# The sandbox user the demo chat page plays; fixed so a second `make demo` finds Alex again.
DEMO_TELEGRAM_USER = 1001
# The review app's demo sign-ins (printed in the banner). Only ever on this demo database.
DEMO_PASSWORD = "demo-only-password"  # noqa: S105
DEMO_STAFF = (
    ("sam.case-manager@demo.invalid", "Sam Patel", "case_manager"),
    ("jo.senior@demo.invalid", "Jo Williams", "senior"),
    ("admin@demo.invalid", "Ash Admin", "admin"),
)


async def _demo_staff(session: AsyncSession, organisation_id: int) -> Staff:
    """The demo's staff accounts, with the printed password; returns the case manager."""
    accounts = []
    for email, name, role in DEMO_STAFF:
        staff = await ensure_staff(session, organisation_id, email, name, role)
        if staff.password_hash is None:
            staff.password_hash = hash_password(DEMO_PASSWORD)
            session.add(staff)
        accounts.append(staff)
    return accounts[0]


async def _seed(db: Database, settings: Settings) -> tuple[int, Invitation | None]:
    """Create the demo people once; issue Alex a fresh invite unless already linked."""
    async with db.transaction() as session:
        org = await ensure_organisation(session, DEMO_ORG)
        assert org.id is not None
        staff = await _demo_staff(session, org.id)
        person = (
            await session.exec(select(ServiceUser).where(ServiceUser.crn == DEMO_CRN))
        ).first()
        staff_id = staff.id
    if person is None:
        invitation = await enrol(
            db,
            name=DEMO_PERSON,
            crn=DEMO_CRN,
            organisation=DEMO_ORG,
            case_manager_id=staff_id,
            username=DEMO_BOT_USERNAME,
        )
        # After Alex, so Alex is person 1 (as the README's export command says).
        await _demo_caseload(db, settings, org.id, staff_id)
        return invitation.person_id, invitation
    assert person.id is not None
    if person.telegram_user_id is not None:
        return person.id, None
    return person.id, await reissue_invite(db, person.id, username=DEMO_BOT_USERNAME)


async def _demo_caseload(
    db: Database, settings: Settings, organisation_id: int, staff_id: int | None
) -> None:
    """Sam's other people, with months of made-up history, so the review app has something to
    show; one has just written something worrying and one has had a hard week."""
    assert staff_id is not None
    catalogue = Catalogue(settings.dialogues_dir)
    now = utcnow()
    people = await add_caseload(
        db, catalogue, organisation_id=organisation_id, case_manager_id=staff_id, people=11, now=now
    )
    async with db.transaction() as session:
        raised = now - timedelta(hours=3)
        flag = Flag(
            service_user_id=people[0],
            kind="safeguarding",
            category="suicide_self_harm",
            categories=["suicide_self_harm"],
            message="honestly some days I think everyone would be better off without me",
            created_at=raised,
            last_message_at=raised,
        )
        session.add(flag)
        # Followed up like any flag: to the seniors if nobody deals with it in time.
        await escalation.flag_raised(session, flag, now=raised)
        answers = {**sample_answers("check_in"), "feeling": "struggling", "callback": "yes"}
        script = catalogue.get("check_in")
        conv = await add_conversation(
            session, catalogue, people[1], "check_in", answers, at=now - timedelta(hours=20)
        )
        conv.attention = script.attention_reasons(answers) if script else []
        session.add(conv)


def _where(url: str) -> str:
    path = sqlite_path(normalise_url(url))
    return str(path) if path is not None else "PostgreSQL"


def _banner(
    running: Running, sandbox_url: str, person_id: int, invitation: Invitation | None
) -> str:
    chat = f"{sandbox_url}/chat?user={DEMO_TELEGRAM_USER}&name=Alex"
    if invitation is not None:
        chat += f"&start={invitation.code}"
    web = f"http://{running.settings.http_host}:{running.http_port}/"
    logins = "\n".join(
        f"      {email:<34} ({role.replace('_', ' ')})" for email, _name, role in DEMO_STAFF
    )
    lines = [
        "",
        f"Tandem demo is running (database {_where(running.settings.database_url)}, "
        "local Telegram sandbox).",
        "",
        f"  Chat as a person on probation:  {chat}",
        f"  Case managers' review app:      {web}",
        f"    sign in with password {DEMO_PASSWORD!r} as one of:",
        logins,
        f"  Try any script (staff preview): {sandbox_url}/chat?name=Tester&start=preview",
        f"  Sandbox overview:               {sandbox_url}/",
        "",
        f"  Alex's answers afterwards:      .venv/bin/tandem export {person_id} --json",
        "",
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


async def _demo(settings: Settings, port: int | None, sandbox_port: int) -> None:
    from bot.sandbox.server import serve_sandbox

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)

    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    settings = replace(
        settings,
        telegram_token=DEMO_TOKEN,
        telegram_api_url=f"{sandbox_url}/bot",
        bot_username=DEMO_BOT_USERNAME,
        http_port=port if port is not None else settings.http_port,
        webhook_url=None,
        preview=True,
    )
    sandbox_ready = asyncio.Event()
    sandbox = asyncio.create_task(
        serve_sandbox(
            "127.0.0.1",
            sandbox_port,
            bot_username=DEMO_BOT_USERNAME,
            bot_token=DEMO_TOKEN,
            ready=lambda _url: sandbox_ready.set(),
        )
    )
    waiter = asyncio.create_task(sandbox_ready.wait())
    await asyncio.wait({sandbox, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if sandbox.done():
        waiter.cancel()
        await sandbox  # raises the reason, e.g. the port is taken

    await migrate_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        person_id, invitation = await _seed(db, settings)
    finally:
        await db.dispose()

    def ready(running: Running) -> None:
        print(_banner(running, sandbox_url, person_id, invitation), flush=True)

    try:
        await serve(settings, stop=stop, on_ready=ready)
    finally:
        stop.set()
        sandbox.cancel()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(sandbox, timeout=5)


def run_demo(settings: Settings, *, port: int | None, sandbox_port: int) -> None:
    asyncio.run(_demo(settings, port, sandbox_port))
