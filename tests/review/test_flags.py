"""What staff see of a crisis: a flag on the person's page and the brief — whether a call is safe
(before anything that suggests phoning), the messages added to it in order, what the person
chose ("I'm OK" leaves it open), a voice note or photo played through the bot (audited), and
whether it went to the seniors; a senior's caseload with the flags sent to them at the top and
the case manager's with "Sent to seniors", until someone resolves it, saying what they did; the
organisation's setting for when that happens. And a flag is never a way into answers the person
kept to themselves."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.scheduling import escalation
from storage import due
from storage.models import (
    Appointment,
    AuditEvent,
    Flag,
    FlagMessage,
    Organisation,
    ServiceUser,
)
from tests.support.review import ReviewHarness

PRIVATE = ("Quorvantide bakery", "Zembleworth", "Prisnatel")


async def _flag(review: ReviewHarness, person: ServiceUser, ago: timedelta, **kw: Any) -> Flag:
    """A flag raised `ago`, followed up as the conversation layer does (`flag_raised`)."""
    now = review.clock()
    review.clock.now = now - ago
    try:
        flag = await review.flag(person, **kw)
        async with review.db.transaction() as session:
            row = await session.get(Flag, flag.id)
            assert row is not None
            await escalation.flag_raised(session, row, now=review.clock())
    finally:
        review.clock.now = now
    return flag


async def _escalate_due(review: ReviewHarness) -> list[str]:
    """What the scheduler does with every escalation due now."""
    outcomes = []
    async with review.db.transaction() as session:
        for job in await due.claim_due(session, now=review.clock(), kinds=[escalation.ESCALATION]):
            outcome = await escalation.escalate(session, job.ref_id, now=review.clock())
            await due.finish(session, job.id or 0, now=review.clock(), outcome=outcome)
            outcomes.append(outcome)
    return outcomes


async def _message(
    review: ReviewHarness, flag: Flag, kind: str, text: str, at: datetime, **kw: Any
) -> FlagMessage:
    async with review.db.transaction() as session:
        message = FlagMessage(
            flag_id=flag.id or 0,
            service_user_id=flag.service_user_id,
            kind=kind,
            text=text,
            created_at=at,
            **kw,
        )
        session.add(message)
    return message


def _rows(page: str) -> list[str]:
    """The names in the caseload table, top to bottom."""
    body = page[page.index('class="govuk-table tandem-caseload"') :]
    return re.findall(r'<a class="govuk-link" href="/people/\d+">([^<]+)</a>', body)


def _sent_up(page: str) -> str:
    """The seniors' list of flags sent to them ("" when there is none)."""
    if 'id="sent-up-heading"' not in page:
        return ""
    start = page.index('id="sent-up-heading"')
    return page[start : page.index("</section>", start)]


