"""The caseload page: who needs attention first, what is new since I last looked, what is in
progress — only ever the people this member of staff may see, in a fixed number of queries."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

from markupsafe import escape
from sqlalchemy import event
from sqlmodel import select

from storage.models import (
    Appointment,
    AuditEvent,
    Conversation,
    PersonSeen,
    PlanItem,
    ServiceUser,
    Staff,
)
from tests.support.review import ReviewHarness, catalogue

STRUGGLING = {"feeling": "struggling", "support": ["none"], "callback": False}
WELL = {"feeling": "well", "support": ["none"], "callback": False}
GOOD_DAY = {"good_day": "Football with my brother", "bad_day": "Stuck indoors all day"}


async def check_in(
    review: ReviewHarness, person: ServiceUser, answers: dict[str, Any], **kw: Any
) -> Conversation:
    """A shared check-in with its attention reasons, as sharing it on Telegram stores them."""
    conv = await review.conversation(person, "check_in", answers, **kw)
    script = catalogue().get("check_in")
    assert script is not None
    async with review.db.transaction() as session:
        conv.attention = script.attention_reasons(answers)
        session.add(conv)
    return conv


async def appointment(
    review: ReviewHarness, person: ServiceUser, *, days: float, cancelled: bool = False
) -> None:
    async with review.db.transaction() as session:
        session.add(
            Appointment(
                service_user_id=person.id or 0,
                at=review.clock() + timedelta(days=days),
                cancelled_at=review.clock() if cancelled else None,
            )
        )


async def plan_item(
    review: ReviewHarness, person: ServiceUser, by: Staff, *, replied: bool = False
) -> None:
    now = review.clock()
    async with review.db.transaction() as session:
        session.add(
            PlanItem(
                service_user_id=person.id or 0,
                what="Ring the housing officer",
                sent_at=now,
                sent_revision=1,
                response="agree" if replied else None,
                responded_at=now if replied else None,
                created_by=by.id or 0,
            )
        )


async def seen(review: ReviewHarness, staff: Staff, person: ServiceUser, at: datetime) -> None:
    async with review.db.transaction() as session:
        found = await session.get(PersonSeen, (staff.id, person.id))
        row = found or PersonSeen(staff_id=staff.id or 0, service_user_id=person.id or 0)
        row.seen_at = at
        session.add(row)


def rows(page: str) -> list[str]:
    """The caseload table's body rows, as HTML."""
    body = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [r for r in body.split('<tr class="govuk-table__row">')[1:]]


def row_of(page: str, name: str) -> str:
    [found] = [r for r in rows(page) if f">{escape(name)}</a>" in r]
    return found


def names(page: str) -> list[str]:
    found = [re.search(r'">([^<]+)</a>', r) for r in rows(page)]
    return [html.unescape(m.group(1)) for m in found if m]


async def test_needs_attention_first_then_next_appointment_then_name(
    review: ReviewHarness,
) -> None:
    sam = await review.staff(name="Sam Case")
    ada = await review.person(sam, name="Ada Nothing")
    bea = await review.person(sam, name="Bea Later")
    cal = await review.person(sam, name="Cal Soon")
    dee = await review.person(sam, name="Dee Struggling")
    eve = await review.person(sam, name="Eve Call")
    fay = await review.person(sam, name="Fay Safeguarding")
    gus = await review.person(sam, name="Gus Cancelled")
    hal = await review.person(sam, name="Hal Reviewed")
    await appointment(review, bea, days=5)
    await appointment(review, cal, days=1)
    await appointment(review, cal, days=9)
    await appointment(review, dee, days=20)
    await appointment(review, gus, days=0.5, cancelled=True)
    await appointment(review, gus, days=-2)  # in the past: not a next appointment
    await check_in(review, dee, STRUGGLING)
    await check_in(review, ada, WELL)  # shared, nothing that needs attention
    reviewed = await check_in(review, hal, STRUGGLING)
    async with review.db.transaction() as session:
        reviewed.reviewed_at, reviewed.reviewed_by = review.clock(), sam.id
        session.add(reviewed)
    await review.flag(eve, "callback", callback_requested_at=review.clock())
    await review.flag(fay, "safeguarding", message="I can't go on")
    await review.flag(gus, "safeguarding", resolved_at=review.clock(), resolution="Rang them")

    async with review.signed_in(sam) as web:
        page = (await web.get("/")).text

    assert names(page) == [
        "Fay Safeguarding",
        "Eve Call",
        "Dee Struggling",
        "Cal Soon",
        "Bea Later",
        "Ada Nothing",
        "Gus Cancelled",
        "Hal Reviewed",
    ]
    assert "govuk-tag--red tandem-tag" in row_of(page, "Fay Safeguarding")
    assert "Safeguarding" in row_of(page, "Fay Safeguarding")
    assert "Call requested" in row_of(page, "Eve Call")
    assert "govuk-tag--orange" in row_of(page, "Eve Call")
    dee_row = row_of(page, "Dee Struggling")
    assert "Check-in: struggling" in dee_row and "govuk-tag--yellow" in dee_row
    assert "govuk-tag" not in row_of(page, "Hal Reviewed")  # reviewed: read already
    assert "govuk-tag" not in row_of(page, "Gus Cancelled")  # the flag was resolved
    assert "None booked" in row_of(page, "Gus Cancelled")
    assert "Sat 21 Nov 2026, 10:00am" in row_of(page, "Cal Soon")  # UK time, the soonest
    assert "4 need attention" not in page and "3 need attention" in page


