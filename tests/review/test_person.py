"""A person's page: what needs attention, their shared answers in their own words (and only
those), what changed since last time, what is new since I last looked, the next appointment,
every time a tool was shared, one conversation in full — and who may open any of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import col, select

from storage.models import (
    Appointment,
    AuditEvent,
    Conversation,
    Note,
    PersonSeen,
    PlanItem,
    ServiceUser,
    Staff,
)
from tests.support.review import ReviewHarness

SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>html</b>"
CIRCLE = "people_in_my_life"


def main(html: str) -> str:
    """The page's own content (not the header, footer or form tokens)."""
    return html[html.index("<main") : html.index("</main>")]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", main(html)).split())


async def audit_actions(review: ReviewHarness, person: ServiceUser) -> list[str]:
    async with review.db.transaction() as session:
        rows = await session.exec(
            select(AuditEvent.action)
            .where(AuditEvent.service_user_id == person.id)
            .order_by(col(AuditEvent.id))
        )
        return list(rows.all())


async def test_answers_by_section_in_their_words_escaped(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex <i>Example</i>")
    conv = await review.conversation(
        alex,
        "good_day_bad_day",
        {"good_day": SCRIPT, "bad_day": BOLD, "good_where": "Line one\nLine two"},
        skipped=("good_people",),
    )
    await review.flag(alex, message=f"I feel {SCRIPT}", category="suicide_self_harm")
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}")
    assert page.status_code == 200
    body = main(page.text)
    assert "<script>alert" not in page.text and "<b>html" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;b&gt;html&lt;/b&gt;" in body
    assert "Alex &lt;i&gt;Example&lt;/i&gt;" in body
    assert "I feel &lt;script&gt;" in body
    # Under the script's summary headings, with the question as it was asked.
    text = text_of(page.text)
    assert "Good day, bad day" in text
    assert "Skipped" in text
    assert f'href="/people/{alex.id}/conversations/{conv.id}"' in body
    assert "/plan/new?answer=" in body
    assert "Safeguarding: " in text and "Mark as resolved" in text


async def test_headings_questions_and_add_to_plan_links(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex")
    await review.conversation(alex, "good_day_bad_day", {"good_day": "Fishing"})
    script = review.config.catalogue.get("good_day_bad_day")  # type: ignore[union-attr]
    assert script is not None
    async with review.db.transaction() as session:
        from storage.models import Answer

        answer = (await session.exec(select(Answer))).one()
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}")
    body = main(page.text)
    heading = script.summary[0].heading.pick("en")
    assert heading in page.text.replace("&#39;", "'")
    question = script.step("good_day").text.pick("en").strip().splitlines()[0]
    assert question.replace("'", "&#39;") in body
    assert f'href="/people/{alex.id}/plan/new?answer={answer.id}"' in body


