"""The review: marking a conversation reviewed (with a note, and as sensitive), adding a note,
resolving a flag with what was done — validated, audited, and only for people in view."""

from __future__ import annotations

from sqlmodel import col, select

from storage.models import AuditEvent, Conversation, Flag, Note, ServiceUser
from tests.support.review import ReviewHarness

LONG = "x" * 5001


async def actions(review: ReviewHarness, person: ServiceUser) -> list[tuple[str, dict]]:
    async with review.db.transaction() as session:
        rows = await session.exec(
            select(AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.service_user_id == person.id)
            .order_by(col(AuditEvent.id))
        )
        return [(a, d) for a, d in rows.all()]


async def test_mark_reviewed_with_a_note_and_as_sensitive(review: ReviewHarness) -> None:
    sam = await review.staff(name="Sam Jones")
    alex = await review.person(sam)
    conv = await review.conversation(alex, "good_day_bad_day", {"good_day": "Seeing my daughter"})
    url = f"/people/{alex.id}/conversations/{conv.id}/review"
    async with review.signed_in(sam) as web:
        done = await web.post(url, {"note": "  Talk about <contact> plans ", "sensitive": "yes"})
        assert done.status_code == 303
        assert done.headers["location"] == f"/people/{alex.id}?done=reviewed"
        page = await web.get(done.headers["location"])
        assert "Marked as reviewed" in page.text
        assert "Talk about &lt;contact&gt; plans" in page.text
        assert "This holds sensitive information — show" in page.text
        # The conversation's own page sends the case manager back there.
        again = await web.post(url, {"back": "conversation"})
        assert again.headers["location"] == (
            f"/people/{alex.id}/conversations/{conv.id}?done=reviewed"
        )
        own = await web.get(again.headers["location"])
        assert "Marked as reviewed" in own.text and "by Sam Jones" in own.text
        assert "Talk about &lt;contact&gt; plans" in own.text
    async with review.db.transaction() as session:
        row = await session.get(Conversation, conv.id)
        notes = list((await session.exec(select(Note))).all())
    assert row is not None and row.reviewed_by == sam.id and row.reviewed_at == review.clock()
    assert row.sensitive is False  # the second review left the box unticked
    assert [(n.text, n.conversation_id, n.staff_id) for n in notes] == [
        ("Talk about <contact> plans", conv.id, sam.id)
    ]
    reviews = [d for a, d in await actions(review, alex) if a == "review_conversation"]
    assert reviews[0] == {"conversation_id": conv.id, "sensitive": True, "note": True}
    assert reviews[1]["sensitive"] is False


