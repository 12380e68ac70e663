"""Setting tools for a person to do before an appointment: the form (tools in their language,
an appointment or a date, a note in plain words), what it sets and schedules, the list with
how far each has got, cancelling one, the caseload's "In progress", appointments that move or
are cancelled — and who may do any of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from storage.models import Appointment, Assignment, AuditEvent, DueJob, ServiceUser
from tests.support.review import ReviewHarness

NOTE = "Have a think about who helps you <b>we'll talk</b> on Tuesday"


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", main(html)).split())


async def _appointment(review: ReviewHarness, person: ServiceUser, days: float) -> Appointment:
    async with review.db.transaction() as session:
        row = Appointment(
            service_user_id=person.id or 0,
            at=review.clock() + timedelta(days=days),
            kind="in_person",
            place="Room 2",
        )
        session.add(row)
    return row


async def _assignments(review: ReviewHarness, person: ServiceUser) -> list[Assignment]:
    async with review.db.transaction() as session:
        rows = await session.exec(
            select(Assignment)
            .where(Assignment.service_user_id == person.id)
            .order_by(col(Assignment.id))
        )
        return list(rows.all())


async def _jobs(review: ReviewHarness, kind: str, ref_id: int) -> list[DueJob]:
    async with review.db.transaction() as session:
        rows = await session.exec(
            select(DueJob).where(DueJob.kind == kind, DueJob.ref_id == ref_id)
        )
        return list(rows.all())


async def _actions(review: ReviewHarness, person: ServiceUser) -> list[str]:
    async with review.db.transaction() as session:
        rows = await session.exec(
            select(AuditEvent.action).where(AuditEvent.service_user_id == person.id)
        )
        return list(rows.all())


async def test_the_form_offers_tools_in_their_language_and_their_appointments(
    review: ReviewHarness,
) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Example")
    soon = await _appointment(review, alex, 5)
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}/assignments/new")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Set tools before the next appointment" in text
    for title in ("Good day, bad day", "Check-in between appointments", "People in my life"):
        assert title in text
    # The next appointment is chosen already; a date is the other choice.
    assert re.search(rf'value="{soon.id}"\s+checked', page.text)
    assert "A date, not an appointment" in text
    assert "exactly as you write it" in text and "no jargon" in text
    assert "view_assignment_form" in await _actions(review, alex)

    # Someone whose language no tool is written in is offered none.
    async with review.db.transaction() as session:
        row = await session.get(ServiceUser, alex.id)
        assert row is not None
        row.language = "pl"
        session.add(row)
    async with review.signed_in(sam) as web:
        text = text_of((await web.get(f"/people/{alex.id}/assignments/new")).text)
    assert "There are no tools in Alex’s language yet" in text
    assert "Good day, bad day" not in text


async def test_setting_tools_before_the_next_appointment(review: ReviewHarness) -> None:
    sam = await review.staff(name="Sam Officer")
    alex = await review.person(sam, name="Alex Example")
    soon = await _appointment(review, alex, 6)
    async with review.signed_in(sam) as web:
        sent = await web.post(
            f"/people/{alex.id}/assignments/new",
            {
                "tools": ["people_in_my_life", "good_day_bad_day"],
                "when": str(soon.id),
                "note": NOTE,
            },
        )
        assert sent.status_code == 303
        assert sent.headers["location"] == f"/people/{alex.id}?done=tools#between-heading"
        page = await web.get(sent.headers["location"])

    made = await _assignments(review, alex)
    assert sorted(a.tool for a in made) == ["good_day_bad_day", "people_in_my_life"]
    for a in made:
        assert a.status == "set" and a.appointment_id == soon.id and a.due_at == soon.at
        assert a.note == NOTE and a.set_by == sam.id
        # The invitation, at once (the scheduler waits for the end of quiet hours), and expiry.
        assert [j.due_at for j in await _jobs(review, "invite", a.id or 0)] == [review.clock()]
        assert [j.due_at for j in await _jobs(review, "expire", a.id or 0)] == [soon.at]
    assert "set_tools" in await _actions(review, alex)

    text = text_of(page.text)
    assert "Tools set. Tandem will send the invitation on Telegram." in text
    assert "Tools set for Alex" in text
    assert "Good day, bad day" in text and "People in my life" in text
    assert "Before the appointment on" in text and "by Sam Officer" in text
    # Their words as typed, escaped.
    assert "&lt;b&gt;we&#39;ll talk&lt;/b&gt;" in page.text and "<b>we'll" not in page.text
    assert text.count("Cancel Good day, bad day") == 1


async def test_without_an_appointment_a_date_by_which(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Example")
    async with review.signed_in(sam) as web:
        form = await web.get(f"/people/{alex.id}/assignments/new")
        assert "Alex has no appointment booked" in text_of(form.text)
        sent = await web.post(
            f"/people/{alex.id}/assignments/new",
            {
                "tools": ["check_in"],
                "when": "date",
                "by-day": "27",
                "by-month": "11",
                "by-year": "2026",
            },
        )
    assert sent.status_code == 303
    [made] = await _assignments(review, alex)
    # All of 27 November, UK time (GMT then): due at midnight as the 28th begins.
    assert made.due_at == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    assert made.appointment_id is None and made.note is None


async def test_mistakes_are_shown_and_what_was_typed_kept(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    async with review.signed_in(sam) as web:
        nothing = await web.post(
            f"/people/{alex.id}/assignments/new",
            {"when": "date", "by-day": "1", "by-month": "1", "by-year": "2020", "note": "x" * 501},
        )
        unknown = await web.post(
            f"/people/{alex.id}/assignments/new",
            {
                "tools": ["no_such_tool"],
                "when": "date",
                "by-day": "31",
                "by-month": "2",
                "by-year": "2027",
            },
        )
    assert nothing.status_code == 400
    text = text_of(nothing.text)
    assert "<title>Error: " in nothing.text
    assert "Select at least one tool" in text
    assert "The date to do it by must be today or in the future" in text
    assert "The note must be 500 characters or fewer" in text
    assert "x" * 501 in nothing.text  # kept to shorten
    assert unknown.status_code == 400
    assert "Select tools from the list" in text_of(unknown.text)
    assert "The date to do it by must be a real date" in text_of(unknown.text)
    assert await _assignments(review, alex) == []


async def test_cancelling_a_tool_stops_what_was_scheduled(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    bo = await review.person(sam)
    soon = await _appointment(review, alex, 4)
    async with review.signed_in(sam) as web:
        await web.post(
            f"/people/{alex.id}/assignments/new", {"tools": ["aspirations"], "when": str(soon.id)}
        )
        [made] = await _assignments(review, alex)
        # Through someone else's address, even someone the member of staff may see: not found.
        wrong = await web.post(f"/people/{bo.id}/assignments/{made.id}/cancel")
        assert wrong.status_code == 404
        sent = await web.post(f"/people/{alex.id}/assignments/{made.id}/cancel")
        assert sent.status_code == 303
        page = await web.get(sent.headers["location"])
        again = await web.post(f"/people/{alex.id}/assignments/{made.id}/cancel")
        assert again.headers["location"].startswith(f"/people/{alex.id}?done=tool_not_open")
    [made] = await _assignments(review, alex)
    assert made.status == "cancelled"
    for kind in ("invite", "expire"):
        assert all(j.outcome == "cancelled" for j in await _jobs(review, kind, made.id or 0))
    text = text_of(page.text)
    assert "Tool cancelled. Tandem will send nothing more about it." in text
    assert "Cancelled" in text and "Cancel My hopes" not in text
    assert (await _actions(review, alex)).count("cancel_assignment") == 1


async def test_how_far_each_has_got_on_the_page_and_the_caseload(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Example")
    now = review.clock()
    statuses = {
        "good_day_bad_day": ("set", now),  # invited
        "aspirations": ("set", None),
        "people_in_my_life": ("started", now),
        "check_in": ("shared", now),
        "places_that_help": ("reviewed", now),
        "four_plus_one": ("expired", now),
        "important_to_for": ("cancelled", None),
    }
    async with review.db.transaction() as session:
        for tool, (status, invited) in statuses.items():
            session.add(
                Assignment(
                    service_user_id=alex.id or 0,
                    tool=tool,
                    due_at=now + timedelta(days=3),
                    status=status,
                    invited_at=invited,
                    set_by=sam.id,
                    created_at=now,
                    updated_at=now,
                )
            )
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}")
        caseload = await web.get("/")
    for tag in ("Invited", "Set", "Started", "Shared", "Reviewed", "Not done in time", "Cancelled"):
        assert f">\n  {tag}\n</strong>" in page.text or f">{tag}</strong>" in page.text, tag
    # Open ones first, and only they can be cancelled.
    text = text_of(page.text)
    assert text.count("Cancel ") == 3
    assert text.index("Good day, bad day") < text.index("Places and people that help")
    cells = text_of(caseload.text)
    assert "Good day, bad day (invited)" in cells
    assert "My hopes (set)" in cells
    assert "(started)" in cells
    assert "Check-in between appointments (" not in cells


async def test_tools_and_reminders_follow_the_appointment(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    async with review.signed_in(sam) as web:
        await web.post(
            f"/people/{alex.id}/appointment",
            {"at-day": "1", "at-month": "12", "at-year": "2026", "time": "14:30", "kind": "phone"},
        )
        async with review.db.transaction() as session:
            first = (await session.exec(select(Appointment))).one()
        reminders = await _jobs(review, "appointment_day_before", first.id or 0)
        assert [j.done_at for j in reminders] == [None]
        await web.post(
            f"/people/{alex.id}/assignments/new", {"tools": ["aspirations"], "when": str(first.id)}
        )
        # Moved to another day: the tool is now due then, and the old reminders are off.
        await web.post(
            f"/people/{alex.id}/appointment",
            {"at-day": "3", "at-month": "12", "at-year": "2026", "time": "10:00", "kind": "phone"},
        )
        [made] = await _assignments(review, alex)
        assert made.due_at == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
        assert made.appointment_id != first.id
        assert all(
            j.outcome == "cancelled"
            for j in await _jobs(review, "appointment_day_before", first.id or 0)
        )
        # Cancelled outright: its reminders stop too.
        form = await web.get(f"/people/{alex.id}/appointment")
        assert "Cancel the appointment" in form.text
        sent = await web.post(f"/people/{alex.id}/appointment/cancel")
        assert sent.headers["location"] == f"/people/{alex.id}?done=appointment_cancelled"
        page = await web.get(sent.headers["location"])
    assert "Next appointment cancelled" in text_of(page.text)
    async with review.db.transaction() as session:
        booked = (await session.exec(select(Appointment).order_by(col(Appointment.id)))).all()
    assert all(a.cancelled_at is not None for a in booked)
    for kind in ("appointment_day_before", "appointment_morning"):
        assert all(j.done_at is not None for j in await _jobs(review, kind, booked[1].id or 0))
    assert "cancel_appointment" in await _actions(review, alex)


async def test_only_those_who_may_see_the_person(review: ReviewHarness) -> None:
    sam = await review.staff()
    colleague = await review.staff()
    senior = await review.staff("senior")
    alex = await review.person(sam)
    form = {
        "tools": ["aspirations"],
        "when": "date",
        "by-day": "4",
        "by-month": "12",
        "by-year": "2026",
    }
    async with review.signed_in(colleague) as web:
        assert (await web.get(f"/people/{alex.id}/assignments/new")).status_code == 404
        assert (await web.post(f"/people/{alex.id}/assignments/new", form)).status_code == 404
    assert await _assignments(review, alex) == []
    async with review.signed_in(senior) as web:
        assert (await web.post(f"/people/{alex.id}/assignments/new", form)).status_code == 303
    [made] = await _assignments(review, alex)
    async with review.signed_in(colleague) as web:
        sent = await web.post(f"/people/{alex.id}/assignments/{made.id}/cancel")
        assert sent.status_code == 404
    assert (await _assignments(review, alex))[0].status == "set"
