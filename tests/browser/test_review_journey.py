"""The case manager's journey through the review app, end to end with the real Tandem, in
Chromium: a person joins through the sandbox chat, has a hard week and writes something
worrying in a check-in (and carries on with it later); their case manager signs in with the keyboard, finds them first on the
caseload, reads their words, resolves the flag, makes a plan item from an answer and sends it;
the person agrees to it in the sandbox chat page; the case manager sees "Agreed" and prints the
session brief on one A4 page. axe-core checks every review page on the way."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from bot.review import auth
from bot.sandbox.client import Chat
from bot.sandbox.server import SandboxServer
from storage.models import Appointment, ServiceUser, Staff
from tests.support.browser import assert_accessible, chromium_page, shot, tab_to
from tests.support.review import PASSWORD
from tests.support.tandem import Harness, running_tandem

pytestmark = pytest.mark.browser

WORRYING = "Lost my job. Honestly I dont see the point anymore, I want to end my life"
HARD = "Lost my job on Friday"
FLAT = "I might lose my flat"
AGREE = "Yes, I agree"
PLAN_WHAT = "Ring the housing team together about the flat"
# A PDF page object; "/Type /Pages" is the page tree, not a page.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


async def hard_check_in(chat: Chat) -> None:
    """A struggling check-in with a crisis message in it, shared with their case manager."""
    await chat.click("Check-in between appointments")
    await chat.wait_for(lambda m: "Struggling" in m.labels)
    await chat.click("Struggling")
    await chat.wait_for(lambda m: "what has been hard" in (m.text or "") and bool(m.buttons))
    await chat.send(WORRYING)
    await chat.wait_for("Samaritans: call 116 123")
    # Worrying words are never an answer: the check-in waits at the question, to carry on later.
    later = "Carry on with Check-in between appointments later"
    choice = await chat.wait_for(lambda m: later in m.labels)
    await chat.click(later, message_id=choice.id)
    await chat.wait_for("When you're ready, send /menu")
    await chat.send("/menu")
    await chat.wait_for(lambda m: "Carry on: Check-in between appointments" in m.labels)
    await chat.click("Carry on: Check-in between appointments")
    await chat.wait_for(lambda m: "what has been hard" in (m.text or "") and bool(m.buttons))
    await chat.send(HARD)
    support = await chat.wait_for(lambda m: "Done" in m.labels)
    await chat.click("Housing", message_id=support.id)
    await chat.wait_for(lambda m: m.id == support.id and any("✓" in x for x in m.labels))
    await chat.click("Done", message_id=support.id)
    await chat.wait_for(lambda m: "say a bit more" in (m.text or "") and bool(m.buttons))
    await chat.send(FLAT)
    await chat.wait_for(lambda m: "No, thanks" in m.labels)
    await chat.click("No, thanks")
    await chat.wait_for(lambda m: "Share with my probation officer" in m.labels)
    await chat.click("Share with my probation officer")
    await chat.wait_for("Thank you for checking in")


async def case_manager_of(tandem: Harness, person_id: int) -> Staff:
    """Sam, the person's case manager (enrol() puts people in the "Tandem" organisation), and
    someone else on Sam's caseload who would come first without the attention rules: an
    earlier name and an appointment sooner."""
    now = datetime.now(UTC)
    async with tandem.db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
        assert person is not None
        sam = Staff(
            organisation_id=person.organisation_id,
            email=f"sam.{person_id}@example.org",
            name="Sam Jones",
            role="case_manager",
            password_hash=auth.hash_password(PASSWORD),
        )
        session.add(sam)
        await session.flush()
        person.case_manager_id = sam.id
        session.add(person)
        other = ServiceUser(
            organisation_id=person.organisation_id,
            case_manager_id=sam.id,
            name="Aaron Abbott",
            crn="A000001",
        )
        session.add(other)
        await session.flush()
        session.add(
            Appointment(
                service_user_id=other.id or 0,
                at=now + timedelta(days=1),
                created_by=sam.id,
                created_at=now,
            )
        )
    return sam


async def sign_in_with_the_keyboard(page: Page, url: str, email: str) -> None:
    await page.goto(url + "/")
    await expect(page.get_by_role("heading", name="Sign in to Tandem")).to_be_visible()
    await assert_accessible(page)
    await tab_to(page, page.get_by_label("Email address"))
    await page.keyboard.type(email)
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()


async def test_find_read_resolve_plan_agree_and_print(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with running_tandem(sandbox, tmp_path, web=True) as tandem:
        chat, person_id = await tandem.joined_chat("Jordan")
        await hard_check_in(chat)
        sam = await case_manager_of(tandem, person_id)
        url = f"http://127.0.0.1:{tandem.running.http_port}"

        async with chromium_page(1280, 900) as page:
            await sign_in_with_the_keyboard(page, url, sam.email)

            # The caseload: Jordan first, with what needs attention.
            await assert_accessible(page)
            await shot(page, "journey-caseload")
            first = page.locator("table.tandem-caseload tbody tr").first
            await expect(first.get_by_role("rowheader")).to_contain_text("Jordan Example")
            needs = first.locator("td").first
            await expect(needs.locator(".govuk-tag", has_text="Safeguarding")).to_be_visible()
            await expect(
                needs.locator(".govuk-tag", has_text="Check-in: struggling")
            ).to_be_visible()
            await expect(page.locator("table.tandem-caseload tbody tr").nth(1)).to_contain_text(
                "Aaron Abbott"
            )

            # Their page: the flag with their words, and their answers under the questions.
            await first.get_by_role("link", name="Jordan Example").click()
            await expect(
                page.get_by_role("heading", level=1, name="Jordan Example")
            ).to_be_visible()
            await assert_accessible(page)
            await shot(page, "journey-person")
            attention = page.locator("section[aria-labelledby=attention-heading]")
            flag = attention.locator(".tandem-flag")
            await expect(flag).to_have_count(1)
            await expect(flag).to_contain_text(WORRYING)
            await expect(flag).to_contain_text("They chose to carry on with the tool later")
            shared = page.locator("section[aria-labelledby=answers-heading]")
            hard = shared.locator(".govuk-summary-list__row", has_text="what has been hard")
            await expect(hard.locator("dt")).to_contain_text(
                "Would you like to say what has been hard?"
            )
            # Their answer is what they wrote when they came back to it, not the worrying words.
            await expect(hard.locator("dd").first).to_contain_text(HARD)
            await expect(shared).not_to_contain_text(WORRYING)
            flat = shared.locator(".govuk-summary-list__row", has_text=FLAT)
            await expect(flat.locator("dt")).to_contain_text("Would you like to say a bit more?")

            # Resolve the flag with what was done: it leaves "needs attention".
            await flag.get_by_label("What did you do?").fill(
                "Rang Jordan the same afternoon. Safe, staying with his sister tonight."
            )
            await flag.get_by_role("button", name=re.compile("^Mark as resolved")).click()
            await expect(page.get_by_text("Flag resolved")).to_be_visible()
            await assert_accessible(page)
            await expect(attention.locator(".tandem-flag")).to_have_count(0)
            await expect(attention).not_to_contain_text(WORRYING)

            # A plan item from their answer, then the plan sent to them.
            await flat.get_by_role("link", name=re.compile("^Add to plan")).click()
            await expect(page.get_by_role("heading", name="Add a plan item")).to_be_visible()
            await expect(page.locator(".govuk-inset-text")).to_contain_text(FLAT)
            await assert_accessible(page)
            await shot(page, "journey-plan-item")
            await page.get_by_label("What will happen").fill(PLAN_WHAT)
            await page.get_by_label("Who will do it").fill("Jordan and Sam")
            await page.get_by_role("button", name="Save plan item").click()
            await expect(page.get_by_text("Plan item added")).to_be_visible()
            await assert_accessible(page)
            plan = page.locator("#plan")
            await expect(plan.get_by_text("Not sent yet")).to_be_visible()
            await plan.get_by_role("button", name="Send the plan to Jordan").click()
            await expect(
                page.get_by_text("The plan was sent to Jordan on Telegram")
            ).to_be_visible()
            await assert_accessible(page)
            await expect(plan.get_by_text("Sent, waiting for reply")).to_be_visible()

            # Jordan agrees in the sandbox chat page, on their phone.
            phone = await page.context.new_page()
            bot_id = tandem.running.bot.id
            await phone.goto(
                f"{tandem.sandbox.url}/chat?bot={bot_id}&user={chat.user_id}&name=Jordan"
            )
            await expect(phone.locator("body[data-ready=true]")).to_have_count(1)
            # On the lock screen it was one neutral line; the plan shows after "Show me".
            notice = phone.locator("#messages li.msg.in").filter(
                has_text="You have something new in Tandem."
            )
            await expect(notice.last).not_to_contain_text(PLAN_WHAT)
            await notice.last.get_by_role("button", name="Show me").click(timeout=15_000)
            item = phone.locator("#messages li.msg.in").filter(has_text=PLAN_WHAT).last
            await item.get_by_role("button", name=AGREE).click(timeout=15_000)
            await expect(
                phone.locator("#messages li.msg.in").filter(has_text="will see that you agree")
            ).to_be_visible(timeout=10_000)
            await phone.close()

            # Sam sees it.
            await page.goto(f"{url}/people/{person_id}")
            await expect(plan.locator(".govuk-tag", has_text="Agreed")).to_be_visible()
            await assert_accessible(page)

            # The brief: one A4 page, without the site's navigation when printed.
            await page.get_by_role("button", name="Session brief").click()
            await expect(
                page.get_by_role("heading", level=1, name="Jordan Example")
            ).to_be_visible()
            await expect(page.locator(".govuk-caption-m")).to_contain_text("Session brief")
            await expect(page.locator(".tandem-brief-plan")).to_contain_text(PLAN_WHAT)
            await expect(page.locator(".tandem-brief-plan")).to_contain_text("Agreed")
            await assert_accessible(page)
            await shot(page, "journey-brief")
            header = page.locator(".govuk-template__header")
            await expect(header).to_be_visible()
            await page.emulate_media(media="print")
            await expect(header).to_be_hidden()
            await expect(page.locator(".tandem-account")).to_be_hidden()
            await expect(page.get_by_role("heading", name="The plan")).to_be_visible()
            pdf = await page.pdf(format="A4", print_background=True)
            assert pdf.startswith(b"%PDF")
            pages = len(PDF_PAGE.findall(pdf))
            assert pages == 1, f"the brief printed on {pages} pages"
