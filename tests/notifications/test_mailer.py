"""Staff notifications: one short email per thing new, carrying the CRN and a link and nothing
else about the person; repeats coalesce; staff who said no get none; failures are tried again
later and then recorded; two servers on PostgreSQL never send one twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.config import ConfigError, load_settings
from bot.notifications import notify
from bot.notifications.mailer import Mailer
from storage.models import ServiceUser, Staff, StaffNotification
from tests.notifications.conftest import PUBLIC_URL, SmtpServer, body_of, mailer
from tests.support.databases import fresh_postgres, postgres_base_url
from tests.support.review import ReviewHarness, review_app

WORDS = "I lost my job and I am scared about the rent"


async def _notify(review: ReviewHarness, person: ServiceUser, kind: str = "shared") -> None:
    async with review.db.transaction() as session:
        await notify(session, person=person, kind=kind, now=review.clock())  # type: ignore[arg-type]


async def _notifications(review: ReviewHarness) -> list[StaffNotification]:
    async with review.db.transaction() as session:
        rows = await session.exec(select(StaffNotification).order_by(col(StaffNotification.id)))
        return list(rows.all())


async def test_the_email_says_only_something_new_for_the_crn(
    review: ReviewHarness, smtp: SmtpServer
) -> None:
    sam = await review.staff(name="Sam Officer")
    alex = await review.person(sam, name="Alex Wordsworth", crn="X123456")
    await review.conversation(alex, "check_in", {"feeling": "struggling", "feeling_hard": WORDS})
    await review.flag(alex, message=WORDS, category="suicide_self_harm")
    await _notify(review, alex, "flag")

    done = await mailer(review, smtp.settings()).run_once()

    assert done.sent == 1
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Tandem: something new for CRN X123456"
    assert message["To"] == sam.email
    assert message["From"] == "Tandem <tandem@example.org>"
    body = body_of(message)
    assert "Something new for CRN X123456 in Tandem." in body
    assert f"{PUBLIC_URL}/people/{alex.id}" in body
    whole = message.as_string()
    for personal in ("Alex", "Wordsworth", "lost my job", "rent", "scared", "Sam Officer"):
        assert personal not in whole
    for word in ("flag", "safeguarding", "suicide", "call", "shared", "check-in", "probation"):
        assert word not in body.lower()
    [row] = await _notifications(review)
    assert row.emailed_at == review.clock() and row.email_outcome == "sent"


async def test_a_second_event_before_sending_is_coalesced(
    review: ReviewHarness, smtp: SmtpServer
) -> None:
    sam = await review.staff()
    alex = await review.person(sam, crn="X100001")
    bo = await review.person(sam, crn="X100002")
    await _notify(review, alex, "shared")
    await _notify(review, alex, "flag")
    await _notify(review, alex, "callback")
    await _notify(review, bo, "shared")
    assert len(await _notifications(review)) == 2

    mail = mailer(review, smtp.settings())
    await mail.run_once()
    assert sorted(m["Subject"] for m in smtp.inbox.messages) == [
        "Tandem: something new for CRN X100001",
        "Tandem: something new for CRN X100002",
    ]

    # Once it has gone, something newer is worth another email.
    review.clock.advance(hours=1)
    await _notify(review, alex, "flag")
    await mail.run_once()
    assert len(smtp.inbox.messages) == 3
    assert smtp.inbox.messages[-1]["Subject"] == "Tandem: something new for CRN X100001"
    # Nothing is left to send: another round sends nothing.
    assert (await mail.run_once()).taken == 0
    assert len(smtp.inbox.messages) == 3


async def test_staff_who_switched_emails_off_or_left_get_none(
    review: ReviewHarness, smtp: SmtpServer
) -> None:
    quiet = await review.staff()
    gone = await review.staff()
    keen = await review.staff()
    async with review.db.transaction() as session:
        for member, field, value in ((quiet, "notify_by_email", False), (gone, "active", False)):
            row = await session.get(Staff, member.id)
            assert row is not None
            setattr(row, field, value)
            session.add(row)
    for member in (quiet, gone, keen):
        await _notify(review, await review.person(member))

    await mailer(review, smtp.settings()).run_once()

    assert [m["To"] for m in smtp.inbox.messages] == [keen.email]
    outcomes = {row.staff_id: row.email_outcome for row in await _notifications(review)}
    assert outcomes == {
        quiet.id: "skipped:opted_out",
        gone.id: "skipped:inactive",
        keen.id: "sent",
    }


async def test_no_case_manager_no_notification(review: ReviewHarness) -> None:
    nobody = await review.person(None)
    await _notify(review, nobody)
    async with review.db.transaction() as session:
        assert await notify(session, person=None, kind="flag", now=review.clock()) is None
    assert await _notifications(review) == []


async def test_failures_are_tried_again_later_then_recorded(
    review: ReviewHarness, smtp: SmtpServer
) -> None:
    sam = await review.staff()
    await _notify(review, await review.person(sam, crn="X200001"))
    # Nothing listens on this port: every try fails to connect.
    down = smtp.settings(smtp_port=smtp.port + 1 if smtp.port < 65535 else smtp.port - 1)
    mail = mailer(review, down, max_attempts=3, first_retry=timedelta(minutes=1))

    await mail.run_once()
    [row] = await _notifications(review)
    assert row.emailed_at is None and row.attempts == 1
    assert row.email_outcome == "retry:ConnectionRefusedError"
    # Not again before its time.
    review.clock.advance(seconds=30)
    assert (await mail.run_once()).taken == 0
    review.clock.advance(seconds=31)
    assert (await mail.run_once()).taken == 1
    [row] = await _notifications(review)
    assert row.attempts == 2 and row.email_outcome == "retry:ConnectionRefusedError"
    # The wait doubles: two minutes now.
    review.clock.advance(minutes=1, seconds=30)
    assert (await mail.run_once()).taken == 0
    review.clock.advance(minutes=1)
    done = await mail.run_once()
    assert done.failed == 1
    [row] = await _notifications(review)
    assert row.emailed_at is None and row.email_outcome == "failed:ConnectionRefusedError"
    # Recorded once and for all: never tried again, and a new event makes a new one.
    review.clock.advance(days=1)
    assert (await mail.run_once()).taken == 0
    assert smtp.inbox.messages == []


async def test_a_retry_that_works_sends_the_email(review: ReviewHarness, smtp: SmtpServer) -> None:
    sam = await review.staff()
    await _notify(review, await review.person(sam, crn="X300001"))
    # The server offers no STARTTLS, so a mailer that insists fails, then one that does not...
    await mailer(review, smtp.settings(smtp_starttls=True)).run_once()
    [row] = await _notifications(review)
    assert row.attempts == 1 and row.email_outcome == "retry:SMTPNotSupportedError"
    review.clock.advance(minutes=2)
    await mailer(review, smtp.settings()).run_once()
    assert [m["Subject"] for m in smtp.inbox.messages] == ["Tandem: something new for CRN X300001"]


async def test_a_person_without_a_crn_is_still_not_named(
    review: ReviewHarness, smtp: SmtpServer
) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Nocrn")
    async with review.db.transaction() as session:
        row = await session.get(ServiceUser, alex.id)
        assert row is not None
        row.crn = None
        session.add(row)
        await notify(session, person=row, kind="shared", now=review.clock())
    await mailer(review, smtp.settings(public_url=None)).run_once()
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Tandem: something new for someone on your caseload"
    assert "Nocrn" not in message.as_string()
    assert "Sign in to Tandem to see it." in body_of(message)


async def test_notifications_from_long_ago_are_not_emailed(
    review: ReviewHarness, smtp: SmtpServer
) -> None:
    sam = await review.staff()
    await _notify(review, await review.person(sam))
    review.clock.advance(days=3)
    await mailer(review, smtp.settings()).run_once()
    assert smtp.inbox.messages == []
    [row] = await _notifications(review)
    assert row.email_outcome == "skipped:too_old"


@pytest.mark.postgres
async def test_two_mailers_on_postgresql_send_each_email_once(smtp: SmtpServer) -> None:
    # Two servers share one database only on PostgreSQL (SQLite runs one server).
    base = postgres_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need TANDEM_TEST_POSTGRES_URL (CI sets it)")
    async with fresh_postgres(base) as url, review_app(url) as review:
        sam = await review.staff()
        people = [await review.person(sam, crn=f"X4{n:05d}") for n in range(30)]
        for person in people:
            await _notify(review, person)
        settings = smtp.settings()
        first, second = (mailer(review, settings, batch=7) for _ in range(2))
        for _ in range(6):
            await asyncio.gather(first.run_once(), second.run_once())
        subjects = sorted(m["Subject"] for m in smtp.inbox.messages)
        assert subjects == sorted(f"Tandem: something new for CRN {p.crn}" for p in people)


async def test_the_loop_runs_until_stopped_and_wakes_when_asked(
    review: ReviewHarness, smtp: SmtpServer
) -> None:
    sam = await review.staff()
    mail: Mailer = mailer(review, smtp.settings(), interval=60)
    stop = asyncio.Event()
    task = asyncio.create_task(mail.run(stop))
    await asyncio.sleep(0.1)
    await _notify(review, await review.person(sam, crn="X500001"))
    mail.wake()
    await smtp.inbox.wait_for(1, timeout=10)
    stop.set()
    await asyncio.wait_for(task, timeout=5)


def test_settings_from_the_environment() -> None:
    none = load_settings({})
    assert none.smtp_host is None and none.public_url is None
    full = load_settings(
        {
            "TANDEM_SMTP_HOST": "smtp.example.org",
            "TANDEM_SMTP_USER": "tandem",
            "TANDEM_SMTP_PASSWORD": "secret",
            "TANDEM_SMTP_FROM": "tandem@example.org",
            "TANDEM_PUBLIC_URL": "https://tandem.example.org/",
        }
    )
    assert (full.smtp_host, full.smtp_port, full.smtp_starttls) == ("smtp.example.org", 587, True)
    assert full.public_url == "https://tandem.example.org"
    plain = load_settings(
        {"TANDEM_SMTP_HOST": "mail", "TANDEM_SMTP_FROM": "t@x", "TANDEM_SMTP_STARTTLS": "no"}
    )
    assert (plain.smtp_port, plain.smtp_starttls) == (25, False)
    for env, says in (
        ({"TANDEM_SMTP_HOST": "mail"}, "TANDEM_SMTP_FROM"),
        ({"TANDEM_SMTP_STARTTLS": "maybe"}, "true or false"),
        ({"TANDEM_PUBLIC_URL": "tandem.example.org"}, "TANDEM_PUBLIC_URL"),
        ({"TANDEM_SMTP_PORT": "70000"}, "TANDEM_SMTP_PORT"),
    ):
        with pytest.raises(ConfigError, match=says):
            load_settings(env)