async def test_the_senior_sees_it_first_and_the_case_manager_sees_it_went_up(
    review: ReviewHarness,
) -> None:
    sam = await review.staff(name="Sam Patel")
    priya = await review.staff(name="Priya Shah")
    jo = await review.staff("senior", name="Jo Williams")
    alex = await review.person(sam, name="Alex Morgan", crn="X100001")
    abi = await review.person(priya, name="Abi Lewis", crn="X100002")
    await review.person(sam, name="Aaron Able", crn="X100003")
    # Raised on Thursday 19 November 2026 at 08:00 (the clock is Friday 10:00): went up at 13:00.
    up = await _flag(
        review,
        alex,
        timedelta(hours=26),
        message="I want to end it",
        category="suicide_self_harm",
    )
    # Abi's is newer and has not gone up: by name alone, Abi would come first.
    await _flag(review, abi, timedelta(hours=1), message="Nowhere to sleep", kind="safeguarding")
    assert await _escalate_due(review) == ["sent"]

    async with review.signed_in(jo) as web:
        page = (await web.get("/")).text
    listed = _sent_up(page)
    assert "Alex Morgan" in listed and "CRN X100001" in listed and "Sam Patel" in listed
    assert "1 day and 2 hours ago" in listed and "Safeguarding: Suicide or self-harm" in listed
    assert "Abi Lewis" not in listed
    assert page.index('id="sent-up-heading"') < page.index("tandem-caseload")
    assert _rows(page)[0] == "Alex Morgan"
    assert "Sent to seniors" in page

    async with review.signed_in(sam) as web:
        page = (await web.get("/")).text
        assert _sent_up(page) == ""  # the list is the seniors'
        assert _rows(page)[0] == "Alex Morgan"
        row = page[page.index(">Alex Morgan<") : page.index(">Aaron Able<")]
        assert "Sent to seniors" in row
        person = (await web.get(f"/people/{alex.id}")).text
        assert "Sent to seniors" in person and "as nobody had resolved it by then" in person

        # Resolving it, saying what was done, takes it off both.
        empty = await web.post(f"/people/{alex.id}/flags/{up.id}/resolve", {"resolution": " "})
        assert empty.status_code == 400 and "Enter what you did" in empty.text
        done = await web.post(
            f"/people/{alex.id}/flags/{up.id}/resolve",
            {"resolution": "Rang her at 2pm; safe, GP tomorrow"},
        )
        assert done.status_code == 303
        page = (await web.get("/")).text
        assert "Sent to seniors" not in page
    async with review.signed_in(jo) as web:
        page = (await web.get("/")).text
    assert _sent_up(page) == "" and "Sent to seniors" not in page
    assert _rows(page)[0] == "Abi Lewis"

    async with review.db.transaction() as session:
        row = await session.get(Flag, up.id)
        audit = (
            await session.exec(
                select(AuditEvent.actor, AuditEvent.detail).where(
                    AuditEvent.action == "resolve_flag"
                )
            )
        ).all()
    assert row is not None
    assert (row.resolved_by, row.resolved_at) == (sam.id, review.clock())
    assert row.resolution == "Rang her at 2pm; safe, GP tomorrow"
    assert audit == [
        (f"staff:{sam.id}", {"flag_id": up.id, "kind": "safeguarding", "escalated": True})
    ]


async def test_resolving_in_time_calls_off_the_follow_up(review: ReviewHarness) -> None:
    sam = await review.staff()
    await review.staff("senior")
    alex = await review.person(sam)
    flag = await _flag(review, alex, timedelta(minutes=5), message="Help", kind="safeguarding")
    async with review.signed_in(sam) as web:
        person = (await web.get(f"/people/{alex.id}")).text
        # Friday 20 November 2026, 09:55 + 4 office hours.
        assert "it goes to the seniors at 20 November 2026, 1:55pm" in person
        done = await web.post(f"/people/{alex.id}/flags/{flag.id}/resolve", {"resolution": "Rang"})
        assert done.status_code == 303
    review.clock.advance(days=3)
    assert await _escalate_due(review) == []
    async with review.db.transaction() as session:
        assert await due.pending(session) == []
        sent_up = (await session.exec(select(Flag.escalated_at).where(Flag.id == flag.id))).all()
    assert sent_up == [None]


