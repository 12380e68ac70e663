"""Signing in with the keyboard only, in Chromium, with axe-core on each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.support.browser import assert_accessible, chromium_page
from tests.support.databases import sqlite_url
from tests.support.review import PASSWORD, review_app, served

pytestmark = pytest.mark.browser


async def test_sign_in_with_the_keyboard_and_errors_read_out(tmp_path: Path) -> None:
    async with review_app(sqlite_url(tmp_path)) as review, served(review.config) as url:
        sam = await review.staff(name="Sam Patel")
        async with chromium_page(1280, 900) as page:
            await page.goto(url + "/")
            await expect(page.get_by_role("heading", name="Sign in to Tandem")).to_be_visible()
            await assert_accessible(page)
            # Keyboard only: skip link, then the fields in order.
            await page.keyboard.press("Tab")
            await expect(page.get_by_text("Skip to main content")).to_be_focused()
            await page.get_by_label("Email address").focus()
            await page.keyboard.type(sam.email)
            await page.keyboard.press("Tab")
            await page.keyboard.type("wrong password")
            await page.keyboard.press("Enter")
            summary = page.get_by_role("alert")
            await expect(summary).to_contain_text("Enter a correct email address and password")
            assert (await page.title()).startswith("Error:")
            await assert_accessible(page)
            await page.get_by_label("Password", exact=True).fill(PASSWORD)
            await page.get_by_label("Password", exact=True).press("Enter")
            await expect(page.get_by_text("Signed in as Sam Patel")).to_be_visible()
            await assert_accessible(page)
            await page.get_by_role("button", name="Sign out").click()
            await expect(page.get_by_role("heading", name="Sign in to Tandem")).to_be_visible()
