"""A member of staff's own account page (emails on or off), and an organisation's appointment
reminder settings (administrators only)."""

from __future__ import annotations

import re

from sqlmodel import select

from storage.models import AuditEvent, Organisation, Staff
from tests.support.review import ReviewHarness


def text_of(html: str) -> str:
    body = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


async def _staff_row(review: ReviewHarness, staff: Staff) -> Staff:
    async with review.db.transaction() as session:
        row = await session.get(Staff, staff.id)
    assert row is not None
    return row


async def test_switching_emails_off_and_on(review: ReviewHarness) -> None:
    sam = await review.staff(name="Sam Officer")
    async with review.signed_in(sam) as web:
        home = await web.get("/")
        assert 'href="/account"' in home.text
        page = await web.get("/account")
        text = text_of(page.text)
        assert "Your account" in text and sam.email in text and "Probation North" in text
        assert "It never has their name or anything they wrote." in text
        assert re.search(r'value="yes"\s+checked', page.text)
        off = await web.post("/account", {"notify": "no"})
        assert off.status_code == 303
        assert not (await _staff_row(review, sam)).notify_by_email
        shown = await web.get(off.headers["location"])
        assert "Emails switched off" in text_of(shown.text)
        assert re.search(r'value="no"\s+checked', shown.text)
        bad = await web.post("/account", {"notify": "maybe"})
        assert bad.status_code == 400 and "Select whether you want emails" in text_of(bad.text)
        await web.post("/account", {"notify": "yes"})
    assert (await _staff_row(review, sam)).notify_by_email
    async with review.db.transaction() as session:
        events = (
            await session.exec(select(AuditEvent).where(AuditEvent.action == "account_emails"))
        ).all()
    assert [e.detail for e in events] == [{"notify_by_email": False}, {"notify_by_email": True}]
    assert all(e.actor == f"staff:{sam.id}" for e in events)


async def test_an_administrator_sets_reminders(review: ReviewHarness) -> None:
    admin = await review.staff("admin")
    sam = await review.staff()
    org = await review.org()
    async with review.signed_in(sam) as web:
        assert (await web.get(f"/admin/organisations/{org.id}")).status_code == 403
        refused = await web.post(
            f"/admin/organisations/{org.id}", {"remind": ["none"], "hour": "9"}
        )
        assert refused.status_code == 403
    async with review.signed_in(admin) as web:
        listing = await web.get("/admin/organisations")
        assert f'href="/admin/organisations/{org.id}"' in listing.text
        page = await web.get(f"/admin/organisations/{org.id}")
        assert page.status_code == 200
        assert "You have something new in Tandem" in text_of(page.text)
        assert re.search(r'value="day_before"\s+checked', page.text)
        assert re.search(r'<option value="9" selected>9am</option>', page.text)
        saved = await web.post(
            f"/admin/organisations/{org.id}", {"remind": ["on_the_day"], "hour": "15"}
        )
        assert saved.status_code == 303
        assert "Reminder settings saved" in text_of((await web.get(saved.headers["location"])).text)
        wrong = await web.post(
            f"/admin/organisations/{org.id}", {"remind": ["none", "day_before"], "hour": "22"}
        )
        assert wrong.status_code == 400
        text = text_of(wrong.text)
        assert "“No reminders” on its own" in text and "Select a time between 9am and 8pm" in text
        assert (await web.get("/admin/organisations/987654")).status_code == 404
        await web.post(f"/admin/organisations/{org.id}", {"remind": ["none"], "hour": "10"})
    async with review.db.transaction() as session:
        row = await session.get(Organisation, org.id)
        events = (
            await session.exec(select(AuditEvent).where(AuditEvent.action == "admin_reminders"))
        ).all()
    assert row is not None
    assert (row.remind_day_before, row.remind_on_the_day, row.reminder_hour) == (False, False, 10)
    assert len(events) == 2 and events[0].detail == {
        "organisation_id": org.id,
        "day_before": False,
        "on_the_day": True,
        "hour": 15,
    }
