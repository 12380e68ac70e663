"""Headless Debian Chromium driven by Playwright (its own browser download cannot work here)."""

from __future__ import annotations

import os
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


# Full-page screenshots of what the browser tests saw, for a person to look at (never
# committed): only when TANDEM_SHOTS=1.
SHOTS = Path("/tmp/shots")


async def shot(page: Any, name: str) -> None:
    if os.environ.get("TANDEM_SHOTS") != "1":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def tab_to(page: Any, target: Any, most: int = 80) -> int:
    """Press Tab from where the focus is until `target` (a locator) has it; how many presses.
    Fails if it is not reached: then it is not reachable with the keyboard."""
    for presses in range(1, most + 1):
        await page.keyboard.press("Tab")
        if await target.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"{target} was not reached with {most} presses of Tab")


FOCUS_PROPERTIES = (
    "outline-style",
    "outline-width",
    "outline-color",
    "background-color",
    "box-shadow",
    "border-color",
    "color",
)


async def looks(target: Any) -> dict[str, str]:
    """The computed styles that show where the keyboard focus is (GOV.UK's yellow focus)."""
    found: dict[str, str] = await target.evaluate(
        "(el, names) => { const s = getComputedStyle(el);"
        " return Object.fromEntries(names.map(n => [n, s.getPropertyValue(n)])); }",
        list(FOCUS_PROPERTIES),
    )
    return found


async def assert_reached_with_visible_focus(page: Any, target: Any) -> None:
    """On a page just opened (the focus at its start), Tab reaches `target`, and its look
    changes once focused (WCAG 2.4.7): an outline appears or the background changes."""
    before = await looks(target)
    await tab_to(page, target)
    after = await looks(target)
    outline = (
        after["outline-style"] != "none"
        and after["outline-width"] not in ("0px", "")
        and after["outline-color"] not in ("transparent", "rgba(0, 0, 0, 0)")
    )
    assert after != before and (
        outline
        or after["background-color"] != before["background-color"]
        or after["box-shadow"] != before["box-shadow"]
    ), f"no visible focus on {target}: {before} -> {after}"
