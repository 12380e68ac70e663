"""The case managers' web app: FastAPI + Jinja2, server-rendered, works without JavaScript,
built from GOV.UK Frontend's components.

Each part of it is a router of its own (sign-in, caseload, a person, review actions, the plan,
the brief, invites, exports, media, admin); this module puts them together with the security
middleware and the error pages. It never calls Telegram: messages to people go to the outbox.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.review import (
    account,
    admin,
    assignments,
    brief,
    caseload,
    checkins,
    exports,
    invites,
    media,
    person,
    plan,
    reviewing,
    signin,
)
from bot.review.security import SecurityMiddleware, check_csrf, check_ids
from bot.review.web import HERE, ReviewConfig, render

PROBLEMS = {
    400: (
        "This form has expired",
        "The page was open too long or was sent from somewhere else. Go back, reload the page "
        "and try again.",
    ),
    403: ("You cannot open this page", "Your account does not give access to it."),
    404: (
        "Page not found",
        "There is nothing here, or it is not on your caseload. Check the address, or go back "
        "to your caseload.",
    ),
    405: ("Page not found", "There is nothing here. Go back to your caseload."),
    422: ("Page not found", "The address is not right. Go back to your caseload."),
    500: (
        "Sorry, there is a problem with Tandem",
        "Nothing you entered has been lost. Try again in a few minutes.",
    ),
}


def create_app(config: ReviewConfig) -> FastAPI:
    app = FastAPI(
        title="Tandem",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(check_ids), Depends(check_csrf)],
    )
    app.state.review = config
    app.add_middleware(SecurityMiddleware)
    static = HERE / "static"
    app.mount("/static", StaticFiles(directory=static, check_dir=False), name="static")
    app.mount("/assets", StaticFiles(directory=static / "govuk" / "assets", check_dir=False))

    for module in (
        signin,
        caseload,
        # Before `person`: its /people/{person_id} would otherwise take /people/new.
        invites,
        person,
        assignments,
        checkins,
        reviewing,
        plan,
        brief,
        exports,
        media,
        admin,
        account,
    ):
        app.include_router(module.router)

    @app.get("/healthz")
    async def health() -> JSONResponse:
        return JSONResponse({"ok": True})

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (301, 302, 303, 307) and exc.headers:
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        return _problem(request, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return _problem(request, 422 if request.method == "GET" else 400)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        return _problem(request, 500)

    return app


def _problem(request: Request, status: int) -> Response:
    title, message = PROBLEMS.get(status, PROBLEMS[404])
    if request.url.path.startswith(("/static/", "/assets/")):
        return Response(status_code=status)
    return render(request, "problem.html", {"title": title, "message": message}, status=status)