async def test_a_safeguarding_flag_with_a_call_asked_for_shows_both(
    review: ReviewHarness,
) -> None:
    sam = await review.staff()
    ash = await review.person(sam, name="Ash Both")
    await review.flag(ash, "safeguarding", callback_requested_at=review.clock())
    async with review.signed_in(sam) as web:
        row = row_of((await web.get("/")).text, "Ash Both")
    assert "Safeguarding" in row and "Call requested" in row


async def test_new_since_i_last_looked(review: ReviewHarness) -> None:
    sam = await review.staff()
    kim = await review.staff()
    ola = await review.person(sam, name="Ola New")
    await review.conversation(ola, "good_day_bad_day", GOOD_DAY)
    await review.conversation(ola, "good_day_bad_day", GOOD_DAY, sharing="private")
    await review.flag(ola, "callback", callback_requested_at=review.clock())
    await plan_item(review, ola, sam, replied=True)

    async with review.signed_in(sam) as web:
        row = row_of((await web.get("/")).text, "Ola New")
        # Never looked: everything shared counts as new (the private one never shows).
        assert "1 tool shared, 1 flag, 1 reply to the plan" in row
        assert "You have not opened their page yet" in row

        review.clock.advance(minutes=5)
        await seen(review, sam, ola, review.clock())
        row = row_of((await web.get("/")).text, "Ola New")
        assert "Nothing new" in row and "not opened their page" not in row

        review.clock.advance(minutes=5)
        await review.conversation(ola, "good_day_bad_day", GOOD_DAY)
        await review.conversation(ola, "check_in", WELL)
        row = row_of((await web.get("/")).text, "Ola New")
        assert "2 tools shared" in row and "flag" not in row

    # What one member of staff has seen is theirs alone.
    async with review.db.transaction() as session:
        person = await session.get(ServiceUser, ola.id)
        assert person is not None
        person.case_manager_id = kim.id
        session.add(person)
    async with review.signed_in(kim) as web:
        assert "3 tools shared, 1 flag" in row_of((await web.get("/")).text, "Ola New")


async def test_in_progress_and_telegram(review: ReviewHarness) -> None:
    sam = await review.staff()
    pip = await review.person(sam, name="Pip Busy")
    await review.person(sam, name="Roz Invited", joined=False)
    await review.conversation(pip, "good_day_bad_day", {}, status="active")
    await plan_item(review, pip, sam)
    await plan_item(review, pip, sam)
    async with review.signed_in(sam) as web:
        page = (await web.get("/")).text
    row = row_of(page, "Pip Busy")
    assert "Good day, bad day (started)" in row
    assert "2 plan items waiting for their reply" in row
    assert "Joined" in row
    assert "Invited, not joined yet" in row_of(page, "Roz Invited")
    assert "Nothing" in row_of(page, "Roz Invited")


async def test_a_senior_sees_the_organisation_and_can_narrow_it(review: ReviewHarness) -> None:
    sue = await review.staff("senior", name="Sue Senior")
    sam = await review.staff(name="Sam Case")
    kim = await review.staff(name="Kim Case")
    partner = await review.staff(org="Women's Centre", name="Pat Partner")
    await review.person(sue, name="Sue's Own")
    await review.person(sam, name="Sam's Person")
    await review.person(kim, name="Kim's Person")
    await review.person(None, name="Nobody's Person")
    await review.person(partner, name="Partner Person")

    async with review.signed_in(sue) as web:
        page = (await web.get("/")).text
        assert sorted(names(page)) == [
            "Kim's Person",
            "Nobody's Person",
            "Sam's Person",
            "Sue's Own",
        ]
        assert "Everyone in Probation North" in page
        assert "Case manager</th>" in page and "Kim Case" in row_of(page, "Kim's Person")
        assert "No case manager" in row_of(page, "Nobody's Person")

        mine = (await web.get("/?show=mine")).text
        assert names(mine) == ["Sue's Own"]
        assert "Your caseload" in mine and "Case manager</th>" not in mine
        assert 'value="mine" checked' in mine
        assert sorted(names((await web.get("/?show=nonsense")).text)) == sorted(names(page))


