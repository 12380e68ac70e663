"""Regular check-ins from a person's page: start them (how often, how long each stays open,
the first day), see them, change them, stop them; mistakes explained; and only staff who may
see the person can."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import col, select

from storage.models import AuditEvent, CheckinSchedule, DueJob, ServiceUser
from tests.support.review import ReviewHarness


def text_of(html: str) -> str:
    body = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def start(every: str = "7", window: str = "3", day: str = "1", month: str = "12") -> dict[str, str]:
    return {
        "action": "start",
        "every": every,
        "window": window,
        "first-day": day,
        "first-month": month,
        "first-year": "2026",
    }


async def _schedules(review: ReviewHarness, person: ServiceUser) -> list[CheckinSchedule]:
    async with review.db.transaction() as session:
        rows = await session.exec(
            select(CheckinSchedule)
            .where(CheckinSchedule.service_user_id == person.id)
            .order_by(col(CheckinSchedule.id))
        )
        return list(rows.all())


async def _jobs(review: ReviewHarness, schedule: CheckinSchedule) -> list[DueJob]:
    async with review.db.transaction() as session:
        rows = await session.exec(
            select(DueJob).where(DueJob.kind == "checkin", DueJob.ref_id == schedule.id)
        )
        return list(rows.all())


async def test_start_see_change_and_stop(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Example")
    async with review.signed_in(sam) as web:
        person = text_of((await web.get(f"/people/{alex.id}")).text)
        assert "Regular check-ins None." in person and "Start regular check-ins" in person
        form = await web.get(f"/people/{alex.id}/checkins")
        assert form.status_code == 200
        # Today is offered as the first day, fortnightly as how often.
        assert re.search(r'id="first-day" name="first-day" type="text" value="20"', form.text)
        assert re.search(r'name="every" type="radio" value="14" checked', form.text)
        sent = await web.post(f"/people/{alex.id}/checkins", start())
        assert sent.status_code == 303
        page = await web.get(sent.headers["location"])
    [schedule] = await _schedules(review, alex)
    assert schedule.active and schedule.every_days == 7 and schedule.window_days == 3
    assert schedule.tool == "check_in" and schedule.created_by == sam.id
    # 10am on the person's clock (GMT on 1 December).
    assert schedule.next_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert [j.due_at for j in await _jobs(review, schedule)] == [schedule.next_at]
    text = text_of(page.text)
    assert "Regular check-ins started" in text
    assert "Every week, open for 3 days each time. Next one: Tuesday 1 December 2026." in text

    async with review.signed_in(sam) as web:
        shown = text_of((await web.get(f"/people/{alex.id}/checkins")).text)
        assert "Every week" in shown and "3 days each time" in shown
        assert "Stop regular check-ins" in shown
        # Changing starts again: the old schedule stops, its opening is called off.
        await web.post(f"/people/{alex.id}/checkins", start(every="28", window="7", day="3"))
        old, new = await _schedules(review, alex)
        assert not old.active and new.active and new.every_days == 28
        assert all(j.done_at is not None for j in await _jobs(review, old))
        stopped = await web.post(f"/people/{alex.id}/checkins", {"action": "stop"})
        page = await web.get(stopped.headers["location"])
    assert not any(s.active for s in await _schedules(review, alex))
    assert "Regular check-ins stopped" in text_of(page.text)
    async with review.db.transaction() as session:
        actions = (
            await session.exec(
                select(AuditEvent.action).where(AuditEvent.service_user_id == alex.id)
            )
        ).all()
    assert actions.count("start_checkins") == 2 and actions.count("stop_checkins") == 1


async def test_mistakes_are_explained(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    async with review.signed_in(sam) as web:
        too_long = await web.post(f"/people/{alex.id}/checkins", start(every="7", window="8"))
        past = await web.post(f"/people/{alex.id}/checkins", start(day="1", month="1"))
        empty = await web.post(
            f"/people/{alex.id}/checkins", {"action": "start", "every": "5", "window": ""}
        )
    assert too_long.status_code == 400
    assert "A check-in must close before the next one opens" in text_of(too_long.text)
    assert "The first check-in must be today or in the future" in text_of(past.text)
    text = text_of(empty.text)
    assert "<title>Error: " in empty.text
    assert "Select how often" in text
    assert "Enter how many days each check-in stays open" in text
    assert "Enter the date of the first check-in" in text
    assert await _schedules(review, alex) == []


async def test_only_those_who_may_see_the_person(review: ReviewHarness) -> None:
    sam = await review.staff()
    colleague = await review.staff()
    alex = await review.person(sam)
    async with review.signed_in(colleague) as web:
        assert (await web.get(f"/people/{alex.id}/checkins")).status_code == 404
        assert (await web.post(f"/people/{alex.id}/checkins", start())).status_code == 404
    assert await _schedules(review, alex) == []
    async with review.signed_in(sam) as web:
        await web.post(f"/people/{alex.id}/checkins", start())
    async with review.signed_in(colleague) as web:
        sent = await web.post(f"/people/{alex.id}/checkins", {"action": "stop"})
        assert sent.status_code == 404
    assert [s.active for s in await _schedules(review, alex)] == [True]
