"""At the worst moment, on a phone-size screen: a newcomer types a worrying message in the middle
of a tool, in the sandbox chat page, and the helplines and the short choice are what the screen
shows last, with no next question below them."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import chromium_page, shot
from tests.support.tandem import Harness

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


async def _say(page: Page, text: str) -> None:
    box = page.get_by_label("Message", exact=True)
    await box.fill(text)
    await box.press("Enter")


def _bot(page: Page, text: str):  # noqa: ANN202 - a Playwright locator
    return page.locator("#messages li.msg.in").filter(has_text=text).last


async def test_helplines_stay_on_screen_with_the_choice_last(tandem: Harness) -> None:
    invitation = await tandem.invite("Charlie Demo")
    bot_id = tandem.running.bot.id
    url = f"{tandem.sandbox.url}/chat?bot={bot_id}&user=771002&name=Charlie&start={invitation.code}"
    async with chromium_page(**PHONE) as page:
        await page.goto(url)
        await page.get_by_role("button", name="START").click()
        await expect(_bot(page, "One thing is always passed on")).to_be_visible(timeout=10_000)
        await page.get_by_role("button", name="OK, let's start").click()
        await page.get_by_role("button", name="Good day, bad day").click()
        await expect(_bot(page, "Think of a good day")).to_be_visible(timeout=10_000)
        for answer, question in (
            ("Seeing my kids", "Where are you on a good day"),
            ("At the park", "Who is with you on a good day"),
            ("My sister", "What makes that day a good one"),
        ):
            await _say(page, answer)
            await expect(_bot(page, question)).to_be_visible(timeout=10_000)
        await _say(page, "gonna end it")
        choice = _bot(page, "What would you like to do now?")
        await expect(choice).to_be_visible(timeout=10_000)
        await expect(choice.get_by_role("button", name="I'd like a call")).to_be_visible()
        # Let anything else that might come arrive: the outbox is empty once all is sent.
        await tandem_settled(tandem)
        await shot(page, "crisis-mid-tool-phone")
        helplines = _bot(page, "Samaritans: call 116 123")
        await expect(helplines).to_be_in_viewport()
        await expect(choice).to_be_in_viewport()
        for label in ("Carry on with Good day, bad day later", "I'd like a call", "I'm OK"):
            await expect(choice.get_by_role("button", name=label)).to_be_in_viewport()
        last = page.locator("#messages li.msg").last
        await expect(last).to_contain_text("What would you like to do now?")
        await expect(
            page.locator("#messages li.msg.in", has_text="Now think of a hard day")
        ).to_have_count(0)
        await expect(
            page.locator("#messages li.msg.in", has_text="It helps to know")
        ).to_have_count(0)


async def tandem_settled(tandem: Harness) -> None:
    import asyncio

    from storage import outbox

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while await outbox.pending_count(tandem.db):
        assert loop.time() < deadline
        await asyncio.sleep(0.05)
