"""The browser pages: an index of chats and a Telegram-like chat page (static, no build step)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
# The pages are tiny and change during development; never let a browser serve a stale copy.
NO_CACHE = {"Cache-Control": "no-store"}


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers=NO_CACHE)


async def chat(request: Request) -> Response:
    return FileResponse(STATIC / "chat.html", headers=NO_CACHE)


async def deep_link(request: Request) -> Response:
    """t.me/<bot>?start=CODE, as Telegram would open it.

    With a `name` the chat opens straight away; without one, the index asks for a name with
    the code already filled in.
    """
    code = request.query_params.get("start") or request.path_params.get("code") or ""
    name = request.query_params.get("name")
    if name:
        return RedirectResponse(
            "/chat?" + urlencode({"name": name, "start": code}), status_code=302
        )
    target = "/?" + urlencode({"start": code}) if code else "/"
    return RedirectResponse(target, status_code=302)


async def favicon(request: Request) -> Response:
    return RedirectResponse("/sandbox/static/favicon.svg", status_code=301)


routes = [
    Route("/", index, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
    Route("/chat", chat, methods=["GET"]),
    Route("/t.me/{bot_username}", deep_link, methods=["GET"]),
    Route("/start/{code}", deep_link, methods=["GET"]),
    Mount("/sandbox/static", StaticFiles(directory=STATIC), name="static"),
]