async def test_reviewed_conversations_leave_needs_attention(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    conv = await review.conversation(alex, "people_in_my_life", {"harder": "yes"})
    async with review.db.transaction() as session:
        row = await session.get(Conversation, conv.id)
        assert row is not None
        row.attention = ["Someone makes it harder to stay on track"]
        session.add(row)
    async with review.signed_in(sam) as web:
        before = await web.get(f"/people/{alex.id}")
        attention = before.text[before.text.index("attention-heading") :]
        assert "Answers to read first" in attention
        await web.post(f"/people/{alex.id}/conversations/{conv.id}/review", {})
        after = await web.get(f"/people/{alex.id}")
    assert "Answers to read first" not in after.text
    assert "Nothing needs attention" in after.text


async def test_a_review_note_too_long_is_shown_again(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    conv = await review.conversation(alex, "aspirations", {"five_years": "A garage"})
    async with review.signed_in(sam) as web:
        page = await web.post(
            f"/people/{alex.id}/conversations/{conv.id}/review",
            {"note": LONG, "sensitive": "yes"},
        )
    assert page.status_code == 400
    assert "Error: " in page.text and "There is a problem" in page.text
    assert "The note must be 5,000 characters or fewer" in page.text
    assert LONG in page.text and 'href="#note"' in page.text
    assert 'value="yes" checked' in page.text
    async with review.db.transaction() as session:
        row = await session.get(Conversation, conv.id)
    assert row is not None and row.reviewed_at is None


async def test_only_shared_conversations_of_this_person_can_be_reviewed(
    review: ReviewHarness,
) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    other = await review.person(sam)
    private = await review.conversation(alex, "aspirations", {"five_years": "x"}, sharing="private")
    theirs = await review.conversation(other, "aspirations", {"five_years": "y"})
    async with review.signed_in(sam) as web:
        for cid in (private.id, theirs.id, 999999):
            page = await web.post(f"/people/{alex.id}/conversations/{cid}/review", {})
            assert page.status_code == 404
    async with review.db.transaction() as session:
        reviewed = (
            await session.exec(
                select(Conversation).where(col(Conversation.reviewed_at).is_not(None))
            )
        ).all()
    assert not reviewed


async def test_add_a_note(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    url = f"/people/{alex.id}/notes"
    async with review.signed_in(sam) as web:
        empty = await web.post(url, {"text": "   "})
        assert empty.status_code == 400
        assert "Error: " in empty.text and "Enter a note" in empty.text
        assert 'href="#note"' in empty.text
        long = await web.post(url, {"text": LONG})
        assert long.status_code == 400 and "5,000 characters or fewer" in long.text
        assert LONG in long.text  # what was typed is kept
        done = await web.post(url, {"text": "Rang about <b>housing</b>"})
        assert done.status_code == 303
        assert done.headers["location"] == f"/people/{alex.id}?done=noted"
        page = await web.get(done.headers["location"])
    assert "Note added" in page.text
    assert "Rang about &lt;b&gt;housing&lt;/b&gt;" in page.text
    async with review.db.transaction() as session:
        notes = list((await session.exec(select(Note))).all())
    assert [(n.text, n.conversation_id) for n in notes] == [("Rang about <b>housing</b>", None)]
    assert [a for a, _ in await actions(review, alex)].count("add_note") == 1


async def test_resolve_a_flag_with_what_was_done(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    flag = await review.flag(alex, message="I can't go on", category="suicide_self_harm")
    url = f"/people/{alex.id}/flags/{flag.id}/resolve"
    async with review.signed_in(sam) as web:
        empty = await web.post(url, {"resolution": ""})
        assert empty.status_code == 400
        assert "Enter what you did" in empty.text
        assert f'href="#resolution-{flag.id}"' in empty.text
        long = await web.post(url, {"resolution": LONG})
        assert long.status_code == 400 and LONG in long.text
        done = await web.post(url, {"resolution": "Rang them; safe, seeing GP"})
        assert done.status_code == 303
        assert done.headers["location"] == f"/people/{alex.id}?done=resolved"
        page = await web.get(done.headers["location"])
        assert "Flag resolved" in page.text
        assert "I can&#39;t go on" not in page.text and "Nothing needs attention" in page.text
        # A second press (another tab) keeps the first words.
        assert (await web.post(url, {"resolution": "Other words"})).status_code == 303
    async with review.db.transaction() as session:
        row = await session.get(Flag, flag.id)
    assert row is not None
    assert row.resolution == "Rang them; safe, seeing GP"
    assert row.resolved_by == sam.id and row.resolved_at == review.clock()
    resolved = [d for a, d in await actions(review, alex) if a == "resolve_flag"]
    assert resolved == [{"flag_id": flag.id, "kind": "safeguarding", "escalated": False}]


async def test_a_flag_of_someone_else_is_not_found(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    other = await review.person(sam)
    theirs = await review.flag(other, message="Help")
    async with review.signed_in(sam) as web:
        page = await web.post(
            f"/people/{alex.id}/flags/{theirs.id}/resolve", {"resolution": "Done"}
        )
    assert page.status_code == 404
    async with review.db.transaction() as session:
        row = await session.get(Flag, theirs.id)
    assert row is not None and row.resolved_at is None


async def test_no_one_else_may_review_note_or_resolve(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    conv = await review.conversation(alex, "aspirations", {"five_years": "A garage"})
    flag = await review.flag(alex, message="Help")
    colleague = await review.staff()
    elsewhere = await review.staff("senior", org="Women's Centre")
    admin = await review.staff("admin")
    posts = [
        (f"/people/{alex.id}/conversations/{conv.id}/review", {"note": "n", "sensitive": "yes"}),
        (f"/people/{alex.id}/notes", {"text": "n"}),
        (f"/people/{alex.id}/flags/{flag.id}/resolve", {"resolution": "r"}),
    ]
    for staff in (colleague, elsewhere, admin):
        async with review.signed_in(staff) as web:
            for url, form in posts:
                page = await web.post(url, form)
                assert page.status_code in (403, 404), (staff.role, url, page.status_code)
                # Even a form with a mistake in it tells them nothing.
                bad = await web.post(url, {k: "" for k in form})
                assert bad.status_code in (403, 404), (staff.role, url, bad.status_code)
                assert "A garage" not in bad.text and "Help" not in bad.text
    async with review.db.transaction() as session:
        assert not (await session.exec(select(Note))).all()
        row = await session.get(Conversation, conv.id)
        flag_row = await session.get(Flag, flag.id)
    assert row is not None and row.reviewed_at is None and not row.sensitive
    assert flag_row is not None and flag_row.resolved_at is None
    # A senior of the same organisation may.
    senior = await review.staff("senior")
    async with review.signed_in(senior) as web:
        for url, form in posts:
            assert (await web.post(url, form)).status_code == 303, url
