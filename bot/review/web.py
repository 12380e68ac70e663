"""What every page shares: the templates (ours, then GOV.UK Frontend's macros), the clock and
database on the app, and `render`, which gives each page the signed-in member of staff, the
form token and the script nonce."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)

from bot.conversations.catalogue import Catalogue
from storage.db import Database
from storage.types import utcnow

HERE = Path(__file__).parent
# Staff read times in UK time whatever the server's zone.
UK = ZoneInfo("Europe/London")


@dataclass
class ReviewConfig:
    """What the review app is given by whoever runs it (`tandem serve`, the demo, tests)."""

    db: Database
    catalogue: Catalogue | None = None
    # Fetches a voice note or photo by Telegram file id, through the bot (see media.py).
    fetch_media: Callable[[str], Any] | None = None
    bot_username: str | None = None
    invite_days: int = 14
    clock: Callable[[], datetime] = utcnow
    # Wakes the outbox sender when the app has queued a message (e.g. a plan item).
    on_queued: Callable[[], None] | None = None
    # Signed-in sessions end after this long without a page being opened, and in any case
    # after `session_hours`.
    # Routes served by the same web server that are not pages for staff (the Telegram webhook):
    # no sign-in, no form token. They check their own secret.
    public_paths: tuple[str, ...] = ()
    idle_minutes: int = 60
    session_hours: int = 10
    extra: dict[str, Any] = field(default_factory=dict)


def uk_time(value: datetime | None, fmt: str = "%-d %B %Y, %-I:%M%p") -> str:
    if value is None:
        return ""
    text = value.astimezone(UK).strftime(fmt)
    return text.replace("AM", "am").replace("PM", "pm")


def uk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UK).date()
    return value.strftime("%-d %B %Y")


def _environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(str(HERE / "templates")),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(("html", "xml"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["uk_time"] = uk_time
    env.filters["uk_date"] = uk_date
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def config(request: Request) -> ReviewConfig:
    cfg: ReviewConfig = request.app.state.review
    return cfg


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """A page. `request.state` carries what the middleware and sign-in learned."""
    ctx: dict[str, Any] = {
        "staff": getattr(request.state, "staff", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "cspNonce": getattr(request.state, "nonce", ""),
        "now": config(request).clock(),
    }
    ctx.update(context or {})
    return TEMPLATES.TemplateResponse(request, template, ctx, status_code=status)
