"""A member of staff's own account: whether they get emails when someone on their caseload
shares answers, raises a flag or asks for a call, and the way to a new password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bot.review.access import ROLES, audited, sees_people, staff_of
from bot.review.web import config, render
from storage.models import Organisation, Staff

router = APIRouter()

DONE = {"on": "Emails switched on", "off": "Emails switched off"}


def _page(
    request: Request, member: Staff, organisation: str, *, error: str | None = None
) -> Response:
    return render(
        request,
        "account.html",
        {
            "title": "Your account",
            "section": "account",
            "member": member,
            "organisation": organisation,
            "role": ROLES.get(member.role, member.role),
            "sees_people": sees_people(member),
            "done": DONE.get(request.query_params.get("done", "")) if not error else None,
            "error": error,
            "error_summary": [{"text": error, "href": "#notify"}] if error else [],
        },
        status=400 if error else 200,
    )


async def _fresh(request: Request) -> tuple[Staff, str]:
    staff = staff_of(request)
    async with config(request).db.transaction() as session:
        member = await session.get(Staff, staff.id)
        assert member is not None
        org = await session.get(Organisation, member.organisation_id)
    return member, org.name if org else ""


@router.get("/account")
async def account_page(request: Request) -> Response:
    member, organisation = await _fresh(request)
    return _page(request, member, organisation)


@router.post("/account")
async def change_account(request: Request, notify: Annotated[str, Form()] = "") -> Response:
    staff = staff_of(request)
    if notify not in ("yes", "no"):
        member, organisation = await _fresh(request)
        return _page(request, member, organisation, error="Select whether you want emails")
    async with config(request).db.transaction() as session:
        row = await session.get(Staff, staff.id)
        assert row is not None
        row.notify_by_email = notify == "yes"
        session.add(row)
        audited(session, staff, "account_emails", None, notify_by_email=row.notify_by_email)
    return RedirectResponse(f"/account?done={'on' if notify == 'yes' else 'off'}", 303)
