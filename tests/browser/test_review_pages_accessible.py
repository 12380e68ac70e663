"""axe-core (WCAG 2.2 AA, no serious or critical violations) on every page of the review app,
in each of its states that shows something different: as a case manager, a senior and an
administrator, one signed-in browser each, on a realistic caseload (bot/sample_data) and one
person with everything a page can show. Keyboard: the main action of the busiest forms is
reached with Tab and shows where the focus is.

With TANDEM_SHOTS=1 each page is also saved as /tmp/shots/<name>.png for a person to look at.
"""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect
from sqlmodel import select

from bot.engine import AnswerValue
from bot.sample_data import add_caseload, sample_answers
from storage.models import (
    Answer,
    Appointment,
    Conversation,
    Flag,
    FlagMessage,
    Note,
    PlanItem,
    ServiceUser,
    Staff,
)
from tests.support.browser import (
    assert_reached_with_visible_focus,
    axe_problems,
    chromium_page,
    shot,
)
from tests.support.databases import sqlite_url
from tests.support.review import PASSWORD, ReviewHarness, catalogue, review_app, served

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 900
# A PDF page object; "/Type /Pages" is the page tree, not a page.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


@dataclass
class Seed:
    sam: Staff
    priya: Staff
    sol: Staff
    ada: Staff
    alex: ServiceUser
    bea: ServiceUser
    check_in: Conversation
    good_day: Conversation
    answer_id: int
    sent_item: PlanItem


