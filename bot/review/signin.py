"""Signing in and out, and choosing a new password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bot.review import auth
from bot.review.access import staff_of
from bot.review.security import (
    safe_next,
    set_session_cookie,
    set_signin_csrf,
    signin_csrf,
    signin_csrf_ok,
)
from bot.review.web import config, render
from storage.audit import record

router = APIRouter()

WRONG = "Enter a correct email address and password"
LOCKED = (
    "You entered a wrong password too many times. Wait 15 minutes and try again, or ask your "
    "Tandem administrator for help"
)


def _form(
    request: Request, *, email: str = "", next_url: str = "/", error: str | None = None
) -> Response:
    token = signin_csrf(request)
    errors = {"email": error} if error else {}
    response = render(
        request,
        "sign_in.html",
        {
            "title": "Sign in",
            "signin_token": token,
            "next": safe_next(next_url),
            "email": email,
            "errors": errors,
            "error_summary": [{"text": error, "href": "#email"}] if error else [],
        },
        status=400 if error else 200,
    )
    set_signin_csrf(request, response, token)
    return response


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str = "/") -> Response:
    return _form(request, next_url=next)


@router.post("/sign-in")
async def sign_in(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    if not signin_csrf_ok(request, csrf_token):
        return _form(
            request, email=email, next_url=next, error="Your sign-in form expired. Try again"
        )
    if not email.strip() or not password:
        return _form(request, email=email, next_url=next, error=WRONG)
    cfg = config(request)
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        result = await auth.check_password(session, email[:320], password[:500], now)
        if result.outcome != "ok" or result.staff is None:
            if result.staff is not None:
                record(
                    session,
                    actor=f"staff:{result.staff.id}",
                    action=f"sign_in_{result.outcome}",
                    person_id=None,
                )
            error = LOCKED if result.outcome == "locked" else WRONG
            failed = (result.outcome, error)
        else:
            failed = None
            token, _ = await auth.start_session(session, result.staff, now, cfg.session_hours)
            record(session, actor=f"staff:{result.staff.id}", action="sign_in", person_id=None)
    if failed is not None:
        return _form(request, email=email, next_url=next, error=failed[1])
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, token, cfg.session_hours)
    response.delete_cookie("tandem_signin_csrf", path="/sign-in")
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    async with cfg.db.transaction() as session:
        await auth.end_session(session, request.state.session_token)
        record(session, actor=f"staff:{staff.id}", action="sign_out", person_id=None)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


def _password_form(request: Request, errors: dict[str, str], status: int = 200) -> Response:
    order = ("current", "new")
    return render(
        request,
        "password.html",
        {
            "title": "Choose a new password",
            "errors": errors,
            "error_summary": [{"text": errors[k], "href": f"#{k}"} for k in order if k in errors],
        },
        status=status,
    )


@router.get("/account/password")
async def password_page(request: Request) -> Response:
    return _password_form(request, {})


@router.post("/account/password")
async def change_password(
    request: Request,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    errors: dict[str, str] = {}
    if not current:
        errors["current"] = "Enter your current password"
    problem = auth.password_problem(new, email=staff.email) if new else "Enter a new password"
    if problem:
        errors["new"] = problem
    elif new == current:
        errors["new"] = "Your new password must be different from your current one"
    if errors:
        return _password_form(request, errors, 400)
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        result = await auth.check_password(session, staff.email, current, now)
        if result.outcome != "ok" or result.staff is None:
            wrong = True
        else:
            wrong = False
            fresh = result.staff
            fresh.password_hash = auth.hash_password(new)
            fresh.must_change_password = False
            session.add(fresh)
            assert fresh.id is not None
            await auth.end_all_sessions(session, fresh.id)
            token, _ = await auth.start_session(session, fresh, now, cfg.session_hours)
            record(session, actor=f"staff:{fresh.id}", action="password_changed", person_id=None)
    if wrong:
        return _password_form(request, {"current": "Your current password is not right"}, 400)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, token, cfg.session_hours)
    return response
