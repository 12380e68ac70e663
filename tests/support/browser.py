"""Headless Debian Chromium driven by Playwright (its own browser download cannot work here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.databases import in_ci

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying hosts this closed network
# refuses; --no-sandbox because tests run as root.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
    if in_ci():
        pytest.fail(reason)
    pytest.skip(reason)


@asynccontextmanager
async def chromium_page(width: int = 420, height: int = 820) -> AsyncIterator[Any]:
    need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        try:
            context = await browser.new_context(viewport={"width": width, "height": height})
            yield await context.new_page()
        finally:
            await browser.close()


# WCAG 2.2 AA, the standard UK public-sector sites are held to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


async def axe_problems(page: Any) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now, one line each."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in ("serious", "critical"):
            targets = [str(node.get("target")) for node in violation.get("nodes", [])][:3]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}"
            )
    return found


async def assert_accessible(page: Any) -> None:
    problems = await axe_problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)
