"""Adding a person, their invite link and QR code, a new link, and moving them to another
case manager."""

from __future__ import annotations

import re

from sqlmodel import col, select

from bot.conversations.invites import hash_code
from storage.models import AuditEvent, Invite, ServiceUser, Staff
from tests.support.review import ReviewHarness

LINK = re.compile(r'href="(https://t\.me/([A-Za-z0-9_]+)\?start=([A-Za-z0-9_-]+))"')


async def _invites(review: ReviewHarness, person_id: int) -> list[Invite]:
    async with review.db.transaction() as session:
        return list(
            (
                await session.exec(
                    select(Invite)
                    .where(Invite.service_user_id == person_id)
                    .order_by(col(Invite.id))
                )
            ).all()
        )


async def _person_named(review: ReviewHarness, name: str) -> ServiceUser:
    async with review.db.transaction() as session:
        person = (await session.exec(select(ServiceUser).where(ServiceUser.name == name))).one()
    return person


async def _actions(review: ReviewHarness) -> list[tuple[str, int | None]]:
    async with review.db.transaction() as session:
        events = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
    return [(e.action, e.service_user_id) for e in events if not e.action.startswith("sign")]


async def test_case_manager_adds_a_person_and_sees_their_invite(review: ReviewHarness) -> None:
    review.config.bot_username = "TandemTestBot"
    sam = await review.staff()
    async with review.signed_in(sam) as web:
        form = await web.get("/people/new")
        assert form.status_code == 200
        assert 'name="case_manager"' not in form.text  # their own caseload
        page = await web.post(
            "/people", {"name": "  Alex   Smith ", "crn": "x 123456", "language": "cy"}
        )
    assert page.status_code == 200, page.text
    found = LINK.search(page.text)
    assert found, "no invite link on the page"
    link, username, code = found.groups()
    assert username == "TandemTestBot"
    assert f">{link}</a>" in page.text  # the link in words beside the QR code
    assert '<svg role="img" aria-label="QR code of the invite link"' in page.text
    assert "Scan this with your phone" in page.text and "press Start in Telegram" in page.text
    assert "4 December 2026" in page.text  # 14 days from 20 November

    alex = await _person_named(review, "Alex Smith")
    assert alex.crn == "X123456" and alex.language == "cy"
    assert alex.case_manager_id == sam.id and alex.organisation_id == sam.organisation_id
    [invite] = await _invites(review, alex.id or 0)
    assert invite.code_hash == hash_code(code) and code not in invite.code_hash
    assert await _actions(review) == [("add_person", alex.id), ("issue_invite", alex.id)]


async def test_the_form_explains_what_is_wrong_and_keeps_what_was_typed(
    review: ReviewHarness,
) -> None:
    sam = await review.staff()
    await review.person(sam, crn="X000001")
    await review.person(None, crn="X000002", org="Women's Centre")
    async with review.signed_in(sam) as web:
        empty = await web.post("/people", {"name": " ", "crn": "A" * 21, "language": "fr"})
        assert empty.status_code == 400
        assert "<title>Error: Add a person" in empty.text
        assert "Enter their full name" in empty.text
        assert "20 characters or fewer" in empty.text
        assert "Choose the language" in empty.text
        assert 'href="#name"' in empty.text and 'href="#crn"' in empty.text

        taken = await web.post("/people", {"name": "Jo Bloggs", "crn": "x000001", "language": "en"})
        assert taken.status_code == 400 and "already has this CRN" in taken.text
        assert 'value="Jo Bloggs"' in taken.text

        too_long = await web.post("/people", {"name": "J" * 201, "language": "en"})
        assert too_long.status_code == 400 and "200 characters or fewer" in too_long.text

        # The same CRN in another organisation is someone else's business.
        other_org = await web.post(
            "/people", {"name": "Jo Bloggs", "crn": "X000002", "language": "en"}
        )
        assert other_org.status_code == 200


async def test_senior_chooses_an_active_case_manager_of_their_organisation(
    review: ReviewHarness,
) -> None:
    senior = await review.staff("senior")
    sam = await review.staff(name="Sam Active")
    gone = await review.staff(name="Gone Away")
    far = await review.staff(name="Far Away", org="Women's Centre")
    async with review.db.transaction() as session:
        row = await session.get(Staff, gone.id)
        assert row is not None
        row.active = False
        session.add(row)
    async with review.signed_in(senior) as web:
        form = await web.get("/people/new")
        assert "Sam Active" in form.text
        assert "Gone Away" not in form.text and "Far Away" not in form.text
        missing = await web.post("/people", {"name": "Alex", "language": "en"})
        assert missing.status_code == 400 and "Choose their case manager" in missing.text
        wrong = await web.post(
            "/people", {"name": "Alex", "language": "en", "case_manager": str(far.id)}
        )
        assert wrong.status_code == 400
        done = await web.post(
            "/people", {"name": "Alex", "language": "en", "case_manager": str(sam.id)}
        )
        assert done.status_code == 200
    alex = await _person_named(review, "Alex")
    assert alex.case_manager_id == sam.id


