"""Security for every response and every form: headers, a script nonce, sign-in required,
and CSRF tokens.

- Every page but sign-in and the static files needs a signed-in member of staff; anyone else
  is sent to sign in (HTML) or refused (anything else).
- Every POST carries `csrf_token`: the session's own token once signed in, or, on the sign-in
  form itself, a random value that must match a cookie set with the form.
- Pages about people are never stored by the browser or a proxy (`no-store`).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.middleware.base import BaseHTTPMiddleware

from bot.review import auth
from bot.review.web import config

PUBLIC = ("/sign-in", "/healthz", "/static/", "/assets/", "/favicon.ico")
SIGNIN_CSRF_COOKIE = "tandem_signin_csrf"
MAX_ID = 2**31 - 1
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]", "testserver")


def secure_cookies(request: Request) -> bool:
    """Cookies are Secure except over plain http on this machine (the demo and tests): a browser
    would not send a Secure cookie back over http from any other host."""
    if request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https":
        return True
    return (request.url.hostname or "") not in LOOPBACK


def _headers(response: Response, nonce: str, path: str) -> None:
    h = response.headers
    h.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; media-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not path.startswith(("/static/", "/assets/")):
        h["Cache-Control"] = "no-store"
        h["Pragma"] = "no-cache"


class SecurityMiddleware(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.nonce = secrets.token_urlsafe(16)
        request.state.staff = None
        path = request.url.path
        response = await self._signed_in(request, call_next, path)
        _headers(response, request.state.nonce, path)
        return response

    async def _signed_in(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]], path: str
    ) -> Response:
        cfg = config(request)
        if path.startswith(PUBLIC) or path in cfg.public_paths:
            return await call_next(request)
        token = request.cookies.get(auth.COOKIE, "")
        now = cfg.clock()
        async with cfg.db.transaction() as session:
            found = await auth.session_for(session, token, now, timedelta(minutes=cfg.idle_minutes))
        if found is None:
            if request.method == "GET":
                target = path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/sign-in?next={quote(target)}", status_code=303)
            return PlainTextResponse("Your session has ended. Please sign in again.", 401)
        row, staff = found
        request.state.staff = staff
        request.state.csrf_token = row.csrf_token
        request.state.session_token = token
        if staff.must_change_password and path not in ("/account/password", "/sign-out"):
            return RedirectResponse("/account/password", status_code=303)
        return await call_next(request)


class BadForm(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=400, detail="bad_form")


async def check_ids(request: Request) -> None:
    """An app-wide dependency: an id in the address beyond the database's integer range names
    nothing (PostgreSQL would refuse the query outright), so it is "not found" like any other."""
    for value in request.path_params.values():
        text = str(value)
        if text.isascii() and text.isdigit() and int(text) > MAX_ID:
            raise HTTPException(status_code=404)


async def check_csrf(request: Request) -> None:
    """An app-wide dependency: every POST of a signed-in page carries the session's token.
    (FastAPI keeps the parsed form on the request, so the route reads it again for free.)"""
    path = request.url.path
    if request.method != "POST" or path == "/sign-in" or path in config(request).public_paths:
        return
    expected = getattr(request.state, "csrf_token", "")
    form = await request.form()
    if not expected or not hmac.compare_digest(str(form.get("csrf_token", "")), expected):
        raise BadForm()


def signin_csrf(request: Request) -> str:
    """The sign-in form's token: reuse the cookie's value if the browser has one."""
    token = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    return token if 20 <= len(token) <= 100 else secrets.token_urlsafe(32)


def signin_csrf_ok(request: Request, submitted: str) -> bool:
    cookie = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie, submitted)


def set_signin_csrf(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SIGNIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/sign-in",
    )


def set_session_cookie(request: Request, response: Response, token: str, hours: int) -> None:
    response.set_cookie(
        auth.COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=hours * 3600,
        path="/",
    )


def safe_next(target: str | None) -> str:
    """Only ever back into this site after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