async def test_skipped_and_rather_not_say_are_said_kindly(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    conv = await review.conversation(alex, CIRCLE, {"harder": None}, skipped=("closer_to",))
    async with review.db.transaction() as session:
        from storage.models import Answer

        row = (await session.exec(select(Answer).where(Answer.step_id == "harder"))).one()
        row.declined, row.display = True, ""
        session.add(row)
    async with review.signed_in(sam) as web:
        text = text_of((await web.get(f"/people/{alex.id}")).text)
    assert "Skipped" in text and "Chose not to say" in text
    assert conv.id


async def test_what_changed_since_the_last_time(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    await review.conversation(
        alex,
        CIRCLE,
        {
            "people": [
                {"name": "Jo", "part": "family", "close": "very_close"},
                {"name": "Kim", "part": "friends"},
            ],
            "closer_to": "My brother",
        },
    )
    review.clock.advance(days=7)
    await review.conversation(
        alex,
        CIRCLE,
        {
            "people": [
                {"name": "jo", "part": "family", "close": "quite_close"},
                {"name": "Sam", "part": "friends"},
            ],
            "closer_to": "My mum",
        },
    )
    async with review.signed_in(sam) as web:
        text = text_of((await web.get(f"/people/{alex.id}")).text)
    assert "What changed since last time" in text
    assert "The people in your life: added Sam (friends)" in text
    assert "The people in your life: no longer listed: Kim (friends)" in text
    assert "for jo, changed from “Very close” to “Quite close”" in text
    assert "Who to be closer to: changed from “My brother” to “My mum”" in text
    assert "1 earlier time" in text


async def test_nothing_changed_is_said_and_first_time_says_nothing(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    await review.conversation(alex, "aspirations", {"five_years": "A garage"})
    async with review.signed_in(sam) as web:
        first = text_of((await web.get(f"/people/{alex.id}")).text)
        review.clock.advance(minutes=30)
        await review.conversation(alex, "aspirations", {"five_years": "A garage"})
        again = text_of((await web.get(f"/people/{alex.id}")).text)
    assert "What changed" not in first and "Nothing changed" not in first
    assert "Nothing changed since the time before" in again


async def test_sensitive_answers_are_behind_a_link(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    conv = await review.conversation(alex, "good_day_bad_day", {"good_day": "About my health"})
    async with review.db.transaction() as session:
        row = await session.get(Conversation, conv.id)
        assert row is not None
        row.sensitive = True
        session.add(row)
    async with review.signed_in(sam) as web:
        body = main((await web.get(f"/people/{alex.id}")).text)
        own = main((await web.get(f"/people/{alex.id}/conversations/{conv.id}")).text)
    for html in (body, own):
        details = html.index('<details id="sensitive-')
        assert "This holds sensitive information — show" in html
        assert html.index("About my health") > details
        assert "<details" in html and " open" not in html[details : details + 120]


async def test_in_progress_and_private_never_show_answers(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex")
    await review.conversation(
        alex, "good_day_bad_day", {"good_day": "ACTIVE WORDS"}, status="active"
    )
    await review.conversation(
        alex, "aspirations", {"five_years": "PRIVATE WORDS"}, sharing="private"
    )
    paused = await review.conversation(alex, CIRCLE, {"closer_to": "PAUSED WORDS"}, status="paused")
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}")
        text = text_of(page.text)
        hidden = await web.get(f"/people/{alex.id}/conversations/{paused.id}")
        no_history = await web.get(f"/people/{alex.id}/tools/aspirations")
    assert "WORDS" not in page.text
    assert "Good day, bad day" in text and "Started, not finished" in text
    assert "Finished, not shared" in text and "Paused" in text
    assert "Alex has not shared any answers yet" in text
    assert hidden.status_code == 404 and "PAUSED" not in hidden.text
    assert no_history.status_code == 404


async def test_new_since_i_last_looked(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex")
    await review.conversation(alex, "aspirations", {"five_years": "Old"})
    async with review.signed_in(sam) as web:
        first = text_of((await web.get(f"/people/{alex.id}")).text)
        assert "first time you have opened Alex’s page" in first
        review.clock.advance(minutes=20)
        quiet = text_of((await web.get(f"/people/{alex.id}")).text)
        assert "Nothing new since you last looked" in quiet and "New " not in quiet
        review.clock.advance(minutes=20)
        await review.conversation(alex, "good_day_bad_day", {"good_day": "Fresh"})
        await review.flag(alex, "callback")
        async with review.db.transaction() as session:
            session.add(
                PlanItem(
                    service_user_id=alex.id or 0,
                    what="Find a course",
                    created_by=sam.id or 0,
                    sent_at=review.clock(),
                    response="agree",
                    responded_at=review.clock(),
                )
            )
        review.clock.advance(minutes=5)
        page = await web.get(f"/people/{alex.id}")
    body = main(page.text)
    text = text_of(page.text)
    assert "New since you last looked" in text
    assert "1 shared conversation, 1 flag, 1 reply to the plan" in text
    fresh = body[body.index('id="tool-good_day_bad_day"') :]
    old = body[body.index('id="tool-aspirations"') :]
    assert "New" in fresh[: fresh.index("</h3>")]
    assert "New" not in old[: old.index("</h3>")]
    async with review.db.transaction() as session:
        seen = await session.get(PersonSeen, (sam.id, alex.id))
    assert seen is not None and seen.seen_at == review.clock()


async def test_what_one_member_of_staff_has_seen_is_theirs(review: ReviewHarness) -> None:
    sam = await review.staff()
    senior = await review.staff("senior")
    alex = await review.person(sam)
    async with review.signed_in(sam) as web:
        await web.get(f"/people/{alex.id}")
    async with review.db.transaction() as session:
        mine = await session.get(PersonSeen, (sam.id, alex.id))
        theirs = await session.get(PersonSeen, (senior.id, alex.id))
    assert mine is not None and theirs is None


async def test_details_links_and_not_joined(review: ReviewHarness) -> None:
    sam = await review.staff(name="Sam Jones")
    alex = await review.person(sam, name="Alex", crn="A123456", joined=False)
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}")
    body = main(page.text)
    text = text_of(page.text)
    assert "CRN A123456" in text and "Not joined yet" in text and "Sam Jones" in text
    for link in ("brief", "invite", "export.csv", "export.json", "appointment"):
        assert f'href="/people/{alex.id}/{link}"' in body
    assert "Nothing needs attention" in text and "None booked" in text
    assert "view_person" in await audit_actions(review, alex)


async def test_notes_newest_first_with_who_and_about_what(review: ReviewHarness) -> None:
    sam = await review.staff(name="Sam Jones")
    alex = await review.person(sam)
    conv = await review.conversation(alex, "aspirations", {"five_years": "A garage"})
    async with review.db.transaction() as session:
        session.add(
            Note(
                service_user_id=alex.id or 0,
                staff_id=sam.id or 0,
                text="First <b>note</b>",
                created_at=review.clock(),
            )
        )
        session.add(
            Note(
                service_user_id=alex.id or 0,
                staff_id=sam.id or 0,
                conversation_id=conv.id,
                text="Second note",
                created_at=review.clock() + timedelta(minutes=1),
            )
        )
    async with review.signed_in(sam) as web:
        body = main((await web.get(f"/people/{alex.id}")).text)
    assert body.index("Second note") < body.index("First &lt;b&gt;note&lt;/b&gt;")
    assert "Sam Jones" in body
    assert f'href="/people/{alex.id}/conversations/{conv.id}">My hopes' in body


async def test_next_appointment_recorded_and_replaced(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    url = f"/people/{alex.id}/appointment"
    good = {
        "at-day": "3",
        "at-month": "12",
        "at-year": "2026",
        "time": "2:30pm",
        "kind": "in_person",
        "place": "Leeds office, room <2>",
    }
    async with review.signed_in(sam) as web:
        form = await web.get(url)
        assert form.status_code == 200 and "Next appointment" in form.text
        empty = await web.post(url, {})
        assert empty.status_code == 400
        assert "Error: " in empty.text and "Enter the date of the appointment" in empty.text
        assert "Enter the time of the appointment" in empty.text
        assert "Select how the appointment will happen" in empty.text
        past = await web.post(url, {**good, "at-year": "2025"})
        assert "The appointment must be in the future" in past.text
        unreal = await web.post(url, {**good, "at-day": "31", "at-month": "2"})
        assert "must be a real date" in unreal.text and 'value="31"' in unreal.text
        no_month = await web.post(url, {**good, "at-month": ""})
        assert "must include a month" in no_month.text
        vague = await web.post(url, {**good, "time": "2:30"})
        assert "Add am or pm" in vague.text
        saved = await web.post(url, good)
        assert saved.status_code == 303
        assert saved.headers["location"] == f"/people/{alex.id}?done=appointment"
        page = await web.get(saved.headers["location"])
        text = text_of(page.text)
        assert "Next appointment saved" in text
        assert "Thursday 3 December 2026, 2:30pm" in text
        assert "In person: Leeds office, room &lt;2&gt;" in main(page.text)
        again = await web.post(url, {**good, "at-day": "4", "time": "09:15", "kind": "phone"})
        assert again.status_code == 303
        refilled = await web.get(url)
        assert 'value="4"' in refilled.text and 'value="09:15"' in refilled.text
    async with review.db.transaction() as session:
        rows = list(
            (
                await session.exec(
                    select(Appointment)
                    .where(Appointment.service_user_id == alex.id)
                    .order_by(col(Appointment.id))
                )
            ).all()
        )
    assert len(rows) == 2
    assert rows[0].cancelled_at is not None and rows[1].cancelled_at is None
    assert rows[1].at == datetime(2026, 12, 4, 9, 15, tzinfo=UTC)  # GMT in December
    assert rows[1].kind == "phone"
    assert "set_appointment" in await audit_actions(review, alex)


async def test_every_time_a_tool_was_shared_and_one_in_full(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex")
    first = await review.conversation(alex, "aspirations", {"five_years": "A garage <b>"})
    review.clock.advance(days=3)
    second = await review.conversation(alex, "aspirations", {"five_years": "A bike shop"})
    other = await review.person(sam)
    theirs = await review.conversation(other, "aspirations", {"five_years": "Not Alex"})
    async with review.signed_in(sam) as web:
        history = await web.get(f"/people/{alex.id}/tools/aspirations")
        assert history.status_code == 200
        body = main(history.text)
        assert body.index(f"/conversations/{second.id}") < body.index(f"/conversations/{first.id}")
        assert "shared this 2 times" in text_of(history.text)
        full = await web.get(f"/people/{alex.id}/conversations/{second.id}")
        assert full.status_code == 200
        text = text_of(full.text)
        assert "A bike shop" in text
        assert "changed from “A garage &lt;b&gt;” to “A bike shop”" in main(full.text)
        oldest = text_of((await web.get(f"/people/{alex.id}/conversations/{first.id}")).text)
        assert "This was the first time" in oldest
        assert (await web.get(f"/people/{alex.id}/conversations/{theirs.id}")).status_code == 404
        assert (await web.get(f"/people/{alex.id}/conversations/999999")).status_code == 404
        assert (await web.get(f"/people/{alex.id}/tools/no_such_tool")).status_code == 404
    actions = await audit_actions(review, alex)
    assert "view_tool_history" in actions and actions.count("view_conversation") == 2


async def _fill(review: ReviewHarness, person: ServiceUser, staff: Staff, n: int) -> None:
    tools = ["good_day_bad_day", "aspirations", CIRCLE]
    for i in range(n):
        review.clock.advance(hours=1)
        tool = tools[i % len(tools)]
        answers: dict[str, Any] = {
            "good_day_bad_day": {"good_day": f"Day {i}", "bad_day": "Rain"},
            "aspirations": {"five_years": f"Goal {i}"},
            CIRCLE: {"people": [{"name": f"P{i}", "part": "friends"}], "closer_to": "Mum"},
        }[tool]
        conv = await review.conversation(person, tool, answers)
        if i % 4 == 0:
            await review.conversation(person, tool, answers, status="active")
        await review.flag(person, message=f"Flag {i}", conversation_id=conv.id)
        async with review.db.transaction() as session:
            session.add(
                Note(
                    service_user_id=person.id or 0,
                    staff_id=staff.id or 0,
                    conversation_id=conv.id,
                    text=f"Note {i}",
                )
            )
            session.add(
                PlanItem(service_user_id=person.id or 0, what=f"Item {i}", created_by=staff.id or 0)
            )
            if i % 2:
                row = await session.get(Conversation, conv.id)
                assert row is not None
                row.reviewed_at, row.reviewed_by = review.clock(), staff.id
                row.attention = ["Said they are struggling"]
                session.add(row)


async def test_a_fixed_number_of_queries_however_long_the_history(review: ReviewHarness) -> None:
    sam = await review.staff()
    other = await review.staff()
    few = await review.person(sam)
    many = await review.person(other)
    await _fill(review, few, sam, 1)
    await _fill(review, many, other, 30)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    counts = {}
    for staff, person in ((sam, few), (other, many)):
        async with review.signed_in(staff) as web:
            event.listen(review.db.engine.sync_engine, "before_cursor_execute", count)
            try:
                statements.clear()
                page = await web.get(f"/people/{person.id}")
                assert page.status_code == 200
            finally:
                event.remove(review.db.engine.sync_engine, "before_cursor_execute", count)
            counts[person.id] = len(statements)
    assert counts[few.id] == counts[many.id], counts
    assert counts[many.id] <= 25, statements
    assert "Flag 29" in page.text and "Note 29" in page.text and "Item 29" in page.text


async def test_no_one_else_may_open_anything(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    conv = await review.conversation(alex, "aspirations", {"five_years": "A garage"})
    colleague = await review.staff()
    elsewhere = await review.staff("senior", org="Women's Centre")
    partner_cm = await review.staff("case_manager", org="Women's Centre")
    admin = await review.staff("admin")
    base = f"/people/{alex.id}"
    urls = [
        base,
        f"{base}/tools/aspirations",
        f"{base}/conversations/{conv.id}",
        f"{base}/appointment",
    ]
    for staff in (colleague, elsewhere, partner_cm, admin):
        async with review.signed_in(staff) as web:
            for url in urls:
                page = await web.get(url)
                assert page.status_code in (403, 404), (staff.role, url, page.status_code)
                assert "A garage" not in page.text
            post = await web.post(
                f"{base}/appointment",
                {
                    "at-day": "1",
                    "at-month": "12",
                    "at-year": "2026",
                    "time": "10am",
                    "kind": "phone",
                },
            )
            assert post.status_code in (403, 404)
    # A senior of the same organisation may.
    senior = await review.staff("senior")
    async with review.signed_in(senior) as web:
        for url in urls:
            assert (await web.get(url)).status_code == 200, url
    async with review.db.transaction() as session:
        assert not (await session.exec(select(Appointment))).all()


async def test_ids_beyond_any_row_are_not_found(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    big = 2**40
    async with review.signed_in(sam) as web:
        for url in (
            f"/people/{big}",
            f"/people/{big}/tools/aspirations",
            f"/people/{alex.id}/conversations/{big}",
            f"/people/{big}/appointment",
            f"/people/{alex.id}/media/{big}",
        ):
            assert (await web.get(url)).status_code == 404, url
        for url in (
            f"/people/{alex.id}/conversations/{big}/review",
            f"/people/{big}/notes",
            f"/people/{alex.id}/flags/{big}/resolve",
        ):
            assert (await web.post(url, {"text": "x", "resolution": "x"})).status_code == 404, url
