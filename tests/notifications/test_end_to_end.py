"""Through the sandbox: a person shares a check-in on Telegram, their case manager sees it on
the caseload at once and gets an email with the CRN and a link — and nothing they wrote. A
safeguarding message and a request for a call do the same."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.review import auth
from bot.review.app import create_app
from bot.review.web import ReviewConfig
from bot.sandbox.server import SandboxServer
from storage.models import ServiceUser, Staff
from tests.notifications.conftest import PUBLIC_URL, SmtpServer, body_of
from tests.support.review import PASSWORD, sign_in
from tests.support.tandem import Harness, running_tandem

HARD = "Lost my job and the rent is due"
MORE = "I might lose my flat"


async def _case_manager(tandem: Harness, person_id: int) -> Staff:
    async with tandem.db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
        assert person is not None
        staff = Staff(
            organisation_id=person.organisation_id,
            email="sam.officer@example.org",
            name="Sam Officer",
            role="case_manager",
            password_hash=auth.hash_password(PASSWORD),
        )
        session.add(staff)
        await session.flush()
        person.case_manager_id = staff.id
        person.crn = "X654321"
        session.add(person)
    return staff


async def _caseload(tandem: Harness, staff: Staff) -> str:
    config = ReviewConfig(db=tandem.db, catalogue=tandem.running.catalogue)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(config)), base_url="https://testserver"
    ) as client:
        assert (await sign_in(client, staff.email, PASSWORD)).status_code == 303
        page = await client.get("/")
    assert page.status_code == 200
    return page.text


async def test_a_shared_check_in_reaches_the_case_manager(
    sandbox: SandboxServer, tmp_path: Path, smtp: SmtpServer
) -> None:
    settings = smtp.settings()
    async with running_tandem(
        sandbox,
        tmp_path,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_from=settings.smtp_from,
        smtp_starttls=False,
        public_url=PUBLIC_URL,
    ) as tandem:
        assert tandem.running.mailer is not None
        chat, person_id = await tandem.joined_chat("Cai")
        staff = await _case_manager(tandem, person_id)

        await chat.click("Check-in between appointments")
        await chat.wait_for(lambda m: "Struggling" in m.labels)
        await chat.click("Struggling")
        await chat.wait_for(lambda m: "what has been hard" in m.text and m.buttons)
        await chat.send(HARD)
        question = await chat.wait_for(lambda m: "Done" in m.labels)
        await chat.click("Housing", message_id=question.id)
        await chat.wait_for(lambda m: m.id == question.id and any("✓" in x for x in m.labels))
        await chat.click("Done", message_id=question.id)
        await chat.wait_for(lambda m: "say a bit more" in m.text and m.buttons)
        await chat.send(MORE)
        await chat.wait_for(lambda m: "No, thanks" in m.labels)
        await chat.click("No, thanks")
        await chat.wait_for(lambda m: "Share with my probation officer" in m.labels)

        # Nothing shared yet: no email, nothing new on the caseload.
        tandem.running.mailer.wake()
        assert "Nothing new" in await _caseload(tandem, staff)
        assert smtp.inbox.messages == []

        await chat.click("Share with my probation officer")
        await chat.wait_for("Thank you for checking in")
        # On the caseload at once, whatever email does.
        caseload = await _caseload(tandem, staff)
        assert "1 tool shared" in caseload and "Check-in: struggling" in caseload

        tandem.running.mailer.wake()
        [email] = await smtp.inbox.wait_for(1)
        assert email["Subject"] == "Tandem: something new for CRN X654321"
        assert email["To"] == "sam.officer@example.org"
        assert f"{PUBLIC_URL}/people/{person_id}" in body_of(email)
        whole = email.as_string()
        for personal in ("Cai", "Example", HARD, MORE, "Housing", "struggling", "Struggling"):
            assert personal not in whole

        # Later, a message that may mean they are at risk, and a Yes to a call: on the
        # caseload at once, and another email (the two coalesce if it is still waiting).
        await chat.send("honestly i dont see the point anymore, i wanna kill myself")
        choice = await chat.wait_for(lambda m: "I'd like a call" in m.labels)
        await chat.click("I'd like a call", message_id=choice.id)
        await chat.wait_for("I've asked your probation officer to call you")
        caseload = await _caseload(tandem, staff)
        assert "Safeguarding" in caseload and "Call requested" in caseload
        tandem.running.mailer.wake()
        emails = await smtp.inbox.wait_for(2)
        assert {e["Subject"] for e in emails} == {"Tandem: something new for CRN X654321"}
        assert not any("kill" in e.as_string() for e in emails)


async def test_no_smtp_host_no_mailer(sandbox: SandboxServer, tmp_path: Path) -> None:
    async with running_tandem(sandbox, tmp_path) as tandem:
        assert tandem.running.mailer is None
