"""axe-core (WCAG 2.2 AA, no serious or critical violations) on the "between appointments"
pages in Chromium: a person's page with tools set, a regular check-in, and Tandem unable to
reach them; setting tools (with and without an appointment, and wrong); regular check-ins
(and wrong); one's own account; an organisation's reminders (and wrong); and the caseload with
its "Unreachable" tag. Setting a tool is done with the keyboard and the mouse as staff would.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from storage.models import Appointment, ServiceUser
from tests.support.browser import (
    assert_reached_with_visible_focus,
    axe_problems,
    chromium_page,
    shot,
)
from tests.support.databases import sqlite_url
from tests.support.review import PASSWORD, review_app, served

pytestmark = pytest.mark.browser


async def _check(page: Page, name: str, problems: list[str]) -> None:
    problems += [f"{name} ({page.url}): {p}" for p in await axe_problems(page)]
    await shot(page, name)


async def test_between_appointments_pages(tmp_path: Path) -> None:
    async with review_app(sqlite_url(tmp_path)) as review:
        sam = await review.staff(name="Sam Patel")
        ada = await review.staff("admin", name="Ada Okafor")
        alex = await review.person(sam, name="Alex Morgan", crn="X123456")
        bea = await review.person(sam, name="Bea Lewis", crn="X654321")
        now = review.clock()
        async with review.db.transaction() as session:
            session.add(
                Appointment(
                    service_user_id=alex.id or 0,
                    at=now + timedelta(days=6),
                    kind="in_person",
                    place="Room 2",
                )
            )
            row = await session.get(ServiceUser, bea.id)
            assert row is not None
            row.unreachable_at = now - timedelta(days=2)
            row.reminders_stopped_at = now - timedelta(days=5)
            session.add(row)
        org = await review.org()
        problems: list[str] = []
        async with served(review.config) as url, chromium_page(1280, 900) as page:
            await page.goto(url + "/sign-in")
            await page.get_by_label("Email address").fill(sam.email)
            await page.get_by_label("Password", exact=True).fill(PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.get_by_text("Signed in as Sam Patel")).to_be_visible()

            # Setting tools: the form sent empty, then filled in as staff would.
            await page.goto(f"{url}/people/{alex.id}/assignments/new")
            await _check(page, "assignment-new", problems)
            await page.get_by_role("button", name="Set tools").click()
            await expect(page.locator(".govuk-error-summary")).to_be_visible()
            assert (await page.title()).startswith("Error:")
            await _check(page, "assignment-new-error", problems)
            await page.get_by_label("People in my life").check()
            await page.get_by_label("Good day, bad day").check()
            await page.get_by_label("A note for Alex (optional)").fill(
                "Have a think about who helps you – we’ll talk about it on Tuesday"
            )
            button = page.get_by_role("button", name="Set tools")
            await assert_reached_with_visible_focus(page, button)
            await page.keyboard.press("Enter")
            await expect(page.get_by_text("Tools set.")).to_be_visible()
            await expect(page.locator("#between-heading")).to_be_visible()
            await _check(page, "person-with-tools", problems)

            # Without an appointment: a date.
            await page.goto(f"{url}/people/{bea.id}/assignments/new")
            await expect(page.get_by_text("Bea has no appointment booked")).to_be_visible()
            await _check(page, "assignment-new-no-appointment", problems)

            # Regular check-ins: wrong, then started.
            await page.goto(f"{url}/people/{alex.id}/checkins")
            await _check(page, "checkins", problems)
            await page.get_by_label(re.compile("How many days")).fill("30")
            await page.get_by_role("button", name="Start regular check-ins").click()
            await expect(page.locator(".govuk-error-summary")).to_be_visible()
            await _check(page, "checkins-error", problems)
            await page.get_by_label(re.compile("How many days")).fill("3")
            await page.get_by_role("button", name="Start regular check-ins").click()
            await expect(page.get_by_text("Regular check-ins started")).to_be_visible()
            await page.goto(f"{url}/people/{alex.id}/checkins")
            await _check(page, "checkins-running", problems)

            # Someone Tandem cannot reach, on their page and the caseload.
            await page.goto(f"{url}/people/{bea.id}")
            await expect(page.get_by_text("Tandem cannot reach Bea on Telegram")).to_be_visible()
            await _check(page, "person-unreachable", problems)
            await page.goto(url + "/")
            await expect(page.get_by_text("Unreachable", exact=True)).to_be_visible()
            await _check(page, "caseload-between", problems)

            await page.goto(url + "/account")
            await _check(page, "account", problems)
            await page.get_by_label("No, I will check my caseload").check()
            await page.get_by_role("button", name="Save").click()
            await expect(page.get_by_text("Emails switched off")).to_be_visible()
            await _check(page, "account-saved", problems)

            # An administrator's reminder settings, sent wrong.
            await page.get_by_role("button", name="Sign out").click()
            await page.get_by_label("Email address").fill(ada.email)
            await page.get_by_label("Password", exact=True).fill(PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await page.goto(f"{url}/admin/organisations/{org.id}")
            await _check(page, "admin-organisation", problems)
            await page.get_by_label("The day before the appointment").uncheck()
            await page.get_by_label("On the day of the appointment").uncheck()
            await page.get_by_role("button", name="Save reminder settings").click()
            await expect(page.locator(".govuk-error-summary")).to_be_visible()
            await _check(page, "admin-organisation-error", problems)
        assert not problems, "\n".join(problems)
