"""What a newcomer does after `make demo`: play good day / bad day in the browser chat page,
against the real Tandem, then see the answers in the export."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.support.browser import chromium_page
from tests.support.tandem import Harness

pytestmark = pytest.mark.browser

ANSWERS = [
    "Walking the dog by the canal",
    "Outside, by the water",
    "My sister",
    "I feel calm",
    "Everything goes wrong at once",
    "Too much noise",
    "Music",
    "Having a routine",
]


async def _say(page: Page, text: str) -> None:
    box = page.get_by_label("Message", exact=True)
    await box.fill(text)
    await box.press("Enter")


async def _bot_says(page: Page, text: str) -> None:
    await expect(page.locator("#messages li.msg.in").filter(has_text=text).last).to_be_visible(
        timeout=10_000
    )


async def test_newcomer_plays_good_day_bad_day_in_the_browser(
    tandem: Harness, tmp_path: Path
) -> None:
    invitation = await tandem.invite("Alex Demo")
    bot_id = tandem.running.bot.id
    url = f"{tandem.sandbox.url}/chat?bot={bot_id}&user=771001&name=Alex&start={invitation.code}"
    async with chromium_page() as page:
        await page.goto(url)
        # Before START, Telegram's "What can this bot do?" shows the bot's own description.
        await expect(page.locator("#empty-description")).to_contain_text(
            "Tandem is for people working with a probation team", timeout=10_000
        )
        await page.get_by_role("button", name="START").click()
        await _bot_says(page, "Nobody watches this chat all the time")
        await page.get_by_role("button", name="OK, let's start").click()
        await _bot_says(page, "What would you like to do?")
        await page.get_by_role("button", name="Good day, bad day").click()
        await _bot_says(page, "Think of a good day")
        for answer, next_question in zip(
            ANSWERS,
            [
                "Where are you on a good day",
                "Who is with you on a good day",
                "What makes that day a good one",
                "Now think of a hard day",
                "What makes a day like that hard",
                "When a day starts to go wrong",
                "What would help you have more good days",
                "one thing you'd like your probation officer to help with",
            ],
            strict=True,
        ):
            await _say(page, answer)
            await _bot_says(page, next_question)
        await page.get_by_role("button", name="Yes").last.click()
        await _bot_says(page, "What would you like help with")
        # The pressed button is shown under its question, and the buttons are gone.
        await _bot_says(page, "✔ Yes")
        await _say(page, "Getting back into work")
        await _bot_says(page, "Here are your answers")
        await page.get_by_role("button", name="Share with my probation officer").click()
        await _bot_says(page, "That's it for Good day, bad day")
        if os.environ.get("TANDEM_SCREENSHOTS"):
            await page.screenshot(
                path=str(Path(os.environ["TANDEM_SCREENSHOTS"]) / "good-day-chat.png"),
                full_page=False,
            )

    stored = await tandem.answers(invitation.person_id)
    assert [v for _, v in stored] == [*ANSWERS, "yes", "Getting back into work"]
