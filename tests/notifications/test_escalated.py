"""The email to a senior about a flag nobody dealt with in time: the CRN, how long it has
waited, the link — nothing else about the person. Not sent once the flag is resolved; an
escalation is an email of its own, never folded into a "something new" one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.notifications import notify, notify_seniors
from bot.scheduling import escalation
from storage.models import Flag, ServiceUser, StaffNotification
from tests.notifications.conftest import PUBLIC_URL, SmtpServer, body_of, mailer
from tests.support.review import ReviewHarness

WORDS = "He said he would hurt me if I told anyone"


async def _escalate(review: ReviewHarness, person: ServiceUser, flag: Flag) -> None:
    """As the scheduler's job does it."""
    async with review.db.transaction() as session:
        outcome = await escalation.escalate(session, flag.id or 0, now=review.clock())
    assert outcome == "sent"


async def _notifications(review: ReviewHarness) -> list[StaffNotification]:
    async with review.db.transaction() as session:
        rows = await session.exec(select(StaffNotification).order_by(col(StaffNotification.id)))
        return list(rows.all())


async def test_the_email_says_only_the_crn_how_long_and_the_link(
    review: ReviewHarness, smtp: SmtpServer
) -> None:
    sam = await review.staff(name="Sam Officer")
    jo = await review.staff("senior", name="Jo Senior")
    alex = await review.person(sam, name="Alex Wordsworth", crn="X123456")
    now = review.clock()
    review.clock.now = now - timedelta(days=1, hours=2, minutes=10)  # raised then
    flag = await review.flag(
        alex,
        message=WORDS,
        category="being_harmed",
        contact="times",
        contact_times="mornings when he is at work",
    )
    review.clock.now = now
    await _escalate(review, alex, flag)

    done = await mailer(review, smtp.settings()).run_once()

    assert done.sent == 1
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Tandem: a flag for CRN X123456 has not been dealt with"
    assert message["To"] == jo.email
    body = body_of(message)
    assert (
        "A flag for CRN X123456 in Tandem has not been marked as dealt with "
        "after 1 day and 2 hours." in body
    )
    assert f"{PUBLIC_URL}/people/{alex.id}" in body
    assert "because you are a senior in their organisation" in body
    whole = message.as_string()
    for personal in ("Alex", "Wordsworth", "hurt", "mornings", "Sam Officer", "Jo Senior"):
        assert personal not in whole
    for word in ("safeguarding", "harmed", "being", "call", "suicide"):
        assert word not in body.lower()
    [row] = await _notifications(review)
    assert (row.staff_id, row.kind, row.email_outcome) == (jo.id, "escalated", "sent")


async def test_without_a_crn_it_names_no_one(review: ReviewHarness, smtp: SmtpServer) -> None:
    await review.staff("senior")
    alex = await review.person(None, name="Alex Nocrn")
    async with review.db.transaction() as session:
        row = await session.get(ServiceUser, alex.id)
        assert row is not None
        row.crn = None
        session.add(row)
    flag = await review.flag(alex, message=WORDS)
    await _escalate(review, alex, flag)
    await mailer(review, smtp.settings(public_url=None)).run_once()
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Tandem: a flag has not been dealt with"
    assert "Nocrn" not in message.as_string()
    assert "Sign in to Tandem to see it." in body_of(message)


async def test_resolved_before_the_email_goes_none_is_sent(
    review: ReviewHarness, smtp: SmtpServer
) -> None:
    sam = await review.staff()
    await review.staff("senior")
    alex = await review.person(sam)
    flag = await review.flag(alex, message=WORDS)
    await _escalate(review, alex, flag)
    async with review.db.transaction() as session:
        row = await session.get(Flag, flag.id)
        assert row is not None
        row.resolved_at, row.resolved_by, row.resolution = review.clock(), sam.id, "Rang her"
        session.add(row)
    await mailer(review, smtp.settings()).run_once()
    assert smtp.inbox.messages == []
    [row] = await _notifications(review)
    assert row.email_outcome == "skipped:resolved"


async def test_an_escalation_is_its_own_email(review: ReviewHarness, smtp: SmtpServer) -> None:
    # A senior who is also the person's case manager: "something new" and "not dealt with"
    # are two emails, and a second escalation while the first waits adds none.
    jo = await review.staff("senior")
    alex = await review.person(jo, crn="X700001")
    async with review.db.transaction() as session:
        person = await session.get(ServiceUser, alex.id)
        assert person is not None
        await notify(session, person=person, kind="flag", now=review.clock())
        await notify_seniors(session, person=person, now=review.clock())
        await notify_seniors(session, person=person, now=review.clock())
        await notify(session, person=person, kind="callback", now=review.clock())
        with pytest.raises(ValueError):
            await notify(session, person=person, kind="escalated", now=review.clock())
    assert sorted(n.kind for n in await _notifications(review)) == ["escalated", "flag"]
    await review.flag(alex, message=WORDS, escalated_at=review.clock())
    await mailer(review, smtp.settings()).run_once()
    assert sorted(m["Subject"] for m in smtp.inbox.messages) == [
        "Tandem: a flag for CRN X700001 has not been dealt with",
        "Tandem: something new for CRN X700001",
    ]