async def test_a_flag_with_everything_on_the_persons_page(review: ReviewHarness) -> None:
    fetched: list[str] = []

    async def fetch(file_id: str) -> tuple[bytes, str]:
        fetched.append(file_id)
        return (b"\xff\xd8photo", "image/jpeg") if "photo" in file_id else (b"OggS", "audio/ogg")

    review.config.fetch_media = fetch
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Morgan")
    raised = review.clock() - timedelta(minutes=30)
    flag = await _flag(
        review,
        alex,
        timedelta(minutes=30),
        kind="safeguarding",
        category="being_harmed",
        categories=["being_harmed", "suicide_self_harm"],
        message="He <b>hurt</b> me again",
        media_kind="voice",
        file_id="voice-file-1",
        contact="times",
        contact_times="Weekday mornings <i>when he's at work</i>",
        person_choice="ok",
        person_choice_at=raised + timedelta(minutes=4),
        callback_requested_at=raised + timedelta(minutes=2),
    )
    # Added out of order: shown in the order they were written.
    later = await _message(
        review, flag, "after", "my sister is coming", raised + timedelta(minutes=6)
    )
    sooner = await _message(
        review,
        flag,
        "repeat",
        "i cant do this anymore",
        raised + timedelta(minutes=1),
        categories=["suicide_self_harm"],
        media_kind="photo",
        file_id="photo-file-2",
    )
    async with review.signed_in(sam) as web:
        page = (await web.get(f"/people/{alex.id}")).text
        card = page[page.index(f'id="flag-{flag.id}"') :]
        card = card[: card.index("</form>")]
        assert "Safeguarding: Being harmed" in card and "Also about" in card
        assert "Suicide or self-harm" in card
        # Whether a call is safe comes before anything that suggests phoning.
        warning = card.index("Only call at:")
        assert "govuk-warning-text" in card[:warning]
        assert "Weekday mornings &lt;i&gt;when he&#39;s at work&lt;/i&gt;" in card
        assert warning < card.index("Asked for a call") and warning < card.index("What they wrote")
        assert "He &lt;b&gt;hurt&lt;/b&gt; me again" in card and "<b>hurt" not in card
        assert card.index("i cant do this anymore") < card.index("my sister is coming")
        assert "Another worrying message" in card and "Also wrote" in card
        assert (
            "They said they were OK (9:34am on 20 November). "
            "This flag stays open until someone deals with it." in card
        )
        assert "Yes, 20 November 2026, 9:32am" in card  # asked for a call
        assert "What did you do?" in card and "Mark as resolved" in card
        flag_src = f"/people/{alex.id}/flags/{flag.id}/media"
        photo_src = f"/people/{alex.id}/flags/{flag.id}/messages/{sooner.id}/media"
        assert f'<audio class="tandem-audio" controls preload="none" src="{flag_src}">' in card
        assert f'<img class="tandem-photo" src="{photo_src}"' in card
        assert f"/messages/{later.id}/media" not in card  # no media with it

        played = await web.get(flag_src)
        assert played.status_code == 200 and played.content == b"OggS"
        photo = await web.get(photo_src)
        assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
        # A message without media, or one through another flag's address: not found.
        none = await web.get(f"/people/{alex.id}/flags/{flag.id}/messages/{later.id}/media")
        assert none.status_code == 404
        assert fetched == ["voice-file-1", "photo-file-2"]

        brief = (await web.get(f"/people/{alex.id}/brief")).text
        attention = brief[brief.index("Needs attention") : brief.index("New since")]
        assert attention.index("Only call at:") < attention.index("Safeguarding: Being harmed")
        # The first message added is printed; the rest are on screen.
        assert "i cant do this anymore" in attention and "my sister is coming" not in attention
        assert "1 more message on screen" in attention
        assert "Said they were OK, 20 Nov, 9:34am (still open)" in attention
        assert "He &lt;b&gt;hurt&lt;/b&gt;" in attention and "<b>hurt" not in attention
        assert "(and a voice note, on screen)" in attention
    async with review.db.transaction() as session:
        plays = (
            await session.exec(
                select(AuditEvent.detail)
                .where(AuditEvent.action == "play_media")
                .order_by(col(AuditEvent.id))
            )
        ).all()
    assert plays == [{"flag_id": flag.id}, {"flag_id": flag.id, "message_id": sooner.id}]


