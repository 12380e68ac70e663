"""The session brief: one printable page for the next appointment."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import select

from bot.review.web import HERE
from storage.models import Appointment, AuditEvent, Conversation, PlanItem, ServiceUser, Staff
from tests.support.review import ReviewHarness


async def _appointment(review: ReviewHarness, person: ServiceUser, **delta: float) -> None:
    async with review.db.transaction() as session:
        session.add(
            Appointment(
                service_user_id=person.id or 0,
                at=review.clock() + timedelta(**delta),
                place="Room 4, Civic Centre",
            )
        )


async def _plan(review: ReviewHarness, person: ServiceUser, staff: Staff, **kw: object) -> None:
    async with review.db.transaction() as session:
        session.add(PlanItem(service_user_id=person.id or 0, created_by=staff.id or 0, **kw))


async def _mark(review: ReviewHarness, conv: Conversation, **values: object) -> None:
    async with review.db.transaction() as session:
        row = await session.get(Conversation, conv.id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


async def test_brief_shows_attention_new_words_and_plan(review: ReviewHarness) -> None:
    sam = await review.staff(name="Sam Case")
    alex = await review.person(sam, name="Alex Smith", crn="X123456")
    # An old conversation, before the last appointment: on the page, but not "new".
    await review.conversation(alex, "aspirations", {"five_years": "Run my own garage"})
    review.clock.advance(days=10)
    await _appointment(review, alex, days=-3)
    await _appointment(review, alex, days=4)
    cancelled = Appointment(service_user_id=alex.id or 0, at=review.clock() + timedelta(days=1))
    cancelled.cancelled_at = review.clock()
    async with review.db.transaction() as session:
        session.add(cancelled)
    good = await review.conversation(
        alex,
        "good_day_bad_day",
        {"good_day": "Fishing with my brother", "bad_day": "Rows at the hostel"},
        skipped=("good_where",),
    )
    await _mark(review, good, attention=["Said they are struggling"])
    private = await review.conversation(alex, "check_in", {"feeling": "well"}, sharing="private")
    assert private.sharing == "private"
    health = await review.conversation(alex, "people_in_my_life", {})
    await _mark(review, health, sensitive=True)
    await review.flag(alex, "callback", message="Please ring me about my flat")
    await _plan(
        review,
        alex,
        sam,
        what="Ask the council about a flat",
        who="Alex and Sam",
        by_when=date(2026, 12, 10),
        sent_at=review.clock(),
        sent_revision=1,
        response="change",
        response_text="Can we do it after Christmas",
    )
    await _plan(review, alex, sam, what="A dropped idea", status="dropped")

    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}/brief")
    assert page.status_code == 200, page.text
    text = page.text
    assert "<h1" in text and text.count("<h1") == 1
    assert "Alex Smith" in text and "X123456" in text and "Sam Case" in text
    # The next appointment is the booked one, not the cancelled one sooner.
    assert "Room 4, Civic Centre" in text
    assert "Friday 4 December 2026, 10:00am" in text
    attention = text[text.index("Needs attention") : text.index("New since")]
    assert "Asked for a call" in attention and "Please ring me about my flat" in attention
    assert "Good day, bad day" in attention and "Said they are struggling" in attention
    new = text[text.index("New since") : text.index("In their own words")]
    assert "Good day, bad day" in new and "My hopes" not in new
    words = text[text.index("In their own words") : text.index("The plan")]
    assert "Fishing with my brother" in words and "Run my own garage" in words
    assert "A good day" in words and "Skipped" in words
    # The script's short labels, not the whole question.
    assert "What you do on a good day" in words
    # Private answers are never shown; sensitive ones are named but not printed.
    assert "Check-in" not in text
    assert re.search(r"Not printed.*People in my life", words, re.S)
    plan = text[text.index("The plan") :]
    assert "Ask the council about a flat" in plan and "10 December 2026" in plan
    assert "Would change something" in plan and "Can we do it after Christmas" in plan
    assert "A dropped idea" not in plan
    assert 'src="/static/print.js"' in text and "<script>" not in text
    assert "Ctrl+P" in text and "data-tandem-print" in text
    async with review.db.transaction() as session:
        events = (await session.exec(select(AuditEvent))).all()
    assert [(e.action, e.service_user_id) for e in events if e.action == "view_brief"] == [
        ("view_brief", alex.id)
    ]


async def test_brief_without_appointments_counts_new_from_four_weeks(
    review: ReviewHarness,
) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    await review.conversation(alex, "aspirations", {"five_years": "Old news"})
    review.clock.advance(days=30)
    await review.conversation(alex, "good_day_bad_day", {"good_day": "Fresh words"})
    async with review.signed_in(sam) as web:
        text = (await web.get(f"/people/{alex.id}/brief")).text
    assert "None booked" in text and "Nothing needs attention" in text
    new = text[text.index("New since") : text.index("In their own words")]
    assert "Good day, bad day" in new and "My hopes" not in new
    assert "There is nothing in the plan yet" in text


async def test_brief_escapes_what_people_typed(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="<script>alert(1)</script>")
    await review.conversation(
        alex, "good_day_bad_day", {"good_day": "<b>bold</b><script>x</script>"}
    )
    await review.flag(alex, "safeguarding", message="<img src=x onerror=alert(1)>")
    await _plan(review, alex, sam, what="<script>plan</script>", response_text="<i>no</i>")
    async with review.signed_in(sam) as web:
        text = (await web.get(f"/people/{alex.id}/brief")).text
    assert "<script>alert" not in text and "<script>x" not in text and "<b>bold" not in text
    assert "<img src=x" not in text and "<script>plan" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;bold&lt;/b&gt;" in text


async def test_brief_is_only_for_those_who_may_see_the_person(review: ReviewHarness) -> None:
    sam = await review.staff()
    other = await review.staff()
    senior = await review.staff("senior")
    far = await review.staff("senior", org="Women's Centre")
    admin = await review.staff("admin")
    alex = await review.person(sam)
    for who, status in ((other, 404), (far, 404), (admin, 404), (senior, 200), (sam, 200)):
        async with review.signed_in(who) as web:
            assert (await web.get(f"/people/{alex.id}/brief")).status_code == status


def test_print_styles_fit_the_brief_on_a4() -> None:
    css = (HERE / "static" / "tandem.css").read_text()
    printing = css[css.index("@media print") :]
    assert "@page { size: A4" in css
    assert ".tandem-no-print" in printing and ".govuk-template__header" in printing
    assert ".tandem-brief" in printing and "columns: 2" in printing
    script = Path(HERE / "static" / "print.js").read_text()
    assert "window.print()" in script