async def test_a_case_manager_sees_only_their_own_people(review: ReviewHarness) -> None:
    sam = await review.staff(name="Sam Case")
    kim = await review.staff(name="Kim Case")
    partner = await review.staff(org="Women's Centre")
    await review.person(sam, name="Sam's Person")
    kims = await review.person(kim, name="Kim's Person")
    await review.flag(kims, "safeguarding")
    await review.person(partner, name="Partner Person")
    # Even put down as Sam's, someone in a partner organisation stays with it.
    await review.person(sam, name="Elsewhere Person", org="Women's Centre")

    async with review.signed_in(sam) as web:
        page = (await web.get("/")).text
        # "everyone" is for seniors only: a case manager's page ignores it.
        everyone = (await web.get("/?show=everyone")).text
    assert names(page) == ["Sam's Person"] == names(everyone)
    assert "Safeguarding" not in page
    assert "Case manager</th>" not in page and 'name="show"' not in page


async def test_names_and_words_are_escaped(review: ReviewHarness) -> None:
    sam = await review.staff()
    await review.person(sam, name="<script>alert(1)</script>", crn="<b>X1</b>")
    async with review.signed_in(sam) as web:
        page = (await web.get("/")).text
    assert "<script>alert(1)</script>" not in page and "<b>X1</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;X1&lt;/b&gt;" in page


async def test_empty_caseload_and_admin(review: ReviewHarness) -> None:
    sam = await review.staff()
    async with review.signed_in(sam) as web:
        page = (await web.get("/")).text
    assert "There is no one on your caseload yet" in page
    assert 'href="/people/new"' in page and "<table" not in page
    admin = await review.staff("admin")
    async with review.signed_in(admin) as web:
        home = await web.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/admin/staff"


async def test_viewing_the_caseload_is_audited(review: ReviewHarness) -> None:
    sam = await review.staff()
    await review.person(sam)
    async with review.signed_in(sam) as web:
        assert (await web.get("/")).status_code == 200
    async with review.db.transaction() as session:
        events = (
            await session.exec(select(AuditEvent).where(AuditEvent.action == "view_caseload"))
        ).all()
    [found] = events
    assert found.actor == f"staff:{sam.id}" and found.service_user_id is None
    assert found.detail == {"show": "mine", "people": 1}


async def _full_caseload(review: ReviewHarness, staff: Staff, count: int) -> None:
    """People with a bit of everything the page counts: flags, shared and unfinished tools,
    attention, plan items, appointments, a last look."""
    for n in range(count):
        person = await review.person(staff, name=f"Person {count}-{n}")
        await check_in(review, person, STRUGGLING if n % 3 == 0 else WELL)
        await review.conversation(person, "good_day_bad_day", {}, status="active")
        if n % 4 == 0:
            await review.flag(person, "safeguarding" if n % 8 == 0 else "callback")
        await appointment(review, person, days=n + 1)
        await plan_item(review, person, staff, replied=n % 2 == 0)
        if n % 5 == 0:
            await seen(review, staff, person, review.clock() - timedelta(days=1))


async def test_the_page_runs_a_fixed_number_of_queries(review: ReviewHarness) -> None:
    few = await review.staff("senior", name="Few")
    many = await review.staff("senior", org="Probation South", name="Many")
    await _full_caseload(review, few, 3)
    await _full_caseload(review, many, 40)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    counts = {}
    for staff, size in ((few, 3), (many, 40)):
        async with review.signed_in(staff) as web:
            event.listen(review.db.engine.sync_engine, "before_cursor_execute", count)
            try:
                statements.clear()
                for show in ("everyone", "mine"):
                    page = await web.get(f"/?show={show}")
                    assert page.status_code == 200 and len(rows(page.text)) == size
            finally:
                event.remove(review.db.engine.sync_engine, "before_cursor_execute", count)
            counts[size] = len(statements)
    assert counts[3] == counts[40], counts
    assert counts[40] <= 2 * 14, statements  # two pages: sign-in check, ~9 reads, the audit