async def test_whether_a_call_is_safe_in_each_case(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    not_safe = await review.flag(alex, message="a", category="being_harmed", contact="not_safe")
    unknown = await review.flag(
        alex, message="b", category="being_harmed", categories=["being_harmed"]
    )
    safe = await review.flag(alex, message="c", category="being_harmed", contact="safe")
    waiting = await review.flag(alex, message="d", category="being_harmed", contact="times")
    # A request for a call from the check-in, with the time they gave.
    checkin = await review.flag(
        alex, "callback", callback_requested_at=review.clock(), contact="times",
        contact_times="not when he's home",
    )  # fmt: skip
    plain = await review.flag(alex, message="e", category="nowhere_to_sleep")
    async with review.signed_in(sam) as web:
        page = (await web.get(f"/people/{alex.id}")).text
        caseload = (await web.get("/")).text

    def card(flag: Flag) -> str:
        start = page.index(f'id="flag-{flag.id}"')
        return page[start : page.index("</form>", start)]

    assert "Not safe to call them — do not phone" in card(not_safe)
    assert "They have not said whether it is safe to call them" in card(unknown)
    assert "Safe to call" in card(safe) and "govuk-warning-text" not in card(safe)
    assert "they have not said when yet — do not phone" in card(waiting)
    assert 'Only call at: <span class="tandem-quote">not when he&#39;s home</span>' in card(checkin)
    assert "govuk-warning-text" not in card(plain) and "Safe to call" not in card(plain)
    # On the caseload too, before "Call requested".
    assert caseload.index("Not safe to call") < caseload.index("Call requested")


async def test_a_flag_is_not_a_way_into_what_they_kept_private(review: ReviewHarness) -> None:
    sam = await review.staff()
    jo = await review.staff("senior")
    alex = await review.person(sam, name="Alex Morgan")
    kept = await review.conversation(
        alex,
        "aspirations",
        {"five_years": f"Open the {PRIVATE[0]}", "one_year": f"Save up in {PRIVATE[1]}"},
        sharing="private",
    )
    going = await review.conversation(
        alex, "good_day_bad_day", {"good_day": f"Walking with {PRIVATE[2]}"}, status="active"
    )
    flag = await review.flag(
        alex, message="I can't cope with any of it", category="struggling_to_cope",
        conversation_id=kept.id,
    )  # fmt: skip
    await _message(review, flag, "after", "sorry", review.clock())
    await review.flag(
        alex, "callback", conversation_id=going.id, callback_requested_at=review.clock()
    )
    for staff in (sam, jo):
        async with review.signed_in(staff) as web:
            pages = {
                url: await web.get(url)
                for url in (
                    f"/people/{alex.id}",
                    f"/people/{alex.id}/brief",
                    f"/people/{alex.id}/export.csv",
                    f"/people/{alex.id}/export.json",
                    f"/people/{alex.id}/plan",
                    "/",
                )
            }
            for url, response in pages.items():
                assert response.status_code == 200, url
                for words in PRIVATE:
                    assert words not in response.text, (url, words)
            # The flagged message is there; the conversation it came from only by its tool.
            person = pages[f"/people/{alex.id}"].text
            assert "I can&#39;t cope with any of it" in person and "sorry" in person
            for conversation in (kept, going):
                hidden = await web.get(f"/people/{alex.id}/conversations/{conversation.id}")
                assert hidden.status_code == 404
            history = await web.get(f"/people/{alex.id}/tools/aspirations")
            assert all(words not in history.text for words in PRIVATE)


async def test_the_organisation_chooses_when_flags_go_to_seniors(review: ReviewHarness) -> None:
    ada = await review.staff("admin")
    org = await review.org()
    url = f"/admin/organisations/{org.id}"
    async with review.signed_in(ada) as web:
        page = (await web.get(url)).text
        assert "Send flags to seniors after" in page and "office hours" in page
        assert 'name="escalation_hours"' in page and 'value="4"' in page
        for typed, says in (
            ("", "Enter how many office hours a flag waits"),
            ("four", "Office hours must be a whole number, like 4"),
            ("2.5", "Office hours must be a whole number, like 4"),
            ("0", "Office hours must be between 1 and 40"),
            ("41", "Office hours must be between 1 and 40"),
        ):
            bad = await web.post(f"{url}/escalation", {"escalation_hours": typed})
            assert bad.status_code == 400, typed
            assert says in bad.text and 'href="#escalation_hours"' in bad.text
            assert "govuk-input--error" in bad.text
        good = await web.post(f"{url}/escalation", {"escalation_hours": " 6 "})
        assert good.status_code == 303
        page = (await web.get(good.headers["location"])).text
        assert "Saved when flags go to the seniors" in page and 'value="6"' in page
        audit = (await web.get("/admin/audit")).text
        assert "Changed when flags go to an organisation&#39;s seniors" in audit
    async with review.db.transaction() as session:
        row = await session.get(Organisation, org.id)
        events = (
            await session.exec(
                select(AuditEvent.detail).where(AuditEvent.action == "admin_escalation")
            )
        ).all()
    assert row is not None and row.escalation_hours == 6
    assert events == [{"organisation_id": org.id, "hours": 6, "before": 4}]
    # Flags raised from now on wait six office hours.
    sam = await review.staff()
    alex = await review.person(sam)
    flag = await _flag(review, alex, timedelta(0), message="x", kind="safeguarding")
    async with review.db.transaction() as session:
        fresh = await session.get(Flag, flag.id)
    assert fresh is not None and fresh.escalate_at == review.clock() + timedelta(hours=6)


async def test_two_people_resolving_at_once_keep_the_first_words(review: ReviewHarness) -> None:
    sam = await review.staff()
    jo = await review.staff("senior")
    alex = await review.person(sam)
    flag = await review.flag(alex, message="Help", category="suicide_self_harm")
    url = f"/people/{alex.id}/flags/{flag.id}/resolve"
    async with review.signed_in(sam) as one, review.signed_in(jo) as two:
        done = await asyncio.gather(
            one.post(url, {"resolution": "Sam rang her"}),
            two.post(url, {"resolution": "Jo rang her"}),
        )
    assert [r.status_code for r in done] == [303, 303]
    async with review.db.transaction() as session:
        row = await session.get(Flag, flag.id)
        resolved = (
            await session.exec(select(AuditEvent.actor).where(AuditEvent.action == "resolve_flag"))
        ).all()
    assert row is not None
    # Whoever came first: their words, their name, recorded once.
    assert (row.resolution, row.resolved_by) in (("Sam rang her", sam.id), ("Jo rang her", jo.id))
    assert resolved == [f"staff:{row.resolved_by}"]


async def test_an_appointment_they_cant_make_on_the_page_the_brief_and_the_caseload(
    review: ReviewHarness,
) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Morgan")
    at = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    async with review.db.transaction() as session:
        appointment = Appointment(
            service_user_id=alex.id or 0, at=at, place="Station Road", created_at=review.clock()
        )
        session.add(appointment)
        await session.flush()
    flag = await review.flag(alex, kind="cant_attend", appointment_id=appointment.id)
    async with review.signed_in(sam) as web:
        page = (await web.get(f"/people/{alex.id}")).text
        card = page[page.index(f'id="flag-{flag.id}"') :]
        assert "Can&#39;t make an appointment" in card
        assert "4 December 2026, 2:00pm" in card
        assert "contact the probation office" in card
        # Not a safeguarding matter: nothing about calls or the seniors.
        assert "Asked for a call" not in card and "Sent to seniors" not in card
        brief = (await web.get(f"/people/{alex.id}/brief")).text
        assert "Can&#39;t make an appointment</strong> (" in brief
        caseload = (await web.get("/")).text
        assert "Can&#39;t make appointment" in caseload
        resolved = await web.post(
            f"/people/{alex.id}/flags/{flag.id}/resolve",
            {"resolution": "Rang them, moved it to Monday."},
        )
        assert resolved.status_code == 303
        assert "Can&#39;t make appointment" not in (await web.get("/")).text