def _said(answers: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """sample_answers marks a skipped question with None; add_conversation wants it apart."""
    kept = {k: v for k, v in answers.items() if v is not None}
    return kept, tuple(k for k, v in answers.items() if v is None)


async def _conversation(
    review: ReviewHarness, person: ServiceUser, tool: str, answers: dict[str, Any], **kw: Any
) -> Conversation:
    kept, skipped = _said(answers)
    return await review.conversation(person, tool, kept, skipped=skipped, **kw)


async def seed(review: ReviewHarness) -> Seed:
    """A caseload of made-up people for Sam and Priya, and Alex, who has a bit of everything:
    open flags (one with a call asked for), answers that need attention, a tool done twice
    (what changed, and its history), a sensitive conversation, a voice note, notes, a plan in
    every state, appointments past and to come, and tools in progress or kept private."""
    now = review.clock()
    rng = random.Random(11)
    sam = await review.staff(name="Sam Patel")
    priya = await review.staff(name="Priya Shah")
    sol = await review.staff("senior", name="Sol Evans")
    ada = await review.staff("admin", name="Ada Okafor")
    org_id = sam.organisation_id
    for manager, people, number in ((sam, 6, 5), (priya, 4, 6)):
        await add_caseload(
            review.db,
            catalogue(),
            organisation_id=org_id,
            case_manager_id=manager.id or 0,
            people=people,
            conversations_per_person=4,
            seed=number,
            now=now,
            # Sam's has the demo's crisis flags: one sent to the seniors, one not safe to call.
            crises=manager is sam,
        )
    alex = await review.person(sam, name="Alex Morgan", crn="X123456")
    bea = await review.person(sam, name="Bea Lewis", crn="X654321", joined=False)

    before = {**sample_answers("good_day_bad_day", rng), "good_people": "My brother"}
    first = await _conversation(
        review, alex, "good_day_bad_day", before, at=now - timedelta(days=40)
    )
    good_day = await _conversation(
        review,
        alex,
        "good_day_bad_day",
        {**before, "good_people": "My brother and my <b>daughter</b>", "bad_why": "No money"},
        at=now - timedelta(days=2),
    )
    hard: dict[str, AnswerValue] = {
        "feeling": "struggling",
        "feeling_hard": "Lost my job on Friday and the rent is due",
        "support": ["housing", "money"],
        "support_more": "I need to find somewhere before the end of the month",
        "callback": True,
        "callback_when": "Mornings, not Tuesdays",
    }
    check_in = await review.conversation(alex, "check_in", hard, at=now - timedelta(days=1))
    private = await _conversation(
        review,
        alex,
        "aspirations",
        sample_answers("aspirations", rng),
        at=now - timedelta(days=20),
    )
    await review.conversation(
        alex, "four_plus_one", {}, at=now - timedelta(hours=3), status="active"
    )
    await review.conversation(
        alex,
        "people_in_my_life",
        {"closer_to": "My dad"},
        at=now - timedelta(days=8),
        sharing="private",
    )
    script = catalogue().get("check_in")
    assert script is not None
    async with review.db.transaction() as session:
        for conv, reviewed, sensitive in ((first, True, False), (private, True, True)):
            conv.reviewed_at = now - timedelta(days=1) if reviewed else None
            conv.reviewed_by = sam.id if reviewed else None
            conv.sensitive = sensitive
            session.add(conv)
        check_in.attention = script.attention_reasons(hard)
        session.add(check_in)
        voice = Answer(
            conversation_id=check_in.id or 0,
            service_user_id=alex.id or 0,
            script_version_id=check_in.script_version_id,
            step_id="voice",
            question="Send a voice note about your week",
            value={"media": "voice", "file_id": "AwACAgIAAxkBAAI-voice", "duration": 12},
            display="Voice message (0:12)",
            answered_at=now - timedelta(days=1),
        )
        session.add(voice)
        answer_id = (
            await session.exec(
                select(Answer.id).where(
                    Answer.conversation_id == check_in.id, Answer.step_id == "support_more"
                )
            )
        ).one()
        assert answer_id is not None
        for at, kind in (
            (now - timedelta(days=14), "in_person"),
            (now + timedelta(days=3), "phone"),
        ):
            session.add(
                Appointment(
                    service_user_id=alex.id or 0,
                    at=at,
                    kind=kind,
                    place="Queen Street office" if kind == "in_person" else "07700 900123",
                    created_by=sam.id,
                    created_at=now - timedelta(days=20),
                )
            )
        for text, about in (
            ("Spoke about the <script>alert(1)</script> job centre letter.", None),
            ("Talk about the rent arrears next time.", check_in.id),
        ):
            session.add(
                Note(
                    service_user_id=alex.id or 0,
                    conversation_id=about,
                    staff_id=sam.id or 0,
                    text=text,
                    created_at=now - timedelta(hours=5),
                )
            )
        source = {
            "answer_id": answer_id,
            "conversation_id": check_in.id,
            "tool": "Check-in between appointments",
            "script_id": "check_in",
            "question": "You ticked: Housing, Money. Would you like to say a bit more?",
            "display": "I need to find somewhere before the end of the month",
            "skipped": False,
        }
        sent = now - timedelta(days=6)

        def plan(**kw: Any) -> PlanItem:
            made = now - timedelta(days=7)
            sent_revision = 1 if kw.get("sent_at") else None
            return PlanItem(
                service_user_id=alex.id or 0,
                created_by=sam.id or 0,
                created_at=made,
                updated_at=made,
                sent_revision=sent_revision,
                **kw,
            )

        items = [
            plan(what="Ring the council housing team", who="Alex and Sam", sources=[source]),
            plan(what="Go to the food bank on Tuesday", who="Alex", sent_at=sent),
            plan(
                what="Walk the dog every morning",
                who="Alex",
                sent_at=sent,
                response="agree",
                responded_at=sent + timedelta(hours=2),
            ),
            plan(
                what="Apply for three jobs a week",
                who="Alex",
                sent_at=sent,
                response="change",
                response_text="Two a week.\nThree is too many with the course",
                responded_at=sent + timedelta(hours=3),
            ),
            plan(
                what="See the GP about sleeping",
                who="Alex",
                by_when=(now + timedelta(days=10)).date(),
                sent_at=sent,
                response="talk",
                responded_at=sent + timedelta(hours=4),
            ),
            plan(what="Get a bus pass", who="Sam", status="done", sent_at=sent),
            plan(what="Join the gym", who="Alex", status="dropped"),
        ]
        for item in items:
            session.add(item)
        await session.flush()
        sent_item = items[1]
    flag = await review.flag(
        alex,
        message="Honestly some days I think everyone would be better off without me",
        category="suicide_self_harm",
        categories=["suicide_self_harm", "being_harmed"],
        conversation_id=check_in.id,
        callback_requested_at=now - timedelta(hours=20),
        media_kind="voice",
        file_id="AwACAgIAAxkBAAI-flag-voice",
        person_choice="ok",
        person_choice_at=now - timedelta(hours=19, minutes=50),
        contact="times",
        contact_times="Weekday mornings when he's at work",
    )
    async with review.db.transaction() as session:
        row = await session.get(Flag, flag.id)
        assert row is not None
        # Raised four days ago and nobody resolved it: it went to the seniors.
        row.created_at = now - timedelta(days=4)
        row.escalate_at = row.escalated_at = now - timedelta(days=3, hours=20)
        row.callback_requested_at = row.created_at + timedelta(minutes=2)
        row.person_choice_at = row.created_at + timedelta(minutes=12)
        session.add(row)
        for minutes, kind, text, extra in (
            (3, "repeat", "I mean it this time", {"categories": ["suicide_self_harm"]}),
            (6, "after", "Sorry. My sister is coming round", {}),
            (9, "after", "", {"media_kind": "photo", "file_id": "AgACAgIAAxkBAAI-photo"}),
        ):
            session.add(
                FlagMessage(
                    flag_id=flag.id or 0,
                    service_user_id=alex.id or 0,
                    kind=kind,
                    text=text,
                    created_at=row.created_at + timedelta(minutes=minutes),
                    **extra,
                )
            )
    await review.flag(
        alex,
        "callback",
        callback_requested_at=now - timedelta(hours=30),
        contact="times",
        contact_times="Not when he's home",
    )

    return Seed(sam, priya, sol, ada, alex, bea, check_in, good_day, answer_id, sent_item)


@asynccontextmanager
async def seeded_app(tmp_path: Path) -> AsyncIterator[tuple[str, Seed]]:
    async with review_app(sqlite_url(tmp_path)) as review:
        data = await seed(review)
        async with served(review.config) as url:
            yield url, data


@dataclass
class Visit:
    """One browser going round the pages, gathering what axe finds on each."""

    page: Page
    url: str
    problems: list[str] = field(default_factory=list)

    async def check(self, name: str) -> None:
        found = await axe_problems(self.page)
        self.problems += [f"{name} ({self.page.url}): {problem}" for problem in found]
        await shot(self.page, name)

    async def open(self, path: str, name: str, *, heading: str | None = None) -> None:
        await self.page.goto(self.url + path)
        if heading is not None:
            await expect(self.page.get_by_role("heading", level=1)).to_contain_text(heading)
        await self.check(name)

    async def error_state(self, button: str | re.Pattern[str], name: str) -> None:
        await self.page.get_by_role("button", name=button).first.click()
        await expect(self.page.locator(".govuk-error-summary")).to_be_visible()
        assert (await self.page.title()).startswith("Error:")
        await self.check(name)

    async def sign_in(self, staff: Staff) -> None:
        await self.page.goto(self.url + "/sign-in")
        await self.page.get_by_label("Email address").fill(staff.email)
        await self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        await self.page.get_by_role("button", name="Sign in").click()
        await expect(self.page.get_by_text(f"Signed in as {staff.name}")).to_be_visible()

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@asynccontextmanager
async def visiting(url: str) -> AsyncIterator[Visit]:
    async with chromium_page(WIDTH, HEIGHT) as page:
        visit = Visit(page, url)
        yield visit
        visit.assert_clean()


async def test_every_page_a_case_manager_sees(tmp_path: Path) -> None:
    async with seeded_app(tmp_path) as (url, s), visiting(url) as v:
        page = v.page
        alex = f"/people/{s.alex.id}"

        # Signing in, with the keyboard, and getting it wrong.
        await v.open("/sign-in", "sign-in", heading="Sign in to Tandem")
        await assert_reached_with_visible_focus(page, page.get_by_role("button", name="Sign in"))
        await page.get_by_label("Email address").fill(s.sam.email)
        await page.get_by_label("Password", exact=True).fill("not the password")
        await v.error_state("Sign in", "sign-in-error")
        await v.sign_in(s.sam)

        await v.open("/", "caseload", heading="Your caseload")
        await expect(page.locator("table.tandem-caseload tbody tr").first).to_contain_text(
            "Alex Morgan"
        )

        # A person's page with everything on it; the resolve form is reached with Tab.
        await v.open(alex, "person", heading="Alex Morgan")
        resolve = page.locator(".tandem-flag").first.get_by_role(
            "button", name=re.compile("^Mark as resolved")
        )
        await assert_reached_with_visible_focus(page, resolve)
        # The voice note answer, and the one the flag came with.
        await expect(page.locator("audio.tandem-audio")).to_have_count(2)
        await expect(page.locator("details.tandem-sensitive")).to_have_count(1)
        for state in ("Not sent yet", "Sent, waiting for reply", "Agreed", "Wants to change it"):
            await expect(page.locator("#plan").get_by_text(state).first).to_be_visible()
        await v.error_state(re.compile("^Add note"), "person-note-error")
        await v.open(alex, "person-again")
        await v.error_state(re.compile("^Mark as resolved"), "person-resolve-error")

        # One conversation, its review form wrong, and every time the tool was shared.
        await v.open(f"{alex}/conversations/{s.check_in.id}", "conversation", heading="Check-in")
        await page.get_by_label("Note (optional)").fill("x" * 5001)
        await v.error_state(re.compile("^Mark as reviewed"), "conversation-review-error")
        await v.open(f"{alex}/tools/good_day_bad_day", "tool-history", heading="Good day")

        # The next appointment, and the form sent empty.
        await v.open(f"{alex}/appointment", "appointment", heading="Next appointment")
        await v.open(f"/people/{s.bea.id}/appointment", "appointment-empty")
        await assert_reached_with_visible_focus(
            page, page.get_by_role("button", name="Save appointment")
        )
        await v.error_state("Save appointment", "appointment-error")

        # The plan: its own page, a new item from an answer (keyboard), a change, and errors.
        await v.open(f"{alex}/plan", "plan", heading="Plan")
        await v.open(f"{alex}/plan/new?answer={s.answer_id}", "plan-new", heading="Add a plan")
        await assert_reached_with_visible_focus(
            page, page.get_by_role("button", name="Save plan item")
        )
        await v.error_state("Save plan item", "plan-new-error")
        await v.open(f"{alex}/plan/{s.sent_item.id}/edit", "plan-edit", heading="Change a plan")
        await page.get_by_label("What will happen").fill("")
        await page.get_by_label("Day").fill("31")
        await page.get_by_label("Month").fill("2")
        await page.get_by_label("Year").fill("2027")
        await v.error_state("Save plan item", "plan-edit-error")

        await v.open(f"{alex}/brief", "brief", heading="Alex Morgan")
        pdf = await page.pdf(format="A4", print_background=True)
        assert len(PDF_PAGE.findall(pdf)) == 1, "the brief of a busy person is not one A4 page"

        # Adding a person: the form wrong, then right; their invite and its status.
        await v.open("/people/new", "person-new", heading="Add a person")
        await assert_reached_with_visible_focus(
            page, page.get_by_role("button", name="Add person and make invite")
        )
        await v.error_state("Add person and make invite", "person-new-error")
        await page.get_by_label("Full name").fill("Casey Jones")
        await page.get_by_label("CRN (optional)").fill("Z111222")
        await page.get_by_role("button", name="Add person and make invite").click()
        await expect(page.get_by_text("Casey Jones has been added")).to_be_visible()
        await expect(page.locator(".tandem-qr svg[role=img]")).to_have_count(1)
        await v.check("invite")
        await page.get_by_role("link", name="See whether they have joined").click()
        await expect(page.get_by_role("heading", name="Invite to Tandem")).to_be_visible()
        await v.check("invite-status")
        await page.get_by_role("button", name="Create a new invite link").click()
        await expect(page.get_by_role("heading", name="New invite for Casey Jones")).to_be_visible()
        await v.check("invite-reissued")
        await v.open(f"/people/{s.bea.id}/invite", "invite-status-no-link")

        # Their own password, and the pages that say no.
        await v.open("/account/password", "password", heading="Choose a new password")
        await v.error_state("Save password", "password-error")
        await v.open("/people/999999", "not-found", heading="Page not found")
        await v.open("/admin/staff", "forbidden", heading="You cannot open this page")


async def test_every_page_a_senior_sees(tmp_path: Path) -> None:
    async with seeded_app(tmp_path) as (url, s), visiting(url) as v:
        page = v.page
        await v.sign_in(s.sol)
        await v.open("/", "senior-caseload", heading="Everyone in")
        rows = page.locator("table.tandem-caseload tbody tr")
        assert await rows.count() == 12
        # Flags nobody resolved in time, above everything: Alex's (the oldest) first.
        sent_up = page.locator("section.tandem-sent-up tbody tr")
        await expect(sent_up.first).to_contain_text("Alex Morgan")
        await expect(sent_up.first).to_contain_text("Sam Patel")
        await expect(rows.first).to_contain_text("Alex Morgan")
        await page.get_by_label("My caseload").check()
        await page.get_by_role("button", name="Show", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
        await v.check("senior-caseload-mine")

        await v.open(f"/people/{s.alex.id}", "senior-person", heading="Alex Morgan")
        await v.open(
            f"/people/{s.alex.id}/case-manager",
            "case-manager",
            heading="Change case manager",
        )
        await page.get_by_label("Case manager").select_option(label="Priya Shah")
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_text("is now on the caseload of Priya Shah")).to_be_visible()
        await v.check("case-manager-changed")
        await v.open("/people/new", "senior-person-new", heading="Add a person")
        await v.error_state("Add person and make invite", "senior-person-new-error")


async def test_every_page_an_administrator_sees(tmp_path: Path) -> None:
    async with seeded_app(tmp_path) as (url, s), visiting(url) as v:
        page = v.page
        await v.sign_in(s.ada)
        await v.open("/admin/staff", "admin-staff", heading="Staff")
        await v.open("/admin/staff/new", "admin-staff-new", heading="Add a member of staff")
        await assert_reached_with_visible_focus(
            page, page.get_by_role("button", name="Add account")
        )
        await v.error_state("Add account", "admin-staff-new-error")
        await page.get_by_label("Full name").fill("Robin Hughes")
        await page.get_by_label("Work email address").fill("robin.hughes@example.org")
        await page.get_by_label("Case manager").check()
        await page.get_by_label("Organisation").select_option(label="Probation North")
        await page.get_by_role("button", name="Add account").click()
        await expect(page.locator("#one-time-password")).to_be_visible()
        await v.check("admin-one-time-password")
        await v.open(f"/admin/staff/{s.sam.id}", "admin-staff-one", heading="Sam Patel")
        await v.open("/admin/organisations", "admin-organisations", heading="Organisations")
        await page.get_by_role("link", name="Probation North").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Probation North")
        await v.check("admin-organisation")
        await page.get_by_label("Send flags to seniors after").fill("99")
        await v.error_state("Save when flags go to seniors", "admin-organisation-escalation-error")
        await expect(
            page.get_by_text("Office hours must be between 1 and 40").first
        ).to_be_visible()
        await v.open(
            "/admin/organisations/new", "admin-organisation-new", heading="Add an organisation"
        )
        await v.error_state("Add organisation", "admin-organisation-new-error")
        await v.open("/admin/audit", "admin-audit", heading="Audit log")
        await page.get_by_label("What they did").select_option(label="Added a member of staff")
        await page.get_by_label("Member of staff").select_option(
            label=f"{s.ada.name} ({s.ada.email})"
        )
        await page.get_by_role("button", name="Show").click()
        await expect(page.get_by_text("Clear filters")).to_be_visible()
        await expect(page.locator("table.govuk-table tbody tr")).to_have_count(1)
        await v.check("admin-audit-filtered")
        await v.open(f"/people/{s.alex.id}", "admin-not-found", heading="Page not found")
