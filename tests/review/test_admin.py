"""Administration: staff accounts, organisations and the audit log — for admins only."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import col, select

from storage import audit
from storage.models import AuditEvent, Organisation, Staff, StaffSession
from tests.support.review import PASSWORD, ReviewHarness, sign_in

ADMIN_PAGES = (
    "/admin/staff",
    "/admin/staff/new",
    "/admin/organisations",
    "/admin/organisations/new",
    "/admin/audit",
)
ONE_TIME = re.compile(r'id="one-time-password">([0-9a-f-]+)<')


async def _events(review: ReviewHarness, action: str) -> list[AuditEvent]:
    async with review.db.transaction() as session:
        return list(
            (
                await session.exec(
                    select(AuditEvent)
                    .where(AuditEvent.action == action)
                    .order_by(col(AuditEvent.id))
                )
            ).all()
        )


async def _staff(review: ReviewHarness, email: str) -> Staff:
    async with review.db.transaction() as session:
        return (await session.exec(select(Staff).where(Staff.email == email))).one()


async def test_admin_pages_are_for_admins_only(review: ReviewHarness) -> None:
    sam = await review.staff()
    senior = await review.staff("senior")
    for who in (sam, senior):
        async with review.signed_in(who) as web:
            for url in ADMIN_PAGES:
                assert (await web.get(url)).status_code == 403, url
            for url in (f"/admin/staff/{sam.id}",):
                assert (await web.get(url)).status_code == 403
            for action in ("deactivate", "reactivate", "reset-password", "unlock"):
                refused = await web.post(f"/admin/staff/{sam.id}/{action}")
                assert refused.status_code == 403, action
            add = await web.post(
                "/admin/staff/new",
                {"name": "X", "email": "x@example.org", "role": "admin", "organisation": "1"},
            )
            assert add.status_code == 403
            org = await web.post("/admin/organisations/new", {"name": "Y", "kind": "partner"})
            assert org.status_code == 403
    async with review.db.transaction() as session:
        assert (
            await session.exec(select(Organisation).where(Organisation.name == "Y"))
        ).first() is None
        assert (
            await session.exec(select(Staff).where(Staff.email == "x@example.org"))
        ).first() is None
    admin = await review.staff("admin")
    async with review.signed_in(admin) as web:
        for url in ADMIN_PAGES:
            page = await web.get(url)
            assert page.status_code == 200, url
            assert page.text.count("<h1") == 1


async def test_admin_adds_staff_with_a_one_time_password(review: ReviewHarness) -> None:
    admin = await review.staff("admin")
    org = await review.org("Women's Centre", "partner")
    async with review.signed_in(admin) as web:
        bad = await web.post("/admin/staff/new", {"name": "", "email": "nope", "role": "boss"})
        assert bad.status_code == 400 and "<title>Error:" in bad.text
        for message in (
            "Enter their full name",
            "right format",
            "Choose their role",
            "Choose their organisation",
        ):
            assert message in bad.text
        assert 'value="nope"' in bad.text
        page = await web.post(
            "/admin/staff/new",
            {
                "name": "Kim <b>New</b>",
                "email": "Kim@Example.org",
                "role": "case_manager",
                "organisation": str(org.id),
            },
        )
        assert page.status_code == 200, page.text
        assert "<b>New</b>" not in page.text and "Kim &lt;b&gt;New&lt;/b&gt;" in page.text
        found = ONE_TIME.search(page.text)
        assert found, "no one-time password shown"
        password = found.group(1)
        again = await web.post(
            "/admin/staff/new",
            {
                "name": "Kim",
                "email": "kim@example.org",
                "role": "case_manager",
                "organisation": str(org.id),
            },
        )
        assert again.status_code == 400 and "already an account" in again.text
        # The password is shown once: nowhere on the account's pages afterwards.
        kim = await _staff(review, "kim@example.org")
        assert kim.organisation_id == org.id and kim.must_change_password
        for url in ("/admin/staff", f"/admin/staff/{kim.id}"):
            listed = await web.get(url)
            assert password not in listed.text and "Kim &lt;b&gt;New&lt;/b&gt;" in listed.text
    [event] = await _events(review, "admin_add_staff")
    assert event.actor == f"staff:{admin.id}" and event.detail["staff_id"] == kim.id
    async with review.client() as client:
        signed = await sign_in(client, "kim@example.org", password)
        assert signed.status_code == 303
        assert (await client.get("/")).headers["location"] == "/account/password"


async def test_switching_an_account_off_ends_its_sessions(review: ReviewHarness) -> None:
    admin = await review.staff("admin")
    sam = await review.staff()
    async with review.signed_in(sam) as sams_browser:
        assert (await sams_browser.get("/")).status_code == 200
        async with review.signed_in(admin) as web:
            off = await web.post(f"/admin/staff/{sam.id}/deactivate")
            assert off.status_code == 303
            page = await web.get(off.headers["location"])
            assert "Account switched off" in page.text and "Switch account back on" in page.text
            assert (await sams_browser.get("/")).status_code == 303
            async with review.db.transaction() as session:
                left = (
                    await session.exec(select(StaffSession).where(StaffSession.staff_id == sam.id))
                ).all()
            assert left == []
            async with review.client() as client:
                assert (await sign_in(client, sam.email, PASSWORD)).status_code == 400
            on = await web.post(f"/admin/staff/{sam.id}/reactivate")
            assert on.status_code == 303
            # An admin cannot lock themselves out.
            own = await web.post(f"/admin/staff/{admin.id}/deactivate")
            assert own.status_code == 400 and "your own account" in own.text
    async with review.client() as client:
        assert (await sign_in(client, sam.email, PASSWORD)).status_code == 303
    assert len(await _events(review, "admin_deactivate")) == 1
    assert len(await _events(review, "admin_reactivate")) == 1


async def test_reset_password_and_unlock(review: ReviewHarness) -> None:
    admin = await review.staff("admin")
    sam = await review.staff()
    async with review.db.transaction() as session:
        row = await session.get(Staff, sam.id)
        assert row is not None
        row.locked_until = review.clock() + timedelta(minutes=10)
        session.add(row)
    async with review.signed_in(admin) as web:
        listed = await web.get("/admin/staff")
        assert "Locked" in listed.text
        unlocked = await web.post(f"/admin/staff/{sam.id}/unlock")
        assert unlocked.status_code == 303
        assert "Account unlocked" in (await web.get(unlocked.headers["location"])).text
        async with review.signed_in(sam):
            pass
        reset = await web.post(f"/admin/staff/{sam.id}/reset-password")
        assert reset.status_code == 200
        password = ONE_TIME.search(reset.text).group(1)  # type: ignore[union-attr]
    async with review.client() as client:
        assert (await sign_in(client, sam.email, PASSWORD)).status_code == 400
        assert (await sign_in(client, sam.email, password)).status_code == 303
        assert (await client.get("/")).headers["location"] == "/account/password"
    assert len(await _events(review, "admin_unlock")) == 1
    assert len(await _events(review, "admin_reset_password")) == 1


async def test_organisations(review: ReviewHarness) -> None:
    admin = await review.staff("admin")
    sam = await review.staff()
    await review.person(sam)
    await review.person(sam)
    async with review.signed_in(admin) as web:
        listed = await web.get("/admin/organisations")
        assert "Probation North" in listed.text and "Probation service" in listed.text
        assert re.search(r"numeric\">2</td>\s*<td[^>]*>", listed.text)
        added = await web.post(
            "/admin/organisations/new", {"name": "  Hope  Women's Centre ", "kind": "partner"}
        )
        assert added.status_code == 303
        page = await web.get(added.headers["location"])
        assert "Organisation added" in page.text and "Hope Women&#39;s Centre" in page.text
        assert "Partner organisation" in page.text
        again = await web.post(
            "/admin/organisations/new", {"name": "Hope Women's Centre", "kind": "partner"}
        )
        assert again.status_code == 400 and "already an organisation" in again.text
        empty = await web.post("/admin/organisations/new", {"name": "", "kind": "x"})
        assert "Enter the organisation" in empty.text and "Choose what kind" in empty.text
    [event] = await _events(review, "admin_add_organisation")
    assert event.actor == f"staff:{admin.id}"


async def test_audit_log_lists_views_with_filters(review: ReviewHarness) -> None:
    admin = await review.staff("admin")
    sam = await review.staff(name="Sam Case")
    kim = await review.staff(name="Kim Other")
    alex = await review.person(sam, crn="X111111")
    jo = await review.person(kim, crn="X222222")
    await review.conversation(alex, "good_day_bad_day", {"good_day": "Secret words"})
    async with review.signed_in(sam) as web:
        assert (await web.get(f"/people/{alex.id}/brief")).status_code == 200
        assert (await web.get(f"/people/{alex.id}/export.csv")).status_code == 200
    async with review.signed_in(kim) as web:
        assert (await web.get(f"/people/{jo.id}/brief")).status_code == 200
    async with review.signed_in(admin) as web:
        page = await web.get("/admin/audit")
        text = page.text
        assert "Opened a session brief" in text and "Downloaded answers and plan (CSV)" in text
        assert "Sam Case" in text and "X111111" in text and "X222222" in text
        assert "Secret words" not in text
        # Newest first: Kim's view came last.
        assert text.index("X222222") < text.index("X111111")

        by_person = (await web.get("/admin/audit", params={"person": "x111111"})).text
        assert "X111111" in by_person and "X222222" not in by_person
        by_id = (await web.get("/admin/audit", params={"person": str(jo.id)})).text
        assert "X222222" in by_id and "X111111" not in by_id
        by_staff = (await web.get("/admin/audit", params={"staff": str(kim.id)})).text
        assert "X222222" in by_staff and "X111111" not in by_staff
        by_action = (await web.get("/admin/audit", params={"action": "export_csv"})).text
        table = by_action[by_action.index("<table") :]
        assert (
            "Downloaded answers and plan (CSV)" in table and "Opened a session brief" not in table
        )
        assert "Showing 1 to 1 of 1 entry" in by_action
        nothing = (await web.get("/admin/audit", params={"person": "nobody"})).text
        assert "Nothing in the audit log matches" in nothing


async def test_audit_log_pages_fifty_at_a_time(review: ReviewHarness) -> None:
    admin = await review.staff("admin")
    async with review.db.transaction() as session:
        for n in range(120):
            audit.record(
                session, actor="cli:ops", action="made_up_action", person_id=None, detail={"n": n}
            )
    async with review.signed_in(admin) as web:
        first = (await web.get("/admin/audit", params={"action": "made_up_action"})).text
        assert "Showing 1 to 50 of 120 entries" in first
        assert "Command line (ops)" in first and "Made up action" in first
        assert (
            "govuk-pagination" in first and "page=2" in first and "action=made_up_action" in first
        )
        last = (await web.get("/admin/audit", params={"action": "made_up_action", "page": 3})).text
        assert "Showing 101 to 120 of 120 entries" in last
        beyond = (await web.get("/admin/audit", params={"page": 99})).text
        assert "Showing" in beyond