async def test_admins_do_not_add_people(review: ReviewHarness) -> None:
    admin = await review.staff("admin")
    async with review.signed_in(admin) as web:
        assert (await web.get("/people/new")).status_code == 403
        assert (await web.post("/people", {"name": "Alex", "language": "en"})).status_code == 403


async def test_a_new_link_stops_the_old_one(review: ReviewHarness) -> None:
    sam = await review.staff()
    async with review.signed_in(sam) as web:
        first = await web.post("/people", {"name": "Alex", "language": "en"})
        old_code = LINK.search(first.text).group(3)  # type: ignore[union-attr]
        alex = await _person_named(review, "Alex")
        status = await web.get(f"/people/{alex.id}/invite")
        assert status.status_code == 200
        assert "Not joined yet" in status.text and "Create a new invite link" in status.text
        assert old_code not in status.text  # the code is never shown again

        again = await web.post(f"/people/{alex.id}/invite")
        assert again.status_code == 200
        new_code = LINK.search(again.text).group(3)  # type: ignore[union-attr]
        assert new_code != old_code and "<svg" in again.text

    review.clock.advance(days=15)
    async with review.signed_in(sam) as web:
        expired = await web.get(f"/people/{alex.id}/invite")
        assert "Link expired" in expired.text
    old, new = await _invites(review, alex.id or 0)
    assert old.code_hash == hash_code(old_code) and old.revoked_at is not None
    assert new.code_hash == hash_code(new_code) and new.revoked_at is None
    actions = await _actions(review)
    assert ("view_invite", alex.id) in actions
    assert actions.count(("issue_invite", alex.id)) == 2


async def test_someone_who_joined_gets_no_link(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, joined=True)
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}/invite")
        assert "Joined" in page.text and "t.me" not in page.text
        assert "Create a new invite link" not in page.text
        refused = await web.post(f"/people/{alex.id}/invite")
        assert refused.status_code == 303
    assert await _invites(review, alex.id or 0) == []


async def test_invites_are_only_for_those_who_may_see_the_person(review: ReviewHarness) -> None:
    sam = await review.staff()
    other = await review.staff()
    far = await review.staff("senior", org="Women's Centre")
    alex = await review.person(sam, joined=False)
    for who in (other, far):
        async with review.signed_in(who) as web:
            assert (await web.get(f"/people/{alex.id}/invite")).status_code == 404
            assert (await web.post(f"/people/{alex.id}/invite")).status_code == 404
    assert await _invites(review, alex.id or 0) == []


async def test_names_are_escaped_on_the_invite_pages(review: ReviewHarness) -> None:
    sam = await review.staff()
    async with review.signed_in(sam) as web:
        page = await web.post("/people", {"name": "<script>alert(1)</script>", "language": "en"})
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text
        alex = await _person_named(review, "<script>alert(1)</script>")
        status = await web.get(f"/people/{alex.id}/invite")
        assert "<script>alert" not in status.text and "&lt;script&gt;alert(1)" in status.text
        taken = await web.post("/people", {"name": "<b>x</b>", "crn": "A" * 30, "language": "en"})
        assert "<b>x</b>" not in taken.text


async def test_senior_moves_a_person_to_another_case_manager(review: ReviewHarness) -> None:
    senior = await review.staff("senior")
    sam = await review.staff(name="Sam First")
    kim = await review.staff(name="Kim Second")
    far = await review.staff(org="Women's Centre")
    alex = await review.person(sam)
    async with review.signed_in(sam) as web:
        assert (await web.get(f"/people/{alex.id}/case-manager")).status_code == 403
        assert (
            await web.post(f"/people/{alex.id}/case-manager", {"case_manager": str(sam.id)})
        ).status_code == 403
    async with review.signed_in(senior) as web:
        page = await web.get(f"/people/{alex.id}/case-manager")
        assert "Kim Second" in page.text
        wrong = await web.post(f"/people/{alex.id}/case-manager", {"case_manager": str(far.id)})
        assert wrong.status_code == 400 and "Choose their new case manager" in wrong.text
        moved = await web.post(f"/people/{alex.id}/case-manager", {"case_manager": str(kim.id)})
        assert moved.status_code == 303
        done = await web.get(moved.headers["location"])
        assert "is now on the caseload of Kim Second" in done.text
    async with review.db.transaction() as session:
        row = await session.get(ServiceUser, alex.id)
    assert row is not None and row.case_manager_id == kim.id
    assert ("reassign", alex.id) in await _actions(review)
    # Sam no longer sees Alex; Kim does.
    async with review.signed_in(sam) as web:
        assert (await web.get(f"/people/{alex.id}/brief")).status_code == 404
    async with review.signed_in(kim) as web:
        assert (await web.get(f"/people/{alex.id}/brief")).status_code == 200
